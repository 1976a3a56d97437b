"""Home: the officer's work queues (received today, due today, overdue, waiting for supplement, ready to return)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Static
from textual.worker import Worker

from screens.common import OneStopScreen, error_text, fmt_date, fmt_short
from screens.widgets.columns import Col, Forms, procedure_label
from screens.widgets.footer import CounterFooter
from screens.widgets.status_bar import StatusBar
from screens.widgets.table import CounterTable

if TYPE_CHECKING:
    from onestop.domain import DossierSummary

QUEUES = (
    ("received_today", "Nhận hôm nay"),
    ("due_today", "Đến hạn hôm nay"),
    ("overdue", "Quá hạn"),
    ("supplement", "Chờ bổ sung"),
    ("ready_to_return", "Chờ trả kết quả"),
)

COLUMNS = (
    Col("Mã hồ sơ"),
    Col("Người nộp", give=7, floor=14),
    Col("Trạng thái", give=8, floor=10),
    Col("Hẹn trả", give=5, floor=10),
    Col("Thủ tục", give=4, floor=10, drop=True, early=(0, 28)),
    Col("Nhận lúc", give=1, drop=True),
)
"""By priority (see screens.widgets.columns): the procedure is cut to 28 cells, then the reception time drops, then
the procedure is cut further with "…", the due date loses its hour, the name is cut; only then does the procedure
drop."""


class HomeScreen(OneStopScreen):
    """Counts and a list per queue, plus this workstation's sync state; Enter opens a dossier."""

    CSS_PATH = "home.tcss"
    HELP_TITLE = "Trang chính"
    BINDINGS = [
        Binding("1", "queue(0)", "Nhận hôm nay", show=False, tooltip="Hồ sơ nhận hôm nay", id="home.queue-1"),
        Binding("2", "queue(1)", "Đến hạn", show=False, tooltip="Hồ sơ đến hạn hôm nay", id="home.queue-2"),
        Binding("3", "queue(2)", "Quá hạn", show=False, tooltip="Hồ sơ quá hạn", id="home.queue-3"),
        Binding("4", "queue(3)", "Chờ bổ sung", show=False, tooltip="Hồ sơ chờ bổ sung", id="home.queue-4"),
        Binding("5", "queue(4)", "Chờ trả", show=False, tooltip="Hồ sơ chờ trả kết quả", id="home.queue-5"),
        Binding("left", "shift_queue(-1)", "Hàng trước", show=False, tooltip="Hàng đợi bên trái", id="home.prev"),
        Binding("right", "shift_queue(1)", "Hàng sau", show=False, tooltip="Hàng đợi bên phải", id="home.next"),
        Binding("r", "reload", "Làm mới", tooltip="Đọc lại số liệu", id="home.reload"),
        Binding("enter", "open", "Mở hồ sơ", tooltip="Mở hồ sơ đang chọn", id="home.open"),
    ]

    class Loaded(Message):
        """The queue counts and the selected queue's rows, read by the worker."""

        def __init__(self, counts: dict[str, int], rows: list[DossierSummary], draft: str = "") -> None:
            super().__init__()
            self.counts, self.rows = counts, rows
            self.draft = draft
            """Who and what an unfinished intake (kept after Esc, a lock or a crash) was for; empty if none."""

    def __init__(self) -> None:
        super().__init__()
        self.selected = 0
        """Index into QUEUES of the queue listed below the counts."""
        self.counts: dict[str, int] | None = None
        self.rows: list[tuple[str, tuple[Any, ...]]] = []
        """The queue's rows in full; the table shows them fitted to its width."""

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Vertical(id="home-body"):
            yield Label("HÀNG ĐỢI CÔNG VIỆC", id="home-title")
            with Horizontal(id="home-counts"):
                for name, label in QUEUES:
                    yield Static(f"{label}\n—", id=f"count-{name}", classes="count-box")
            yield Static("", id="home-draft")
            yield Label("", id="home-queue-title", classes="section-title")
            yield CounterTable(id="home-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="home-sync")
        yield CounterFooter()

    def on_mount(self) -> None:
        table = self.query_one(CounterTable)
        # by priority from the left: at 100 (or 80) columns what is cut is the procedure's tail and the reception time
        table.set_columns(c.label for c in COLUMNS)
        self._mark_selected()
        self.sync_status_changed()
        self.reload()

    def on_screen_resume(self) -> None:
        """Back from a dossier, an intake or search: what was done there changed the queues, so read them again."""
        if self.counts is not None:
            self.reload()

    def reload(self) -> None:
        """Read counts and the selected queue in a worker (on mount, on resume, F4, `r`).

        The officer is read here, on the UI thread: a log-out or switch of officer may resume this screen on its
        way to the login screen, and then there is nobody to read queues for."""
        app = self.onestop
        if not app.logged_in:
            return
        self._load(QUEUES[self.selected][0], app.officer.username)

    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="home", exit_on_error=False, description="Đọc hàng đợi")
    def _load(self, queue_name: str, username: str) -> None:
        app = self.onestop
        search, now = app.services.search, app.now()
        counts, rows = search.queue_counts(now=now), search.queue(queue_name, limit=100, now=now)
        self.post_message(self.Loaded(counts, rows, draft_summary(app.services.intake.load_draft(username))))

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        """Shown plainly above the list; the queues are informative, never blocking."""
        message = error_text(error, "Không đọc được hàng đợi")
        self.query_one("#home-queue-title", Label).update(message)
        super().worker_failed(worker, error)

    @on(Loaded)
    def _apply(self, message: Loaded) -> None:
        self.counts = counts = message.counts
        for name, label in QUEUES:
            self.query_one(f"#count-{name}", Static).update(f"{label}\n{counts.get(name, '—')}")
        self.rows = [
            (
                row.code,
                (
                    row.code,
                    _short(row.applicant_name, 24),
                    row.status.label,
                    Forms((fmt_short(row.due_at), fmt_date(row.due_at))),
                    _short(procedure_label(row.procedure_name or row.procedure_code), 40),
                    fmt_short(row.received_at),
                ),
            )
            for row in message.rows
        ]
        self._show_rows()
        hint = self.query_one("#home-draft", Static)
        hint.update(f"Có hồ sơ đang nhập dở ({message.draft}): nhấn F2 để nhập tiếp." if message.draft else "")
        hint.display = bool(message.draft)
        title = f"{QUEUES[self.selected][1]} — phím 1–5 hoặc ←/→ để đổi hàng đợi, Enter để mở hồ sơ"
        self.query_one("#home-queue-title", Label).update(title)

    def _show_rows(self, keep_cursor: bool = False) -> None:
        """Fill the table from `rows`, its columns fitted to its width by priority (see COLUMNS)."""
        self.query_one(CounterTable).fill_fitted(COLUMNS, self.rows, self.app.size.width - 2, keep_cursor=keep_cursor)

    def on_resize(self) -> None:
        if self.counts is not None:
            self.call_after_refresh(self._show_rows, True)

    def _mark_selected(self) -> None:
        for index, (name, _) in enumerate(QUEUES):
            self.query_one(f"#count-{name}", Static).set_class(index == self.selected, "-selected")

    def action_queue(self, index: int) -> None:
        self.selected = index
        self._mark_selected()
        self.reload()

    def action_shift_queue(self, step: int) -> None:
        self.action_queue((self.selected + step) % len(QUEUES))

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return
        code = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if code:
            self.onestop.open_dossier(code)

    def sync_status_changed(self) -> None:
        """Repaint the sync panel from the app's last status reading."""
        app = self.onestop
        panel = self.query_one("#home-sync", Static)
        panel.update(f"Máy trạm — {app.sync_text}" + ("  ⚠ TỒN ĐỌNG QUÁ HẠN" if app.sync_late else ""))
        panel.set_class(app.sync_late, "-late")


def draft_summary(draft: dict[str, Any] | None) -> str:
    """`Trần Văn Cường; 1.001193` for a kept intake draft, empty when there is none."""
    if not draft:
        return ""
    who = (draft.get("inputs") or {}).get("full_name") or "chưa có tên"
    return f"{who}; {draft.get('procedure_code') or 'chưa chọn thủ tục'}"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
