"""Receiving a dossier: validate the draft, then save everything in one transaction with its outbox item."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import secrets
import shutil
import uuid
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db import models
from db.engine import session_scope
from onestop import identity, plausible
from onestop.catalog_flags import no_paper_reason
from onestop.config import Settings
from onestop.domain import (
    VN_TZ,
    Attachment,
    Channel,
    DocKind,
    DocumentLine,
    Dossier,
    DuePreview,
    IntakeDraft,
    PaymentLine,
    Person,
    Procedure,
    ReturnVia,
    Status,
    StatusEvent,
    now_vn,
)
from onestop.errors import BadInput
from onestop.formats import datetime_short
from onestop.owneronly import private_dirs
from onestop.services.calendar_service import CalendarService
from onestop.services.catalog import CatalogService
from onestop.services.fee_receipts import ReceiptNumber, insert_receipt, take_number
from onestop.services.officers import OfficerService

if TYPE_CHECKING:
    from onestop.declarations.service import DeclarationService, Prepared
from onestop.services.records import outbox_values, person_to_json, search_text
from onestop.sync.payload import dossier_payload, event_payload
from onestop.text import clean, fold

LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# Built once: executing a prepared statement with a parameter dict skips SQLAlchemy's per-call statement building.
_T = {
    name: getattr(models, name).__table__
    for name in (
        "Procedure",
        "Dossier",
        "DossierDocument",
        "Attachment",
        "Payment",
        "StatusEvent",
        "AuditEntry",
        "OutboxItem",
        "Draft",
        "Citizen",
        "DossierDeclaration",
    )
}
_PROC_ID = sa.select(_T["Procedure"].c.id).where(
    _T["Procedure"].c.code == sa.bindparam("code"), _T["Procedure"].c.version == sa.bindparam("version")
)
_INSERT_DOSSIER = _T["Dossier"].insert().returning(_T["Dossier"].c.id)
_INSERT_DOCUMENT = _T["DossierDocument"].insert().returning(_T["DossierDocument"].c.id)
_INSERT_ATTACHMENT = _T["Attachment"].insert()
_INSERT_PAYMENT = _T["Payment"].insert()
_INSERT_EVENT = _T["StatusEvent"].insert()
_INSERT_AUDIT = _T["AuditEntry"].insert()
_INSERT_OUTBOX = _T["OutboxItem"].insert()
_NEXT_SEQ = text(
    "INSERT INTO code_counter(day, counter_code, next_seq) VALUES (:d, :c, 2) "
    "ON CONFLICT(day, counter_code) DO UPDATE SET next_seq = next_seq + 1 RETURNING next_seq - 1"
)
_CODE_TAKEN = sa.select(_T["Dossier"].c.id).where(_T["Dossier"].c.code == sa.bindparam("code"))
_INSERT_DECLARATION = _T["DossierDeclaration"].insert()
_DELETE_DRAFTS = _T["Draft"].delete().where(_T["Draft"].c.officer == sa.bindparam("officer"))


def _citizen_upsert() -> Any:
    table = _T["Citizen"]
    stmt = sqlite_insert(table)
    keep = {
        name: sa.func.coalesce(sa.func.nullif(stmt.excluded[name], ""), table.c[name])
        for name in ("gender", "address", "phone", "email", "old_id_number", "cancelled_id_number")
    }
    return stmt.on_conflict_do_update(
        index_elements=[table.c.id_number],
        set_={
            "full_name": stmt.excluded.full_name,
            "name_fold": stmt.excluded.name_fold,
            "birth_date": stmt.excluded.birth_date,
            "updated_at": stmt.excluded.updated_at,
            **keep,
        },
    ).returning(table.c.id)


_UPSERT_CITIZEN = _citizen_upsert()
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


def _text_field(value: str, field: str, label: str, max_len: int, *, required: bool = False) -> str:
    value = clean(value)
    if required and not value:
        raise BadInput(f"{label} không được để trống.", field=field)
    if len(value) > max_len:
        raise BadInput(f"{label} quá dài (tối đa {max_len} ký tự).", field=field)
    return value


def validate_person(p: Person, prefix: str = "") -> Person:
    """Validate and normalise a person typed in or scanned (ID number checked against birth date and sex)."""
    label = "người được ủy quyền" if prefix else "người nộp"
    name = identity.validate_name(p.full_name, field=f"{prefix}full_name")
    if p.birth_date is None:
        raise BadInput(f"Cần nhập ngày sinh của {label}.", field=f"{prefix}birth_date")
    if p.birth_date > now_vn().date() or p.birth_date < plausible.EARLIEST_BIRTH:
        raise BadInput(f"Ngày sinh của {label} không hợp lệ.", field=f"{prefix}birth_date")
    gender = identity.normalize_gender(p.gender) if p.gender else ""
    id_number = identity.validate_id_number(p.id_number, p.birth_date, gender or None)
    return replace(
        p,
        full_name=name,
        id_number=id_number,
        gender=gender,
        address=_text_field(p.address, f"{prefix}address", "Địa chỉ", 500),
        phone=identity.validate_phone(p.phone),
        email=identity.validate_email(p.email),
        old_id_number=identity.validate_old_id(p.old_id_number) if p.old_id_number else "",
        cancelled_id_number=identity.validate_cancelled_id(p.cancelled_id_number),
    )


def _vn(value: datetime) -> datetime:
    """`value` in Asia/Ho_Chi_Minh; a naive value is a Vietnamese wall-clock time, never the host's zone."""
    return plausible.to_vn(value)


