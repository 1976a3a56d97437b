"""The real `FormRenderer`: ReportLab drawing and CUPS printing from `receipts`.

This module is a composition root (like the CLI and the TUI), not part of the core: it may import `receipts`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onestop.domain import BookRequest, FormRequest, MonthlyReport
    from onestop.kpi import KpiReport
    from onestop.ports import PrintJob


class ReceiptsRenderer:
    """`onestop.ports.FormRenderer` backed by `receipts`; imports ReportLab on first use only."""

    def render_form(self, request: FormRequest) -> bytes:
        """One counter form drawn by `receipts.render.render_form`."""
        from receipts.render import render_form

        return render_form(request)

    def render_book(self, request: BookRequest) -> bytes:
        """The tracking book drawn by `receipts.render.render_book`."""
        from receipts.render import render_book

        return render_book(request)

    def render_monthly(self, report: MonthlyReport) -> bytes:
        """The monthly report drawn by `receipts.report_pdf.render_monthly`."""
        from receipts.report_pdf import render_monthly

        return render_monthly(report)

    def render_kpi(self, report: KpiReport) -> bytes:
        """The QĐ 766 scorecard drawn by `receipts.kpi_pdf.render_kpi`."""
        from receipts.kpi_pdf import render_kpi

        return render_kpi(report)

    def print_pdf(self, path: Path, printer: str | None, copies: int, media: str) -> PrintJob:
        """Send the PDF to CUPS through `receipts.printing.print_pdf`."""
        from receipts.printing import print_pdf

        return print_pdf(path, printer, copies=copies, media=media)
