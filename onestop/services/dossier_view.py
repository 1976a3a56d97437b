"""One dossier read whole with plain SQL: what `onestop dossier show` and `onestop receipt` need, without the ORM.

A command started from the shell pays for every module it imports; building the SQLModel table classes
(`db.models`) alone costs about a sixth of `import sqlmodel`. These reads use only the connection and return the
same domain objects as `records.to_domain` (a test compares the two on a dossier with every kind of child row).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from onestop.domain import (
    VN_TZ,
    Attachment,
    Channel,
    DeadlineUnit,
    Declaration,
    DocKind,
    DocumentLine,
    Dossier,
    FeeExemption,
    FormKind,
    Officer,
    PaymentLine,
    Person,
    PrintedForm,
    Procedure,
    Rating,
    RequiredDocument,
    ReturnVia,
    Role,
    Status,
    StatusEvent,
    now_vn,
)
from onestop.errors import BadInput, NotFound, PermissionDenied
from onestop.text import clean

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.engine import Engine


def stored_time(value: str | None) -> datetime | None:
    """A stored moment as `AwareDateTime` reads it (db.models): Vietnam time, a naive value taken as such."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ)
    try:
        return parsed.astimezone(VN_TZ)
    except OverflowError:
        return parsed.replace(tzinfo=VN_TZ)


def stored_moment(value: datetime) -> str:
    """A moment as `AwareDateTime` stores it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ).isoformat(timespec="seconds")


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _rows(conn: Connection, sql: str, params: tuple[Any, ...]) -> list[Any]:
    return list(conn.exec_driver_sql(sql, params).mappings())


# ---------------------------------------------------------------- officers


def require_officer(conn: Connection, username: str | None, role: Role = Role.OFFICER) -> Officer:
    """`OfficerService.require` on an open connection: the officer exists, is active and holds `role`."""
    if not username:
        raise BadInput("Cần chỉ rõ cán bộ thực hiện (--officer).", field="officer")
    row = conn.exec_driver_sql(
        "SELECT username, full_name, role, active FROM officer WHERE username = ?", (clean(username).lower(),)
    ).first()
    if row is None:
        raise NotFound(f"Không có cán bộ '{clean(username)[:50]}'.", field="officer")
    officer = Officer(username=row.username, full_name=row.full_name, role=Role(row.role), active=bool(row.active))
    if not officer.active:
        raise PermissionDenied(f"Tài khoản cán bộ '{officer.username}' đã bị khóa.")
    if officer.role.rank < role.rank:
        raise PermissionDenied(
            f"Cán bộ '{officer.username}' ({officer.role.label}) không có quyền thực hiện việc này; "
            f"cần vai trò {role.label}."
        )
    return officer


def officer_names(conn: Connection) -> dict[str, str]:
    """Username → full name of every officer that has one (the names printed on forms)."""
    rows = conn.exec_driver_sql("SELECT username, full_name FROM officer ORDER BY username")
    return {username: full_name for username, full_name in rows if full_name}


def audit(conn: Connection, officer: str, action: str, dossier_code: str = "", detail: str = "") -> None:
    """`audit.record` on an open connection: one entry in the caller's transaction."""
    conn.exec_driver_sql(
        "INSERT INTO audit_entry (at, officer, action, dossier_code, detail) VALUES (?, ?, ?, ?, ?)",
        (stored_moment(now_vn()), officer, action, dossier_code, detail[:2000]),
    )


# ---------------------------------------------------------------- the dossier


def find(conn: Connection, code: str) -> Any:
    """The dossier row by local code, official code or UUID (`records.find_row`); `NotFound` otherwise."""
    code = clean(code)[:60]
    if not code:
        raise NotFound("Chưa nhập mã hồ sơ.", field="code")
    for column in ("code", "official_code", "uuid"):
        if column == "uuid" and len(code) != 36:
            continue
        row = conn.exec_driver_sql(f"SELECT * FROM dossier WHERE {column} = ? LIMIT 1", (code,)).mappings().first()
        if row is not None:
            return row
    raise NotFound(f"Không tìm thấy hồ sơ mã '{code}'.", field="code")


