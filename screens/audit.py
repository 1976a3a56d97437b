"""The access log for leaders: who viewed, created, changed, printed, exported or synced what, and when.

Read-only by design: the screen offers paging, filters and a CSV export, never an edit or a delete.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Label, Static

from screens.common import OneStopScreen, fmt_short

PAGE_SIZE = 100

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


class AuditTable(DataTable[str]):
    """The log table; PageUp/PageDown turn the page of the log rather than scroll inside it."""

    BINDINGS = [
        Binding("pagedown", "screen.page(1)", "Trang sau", tooltip="Các mục cũ hơn", id="audit.next-page"),
        Binding("pageup", "screen.page(-1)", "Trang trước", tooltip="Các mục mới hơn", id="audit.prev-page"),
    ]


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
        self.denied = False
        self.last_export: Path | None = None

    def compose(self) -> ComposeResult:
        yield Label("NHẬT KÝ TRUY CẬP (chỉ xem, không sửa, không xóa)", classes="section-title")
        with Horizontal(id="audit-filters"):
            yield Input(value=self.dossier_filter, placeholder="Mã hồ sơ", id="audit-dossier")
            yield Input(value=self.officer_filter, placeholder="Tên đăng nhập cán bộ", id="audit-officer")
        yield AuditTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="audit-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Thời gian", "Cán bộ", "Việc", "Mã hồ sơ", "Chi tiết")
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
        table = self.query_one(DataTable)
        table.clear()
        for e in self.entries:
            table.add_row(
                fmt_short(e.at),
                e.officer,
                ACTION_LABELS.get(e.action, e.action),
                e.dossier_code,
                e.detail[:120],
                key=str(e.id),
            )

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
        self.query_one(DataTable).focus()

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
