"""Reading dossiers: rows to domain objects, lookups by code, the search text, and the outbox writer."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlmodel import Session, col, select

from db import models
from onestop.domain import (
    Attachment,
    Channel,
    Declaration,
    DocKind,
    DocumentLine,
    Dossier,
    FormKind,
    PaymentLine,
    Person,
    PrintedForm,
    Rating,
    ReturnVia,
    Status,
    StatusEvent,
    now_vn,
)
from onestop.errors import NotFound
from onestop.services.catalog import to_domain as procedure_to_domain
from onestop.services.dossier_view import person_from_json
from onestop.text import clean, fold


def person_to_json(person: Person | None) -> str:
    if person is None:
        return ""
    data = {
        "full_name": person.full_name,
        "id_number": person.id_number,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "gender": person.gender,
        "address": person.address,
        "phone": person.phone,
        "email": person.email,
        "old_id_number": person.old_id_number,
        "cancelled_id_number": person.cancelled_id_number,
    }
    return json.dumps(data, ensure_ascii=False)


def search_text(row: Any, procedure_name: str = "") -> str:
    """The folded text the one-box search looks in: codes, applicant, ID, phone, address, procedure.

    `row` is a dossier row or a mapping of its column values.
    """
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name))
    rep = person_from_json(get("representative_json") or "")
    parts = [
        get("code"),
        get("official_code"),
        get("applicant_name"),
        get("applicant_id_number"),
        get("applicant_phone"),
        get("applicant_address"),
        get("procedure_code"),
        procedure_name,
    ]
    if rep:
        parts += [rep.full_name, rep.id_number, rep.phone]
    # The persons a declaration names (child, deceased, both parties), already folded (migration 0002).
    declared = row.get("declaration_fold") if isinstance(row, dict) else getattr(row, "declaration_fold", "")
    if declared:
        parts.append(declared)
    return fold(" ".join(p for p in parts if p))


def find_row(s: Session, code: str) -> models.Dossier:
    """A dossier by local code, official code or UUID; `NotFound` otherwise."""
    code = clean(code)[:60]
    if not code:
        raise NotFound("Chưa nhập mã hồ sơ.", field="code")
    row = s.exec(select(models.Dossier).where(models.Dossier.code == code)).first()
    if row is None:
        row = s.exec(select(models.Dossier).where(models.Dossier.official_code == code)).first()
    if row is None and len(code) == 36:
        row = s.exec(select(models.Dossier).where(models.Dossier.uuid == code)).first()
    if row is None:
        raise NotFound(f"Không tìm thấy hồ sơ mã '{code}'.", field="code")
    return row


def to_domain(s: Session, row: models.Dossier, *, full: bool = True) -> Dossier:
    """Convert a dossier row (and, when `full`, its documents, fees, events and forms) to a `Dossier`."""
    proc_row = s.get(models.Procedure, row.procedure_id)
    assert proc_row is not None
    officer_row = s.exec(select(models.Officer).where(models.Officer.username == row.officer)).first()
    documents: tuple[DocumentLine, ...] = ()
    payments: tuple[PaymentLine, ...] = ()
    events: tuple[StatusEvent, ...] = ()
    forms: tuple[PrintedForm, ...] = ()
    declaration: Declaration | None = None
    if full:
        decl_row = s.exec(
            select(models.DossierDeclaration).where(models.DossierDeclaration.dossier_id == row.id)
        ).first()
        if decl_row is not None:
            declaration = Declaration(
                decl_row.form_name,
                decl_row.form_version,
                json.loads(decl_row.values_json),
                decl_row.title,
                tuple(json.loads(decl_row.persons_json or "[]")),
            )
        doc_rows = s.exec(
            select(models.DossierDocument)
            .where(models.DossierDocument.dossier_id == row.id)
            .order_by(col(models.DossierDocument.position))
        ).all()
        reuse = {
            r.document_id: r.source_dossier_code
            for r in s.exec(
                select(models.DocumentReuse).where(col(models.DocumentReuse.document_id).in_([d.id for d in doc_rows]))
            )
        }
        documents = tuple(
            DocumentLine(
                d.name,
                DocKind(d.kind),
                d.count,
                tuple(
                    Attachment(a.sha256, a.file_name, a.media_type, a.size)
                    for a in s.exec(select(models.Attachment).where(models.Attachment.document_id == d.id))
                ),
                reuse.get(d.id or 0, ""),
            )
            for d in doc_rows
        )
        payments = tuple(
            PaymentLine(p.amount_vnd, p.method, p.exemption, p.paid_at, p.label, receipt_number=_receipt_text(s, p.id))
            for p in s.exec(select(models.Payment).where(models.Payment.dossier_id == row.id))
        )
        events = tuple(
            StatusEvent(
                e.seq,
                e.at,
                Status(e.from_status) if e.from_status else None,
                Status(e.to_status),
                e.officer,
                e.reason,
                e.new_due,
                e.note,
            )
            for e in s.exec(
                select(models.StatusEvent)
                .where(models.StatusEvent.dossier_id == row.id)
                .order_by(col(models.StatusEvent.seq))
            )
        )
        forms = tuple(
            PrintedForm(FormKind(f.form), f.at, f.officer, f.copies, f.file, f.printer, f.job, f.status)
            for f in s.exec(
                select(models.PrintedForm)
                .where(models.PrintedForm.dossier_id == row.id)
                .order_by(col(models.PrintedForm.id))
            )
        )
    return Dossier(
        uuid=row.uuid,
        code=row.code,
        official_code=row.official_code,
        procedure=procedure_to_domain(proc_row),
        applicant=Person(
            full_name=row.applicant_name,
            id_number=row.applicant_id_number,
            birth_date=row.applicant_birth_date,
            gender=row.applicant_gender,
            address=row.applicant_address,
            phone=row.applicant_phone,
            email=row.applicant_email,
            cancelled_id_number=row.applicant_cancelled_id,
        ),
        representative=person_from_json(row.representative_json),
        authorisation_doc=row.authorisation_doc,
        received_at=row.received_at,
        due_at=row.due_at,
        status=Status(row.status),
        channel=Channel(row.channel),
        return_via=ReturnVia(row.return_via),
        return_address=row.return_address,
        officer=row.officer,
        officer_name=officer_row.full_name if officer_row else row.officer,
        documents=documents,
        payments=payments,
        events=events,
        forms=forms,
        sets_count=row.sets_count,
        book_volume=row.book_volume,
        book_number=row.book_number,
        lookup_key=row.lookup_key,
        due_reason=row.due_reason,
        summary=row.summary,
        consent_recorded=row.consent_recorded,
        has_eid_account=row.has_eid_account,
        sync_state=row.sync_state,
        sync_message=row.sync_message,
        returned_at=row.returned_at,
        collected_by=row.collected_by,
        collected_id_number=row.collected_id_number,
        rating=rating_of(s, row.id) if full else None,
        result_files=tuple(
            Attachment(f.sha256, f.file_name, f.media_type, f.size)
            for f in s.exec(select(models.ResultFile).where(models.ResultFile.dossier_id == row.id))
        )
        if full
        else (),
        declaration=declaration,
    )


def _receipt_text(s: Session, payment_id: int | None) -> str:
    """The fee receipt's printed number ("" when none was issued)."""
    from onestop.formats import fee_receipt

    r = s.get(models.FeeReceipt, payment_id) if payment_id is not None else None
    return fee_receipt(r.symbol, r.book, r.number, r.paper_number) if r else ""