def procedure(conn: Connection, procedure_id: int) -> Procedure:
    """The procedure a dossier was received under (catalog.to_domain)."""
    row = conn.exec_driver_sql("SELECT * FROM procedure WHERE id = ?", (procedure_id,)).mappings().one()
    docs = json.loads(row["documents_json"] or "[]")
    exemptions = json.loads(row["exemptions_json"] or "[]")
    from datetime import time

    return Procedure(
        code=row["code"],
        version=row["version"],
        name=row["name"],
        field=row["field"],
        deadline_amount=row["deadline_amount"],
        deadline_unit=DeadlineUnit(row["deadline_unit"]),
        cutoff=time.fromisoformat(row["cutoff"]) if row["cutoff"] else None,
        fee_vnd=row["fee_vnd"],
        fee_note=row["fee_note"],
        online_level=row["online_level"],
        documents=tuple(RequiredDocument(d["name"], DocKind(d["kind"]), int(d["count"])) for d in docs),
        exemptions=tuple(FeeExemption(e["code"], e["label"]) for e in exemptions),
        processing_note=row["processing_note"],
        source=row["source"],
        sourced=bool(row["sourced"]),
        active=bool(row["active"]),
        deciding_agency=row["deciding_agency"],
    )


def person_from_json(text: str) -> Person | None:
    """A representative stored as JSON (records.person_to_json)."""
    if not text:
        return None
    d = json.loads(text)
    return Person(
        full_name=d.get("full_name", ""),
        id_number=d.get("id_number", ""),
        birth_date=date.fromisoformat(d["birth_date"]) if d.get("birth_date") else None,
        gender=d.get("gender", ""),
        address=d.get("address", ""),
        phone=d.get("phone", ""),
        email=d.get("email", ""),
        old_id_number=d.get("old_id_number", ""),
        cancelled_id_number=d.get("cancelled_id_number", ""),
    )