class IntakeService:
    """The one way a dossier is received, shared by the intake screen and `onestop intake`."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        catalog: CatalogService,
        calendar: CalendarService,
        officers: OfficerService,
        files_dir: Path,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.catalog = catalog
        self.calendar = calendar
        self.officers = officers
        self.files_dir = files_dir

    @property
    def declarations(self) -> DeclarationService:
        """The declaration forms (tờ khai) service, built on first use."""
        service = self.__dict__.get("_declarations")
        if service is None:
            from onestop.declarations.service import DeclarationService

            service = self.__dict__["_declarations"] = DeclarationService(self.engine, self.officers)
        return service

    def prepare_declaration(
        self, draft: IntakeDraft, procedure: Procedure, *, partial: bool = False
    ) -> Prepared | None:
        """Validate the draft's declaration (pre-filled from the applicant); None when the draft has none."""
        if draft.declaration is None:
            return None
        from onestop.declarations.service import prefill

        raw = draft.declaration
        received = _vn(draft.received_at or now_vn())
        if not (isinstance(raw, dict) and "form" in raw and isinstance(raw.get("values"), dict)):
            defn = self.declarations.for_procedure(procedure.code)
            if defn is not None and isinstance(raw, dict):
                raw = prefill(defn, raw, draft.applicant)
        return self.declarations.prepare(
            procedure.code,
            raw,
            office=self.settings.office,
            registered_on=received.date(),
            now=max(now_vn(), received),
            partial=partial,
        )

    # ------------------------------------------------------------------ helpers used by the screen

    def recall_citizen(self, id_number: str) -> Person | None:
        """A citizen already known to this counter (phone and address recalled), or None."""
        id_number = clean(id_number)
        if len(id_number) != 12 or not id_number.isdigit():
            return None
        with session_scope(self.engine) as s:
            row = s.exec(select(models.Citizen).where(models.Citizen.id_number == id_number)).first()
            if row is None:
                return None
            return Person(
                full_name=row.full_name,
                id_number=row.id_number,
                birth_date=row.birth_date,
                gender=row.gender,
                address=row.address,
                phone=row.phone,
                email=row.email,
                old_id_number=row.old_id_number,
                cancelled_id_number=row.cancelled_id_number,
            )

    def preview_due(self, procedure: Procedure, received_at: datetime | None = None) -> DuePreview:
        return self.calendar.due(procedure, received_at)

    # ------------------------------------------------------------------ validation

    def check_required(self, procedure_code: str, applicant: Person) -> None:
        """`BadInput` naming the first applicant field the procedure's catalog entry requires and the person lacks."""
        from onestop.services.catalog import APPLICANT_FIELDS

        for field in self.catalog.applicant_requires(procedure_code):
            if not clean(str(getattr(applicant, field) or "")):
                raise BadInput(
                    f"Cần nhập {APPLICANT_FIELDS[field]} của người nộp: thủ tục {procedure_code} yêu cầu.", field=field
                )

    def validate(self, draft: IntakeDraft) -> tuple[IntakeDraft, Procedure]:
        """Return a normalised draft and its procedure, or raise `BadInput` naming the field."""
        procedure = self.catalog.get(draft.procedure_code)
        applicant = validate_person(draft.applicant)
        self.check_required(procedure.code, applicant)
        representative = validate_person(draft.representative, "rep_") if draft.representative else None
        if representative and not clean(draft.authorisation_doc):
            raise BadInput("Nộp thay theo ủy quyền: cần ghi giấy tờ ủy quyền.", field="authorisation_doc")
        documents = []
        for i, doc in enumerate(draft.documents):
            name = _text_field(doc.name, f"documents.{i}", "Tên giấy tờ", 500, required=True)
            if not 1 <= doc.count <= 99:
                raise BadInput(f"Số lượng giấy tờ '{name[:40]}' phải từ 1 đến 99.", field=f"documents.{i}")
            documents.append(replace(doc, name=name))
        fee = procedure.fee_vnd if draft.fee_vnd is None else draft.fee_vnd
        exemption = _text_field(draft.exemption, "exemption", "Lý do miễn lệ phí", 500)
        if exemption:
            fee = 0
        if fee is None:
            raise BadInput("Thủ tục chưa có mức lệ phí trong danh mục: hãy nhập lệ phí (0 nếu miễn).", field="fee")
        if not 0 <= fee <= 100_000_000:
            raise BadInput("Lệ phí không hợp lệ.", field="fee")
        if draft.fee_method not in ("cash", "transfer", "card", "online", "none"):
            raise BadInput("Hình thức thu phí không hợp lệ.", field="fee_method")
        return_address = _text_field(draft.return_address, "return_address", "Địa chỉ nhận kết quả", 500)
        if draft.return_via is ReturnVia.POST and not return_address:
            raise BadInput("Trả kết quả qua bưu chính: cần địa chỉ nhận.", field="return_address")
        if draft.channel is Channel.ONLINE and not draft.consent_recorded:
            raise BadInput("Nộp trực tuyến thay công dân: cần ghi nhận sự đồng ý của công dân.", field="consent")
        no_paper = no_paper_reason(procedure.code)
        if no_paper and (
            draft.channel is not Channel.ONLINE or any(d.kind is not DocKind.PRESENT_ONLY for d in documents)
        ):
            raise BadInput(no_paper, field="documents" if draft.channel is Channel.ONLINE else "channel")
        if not 1 <= draft.sets_count <= 99:
            raise BadInput("Số lượng hồ sơ (bộ) phải từ 1 đến 99.", field="sets_count")
        reason = _text_field(draft.due_override_reason, "due_override_reason", "Lý do đổi ngày hẹn", 500)
        if draft.received_at is not None:
            plausible.check_stored_time(draft.received_at, now_vn(), label="Thời điểm tiếp nhận", field="received_at")
        if draft.due_override is not None:
            if not reason:
                raise BadInput("Đổi ngày hẹn trả: cần ghi lý do.", field="due_override_reason")
            plausible.check_due(draft.due_override, draft.received_at or now_vn(), now_vn())
        elif procedure.deadline_amount is None:
            raise BadInput(
                "Thủ tục chưa có thời hạn trong danh mục: cần nhập ngày hẹn trả và lý do.", field="due_override"
            )
        for index, path in draft.attachments:
            if not 0 <= index < max(len(documents), 1):
                raise BadInput("Tệp số hóa gắn vào một dòng giấy tờ không tồn tại.", field="attachments")
            p = Path(path)
            if not p.is_file():
                raise BadInput(f"Không tìm thấy tệp số hóa {p.name[:80]}.", field="attachments")
            if p.stat().st_size > MAX_ATTACHMENT_BYTES:
                raise BadInput(f"Tệp {p.name[:80]} quá lớn (tối đa 50 MB).", field="attachments")
        if draft.attachments and not documents:
            raise BadInput("Cần ít nhất một dòng giấy tờ để gắn tệp số hóa.", field="attachments")
        clean_draft = replace(
            draft,
            procedure_code=procedure.code,
            applicant=applicant,
            representative=representative,
            authorisation_doc=_text_field(draft.authorisation_doc, "authorisation_doc", "Giấy ủy quyền", 500),
            documents=tuple(documents),
            fee_vnd=fee,
            exemption=exemption,
            return_address=return_address,
            due_override_reason=reason,
            summary=_text_field(draft.summary, "summary", "Trích yếu", 1000),
        )
        return clean_draft, procedure

    # ------------------------------------------------------------------ saving

    def store_file(self, path: Path) -> models.Attachment:
        """Copy a scanned file into the content-addressed store (idempotent) and describe it."""
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        sha = digest.hexdigest()
        target = self.files_dir / sha[:2] / sha
        if not target.exists():
            private_dirs(target.parent)
            tmp = target.with_suffix(".part")
            shutil.copyfile(path, tmp)
            os.chmod(tmp, 0o600)
            with tmp.open("rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return models.Attachment(
            document_id=0, sha256=sha, file_name=clean(path.name)[:255], media_type=media, size=path.stat().st_size
        )

    def _next_code(self, s: Session, received_at: datetime) -> str:
        office = self.settings.office
        day = received_at.astimezone(VN_TZ).strftime("%y%m%d")
        conn = s.connection()
        while True:
            seq = conn.execute(_NEXT_SEQ, {"d": day, "c": office.counter_code}).scalar_one()
            code = f"{office.agency_code}-{day}-{office.counter_code}{seq:04d}"
            if conn.execute(_CODE_TAKEN, {"code": code}).first() is None:
                return code

    def _book_number(self, s: Session, received_at: datetime, field: str) -> tuple[str, int]:
        volume = self.settings.rules.book_volume or str(received_at.year)
        key = f"book:{volume}:{field}"
        value = (
            s.connection()
            .execute(
                text(
                    "INSERT INTO setting(key, value) VALUES (:k, '1') ON CONFLICT(key) DO UPDATE "
                    "SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) RETURNING value"
                ),
                {"k": key},
            )
            .scalar_one()
        )
        return volume, int(value)

    def save(self, draft: IntakeDraft, officer: str) -> Dossier:
        """Validate and save; dossier, documents, fee, status event, audit entry and outbox item commit together."""
        actor = self.officers.require(officer)
        draft, procedure = self.validate(draft)
        prepared = self.prepare_declaration(draft, procedure)
        received_at = _vn(draft.received_at or now_vn())
        due_at: datetime | None  # None: a procedure without a set deadline
        if draft.due_override is not None:
            due_at, due_reason = _vn(draft.due_override), f"Cán bộ hẹn lại: {draft.due_override_reason}"
            computed = self.calendar.due(procedure, received_at)
            if computed.due_at is not None:
                due_reason += f" (hạn tính theo quy định: {datetime_short(computed.due_at)})"
        else:
            preview = self.calendar.due(procedure, received_at)
            due_at, due_reason = preview.due_at, preview.explanation
        stored = [(index, self.store_file(Path(path))) for index, path in draft.attachments]
        a = draft.applicant
        dossier_uuid = str(uuid.uuid4())
        now = now_vn()
        paid = bool(draft.fee_vnd)
        documents = tuple(
            DocumentLine(
                doc.name,
                doc.kind,
                doc.count,
                tuple(
                    Attachment(att.sha256, att.file_name, att.media_type, att.size)
                    for index, att in stored
                    if index == position
                ),
            )
            for position, doc in enumerate(draft.documents)
        )
        event = StatusEvent(1, received_at, None, Status.RECEIVED, actor.username, "Tiếp nhận hồ sơ", due_at)
        # Core statements, not the ORM: this is the counter's hot path (one durable commit, a handful of inserts).
        with session_scope(self.engine, write=True) as s:
            conn = s.connection()
            proc_id = conn.execute(_PROC_ID, {"code": procedure.code, "version": procedure.version}).scalar_one()
            citizen_id = self._upsert_citizen(conn, a, now, confirm_address=draft.confirm_address)
            code = self._next_code(s, received_at)
            volume, number = self._book_number(s, received_at, procedure.field)
            values = dict(
                uuid=dossier_uuid,
                code=code,
                official_code="",
                procedure_id=proc_id,
                procedure_code=procedure.code,
                citizen_id=citizen_id,
                applicant_name=a.full_name,
                applicant_fold=fold(a.full_name),
                applicant_id_number=a.id_number,
                applicant_birth_date=a.birth_date,
                applicant_gender=a.gender,
                applicant_address=a.address,
                applicant_phone=a.phone,
                applicant_email=a.email,
                applicant_cancelled_id=a.cancelled_id_number,
                representative_json=person_to_json(draft.representative),
                authorisation_doc=draft.authorisation_doc,
                channel=draft.channel.value,
                return_via=draft.return_via.value,
                return_address=draft.return_address,
                received_at=received_at,
                due_at=due_at,
                due_reason=due_reason[:1000],
                status=Status.RECEIVED.value,
                officer=actor.username,
                counter_code=self.settings.office.counter_code,
                fee_total=draft.fee_vnd or 0,
                sets_count=draft.sets_count,
                book_volume=volume,
                book_number=number,
                lookup_key="".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(4)),
                summary=draft.summary,
                consent_recorded=draft.consent_recorded,
                has_eid_account=draft.has_eid_account,
                origin="local",
                sync_state="pending",
                sync_message="",
                row_version=1,
                updated_at=now,
                collected_by="",
                collected_id_number="",
                declaration_fold=prepared.persons_fold if prepared else "",
            )
            values["search_fold"] = search_text(values, procedure.name)
            dossier_id = conn.execute(_INSERT_DOSSIER, values).scalar_one()
            declaration = prepared.declaration if prepared else None
            if declaration is not None:
                conn.execute(
                    _INSERT_DECLARATION,
                    dict(
                        dossier_id=dossier_id,
                        form_name=declaration.form,
                        form_version=declaration.version,
                        values_json=json.dumps(declaration.values, ensure_ascii=False),
                        title=declaration.title,
                        persons_json=json.dumps(declaration.persons, ensure_ascii=False),
                        updated_at=now,
                    ),
                )
            receipt = take_number(conn) if draft.fee_vnd else None  # the next number of the receipt series
            self._add_children(conn, dossier_id, documents, draft, received_at, receipt, actor.username)
            conn.execute(
                _INSERT_EVENT,
                dict(
                    dossier_id=dossier_id,
                    seq=1,
                    at=received_at,
                    from_status=None,
                    to_status=Status.RECEIVED.value,
                    officer=actor.username,
                    reason=event.reason,
                    new_due=due_at,
                    note="",
                    origin="local",
                ),
            )
            conn.execute(
                _INSERT_AUDIT,
                dict(
                    at=now,
                    officer=actor.username,
                    action="dossier.create",
                    dossier_code=code,
                    detail=f"{procedure.code} v{procedure.version}; kênh {draft.channel.value}",
                ),
            )
            dossier = Dossier(
                uuid=dossier_uuid,
                code=code,
                procedure=procedure,
                applicant=a,
                received_at=received_at,
                due_at=due_at,
                status=Status.RECEIVED,
                channel=draft.channel,
                return_via=draft.return_via,
                officer=actor.username,
                officer_name=actor.full_name,
                representative=draft.representative,
                authorisation_doc=draft.authorisation_doc,
                documents=documents,
                payments=(
                    PaymentLine(
                        draft.fee_vnd or 0,
                        draft.fee_method if paid else "none",
                        draft.exemption,
                        received_at if paid else None,
                        receipt_number=ReceiptNumber(code, *receipt).text if receipt else "",
                    ),
                ),
                return_address=draft.return_address,
                sets_count=draft.sets_count,
                book_volume=volume,
                book_number=number,
                lookup_key=values["lookup_key"],
                due_reason=values["due_reason"],
                summary=draft.summary,
                consent_recorded=draft.consent_recorded,
                has_eid_account=draft.has_eid_account,
                events=(event,),
                sync_state="pending",
                declaration=declaration,
            )
            conn.execute(
                _INSERT_OUTBOX,
                [
                    outbox_values(
                        "dossier.upsert",
                        dossier,
                        dossier_payload(dossier, self.settings.office),
                        key=f"dossier:{dossier_uuid}:v1",
                        now=now,
                    ),
                    outbox_values(
                        "dossier.event",
                        dossier,
                        event_payload(dossier, event, officer_name=actor.full_name),
                        key=f"event:{dossier_uuid}:1",
                        now=now,
                    ),
                ],
            )
            # The draft becomes the dossier in the same commit: a crash leaves one or the other, never both.
            conn.execute(_DELETE_DRAFTS, {"officer": actor.username})
            return dossier

    def _upsert_citizen(self, conn: sa.Connection, p: Person, now: datetime, *, confirm_address: bool = False) -> int:
        """Insert or refresh the citizen by ID number (empty new values never erase known ones); returns its id.

        A known citizen's current address is replaced only when the officer confirmed it: cards are not re-issued
        after the 2025 merger, so a scanned address may name a commune that no longer exists (BRIEF §11.5).
        """
        address = p.address
        if not confirm_address:
            known = self.known_address(p.id_number, conn=conn)
            address = known or address
        return conn.execute(
            _UPSERT_CITIZEN,
            dict(
                id_number=p.id_number,
                full_name=p.full_name,
                name_fold=fold(p.full_name),
                birth_date=p.birth_date,
                gender=p.gender,
                address=address,
                phone=p.phone,
                email=p.email,
                old_id_number=p.old_id_number,
                cancelled_id_number=p.cancelled_id_number,
                updated_at=now,
            ),
        ).scalar_one()

    def known_address(self, id_number: str, *, conn: sa.Connection | None = None) -> str:
        """The current address on file for a citizen ("" if unknown): what a scan must not silently replace."""
        query = sa.select(col(models.Citizen.address)).where(col(models.Citizen.id_number) == id_number)
        if conn is not None:
            return conn.execute(query).scalar_one_or_none() or ""
        with self.engine.connect() as c:
            return c.execute(query).scalar_one_or_none() or ""

    def address_change(self, person: Person) -> str:
        """The known address when `person.address` would replace a different one (the officer must confirm), else ""."""
        known = self.known_address(person.id_number) if person.id_number else ""
        if known and person.address and fold(known) != fold(person.address):
            return known
        return ""

    def _add_children(
        self,
        conn: sa.Connection,
        dossier_id: int,
        documents: tuple[DocumentLine, ...],
        draft: IntakeDraft,
        received_at: datetime,
        receipt: tuple[str, str, int] | None = None,
        officer: str = "",
    ) -> None:
        for position, doc in enumerate(documents):
            doc_id = conn.execute(
                _INSERT_DOCUMENT,
                dict(
                    dossier_id=dossier_id,
                    position=position,
                    name=doc.name,
                    kind=doc.kind.value,
                    count=doc.count,
                ),
            ).scalar_one()
            if doc.attachments:
                conn.execute(
                    _INSERT_ATTACHMENT,
                    [
                        dict(
                            document_id=doc_id,
                            sha256=att.sha256,
                            file_name=att.file_name,
                            media_type=att.media_type,
                            size=att.size,
                        )
                        for att in doc.attachments
                    ],
                )
        paid = bool(draft.fee_vnd)
        payment = conn.execute(
            _INSERT_PAYMENT,
            dict(
                dossier_id=dossier_id,
                label="Lệ phí",
                amount_vnd=draft.fee_vnd or 0,
                method=draft.fee_method if paid else "none",
                exemption=draft.exemption,
                paid_at=received_at if paid else None,
            ),
        )
        if receipt is not None:
            key = payment.inserted_primary_key
            assert key is not None  # a single-row insert reports its key
            insert_receipt(conn, key[0], receipt, officer, received_at)

    # ------------------------------------------------------------------ drafts

    def save_draft(self, officer: str, data: dict) -> None:
        """Keep the officer's typed-in intake so Esc, an idle lock or a killed process loses nothing."""
        with session_scope(self.engine, write=True) as s:
            row = s.exec(select(models.Draft).where(models.Draft.officer == officer)).first()
            row = row or models.Draft(officer=officer, kind="intake", updated_at=now_vn())
            row.data_json = json.dumps(data, ensure_ascii=False, default=str)
            row.updated_at = now_vn()
            s.add(row)

    def load_draft(self, officer: str) -> dict | None:
        with session_scope(self.engine) as s:
            row = s.exec(select(models.Draft).where(models.Draft.officer == officer)).first()
            return json.loads(row.data_json) if row and row.data_json else None

    def discard_draft(self, officer: str) -> None:
        with session_scope(self.engine, write=True) as s:
            for row in s.exec(select(models.Draft).where(models.Draft.officer == officer)):
                s.delete(row)
