"""The QĐ 766 scorecard for leaders (from the F6 reports screen, key k): one month, all fields and each field,
the 12-month trend, exports to XLSX/PDF in the archive folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, Static

from screens.common import OneStopScreen
from screens.reports import shift_month, wrap_cell

if TYPE_CHECKING:
    from onestop.kpi import KpiReport


class KpiScreen(OneStopScreen):
    """Bộ chỉ số phục vụ người dân (QĐ 766) of a month; PageUp/PageDown change the month."""

    DEFAULT_CSS = """
    KpiScreen #kpi-body { padding: 0 1; }
    KpiScreen #kpi-title { text-style: bold; }
    KpiScreen #kpi-table { height: auto; max-height: 16; }
    KpiScreen #kpi-trend { height: auto; margin-top: 1; }
    """
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
        with Vertical(id="kpi-body"):
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
        from onestop.kpi import KPI_KEYS, KPI_LABELS, cell

        report = self.report = message.report
        columns = (report.total, *report.by_field)
        table = self.query_one("#kpi-table", DataTable)
        table.clear(columns=True)
        table.header_height = 2  # a field's name wraps onto two lines instead of being cut ("Hộ tịch (liên th")
        table.add_columns("Chỉ số", "Tất cả", *(wrap_cell(f.field, 13, 2) for f in report.by_field))
        for key in ("received", "finished", *KPI_KEYS[1:]):
            table.add_row(KPI_LABELS[key], *(cell(key, getattr(f, key)) for f in columns))
        self.query_one("#kpi-title", Label).update(
            f"BỘ CHỈ SỐ QĐ 766 — tháng {report.month[5:]}/{report.month[:4]} — PageUp/PageDown: đổi tháng"
        )
        self._paint_trend()
        self.query_one("#kpi-notes", Static).update(Text("\n".join(report.notes), style="italic yellow"))

    def on_resize(self) -> None:
        if self.report is not None:
            self.call_after_refresh(self._paint_trend)

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