def read(conn: Connection, code: str) -> Dossier:
    """The full dossier (documents, fees, events, forms, rating, results, declaration) by any of its codes."""
    from onestop.formats import fee_receipt

    row = find(conn, code)
    dossier_id = row["id"]
    officer = conn.exec_driver_sql("SELECT full_name FROM officer WHERE username = ?", (row["officer"],)).scalar()
    decl = conn.exec_driver_sql(
        "SELECT form_name, form_version, values_json, title, persons_json FROM dossier_declaration "
        "WHERE dossier_id = ? LIMIT 1",
        (dossier_id,),
    ).first()
    docs = _rows(
        conn,
        "SELECT d.id, d.name, d.kind, d.count, r.source_dossier_code FROM dossier_document d "
        "LEFT JOIN document_reuse r ON r.document_id = d.id WHERE d.dossier_id = ? ORDER BY d.position",
        (dossier_id,),
    )
    attachments: dict[int, list[Attachment]] = {}
    for a in _rows(
        conn,
        "SELECT a.document_id, a.sha256, a.file_name, a.media_type, a.size FROM attachment a "
        "JOIN dossier_document d ON d.id = a.document_id WHERE d.dossier_id = ? ORDER BY a.id",
        (dossier_id,),
    ):
        attachments.setdefault(a["document_id"], []).append(
            Attachment(a["sha256"], a["file_name"], a["media_type"], a["size"])
        )
    payments = tuple(
        PaymentLine(
            p["amount_vnd"],
            p["method"],
            p["exemption"],
            stored_time(p["paid_at"]),
            p["label"],
            receipt_number=(
                fee_receipt(p["symbol"], p["book"], p["number"], p["paper_number"])
                if p["receipt_id"] is not None
                else ""
            ),
        )
        for p in _rows(
            conn,
            "SELECT p.amount_vnd, p.method, p.exemption, p.paid_at, p.label, r.payment_id AS receipt_id, r.symbol, "
            "r.book, r.number, r.paper_number FROM payment p LEFT JOIN fee_receipt r ON r.payment_id = p.id "
            "WHERE p.dossier_id = ? ORDER BY p.id",
            (dossier_id,),
        )
    )
    events = tuple(
        StatusEvent(
            e["seq"],
            stored_time(e["at"]),  # type: ignore[arg-type]
            Status(e["from_status"]) if e["from_status"] else None,
            Status(e["to_status"]),
            e["officer"],
            e["reason"],
            stored_time(e["new_due"]),
            e["note"],
        )
        for e in _rows(
            conn,
            "SELECT seq, at, from_status, to_status, officer, reason, new_due, note FROM status_event "
            "WHERE dossier_id = ? ORDER BY seq",
            (dossier_id,),
        )
    )
    forms = tuple(
        PrintedForm(
            FormKind(f["form"]),
            stored_time(f["at"]),  # type: ignore[arg-type]
            f["officer"],
            f["copies"],
            f["file"],
            f["printer"],
            f["job"],
            f["status"],
        )
        for f in _rows(
            conn,
            "SELECT form, at, officer, copies, file, printer, job, status FROM printed_form WHERE dossier_id = ? "
            "ORDER BY id",
            (dossier_id,),
        )
    )
    rating = conn.exec_driver_sql(
        "SELECT level, at, officer, reason, comment, via, declined FROM dossier_rating WHERE dossier_id = ? LIMIT 1",
        (dossier_id,),
    ).first()
    results = tuple(
        Attachment(f["sha256"], f["file_name"], f["media_type"], f["size"])
        for f in _rows(
            conn,
            "SELECT sha256, file_name, media_type, size FROM result_file WHERE dossier_id = ? ORDER BY id",
            (dossier_id,),
        )
    )
    return Dossier(
        uuid=row["uuid"],
        code=row["code"],
        official_code=row["official_code"],
        procedure=procedure(conn, row["procedure_id"]),
        applicant=Person(
            full_name=row["applicant_name"],
            id_number=row["applicant_id_number"],
            birth_date=_day(row["applicant_birth_date"]),
            gender=row["applicant_gender"],
            address=row["applicant_address"],
            phone=row["applicant_phone"],
            email=row["applicant_email"],
            cancelled_id_number=row["applicant_cancelled_id"],
        ),
        representative=person_from_json(row["representative_json"]),
        authorisation_doc=row["authorisation_doc"],
        received_at=stored_time(row["received_at"]),  # type: ignore[arg-type]
        due_at=stored_time(row["due_at"]),
        status=Status(row["status"]),
        channel=Channel(row["channel"]),
        return_via=ReturnVia(row["return_via"]),
        return_address=row["return_address"],
        officer=row["officer"],
        officer_name=officer if officer is not None else row["officer"],
        documents=tuple(
            DocumentLine(
                d["name"],
                DocKind(d["kind"]),
                d["count"],
                tuple(attachments.get(d["id"], ())),
                d["source_dossier_code"] or "",
            )
            for d in docs
        ),
        payments=payments,
        events=events,
        forms=forms,
        sets_count=row["sets_count"],
        book_volume=row["book_volume"],
        book_number=row["book_number"],
        lookup_key=row["lookup_key"],
        due_reason=row["due_reason"],
        summary=row["summary"],
        consent_recorded=bool(row["consent_recorded"]),
        has_eid_account=bool(row["has_eid_account"]),
        sync_state=row["sync_state"],
        sync_message=row["sync_message"],
        returned_at=stored_time(row["returned_at"]),
        collected_by=row["collected_by"],
        collected_id_number=row["collected_id_number"],
        rating=(
            Rating(
                rating.level,
                stored_time(rating.at),  # type: ignore[arg-type]
                rating.officer,
                rating.reason,
                rating.comment,
                rating.via,
                bool(rating.declined),
            )
            if rating is not None
            else None
        ),
        result_files=results,
        declaration=(
            Declaration(
                decl.form_name,
                decl.form_version,
                json.loads(decl.values_json),
                decl.title,
                tuple(json.loads(decl.persons_json or "[]")),
            )
            if decl is not None
            else None
        ),
    )


def show(engine: Engine, code: str, *, officer: str | None) -> Dossier:
    """`DossierService.get`: the full dossier, with its "dossier.view" audit entry in the same transaction
    (`officer` None: the workstation's own account, audited as "cli")."""
    with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
        actor = require_officer(conn, officer).username if officer else "cli"
        dossier = read(conn, code)
        audit(conn, actor, "dossier.view", dossier.code)
    return dossier
