"""The access log for leaders: who viewed, created, changed, printed, exported or synced what, and when.

Read-only by design: the screen offers paging, filters and a CSV export, never an edit or a delete.

The list's columns fit the terminal's width (screens.widgets.columns): time, officer, action and dossier code stay
whole, the detail is cut with "…" to the room left; the box below the list says the highlighted entry whole, and
Enter opens an entry too long for the box.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, Label, Static

from screens.common import OneStopScreen, fmt_short
from screens.widgets.columns import Col, Forms
from screens.widgets.table import CounterTable

PAGE_SIZE = 100

COLUMNS = (
    Col("Thời gian", give=4, floor=11),
    Col("Cán bộ"),
    Col("Việc", give=5, floor=12),
    Col("Mã hồ sơ"),
    Col("Chi tiết", give=3, floor=8),
)
"""On a narrow terminal the detail is cut first, to the room left (the box below the list says the highlighted entry
whole), then the time loses its year, and only then is a long action cut; the officer and the code are never cut."""
DETAIL_LINES = 4
"""Lines the box below the list gives the highlighted entry; a longer one ends with "Enter: xem cả mục"."""

ACTION_LABELS = {
    "dossier.create": "Tiếp nhận",
    "dossier.view": "Xem",
    "dossier.transition": "Chuyển trạng thái",
    "dossier.apology": "Xin lỗi, hẹn lại",
    "dossier.export": "Xuất dữ liệu",
    "login": "Đăng nhập",
    "login.failed": "Đăng nhập sai",
    "catalog.import": "Nạp danh mục",
    "calendar.set": "Sửa lịch",
    "backup.create": "Sao lưu",
    "backup.auto": "Sao lưu tự động",
    "backup.restore": "Khôi phục",
    "privacy.purge": "Xóa theo thời hạn",
    "privacy.export": "Cung cấp dữ liệu",
    "audit.export": "Xuất nhật ký",
    "officer.create": "Thêm cán bộ",
    "officer.activate": "Mở khóa cán bộ",
    "officer.deactivate": "Khóa cán bộ",
    "form.render": "Lập phiếu",
    "form.print": "In phiếu",
    "form.print_failed": "In phiếu không được",
    "sync.run": "Đồng bộ",
    "sync.pull": "Nhận từ tỉnh",
    "sync.retry": "Gửi lại",
    "sync.retry_all": "Gửi lại tất cả",
    "sync.resolve": "Xử lý xung đột",
    "logout": "Đăng xuất",
    "session.login": "Đăng nhập (dòng lệnh)",
    "session.logout": "Đăng xuất (dòng lệnh)",
    "session.expired": "Hết phiên",
    "setup": "Cài đặt ban đầu",
    "login.refused": "Từ chối đăng nhập",
    "officer.locked": "Tạm khóa do sai mật khẩu",
    "officer.unlock": "Mở khóa đăng nhập",
    "dossier.official_code": "Nhận mã hồ sơ của tỉnh",
    "dossier.rate": "Ghi mức hài lòng",
    "dossier.result_file": "Số hóa kết quả",
    "dossier.reuse": "Dùng lại giấy tờ",
    "fee.series": "Đặt quyển biên lai",
    "fee.paper_receipt": "Biên lai giấy",
    "form.import": "Nạp mẫu tờ khai",
    "calendar.notice": "Thông báo lịch nghỉ",
    "calendar.notice_refused": "Từ chối thông báo lịch",
    "calendar.reseed": "Cập nhật lịch",
    "report.export": "Xuất báo cáo",
    "report.kpi": "Bảng chỉ số",
}


class AuditTable(CounterTable):
    """The log table; PageUp/PageDown turn the page of the log rather than scroll inside it, Enter shows the
    highlighted entry whole (the table's own Enter would only select the row)."""

    BINDINGS = [
        Binding("pageup", "screen.page(-1)", "Mới hơn", tooltip="Trang trước: các mục mới hơn", id="audit.prev-page"),
        Binding("pagedown", "screen.page(1)", "Cũ hơn", tooltip="Trang sau: các mục cũ hơn", id="audit.next-page"),
        Binding("enter", "screen.show_entry", "Xem cả mục", tooltip="Mục đang chọn, đầy đủ", id="audit.entry"),
    ]


def entry_heading(entry: Any) -> str:
    """Who did what, when, on which dossier: the first line of an entry shown whole."""
    from onestop.formats import to_vn

    at = f"{to_vn(entry.at):%H:%M:%S %d/%m/%Y}" if entry.at else "—"
    action = ACTION_LABELS.get(entry.action, entry.action)
    return f"{at} — {entry.officer} — {action}" + (f" — hồ sơ {entry.dossier_code}" if entry.dossier_code else "")


class AuditEntryDialog(ModalScreen[None]):
    """One log entry whole, however long its detail (a calendar update, a pull's messages); ↑/↓ scroll it."""

    DEFAULT_CSS = """
    AuditEntryDialog { align: center middle; background: $background 60%; }
    AuditEntryDialog #entry-box {
        width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    AuditEntryDialog #entry-title { text-style: bold; width: 100%; height: auto; }
    AuditEntryDialog #entry-scroll { height: auto; max-height: 1fr; margin-top: 1; }
    AuditEntryDialog Horizontal { height: auto; align-horizontal: right; }
    """
    BINDINGS = [Binding("escape", "close", "Đóng", tooltip="Về nhật ký", id="audit-entry.close")]

    def __init__(self, entry: Any) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        with Vertical(id="entry-box"):
            yield Label(entry_heading(self.entry), id="entry-title")
            with VerticalScroll(id="entry-scroll"):
                yield Static(Text(self.entry.readable or "(không có chi tiết)"), id="entry-detail")
            with Horizontal():
                yield Button("Đóng (Esc)", id="entry-close")

    def on_mount(self) -> None:
        self.query_one("#entry-scroll").focus()

    @on(Button.Pressed)
    def action_close(self) -> None:
        self.dismiss(None)


class AuditScreen(OneStopScreen):
    """A paged, filterable view of the append-only audit log (leaders and admins)."""

    CSS_PATH = "audit.tcss"
    HELP_TITLE = "Nhật ký truy cập"
    AUTO_FOCUS = "#audit-table"
    BINDINGS = [
        Binding("pagedown", "page(1)", "Trang sau", show=False, tooltip="Các mục cũ hơn", id="audit.next"),
        Binding("pageup", "page(-1)", "Trang trước", show=False, tooltip="Các mục mới hơn", id="audit.prev"),
        Binding("ctrl+f", "focus_filter", "Lọc", tooltip="Lọc theo mã hồ sơ hoặc cán bộ", id="audit.filter"),
        Binding("ctrl+e", "export", "Xuất CSV", tooltip="Xuất nhật ký (theo bộ lọc) ra tệp CSV", id="audit.export"),
    ]

    class Exported(Message):
        """The CSV export worker wrote `rows` lines to `path`."""

        def __init__(self, path: Path, rows: int) -> None:
            super().__init__()
            self.path, self.rows = path, rows

    def __init__(self, *, dossier_code: str = "", officer: str = "", export_dir: Path | None = None) -> None:
        super().__init__()
        self.dossier_filter, self.officer_filter = dossier_code, officer
        self.export_dir = export_dir
        """Where Ctrl+E writes the CSV; defaults to the backup folder beside the database (owner-only)."""
        self.page_starts: list[int | None] = [None]
        """Keyset paging: the `before_id` that opened each page seen so far."""
        self.entries: list[Any] = []
        self.rows: list[tuple[str, tuple[Any, ...]]] = []
        """Every entry's cells in full; the table shows them fitted to its width (see COLUMNS)."""
        self.denied = False
        self.last_export: Path | None = None

    def compose(self) -> ComposeResult:
        yield Label("NHẬT KÝ TRUY CẬP (chỉ xem, không sửa, không xóa)", classes="section-title")
        with Horizontal(id="audit-filters"):
            yield Input(value=self.dossier_filter, placeholder="Mã hồ sơ", id="audit-dossier")
            yield Input(value=self.officer_filter, placeholder="Tên đăng nhập cán bộ", id="audit-officer")
        yield AuditTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="audit-detail")
        yield Static("", id="audit-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(AuditTable).set_columns(c.label for c in COLUMNS)
        self.load_page()

    @property
    def actor(self) -> str:
        return self.onestop.officer.username

    def load_page(self) -> None:
        """Fetch the current page through the service (which enforces the leader role)."""
        from onestop.errors import OneStopError

        services = self.onestop.services
        try:
            self.entries = services.audit.browse(
                self.actor,
                dossier_code=self.dossier_filter.strip(),
                officer=self.officer_filter.strip().lower(),
                limit=PAGE_SIZE,
                before_id=self.page_starts[-1],
            )
            total = services.audit.count(
                dossier_code=self.dossier_filter.strip(), officer=self.officer_filter.strip().lower()
            )
        except OneStopError as err:
            self.denied = True
            self.entries = []
            self.query_one("#audit-status", Static).update(err.message)
            self.notify(err.message, title=err.title, severity="error")
            self._fill()
            return
        self.denied = False
        self._fill()
        pages = max(1, -(-total // PAGE_SIZE))
        self.query_one("#audit-status", Static).update(
            f"Trang {len(self.page_starts)}/{pages} — {total} mục"
            + (
                f" — lọc: {self.dossier_filter or ''} {self.officer_filter or ''}".rstrip()
                if self.dossier_filter or self.officer_filter
                else ""
            )
        )

    def _fill(self) -> None:
        from onestop.formats import to_vn

        self.rows = [
            (
                str(e.id),
                (
                    Forms((fmt_short(e.at), f"{to_vn(e.at):%H:%M %d/%m}" if e.at else "—")),
                    e.officer,
                    ACTION_LABELS.get(e.action, e.action),
                    e.dossier_code,
                    " ".join(e.readable.split()),  # one line: the box below and Enter show it as written
                ),
            )
            for e in self.entries
        ]
        self._show_rows(keep_cursor=False)
        self._show_detail()

    def _show_rows(self, *, keep_cursor: bool = True) -> None:
        """Fill the table from `rows`, the columns fitted to its width (see COLUMNS)."""
        self.query_one(AuditTable).fill_fitted(COLUMNS, self.rows, self.app.size.width, keep_cursor=keep_cursor)

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_rows)
        self.call_after_refresh(self._show_detail)

    def _current(self) -> Any | None:
        row = self.query_one(AuditTable).cursor_row
        return self.entries[row] if self.entries and 0 <= row < len(self.entries) else None

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        """The highlighted entry whole in the box below the list, or its first lines and how to read the rest."""
        box = self.query_one("#audit-detail", Static)
        entry = self._current()
        if entry is None:
            box.update("Không có mục nào." if not self.denied else "")
            return
        width = box.content_region.width or self.app.size.width - 6
        text = Text(entry_heading(entry) + "\n" + (entry.readable or "(không có chi tiết)"))
        lines = text.wrap(self.app.console, width)
        if len(lines) > DETAIL_LINES:
            shown = Text("\n").join(lines[: DETAIL_LINES - 1])
            text = shown + Text("\n… còn tiếp — Enter: xem cả mục", style="italic")
        box.update(text)

    def action_show_entry(self) -> None:
        entry = self._current()
        if entry is not None:
            self.app.push_screen(AuditEntryDialog(entry))

    def action_page(self, step: int) -> None:
        if step > 0 and len(self.entries) == PAGE_SIZE:
            self.page_starts.append(self.entries[-1].id)
        elif step < 0 and len(self.page_starts) > 1:
            self.page_starts.pop()
        else:
            return
        self.load_page()

    def action_focus_filter(self) -> None:
        self.query_one("#audit-dossier", Input).focus()

    @on(Input.Submitted)
    def apply_filter(self) -> None:
        self.dossier_filter = self.query_one("#audit-dossier", Input).value
        self.officer_filter = self.query_one("#audit-officer", Input).value
        self.page_starts = [None]
        self.load_page()
        self.query_one(AuditTable).focus()

    def action_export(self) -> None:
        if self.denied:
            return
        self._export()

    @work(thread=True, exclusive=True, group="audit-export", exit_on_error=False, description="Xuất nhật ký")
    def _export(self) -> None:
        from onestop.domain import now_vn
        from onestop.errors import OneStopError

        services = self.onestop.services
        folder = self.export_dir or services.backup_dir
        target = Path(folder) / f"nhat-ky-{now_vn():%Y%m%d-%H%M%S}.csv"
        try:
            folder_path = Path(folder)
            if not folder_path.exists():
                folder_path.mkdir(parents=True, mode=0o700)
            rows = services.audit.export_csv(
                target,
                actor=self.actor,
                dossier_code=self.dossier_filter.strip(),
                officer=self.officer_filter.strip().lower(),
            )
        except OSError as err:
            raise OneStopError(f"Không ghi được tệp {target}: {err.strerror}.", title="Lỗi xuất tệp") from err
        self.post_message(self.Exported(target, rows))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.last_export = message.path
        self.notify(f"Đã xuất {message.rows} dòng nhật ký vào {message.path}.", title="Xuất CSV")
        self.load_page()
