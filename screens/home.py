"""Home: the officer's work queues (received today, due today, overdue, waiting for supplement, ready to return)."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static

from screens.common import attr, fmt_short, optional_service
from screens.widgets.status_bar import StatusBar

QUEUES = (
    ("received_today", "Nhận hôm nay"),
    ("due_today", "Đến hạn hôm nay"),
    ("overdue", "Quá hạn"),
    ("supplement", "Chờ bổ sung"),
    ("ready_to_return", "Chờ trả kết quả"),
)


class HomeScreen(Screen[None]):
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

    def __init__(self) -> None:
        super().__init__()
        self.selected = 0
        """Index into QUEUES of the queue listed below the counts."""
        self.loaded = asyncio.Event()
        """Set once counts and the list are on screen (the bench times this)."""
        self.counts: dict[str, int] | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Vertical(id="home-body"):
            yield Label("HÀNG ĐỢI CÔNG VIỆC", id="home-title")
            with Horizontal(id="home-counts"):
                for name, label in QUEUES:
                    yield Static(f"{label}\n—", id=f"count-{name}", classes="count-box")
            yield Label("", id="home-queue-title", classes="section-title")
            yield DataTable(id="home-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="home-sync")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Mã hồ sơ", "Người nộp", "Thủ tục", "Nhận lúc", "Hẹn trả", "Trạng thái")
        self._mark_selected()
        self.sync_status_changed()
        self.reload()

    def on_screen_resume(self) -> None:
        """Back from a dossier, an intake or search: what was done there changed the queues, so read them again."""
        if self.counts is not None or self.loaded.is_set():
            self.reload()

    def reload(self) -> None:
        """Read counts and the selected queue in a worker (on mount, on resume, F4, `r`)."""
        self.loaded.clear()  # `loaded` means "the rows on screen are the latest read", for tests and the bench
        self._load(QUEUES[self.selected][0])

    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="home", exit_on_error=False, description="Đọc hàng đợi")
    def _load(self, queue_name: str) -> None:
        app: Any = self.app
        search = optional_service(app.services, "search")
        counts: dict[str, int] | None = None
        rows: list[Any] | None = None
        error = ""
        try:
            if search is not None and hasattr(search, "queue_counts"):
                counts = search.queue_counts(now=app.now())
            if search is not None and hasattr(search, "queue"):
                try:
                    rows = search.queue(queue_name, limit=100, now=app.now())
                except TypeError:  # an older signature without `now`
                    rows = search.queue(queue_name, limit=100)
        except Exception as exc:  # shown plainly; the queues are informative, never blocking
            error = getattr(exc, "message", "") or f"Không đọc được hàng đợi ({type(exc).__name__})."
        app.call_from_thread(self._apply, counts, rows, error)

    def _apply(self, counts: dict[str, int] | None, rows: list[Any] | None, error: str) -> None:
        self.counts = counts
        for name, label in QUEUES:
            value = "—" if counts is None or name not in counts else str(counts[name])
            self.query_one(f"#count-{name}", Static).update(f"{label}\n{value}")
        table = self.query_one(DataTable)
        table.clear()
        for row in rows or []:
            status = attr(row, "status", default="")
            table.add_row(
                attr(row, "code", default=""),
                attr(row, "applicant_name", "applicant", default=""),
                _short(attr(row, "procedure_name", "procedure_code", default=""), 40),
                fmt_short(attr(row, "received_at")),
                fmt_short(attr(row, "due_at")),
                getattr(status, "label", str(status)),
                key=attr(row, "code", default=None),
            )
        title = f"{QUEUES[self.selected][1]} — phím 1–5 hoặc ←/→ để đổi hàng đợi, Enter để mở hồ sơ"
        if rows is None:
            title += " (chức năng hàng đợi chưa sẵn sàng)"
        self.query_one("#home-queue-title", Label).update(error or title)
        self.call_after_refresh(self.loaded.set)

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
            app: Any = self.app
            app.open_dossier(code)

    def sync_status_changed(self) -> None:
        """Repaint the sync panel from the app's last status reading."""
        app: Any = self.app
        panel = self.query_one("#home-sync", Static)
        panel.update(f"Máy trạm — {app.sync_text}" + ("  ⚠ TỒN ĐỌNG QUÁ HẠN" if app.sync_late else ""))
        panel.set_class(app.sync_late, "-late")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
