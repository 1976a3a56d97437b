"""Reports (leaders): the monthly statistics per field and procedure, exports, and a 12-month chart."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Sparkline, Static


def shift_month(month: str, step: int) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + (mon - 1) + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_axis(series: list[tuple[str, int, int]]) -> Text:
    """The months under the sparkline with received / resolved counts, one compact line each."""
    out = Text()
    out.append("Tháng:     " + " ".join(f"{m[5:]}/{m[2:4]}" for m, _, _ in series) + "\n")
    out.append("Tiếp nhận: " + " ".join(f"{r:>5}" for _, r, _ in series) + "\n", style="bold cyan")
    out.append("Giải quyết:" + " ".join(f"{v:>5}" for _, _, v in series), style="green")
    return out


class ReportsScreen(Screen[None]):
    """Month picker, table per procedure, exports to the archive folder, last 12 months."""

    CSS_PATH = "reports.tcss"
    BINDINGS = [
        Binding("pageup", "month(-1)", "Tháng trước", priority=True, tooltip="Báo cáo tháng trước", id="reports.prev"),
        Binding("pagedown", "month(1)", "Tháng sau", priority=True, tooltip="Báo cáo tháng sau", id="reports.next"),
        Binding("c", "export('csv')", "Xuất CSV", tooltip="Xuất báo cáo ra CSV (Excel)", id="reports.csv"),
        Binding("x", "export('xlsx')", "Xuất XLSX", tooltip="Xuất báo cáo ra XLSX", id="reports.xlsx"),
        Binding("p", "export('pdf')", "Xuất PDF", tooltip="Xuất báo cáo ra PDF", id="reports.pdf"),
        Binding("b", "book", "Sổ theo dõi", tooltip="Sổ theo dõi hồ sơ của tháng (PDF)", id="reports.book"),
        Binding("escape", "back", "Quay lại", tooltip="Quay lại màn hình trước", id="reports.back"),
    ]

    def __init__(self, month: str = "") -> None:
        super().__init__()
        self.month = month
        self.report: Any = None
        self.series: list[tuple[str, int, int]] = []
        self.error = ""
        self.last_export: Path | None = None
        self.loaded = asyncio.Event()

    def compose(self) -> ComposeResult:
        try:
            from screens.widgets.status_bar import StatusBar

            yield StatusBar()
        except ImportError:  # pragma: no cover
            pass
        with Vertical(id="reports-body"):
            with Horizontal(id="reports-top"):
                yield Label("BÁO CÁO THÁNG", id="reports-title")
                yield Input(self.month, placeholder="YYYY-MM", id="reports-month", max_length=7)
                yield Label("", id="reports-info")
            with Horizontal(id="reports-main"):
                yield DataTable(id="reports-table", cursor_type="row", zebra_stripes=True)
                with Vertical(id="reports-chart"):
                    yield Label("12 tháng gần nhất (số hồ sơ tiếp nhận)", classes="section-title")
                    yield Sparkline([], id="reports-spark")
                    yield Static("", id="reports-bars")
        yield Footer()

    def on_mount(self) -> None:
        if not self.month:
            app: Any = self.app
            now = app.now() if hasattr(app, "now") else None
            if now is None:
                from onestop.domain import now_vn

                now = now_vn()
            self.month = f"{now:%Y-%m}"
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
        self.loaded.clear()
        self._load(self.month)

    @work(thread=True, exclusive=True, group="reports", exit_on_error=False, description="Lập báo cáo")
    def _load(self, month: str) -> None:
        app: Any = self.app
        try:
            report = app.services.reports.monthly(month, actor=app.officer.username)
            series = app.services.reports.last_12_months(now=app.now() if hasattr(app, "now") else None)
        except Exception as exc:
            message = getattr(exc, "message", "") or f"Không lập được báo cáo ({type(exc).__name__})."
            app.call_from_thread(self._show_error, message)
            return
        app.call_from_thread(self._apply, report, series)

    def _show_error(self, message: str) -> None:
        self.error = message
        self.query_one("#reports-info", Label).update(Text(message, style="bold red"))
        self.loaded.set()

    def _apply(self, report: Any, series: list[tuple[str, int, int]]) -> None:
        self.report, self.series, self.error = report, series, ""
        table = self.query_one(DataTable)
        table.clear()
        for r in (*report.rows, report.total):
            overdue = Text(str(r.overdue), style="bold red" if r.overdue else "")
            table.add_row(
                r.field[:14],
                f"{r.procedure_code} {r.procedure_name}".strip()[:21],
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
        self.loaded.set()

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

    def action_export(self, fmt: str) -> None:
        if self.report is not None:
            self.loaded.clear()
            self._export(fmt)

    @work(thread=True, exclusive=True, group="reports-export", exit_on_error=False, description="Xuất báo cáo")
    def _export(self, fmt: str) -> None:
        app: Any = self.app
        reports = app.services.reports
        try:
            path = reports.write_monthly(
                self.report, fmt, reports.default_path(self.report, fmt), actor=app.officer.username
            )
        except Exception as exc:
            message = getattr(exc, "message", "") or f"Không xuất được báo cáo ({type(exc).__name__})."
            app.call_from_thread(self.notify, message, severity="error", timeout=8)
            app.call_from_thread(self.loaded.set)
            return
        self.last_export = path
        app.call_from_thread(self.notify, f"Đã xuất {path}", timeout=6)
        app.call_from_thread(self.loaded.set)

    def action_book(self) -> None:
        if self.report is not None:
            self.loaded.clear()
            self._book()

    @work(thread=True, exclusive=True, group="reports-export", exit_on_error=False, description="Sổ theo dõi")
    def _book(self) -> None:
        import calendar
        from datetime import date

        app: Any = self.app
        year, mon = int(self.month[:4]), int(self.month[5:])
        start, end = date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])
        who = app.officer.username
        try:
            dossiers = app.services.reports.book(start, end, actor=who)
            target = app.services.archive_dir / "reports" / f"so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
            target.parent.mkdir(parents=True, exist_ok=True)
            path = app.services.reports.write_book(dossiers, start, end, target, actor=who)
        except Exception as exc:
            message = getattr(exc, "message", "") or f"Không lập được sổ theo dõi ({type(exc).__name__})."
            app.call_from_thread(self.notify, message, severity="error", timeout=8)
            app.call_from_thread(self.loaded.set)
            return
        self.last_export = path
        app.call_from_thread(self.notify, f"Đã lập sổ theo dõi: {path}", timeout=6)
        app.call_from_thread(self.loaded.set)