def rating_of(s: Session, dossier_id: int | None) -> Rating | None:
    """The dossier's satisfaction rating, if one was recorded."""
    r = s.exec(select(models.DossierRating).where(models.DossierRating.dossier_id == dossier_id)).first()
    if r is None:
        return None
    return Rating(r.level, r.at, r.officer, r.reason, r.comment, r.via, r.declined)


def outbox_values(kind: str, dossier: Any, payload: dict, *, key: str = "", now: Any = None) -> dict[str, Any]:
    """The column values of one outbox item: a frozen JSON payload under its idempotency key."""
    return dict(
        key=key or f"{kind}:{uuid.uuid4()}",
        dossier_uuid=dossier.uuid if dossier is not None else "",
        dossier_code=dossier.code if dossier is not None else "",
        kind=kind,
        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
        state="queued",
        attempts=0,
        last_error="",
        server_reply="",
        created_at=now or now_vn(),
    )


def enqueue(
    s: Session, kind: str, dossier_row: models.Dossier | None, payload: dict, *, key: str = ""
) -> models.OutboxItem:
    """Append a frozen payload to the outbox inside the caller's transaction (the transactional outbox)."""
    item = models.OutboxItem(**outbox_values(kind, dossier_row, payload, key=key))
    s.add(item)
    if dossier_row is not None:
        dossier_row.sync_state = "pending"
        s.add(dossier_row)
    return item
