"""The QĐ 766 scorecard for leaders (from the F6 reports screen, key k): one month, all fields and each field,
the 12-month trend, exports to XLSX/PDF in the archive folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, Static

from screens.common import OneStopScreen
from screens.reports import shift_month, wrap_cell

if TYPE_CHECKING:
    from onestop.kpi import KpiReport


def kpi_layout(fields: list[str], labels: list[str], value_width: int, room: int) -> tuple[list[str], int]:
    """The fields' headers (wrapped) and the indicators' column width that fit `room` cells, by priority: the fields'
    names wrap at 13 cells on two lines; if that is too wide the indicators' names wrap onto two lines (down to 24
    cells), then the fields' names wrap at 8 cells on three lines, then the indicators' names go down to 16 cells."""
    longest = max((len(label) for label in labels), default=6)
    for wrap, lines, floor in ((13, 2, longest), (13, 2, 24), (8, 3, 24), (8, 3, 16)):
        headers = [wrap_cell(f, wrap, lines) for f in fields]
        widths = [max(value_width, *(len(line) for line in h.split("\n"))) for h in headers]
        left = room - sum(w + 2 for w in widths) - 2
        if left >= floor:
            return headers, min(left, longest)
    return headers, floor


class KpiScreen(OneStopScreen):
    """Bộ chỉ số phục vụ người dân (QĐ 766) of a month; PageUp/PageDown change the month."""

    DEFAULT_CSS = """
    KpiScreen #kpi-body { padding: 0 1; }
    KpiScreen #kpi-title { text-style: bold; }
    KpiScreen #kpi-table { height: auto; max-height: 16; }
    KpiScreen #kpi-trend { height: auto; margin-top: 1; }
    KpiScreen.-short #kpi-trend { margin-top: 0; }
    KpiScreen.-short #kpi-table { max-height: 100%; }
    """
    VERTICAL_BREAKPOINTS = [(0, "-short"), (28, "-tall")]
    BINDINGS = [
        Binding("pageup", "month(-1)", "Tháng trước", priority=True, tooltip="Chỉ số tháng trước", id="kpi.prev"),
        Binding("pagedown", "month(1)", "Tháng sau", priority=True, tooltip="Chỉ số tháng sau", id="kpi.next"),
        Binding("x", "export('xlsx')", "Xuất XLSX", tooltip="Xuất bộ chỉ số ra XLSX", id="kpi.xlsx"),
        Binding("p", "export('pdf')", "Xuất PDF", tooltip="Xuất bộ chỉ số ra PDF", id="kpi.pdf"),
        Binding("escape", "back", "Quay lại", tooltip="Quay lại báo cáo tháng", id="kpi.back"),
    ]

    class Loaded(Message):
        """The month's scorecard as the service computed it."""

        def __init__(self, report: KpiReport) -> None:
            super().__init__()
            self.report = report

    class Exported(Message):
        """An export was written to `path`."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, month: str) -> None:
        super().__init__()
        self.month = month
        self.report: KpiReport | None = None

    def compose(self) -> ComposeResult:
        from screens.widgets.status_bar import StatusBar

        yield StatusBar()
        with VerticalScroll(id="kpi-body"):  # a short terminal: every indicator first, the trend below (Tab, ↓)
            yield Label("", id="kpi-title")
            yield DataTable(id="kpi-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="kpi-trend")
            yield Static("", id="kpi-notes")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.query_one("#kpi-title", Label).update(f"BỘ CHỈ SỐ QĐ 766 — tháng {self.month[5:]}/{self.month[:4]} …")
        self._load(self.month)

    @work(thread=True, exclusive=True, group="kpi-load", exit_on_error=False, description="Tính bộ chỉ số")
    def _load(self, month: str) -> None:
        self.post_message(self.Loaded(self.onestop.services.kpi.report(month)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:

        report = self.report = message.report
        self._paint_table()
        self.query_one("#kpi-title", Label).update(
            f"BỘ CHỈ SỐ QĐ 766 — tháng {report.month[5:]}/{report.month[:4]} — PageUp/PageDown: đổi tháng"
        )
        self._paint_trend()
        self.query_one("#kpi-notes", Static).update(Text("\n".join(report.notes), style="italic yellow"))

    def on_resize(self) -> None:
        if self.report is not None:
            self.call_after_refresh(self._paint_table)
            self.call_after_refresh(self._paint_trend)

    def _paint_table(self) -> None:
        """The indicators × fields, fitted to the width (no sideways scrolling at 80 columns): fields' names wrap
        onto two lines (three when narrow), then the indicators' names wrap onto two lines."""
        from onestop.kpi import KPI_KEYS, KPI_LABELS, cell

        report = self.report
        if report is None:
            return
        table = self.query_one("#kpi-table", DataTable)
        room = (table.size.width or self.app.size.width - 2) - table.styles.scrollbar_size_vertical
        keys = ("received", "finished", *KPI_KEYS[1:])
        columns = (report.total, *report.by_field)
        values = [[cell(key, getattr(f, key)) for f in columns] for key in keys]
        labels = [KPI_LABELS[key] for key in keys]
        value_width = max((len(v) for row in values for v in row), default=1)
        headers, label_width = kpi_layout(["Tất cả", *(f.field for f in report.by_field)], labels, value_width, room)
        table.clear(columns=True)
        table.header_height = max(h.count("\n") + 1 for h in headers)
        table.add_column("Chỉ số", width=label_width)
        for header in headers:
            table.add_column(header)
        for label, row in zip(labels, values, strict=True):
            text = wrap_cell(label, label_width, 2)
            table.add_row(text, *row, height=text.count("\n") + 1)

    def _paint_trend(self) -> None:
        """The last months that fit the width (12 from 95 columns), one 6-cell column each."""
        from onestop.kpi import cell

        if self.report is None:
            return
        widget = self.query_one("#kpi-trend", Static)
        width = widget.content_size.width or self.size.width - 2
        months = self.report.trend[-max(3, min(12, (width - 11) // 7)) :]
        trend = Text(f"Xu hướng {len(months)} tháng (tất cả lĩnh vực)\n", style="bold")
        trend.append("Tháng:     " + " ".join(f"{f.month[5:] + '/' + f.month[2:4]:>6}" for f in months) + "\n")
        trend.append("Tiếp nhận: " + " ".join(f"{f.received:>6}" for f in months) + "\n", style="cyan")
        rates = " ".join(f"{cell('on_time_rate', f.on_time_rate):>6}" for f in months)
        trend.append("Đúng hạn:  " + rates + "\n", style="green")
        trend.append("Hài lòng:  " + " ".join(f"{cell('satisfied_rate', f.satisfied_rate):>6}" for f in months))
        widget.update(trend)

    def action_month(self, step: int) -> None:
        self.month = shift_month(self.month, step)
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_export(self, fmt: str) -> None:
        if self.report is not None:
            self._export(self.report, fmt)

    @work(thread=True, exclusive=True, group="kpi-export", exit_on_error=False, description="Xuất bộ chỉ số")
    def _export(self, report: KpiReport, fmt: str) -> None:
        services = self.onestop.services
        target = services.archive_dir / "reports" / f"kpi-{report.month}.{fmt}"
        self.post_message(self.Exported(services.kpi.write(report, fmt, target)))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.notify(f"Đã xuất {message.path}", timeout=6)
