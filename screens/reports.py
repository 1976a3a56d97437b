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


# The figures, with two-line headers so the procedure gets the room; F1 and the exports carry the full wording.
FIGURES = ("Trực\ntiếp", "Trực\ntuyến", "BCCI", "Tổng\nnhận", "Đúng\nhạn", "Trễ\nhạn", "Đang\nGQ", "QH cuối\ntháng")
PADDING = 2  # DataTable's cell padding, one cell each side
MIN_PROCEDURE = 24


def figure_widths(digits: int) -> list[int]:
    """Each figure column's width: its header's longest line, or the longest number (`digits`)."""
    return [max(digits, *(len(line) for line in label.split("\n"))) for label in FIGURES]


def plan_columns(width: int, digits: int = 4) -> tuple[int, int, int]:
    """(field width, procedure width, lines per row) for a table `width` cells wide, by priority: every figure
    stays; the field column narrows and then goes; the procedure name wraps onto two (three) lines."""
    figures = sum(w + PADDING for w in figure_widths(digits))
    for field, lines in ((14, 2), (10, 2)):
        room = width - figures - (field + PADDING) - PADDING
        if room >= MIN_PROCEDURE:
            return field, room, lines
    return 0, max(12, width - figures - PADDING), 3


def wrap_cell(text: str, width: int, lines: int) -> str:
    """`text` wrapped on word boundaries into at most `lines` lines of `width` cells; the last one ends in … if cut."""
    import textwrap

    wrapped = textwrap.wrap(text, width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        last = " ".join(wrapped[lines - 1 :])
        wrapped = [*wrapped[: lines - 1], last[: width - 1] + "…"]
    return "\n".join(wrapped)


def procedure_cell(code: str, name: str, room: int, field: str = "", lines: int = 1) -> str:
    """`1.004884 ĐK lại khai sinh` in `room` cells × `lines`: the code, then what tells procedures apart. The words
    every row shares go first: "Thủ tục", the field when its column shows it ("Chứng thực"), "đăng ký" → "ĐK"."""
    short = name.removeprefix("Thủ tục ").removeprefix("thủ tục ")
    if field and short.lower().startswith(field.lower() + " "):
        short = short[len(field) + 1 :]
    short = short.replace("Liên thông thủ tục hành chính về ", "Liên thông: ")
    text = f"{code} {short}".strip()
    if len(text) > room * lines:  # the usual shorthand of the books: ĐK for đăng ký
        text = text.replace("đăng ký ", "ĐK ").replace("Đăng ký ", "ĐK ")
    return wrap_cell(text, room, lines)


def months_that_fit(width: int) -> int:
    """How many months of the chart fit `width` cells (11 for the captions, 6 per month); 12 at most."""
    return max(3, min(12, (width - 11) // 6))


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
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]  # below 36 lines the chart gives its room to the table
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
        self._plan: tuple[int, int, int, int] | None = None
        """The table's (field, procedure, lines, digits) layout last drawn; a new width may call for another."""

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
                    yield Label(
                        "12 tháng gần nhất (số hồ sơ tiếp nhận)", classes="section-title", id="reports-chart-title"
                    )
                    yield Sparkline([], id="reports-spark")
                    yield Static("", id="reports-bars")
        yield Footer()

    def on_mount(self) -> None:
        if not self.month:
            self.month = f"{self.onestop.now():%Y-%m}"
            self.query_one("#reports-month", Input).value = self.month
        self.query_one(DataTable).header_height = 2
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
        self.report, self.series, self.error = message.report, message.series, ""
        self._fill()
        self.query_one("#reports-info", Label).update(f"{len(self.report.rows)} thủ tục · PgUp/PgDn: đổi tháng")

    def on_resize(self) -> None:
        if self.report is not None:
            self.call_after_refresh(self._fill)

    def _fill(self) -> None:
        """The table and the chart laid out for the current width (columns shrink and wrap by priority)."""
        report, series = self.report, self.series
        if report is None:
            return
        table = self.query_one(DataTable)
        width = table.scrollable_content_region.width or self.size.width - 4
        digits = len(str(max(report.total.received, report.total.pending, report.total.overdue, 0)))
        field, room, lines = plan_columns(width - 1, digits)  # one cell kept for the vertical scrollbar
        if (field, room, lines, digits) != self._plan or not table.columns:
            self._plan = (field, room, lines, digits)
            table.clear(columns=True)
            if field:
                table.add_column("Lĩnh vực", width=field, key="field")
            table.add_column("Thủ tục", width=room, key="procedure")
            for label, w in zip(FIGURES, figure_widths(digits), strict=True):
                table.add_column(Text(label, justify="right"), width=w)
        else:
            table.clear()
        for r in (*report.rows, report.total):
            overdue = Text(str(r.overdue), style="bold red" if r.overdue else "", justify="right")
            name = procedure_cell(r.procedure_code, r.procedure_name, room, r.field if field else "", lines)
            cells: list[object] = [wrap_cell(r.field, field, 2)] if field else []
            cells.append(name)
            cells.extend(
                Text(str(v), justify="right")
                for v in (
                    r.received_paper,
                    r.received_online,
                    r.received_post,
                    r.received,
                    r.resolved_on_time,
                    r.resolved_late,
                    r.pending,
                )
            )
            cells.append(overdue)
            height = max(str(c).count("\n") + 1 for c in cells)
            table.add_row(*cells, height=height)
        months = months_that_fit(self.query_one("#reports-chart").content_size.width or width)
        shown = series[-months:]
        self.query_one("#reports-chart-title", Label).update(f"{len(shown)} tháng gần nhất (số hồ sơ tiếp nhận)")
        spark = self.query_one("#reports-spark", Sparkline)
        spark.styles.width = max(1, len(shown) * 6 - 1)
        spark.data = [float(r) for _, r, _ in shown]
        self.query_one("#reports-bars", Static).update(month_axis(shown))

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
