"""Reports (leaders): the monthly statistics per field and procedure, exports, and a 12-month chart."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Label, Sparkline, Static
from textual.worker import Worker

from screens.common import OneStopScreen, error_text
from screens.widgets.status_bar import StatusBar
from screens.widgets.table import CounterTable

if TYPE_CHECKING:
    from onestop.domain import MonthlyReport


def shift_month(month: str, step: int) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + (mon - 1) + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def procedure_cell(code: str, name: str, room: int) -> str:
    """`1.004884 đăng ký lại khai sinh` cut to `room` cells with an ellipsis: what tells procedures apart stays."""
    text = f"{code} {name.removeprefix('Thủ tục ').removeprefix('thủ tục ')}".strip()
    if len(text) > room:  # the usual shorthand of the books: ĐK for đăng ký
        text = text.replace("đăng ký ", "ĐK ").replace("Đăng ký ", "ĐK ")
    return text if len(text) <= room else text[: room - 1] + "…"


def month_axis(series: list[tuple[str, int, int]]) -> Text:
    """The months under the sparkline with received / resolved counts, one compact line each."""
    out = Text()
    out.append("Tháng:     " + " ".join(f"{m[5:]}/{m[2:4]}" for m, _, _ in series) + "\n")
    out.append("Tiếp nhận: " + " ".join(f"{r:>5}" for _, r, _ in series) + "\n", style="bold cyan")
    out.append("Giải quyết:" + " ".join(f"{v:>5}" for _, _, v in series), style="green")
    return out


class ReportsScreen(OneStopScreen):
    """Month picker, table per procedure, exports to the archive folder, last 12 months."""

    CSS_PATH = "reports.tcss"
    BINDINGS = [
        Binding("pageup", "month(-1)", "Tháng trước", priority=True, tooltip="Báo cáo tháng trước", id="reports.prev"),
        Binding("pagedown", "month(1)", "Tháng sau", priority=True, tooltip="Báo cáo tháng sau", id="reports.next"),
        Binding("c", "export('csv')", "Xuất CSV", tooltip="Xuất báo cáo ra CSV (Excel)", id="reports.csv"),
        Binding("x", "export('xlsx')", "Xuất XLSX", tooltip="Xuất báo cáo ra XLSX", id="reports.xlsx"),
        Binding("p", "export('pdf')", "Xuất PDF", tooltip="Xuất báo cáo ra PDF", id="reports.pdf"),
        Binding("b", "book", "Sổ theo dõi", tooltip="Sổ theo dõi hồ sơ của tháng (PDF)", id="reports.book"),
        Binding("k", "kpi", "Chỉ số 766", tooltip="Bộ chỉ số phục vụ người dân (QĐ 766)", id="reports.kpi"),
        Binding("escape", "back", "Quay lại", tooltip="Quay lại màn hình trước", id="reports.back"),
    ]

    class Loaded(Message):
        """The month's statistics and the 12-month series, from the worker."""

        def __init__(self, report: MonthlyReport, series: list[tuple[str, int, int]]) -> None:
            super().__init__()
            self.report, self.series = report, series

    class Exported(Message):
        """A file written to the archive (an export or the tracking book)."""

        def __init__(self, path: Path, text: str) -> None:
            super().__init__()
            self.path, self.text = path, text

    def __init__(self, month: str = "") -> None:
        super().__init__()
        self.month = month
        self.report: MonthlyReport | None = None
        self.series: list[tuple[str, int, int]] = []
        self.error = ""
        self.last_export: Path | None = None

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Vertical(id="reports-body"):
            with Horizontal(id="reports-top"):
                yield Label("BÁO CÁO THÁNG", id="reports-title")
                yield Input(self.month, placeholder="YYYY-MM", id="reports-month", max_length=7)
                yield Label("", id="reports-info")
            with Horizontal(id="reports-main"):
                yield CounterTable(id="reports-table", cursor_type="row", zebra_stripes=True)
                with Vertical(id="reports-chart"):
                    yield Label("12 tháng gần nhất (số hồ sơ tiếp nhận)", classes="section-title")
                    yield Sparkline([], id="reports-spark")
                    yield Static("", id="reports-bars")
        yield Footer()

    def on_mount(self) -> None:
        if not self.month:
            self.month = f"{self.onestop.now():%Y-%m}"
            self.query_one("#reports-month", Input).value = self.month
        # Short headers so every figure fits a 120-column counter screen; F1/the exports carry the full wording.
        self.query_one(DataTable).add_columns(
            "Lĩnh vực",
            "Thủ tục",
            "Tr.tiếp",
            "Tr.tuyến",
            "BCCI",
            "Tổng nhận",
            "Đúng hạn",
            "Trễ hạn",
            "Đang GQ",
            "QH cuối tháng",
        )
        self.query_one(DataTable).focus()
        self.reload()

    def reload(self) -> None:
        self._load(self.month)

    @work(thread=True, exclusive=True, group="reports", exit_on_error=False, description="Lập báo cáo")
    def _load(self, month: str) -> None:
        app = self.onestop
        report = app.services.reports.monthly(month, actor=app.officer.username)
        self.post_message(self.Loaded(report, app.services.reports.last_12_months(now=app.now())))

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        if worker.group == "reports":  # the reason goes where the figures would have been
            self._show_error(error_text(error, "Không lập được báo cáo"))
        super().worker_failed(worker, error)

    def _show_error(self, message: str) -> None:
        self.error = message
        self.query_one("#reports-info", Label).update(Text(message, style="bold red"))

    @on(Loaded)
    def _apply(self, message: Loaded) -> None:
        report, series = message.report, message.series
        self.report, self.series, self.error = report, series, ""
        table = self.query_one(DataTable)
        table.clear()
        # the procedure column gets what the figures leave (they are short); names lose the "Thủ tục" they all share
        others = sum(column.get_render_width(table) for column in table.ordered_columns[2:]) + 16
        room = max(21, (table.scrollable_content_region.width or self.size.width) - others - 2)
        for r in (*report.rows, report.total):
            overdue = Text(str(r.overdue), style="bold red" if r.overdue else "")
            table.add_row(
                r.field[:14],
                procedure_cell(r.procedure_code, r.procedure_name, room),
                str(r.received_paper),
                str(r.received_online),
                str(r.received_post),
                str(r.received),
                str(r.resolved_on_time),
                str(r.resolved_late),
                str(r.pending),
                overdue,
            )
        self.query_one("#reports-info", Label).update(
            f"Tháng {report.month[5:]}/{report.month[:4]} — {len(report.rows)} thủ tục — PageUp/PageDown: đổi tháng"
        )
        self.query_one("#reports-spark", Sparkline).data = [float(r) for _, r, _ in series]
        self.query_one("#reports-bars", Static).update(month_axis(series))

    @on(Input.Submitted, "#reports-month")
    def month_typed(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if len(value) != 7 or value[4] != "-" or not (value[:4] + value[5:]).isdigit() or not 1 <= int(value[5:]) <= 12:
            self._show_error("Tháng phải có dạng YYYY-MM, ví dụ 2026-10.")
            return
        self.month = value
        self.reload()
        self.query_one(DataTable).focus()

    def action_month(self, step: int) -> None:
        self.month = shift_month(self.month, step)
        self.query_one("#reports-month", Input).value = self.month
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_kpi(self) -> None:
        from screens.kpi import KpiScreen

        self.app.push_screen(KpiScreen(self.month))

    def action_export(self, fmt: str) -> None:
        if self.report is not None:
            self._export(fmt)

    @work(thread=True, exclusive=True, group="reports-export", exit_on_error=False, description="Xuất báo cáo")
    def _export(self, fmt: str) -> None:
        app = self.onestop
        reports = app.services.reports
        assert self.report is not None
        path = reports.write_monthly(
            self.report, fmt, reports.default_path(self.report, fmt), actor=app.officer.username
        )
        self.post_message(self.Exported(path, f"Đã xuất {path}"))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.last_export = message.path
        self.notify(message.text, timeout=6)

    def action_book(self) -> None:
        if self.report is not None:
            self._book()

    @work(thread=True, exclusive=True, group="reports-export", exit_on_error=False, description="Sổ theo dõi")
    def _book(self) -> None:
        import calendar
        from datetime import date

        app = self.onestop
        year, mon = int(self.month[:4]), int(self.month[5:])
        start, end = date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])
        who = app.officer.username
        dossiers = app.services.reports.book(start, end, actor=who)
        target = app.services.archive_dir / "reports" / f"so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
        path = app.services.reports.write_book(dossiers, start, end, target, actor=who)
        self.post_message(self.Exported(path, f"Đã lập sổ theo dõi: {path}"))
