"""Counter forms: compose a `FormRequest` from a committed dossier, archive the PDF, print, log every copy.

The renderer and the printer are one `FormRenderer` handed in by the composition root (CLI, TUI) so that the core
never imports ReportLab or CUPS code; `onestop.printing.ReceiptsRenderer` is the real implementation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onestop.domain import FormKind, FormRequest, Role, now_vn
from onestop.errors import BadInput
from onestop.form_rules import apology_event, form_refusal
from onestop.owneronly import check_output_file, private_dirs
from onestop.services import dossier_view
from onestop.text import clean

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from onestop.config import Settings
    from onestop.domain import DeclarationPrint, Dossier
    from onestop.ports import FormRenderer


@dataclass(frozen=True)
class PrintOutcome:
    """What happened to one form: always archived as PDF; printed or not, with a plain message."""

    code: str
    form: FormKind
    pdf_path: Path
    printed: bool
    printer: str
    job_id: str
    message: str
    form_id: int


@dataclass(eq=False)
class FormsService:
    """Issue, archive, print and reprint counter forms.

    Composing and archiving a form reads and writes with plain SQL (`dossier_view`): `onestop receipt` is a
    process of its own, and the ORM's table classes would cost it more than the rest of its work."""

    engine: Engine
    settings: Settings
    renderer: FormRenderer
    archive_dir: Path

    def request(
        self,
        code: str,
        kind: FormKind,
        *,
        officer: str,
        reason: str = "",
        items: tuple[str, ...] = (),
        new_due: datetime | None = None,
        copies: int | None = None,
        page_size: str | None = None,
        contact_name: str = "",
        contact_phone: str = "",
    ) -> FormRequest:
        """Compose the data of one form for a saved dossier (never for an unsaved draft)."""
        if kind is FormKind.BOOK:
            raise BadInput("Sổ theo dõi hồ sơ in theo khoảng ngày (onestop report book).", field="form")
        with self.engine.connect() as conn:
            actor = dossier_view.require_officer(conn, officer, Role.OFFICER)
            dossier = dossier_view.read(conn, code)
            officer_names = dossier_view.officer_names(conn)
        issued_at = now_vn()
        refusal = form_refusal(kind, dossier, issued_at)
        if refusal:
            raise BadInput(refusal, field="form")
        latest = next((e for e in reversed(dossier.events) if e.reason), None)
        office = self.settings.office
        # the receipt's "Số" is its order in the field's tracking book, which the receipt names beside it
        book_number = dossier.book_number if kind is FormKind.RECEIPT else None
        number = f"{book_number:02d}" if book_number is not None else ""
        if kind is FormKind.APOLOGY and new_due is None:
            recorded = apology_event(dossier)
            new_due = recorded.new_due if recorded else None
        declaration = None
        if kind is FormKind.DECLARATION:
            declaration = self._declaration_print(dossier)
        return FormRequest(
            kind=kind,
            office=office,
            dossier=dossier,
            issued_at=issued_at,
            officer_name=actor.full_name,
            number=number,
            reason=clean(reason) or (latest.reason if latest and kind is not FormKind.RECEIPT else ""),
            items=tuple(clean(i) for i in items if clean(i)),
            new_due=new_due,
            contact_name=clean(contact_name) or actor.full_name,
            contact_phone=clean(contact_phone) or office.phone,
            copies=copies or self.settings.printing.copies,
            page_size="A4" if kind is FormKind.DECLARATION else page_size or self.settings.printing.page_size,
            officer_names=officer_names,
            declaration=declaration,
        )

    def _declaration_print(self, dossier: Dossier) -> DeclarationPrint:
        """The printed tờ khai of a dossier, composed from the form version it was received under."""
        if dossier.declaration is None:
            raise BadInput(f"Hồ sơ {dossier.code} không có tờ khai điện tử để in.", field="form")
        from onestop.declarations.service import DeclarationService, print_model

        service = DeclarationService(self.engine)
        defn = service.definition_of(dossier.declaration)
        return print_model(defn, dossier.declaration, dossier, self.settings.office)

    def archive(self, request: FormRequest, pdf: bytes, *, officer: str, out: Path | None = None) -> tuple[int, Path]:
        """Write the PDF beside the database (owner-only) and log it; returns (form id, path)."""
        dossier = request.dossier
        stamp = request.issued_at.strftime("%Y%m%d-%H%M%S")
        target = out or (
            self.archive_dir / request.issued_at.strftime("%Y/%m") / f"{dossier.code}-{request.kind.value}-{stamp}.pdf"
        )
        check_output_file(target)
        private_dirs(target.parent)
        tmp = target.with_name(target.name + ".part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        with self.engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
            row = dossier_view.find(conn, dossier.code)
            form_id = conn.exec_driver_sql(
                "INSERT INTO printed_form (dossier_id, form, number, at, officer, copies, file, printer, job, status, "
                "message) VALUES (?, ?, ?, ?, ?, ?, ?, '', '', 'archived', '') RETURNING id",
                (
                    row["id"],
                    request.kind.value,
                    request.number,
                    dossier_view.stored_moment(request.issued_at),
                    officer,
                    request.copies,
                    str(target),
                ),
            ).scalar_one()
            dossier_view.audit(
                conn, officer, "form.render", dossier.code, f"{request.kind.value}, {request.copies} liên"
            )
        return form_id, target

    def print_archived(
        self, form_id: int, path: Path, *, officer: str, printer: str | None = None, copies: int = 1
    ) -> tuple[bool, str, str, str]:
        """Send an archived PDF to CUPS; the outcome (success or the reason) is logged on the form row."""
        from db import models
        from db.engine import session_scope
        from onestop.services.audit import record

        queue = printer or self.settings.printing.printer or None
        result = self.renderer.print_pdf(path, queue, copies, self.settings.printing.media)
        with session_scope(self.engine, write=True) as s:
            form = s.get(models.PrintedForm, form_id)
            if form is not None:
                form.printer, form.job = result.printer, result.job_id
                form.status, form.message = ("printed" if result.ok else "failed"), result.message[:1000]
                s.add(form)
                code = ""
                if form.dossier_id is not None:
                    dossier_row = s.get(models.Dossier, form.dossier_id)
                    code = dossier_row.code if dossier_row else ""
                record(
                    s,
                    officer,
                    "form.print" if result.ok else "form.print_failed",
                    code,
                    detail=f"{form.form} → {result.printer or '?'} ({result.job_id or 'không có lệnh in'})",
                )
        return result.ok, result.printer, result.job_id, result.message

    def issue(
        self,
        code: str,
        kind: FormKind = FormKind.RECEIPT,
        *,
        officer: str,
        print_it: bool = True,
        printer: str | None = None,
        copies: int | None = None,
        out: Path | None = None,
        **request_args: Any,
    ) -> PrintOutcome:
        """Render → archive → (print): the dossier is already committed, so a printer problem loses nothing."""
        request = self.request(code, kind, officer=officer, copies=copies, **request_args)
        pdf = self.renderer.render_form(request)
        form_id, path = self.archive(request, pdf, officer=officer, out=out)
        if not print_it:
            return PrintOutcome(request.dossier.code, kind, path, False, "", "", "Đã lưu PDF.", form_id)
        ok, queue, job, message = self.print_archived(form_id, path, officer=officer, printer=printer)
        return PrintOutcome(request.dossier.code, kind, path, ok, queue, job, message, form_id)

    def issue_receipt(self, code: str, officer: str, *, print_it: bool = True) -> PrintOutcome:
        """The receipt for a just-saved dossier (called by the intake screen's worker and by reprint)."""
        return self.issue(code, FormKind.RECEIPT, officer=officer, print_it=print_it)
