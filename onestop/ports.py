"""What the core needs from the outside world, as Protocols handed in at construction.

The core (`onestop.services`) never imports ReportLab or CUPS code: the composition roots (CLI, TUI, bench, tests)
pass an implementation — `onestop.printing.ReceiptsRenderer` is the real one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from onestop.errors import BadInput, PrinterUnavailable

if TYPE_CHECKING:
    from onestop.domain import BookRequest, FormRequest, MonthlyReport
    from onestop.kpi import KpiReport


class PrintJob(Protocol):
    """The outcome of one print request, as the printer adapter reports it."""

    @property
    def ok(self) -> bool:
        """True when the spooler accepted the job."""
        ...

    @property
    def job_id(self) -> str:
        """The spooler's job id ("" when nothing was queued)."""
        ...

    @property
    def printer(self) -> str:
        """The queue the job went to (or would have gone to)."""
        ...

    @property
    def message(self) -> str:
        """A plain Vietnamese sentence for the officer, success or failure."""
        ...


class FormRenderer(Protocol):
    """Draws the counter's paper (forms, the tracking book, the monthly report) and sends PDFs to a printer."""

    def render_form(self, request: FormRequest) -> bytes:
        """One counter form (receipt, supplement request, refusal, apology, ...) as PDF bytes."""
        ...

    def render_book(self, request: BookRequest) -> bytes:
        """The dossier tracking book for a date range as PDF bytes."""
        ...

    def render_monthly(self, report: MonthlyReport) -> bytes:
        """The monthly statistics report as PDF bytes."""
        ...

    def render_kpi(self, report: KpiReport) -> bytes:
        """The QĐ 766 scorecard (all fields, each field, 12-month trend) as PDF bytes."""
        ...

    def print_pdf(self, path: Path, printer: str | None, copies: int, media: str) -> PrintJob:
        """Send an archived PDF to `printer` (None: the default queue); never raises for a printer problem."""
        ...


class NoRenderer:
    """The renderer of a container built without one: every call says, in Vietnamese, that nothing can be drawn."""

    def render_form(self, request: FormRequest) -> bytes:
        """Refuse: no form renderer was given to the services."""
        raise PrinterUnavailable("Bộ tạo phiếu in chưa được nạp; hồ sơ đã lưu, hãy in lại sau.")

    def render_book(self, request: BookRequest) -> bytes:
        """Refuse: no form renderer was given to the services."""
        raise PrinterUnavailable("Bộ tạo phiếu in chưa được nạp; hồ sơ đã lưu, hãy in lại sau.")

    def render_monthly(self, report: MonthlyReport) -> bytes:
        """Refuse: no PDF renderer was given to the services."""
        raise BadInput("Xuất PDF cần bộ vẽ PDF (receipts); hãy dùng lệnh onestop report.", field="format")

    def render_kpi(self, report: KpiReport) -> bytes:
        """Refuse: no PDF renderer was given to the services."""
        raise BadInput("Xuất PDF cần bộ vẽ PDF (receipts); hãy dùng lệnh onestop report.", field="format")

    def print_pdf(self, path: Path, printer: str | None, copies: int, media: str) -> PrintJob:
        """Refuse: no printer adapter was given to the services."""
        raise PrinterUnavailable("Bộ tạo phiếu in chưa được nạp; hồ sơ đã lưu, hãy in lại sau.")
