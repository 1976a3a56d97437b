"""JSON shapes of the command line's output (CONTRACT.md): one function per domain object."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from onestop.domain import Dossier, DossierSummary, MonthlyReport


def iso(value: Any) -> str | None:
    from onestop import formats

    return formats.iso(value) if value else None


def dossier_json(d: Dossier) -> dict[str, Any]:
    def person(p: Any) -> dict[str, Any] | None:
        if p is None:
            return None
        return {
            "full_name": p.full_name,
            "id_number": p.id_number,
            "birth_date": iso(p.birth_date),
            "gender": p.gender,
            "address": p.address,
            "phone": p.phone,
            "email": p.email,
            "cancelled_id_number": p.cancelled_id_number,
        }

    return {
        "code": d.code,
        "official_code": d.official_code,
        "uuid": d.uuid,
        "status": d.status.value,
        "status_label": d.status.label,
        "national_status": d.status.national_code,
        "overdue": d.is_overdue(),
        "procedure": {
            "code": d.procedure.code,
            "version": d.procedure.version,
            "name": d.procedure.name,
            "field": d.procedure.field,
        },
        "applicant": person(d.applicant),
        "representative": person(d.representative),
        "authorisation_doc": d.authorisation_doc if d.representative is not None else None,
        "channel": d.channel.value,
        "return_via": d.return_via.value,
        "return_address": d.return_address,
        "received_at": iso(d.received_at),
        "due_at": iso(d.due_at),
        "due_reason": d.due_reason,
        "officer": d.officer,
        "lookup_key": d.lookup_key,
        "fee_vnd": d.fee_total,
        "documents": [
            {
                "name": x.name,
                "kind": x.kind.value,
                "count": x.count,
                "attachments": [a.file_name for a in x.attachments],
                "reused_from": x.reused_from or None,
            }
            for x in d.documents
        ],
        "result_files": [{"name": a.file_name, "sha256": a.sha256, "size": a.size} for a in d.result_files],
        "payments": [
            {
                "label": p.label,
                "amount_vnd": p.amount_vnd,
                "method": p.method,
                "exemption": p.exemption,
                "receipt_number": p.receipt_number,
            }
            for p in d.payments
        ],
        "events": [
            {
                "seq": e.seq,
                "at": iso(e.at),
                "from": e.from_status.value if e.from_status else None,
                "to": e.to_status.value,
                "officer": e.officer,
                "reason": e.reason,
                "new_due": iso(e.new_due),
                "note": e.note,
            }
            for e in d.events
        ],
        "forms": [
            {
                "form": f.form.value,
                "at": iso(f.at),
                "officer": f.officer,
                "copies": f.copies,
                "file": f.file,
                "status": f.status,
            }
            for f in d.forms
        ],
        "sync_state": d.sync_state,
        "sync_message": d.sync_message,
        "returned_at": iso(d.returned_at),
        "collected_by": d.collected_by,
        "collected_id_number": d.collected_id_number,
        "rating": rating_json(d.rating),
        "declaration": (
            {"form": d.declaration.form, "version": d.declaration.version, "values": d.declaration.values}
            if d.declaration
            else None
        ),
    }


def rating_json(r: Any) -> dict[str, Any] | None:
    """The citizen's satisfaction rating, or None."""
    if r is None:
        return None
    return {
        "level": r.level,
        "label": r.label,
        "declined": r.declined,
        "reason": r.reason,
        "comment": r.comment,
        "via": r.via,
        "officer": r.officer,
        "at": iso(r.at),
    }


def summary_json(s: DossierSummary) -> dict[str, Any]:
    return {
        "code": s.code,
        "official_code": s.official_code,
        "applicant_name": s.applicant_name,
        "id_number": s.id_number,
        "phone": s.phone,
        "procedure_code": s.procedure_code,
        "procedure_name": s.procedure_name,
        "status": s.status.value,
        "received_at": iso(s.received_at),
        "due_at": iso(s.due_at),
        "overdue": s.overdue,
    }


def report_json(r: MonthlyReport) -> dict[str, Any]:
    def row(x: Any) -> dict[str, Any]:
        return {
            "field": x.field,
            "procedure_code": x.procedure_code,
            "procedure_name": x.procedure_name,
            "received_paper": x.received_paper,
            "received_online": x.received_online,
            "received_post": x.received_post,
            "received": x.received,
            "resolved_on_time": x.resolved_on_time,
            "resolved_late": x.resolved_late,
            "pending": x.pending,
            "overdue": x.overdue,
        }

    return {
        "month": r.month,
        "commune": r.office.commune_name,
        "generated_at": iso(r.generated_at),
        "rows": [row(x) for x in r.rows],
        "total": row(r.total),
    }


def summary_like(d: Dossier) -> dict[str, Any]:
    return {
        "code": d.code,
        "received_at": iso(d.received_at),
        "applicant_name": d.applicant.full_name,
        "procedure_code": d.procedure.code,
        "procedure_name": d.procedure.name,
        "field": d.procedure.field,
        "status": d.status.value,
        "due_at": iso(d.due_at),
        "returned_at": iso(d.returned_at),
    }
