"""Receiving a dossier: validate the draft, then save everything in one transaction with its outbox item."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import secrets
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from db import models
from db.engine import session_scope
from db.tables import table_of
from onestop import identity, plausible
from onestop.catalog_flags import no_paper_reason
from onestop.config import Settings
from onestop.domain import (
    VN_TZ,
    Attachment,
    Channel,
    Declaration,
    DocKind,
    DocumentLine,
    Dossier,
    DuePreview,
    IntakeDraft,
    Officer,
    PaymentLine,
    Person,
    Procedure,
    ReturnVia,
    Status,
    StatusEvent,
    now_vn,
)
from onestop.errors import BadInput, Conflict, NotFound, PermissionDenied
from onestop.formats import datetime_short
from onestop.owneronly import private_dirs
from onestop.services.calendar_service import CalendarService
from onestop.services.catalog import CatalogService
from onestop.services.fee_receipts import ReceiptNumber, insert_receipt, take_number
from onestop.services.officers import OfficerService

if TYPE_CHECKING:
    from onestop.declarations.definition import FormDefinition
    from onestop.declarations.service import DeclarationService, Prepared
from onestop.services.records import outbox_values, person_to_json, search_text
from onestop.sync.payload import dossier_payload, event_payload
from onestop.text import clean, fold

LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
AUTHORISATION_MAX_CHARS = 500
"""The longest authorisation paper (giấy tờ ủy quyền) text a dossier keeps."""


class _Insert:
    """One table's INSERT as plain SQL with positional parameters, built once from the SQLModel table.

    The hot path runs it on the transaction's sqlite3 connection (`_Tx`): no statement compilation and no per-call SQLAlchemy processing,
    while keeping what a Core insert would do: the columns' scalar defaults fill what the caller leaves out, and
    the stored types' own conversion (`AwareDateTime`, `IsoDate`) turns dates into their text.
    """

    def __init__(self, table: sa.Table, keys: tuple[str, ...], returning: str = "") -> None:
        given = set(keys)
        for key in keys:
            table.c[key]  # noqa: B018 (a typo in a column name fails at import, not at the counter)
        defaults = tuple(
            c.name
            for c in table.columns
            if c.name not in given and c.default is not None and getattr(c.default, "is_scalar", False)
        )
        self.columns = (*keys, *defaults)
        self.defaults = tuple(table.c[name].default.arg for name in defaults)  # type: ignore[union-attr]
        self.convert = tuple(
            (i, table.c[name].type.process_bind_param)  # type: ignore[attr-defined]
            for i, name in enumerate(self.columns)
            if isinstance(table.c[name].type, (models.AwareDateTime, models.IsoDate))
        )
        self.sql = (
            f"INSERT INTO {table.name} ({', '.join(self.columns)}) VALUES ({', '.join('?' * len(self.columns))})"
            + (f" RETURNING {returning}" if returning else "")
        )

    def row(self, *values: Any) -> tuple[Any, ...]:
        """The parameters for `values` given in the order of `keys`."""
        out = [*values, *self.defaults]
        for i, convert in self.convert:
            out[i] = convert(out[i], None)
        return tuple(out)


STATEMENT_OBSERVERS: list[Callable[[str, Any, bool], None]] = []
"""Called with (sql, parameters, executemany) before each statement of a save's write transaction: how the bench
records the statements it replays as the floor (`onestop.bench.floors.StatementRecorder`). Empty in the product."""


class _Tx:
    """The statements of one save, run on the transaction's own sqlite3 connection.

    The transaction itself (BEGIN IMMEDIATE, COMMIT, ROLLBACK on error) stays SQLAlchemy's; the dozen statements
    inside it skip SQLAlchemy's per-statement machinery (execution context, result wrapping, events), which cost
    more than SQLite's own work for these single-row writes. Parameters are already plain values (`_Insert.row`).
    """

    __slots__ = ("conn", "db")

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        """The SQLAlchemy connection, for the helpers shared with other services (the fee receipt series)."""
        self.db: Any = conn.connection.driver_connection

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        for observe in STATEMENT_OBSERVERS:
            observe(sql, params, False)
        return self.db.execute(sql, params)

    def first(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """The first row `sql` returns, or None; the statement is finished either way (a RETURNING insert does all
        its work on its first step)."""
        cursor = self.run(sql, params)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """The first column of the one row `sql` returns."""
        row = self.first(sql, params)
        if row is None:
            raise RuntimeError(f"no row from {sql[:40]}")
        return row[0]

    def many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        for observe in STATEMENT_OBSERVERS:
            observe(sql, rows, True)
        self.db.executemany(sql, rows)


_UNKNOWN: Any = object()


class _Stale(Exception):
    """Raised inside a save's transaction when the reference data changed since the draft was checked."""


_DOSSIER_KEYS = (
    "uuid",
    "code",
    "official_code",
    "procedure_id",
    "procedure_code",
    "citizen_id",
    "applicant_name",
    "applicant_fold",
    "applicant_id_number",
    "applicant_birth_date",
    "applicant_gender",
    "applicant_address",
    "applicant_phone",
    "applicant_email",
    "applicant_cancelled_id",
    "representative_json",
    "authorisation_doc",
    "channel",
    "return_via",
    "return_address",
    "received_at",
    "due_at",
    "due_reason",
    "status",
    "officer",
    "counter_code",
    "fee_total",
    "sets_count",
    "book_volume",
    "book_number",
    "lookup_key",
    "summary",
    "consent_recorded",
    "has_eid_account",
    "origin",
    "sync_state",
    "sync_message",
    "row_version",
    "updated_at",
    "collected_by",
    "collected_id_number",
    "declaration_fold",
    "search_fold",
)
_INSERT_DOSSIER = _Insert(table_of(models.Dossier), _DOSSIER_KEYS, "id")
_INSERT_DOCUMENT = _Insert(
    table_of(models.DossierDocument),
    ("dossier_id", "position", "name", "kind", "count"),
    "id",
)
_INSERT_ATTACHMENT = _Insert(
    table_of(models.Attachment),
    ("document_id", "sha256", "file_name", "media_type", "size"),
)
_INSERT_PAYMENT = _Insert(
    table_of(models.Payment),
    ("dossier_id", "label", "amount_vnd", "method", "exemption", "paid_at"),
    "id",
)
_INSERT_EVENT = _Insert(
    table_of(models.StatusEvent),
    ("dossier_id", "seq", "at", "from_status", "to_status", "officer", "reason", "new_due", "note", "origin"),
)
_INSERT_AUDIT = _Insert(
    table_of(models.AuditEntry),
    ("at", "officer", "action", "dossier_code", "detail"),
)
_OUTBOX_KEYS = (
    "key",
    "dossier_uuid",
    "dossier_code",
    "kind",
    "payload",
    "state",
    "attempts",
    "last_error",
    "server_reply",
    "created_at",
)
_INSERT_OUTBOX = _Insert(table_of(models.OutboxItem), _OUTBOX_KEYS)
_INSERT_DECLARATION = _Insert(
    table_of(models.DossierDeclaration),
    ("dossier_id", "form_name", "form_version", "values_json", "title", "persons_json", "updated_at"),
)
_CITIZEN_KEYS = (
    "id_number",
    "full_name",
    "name_fold",
    "birth_date",
    "gender",
    "address",
    "phone",
    "email",
    "old_id_number",
    "cancelled_id_number",
    "updated_at",
)
_INSERT_CITIZEN = _Insert(table_of(models.Citizen), _CITIZEN_KEYS)


def _citizen_upsert(*, confirm_address: bool) -> str:
    """Insert or refresh a citizen by ID number; empty new values never erase known ones. A known address is
    replaced only when the officer confirmed the new one (BRIEF §11.5)."""
    keep = ", ".join(
        f"{name} = coalesce(nullif(excluded.{name}, ''), citizen.{name})"
        for name in ("gender", "phone", "email", "old_id_number", "cancelled_id_number")
    )
    address = (
        "coalesce(nullif(excluded.address, ''), citizen.address)"
        if confirm_address
        else "coalesce(nullif(citizen.address, ''), excluded.address)"
    )
    return (
        f"{_INSERT_CITIZEN.sql} ON CONFLICT (id_number) DO UPDATE SET full_name = excluded.full_name, "
        f"name_fold = excluded.name_fold, birth_date = excluded.birth_date, updated_at = excluded.updated_at, "
        f"address = {address}, {keep} RETURNING id"
    )


_UPSERT_CITIZEN = {True: _citizen_upsert(confirm_address=True), False: _citizen_upsert(confirm_address=False)}
_CONFIRM = (
    "SELECT o.active, o.full_name, o.role, p.id, p.active, s.n FROM reference_stamp s "
    "LEFT JOIN officer o ON o.username = ? LEFT JOIN procedure p ON p.code = ? AND p.version = ? WHERE s.id = 1"
)
"""Inside the write transaction, one read: the officer still active (and unchanged), the procedure version still
in force, and the reference stamp (migration 0008) the service's in-memory copies were read under."""
_STAMP = "SELECT n FROM reference_stamp WHERE id = 1"
_NEXT_SEQ = (
    "INSERT INTO code_counter(day, counter_code, next_seq) VALUES (?, ?, 2) "
    "ON CONFLICT(day, counter_code) DO UPDATE SET next_seq = next_seq + 1 RETURNING next_seq - 1"
)
_CODE_TAKEN = "SELECT 1 FROM dossier WHERE code = ?"
_BOOK_NUMBER = (
    "INSERT INTO setting(key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE "
    "SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) RETURNING value"
)
_DELETE_DRAFTS = "DELETE FROM draft WHERE officer = ?"
_KNOWN_ADDRESS = "SELECT address FROM citizen WHERE id_number = ?"
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


@dataclass(frozen=True)
class CheckedIntake:
    """A draft ready to be written: normalised, with its procedure, its officer and its prepared declaration.

    What `IntakeService.check` returns and `IntakeService.save_checked` writes; `onestop intake --batch` checks
    every line first and then writes the checked drafts, without checking them a second time."""

    draft: IntakeDraft
    procedure: Procedure
    actor: Officer
    prepared: Prepared | None
    stamp: int | None = None
    """The reference stamp (migration 0008) the check read its procedure, officer, calendar and forms under; the
    write transaction compares it (None: not checked by `check`, only the officer and procedure rows are)."""
    original: IntakeDraft | None = None
    """The draft as given, checked again when the reference data changed before the save."""


class IntakeService:
    """The one way a dossier is received, shared by the intake screen and `onestop intake`."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        catalog: CatalogService,
        calendar: CalendarService,
        officers: OfficerService,
        declarations: DeclarationService,
        files_dir: Path,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.catalog = catalog
        self.calendar = calendar
        self.officers = officers
        self.declarations = declarations
        """The declaration forms (tờ khai) service."""
        self.files_dir = files_dir
        self._write_engine = engine.execution_options(sqlite_begin="IMMEDIATE")
        # In-memory copies of the reference data every check reads, valid under `_stamp` (see `_reference_stamp`).
        self._stamp: int | None = None
        self._procedures: dict[str, Procedure] = {}
        self._actors: dict[str, Officer] = {}
        self._forms: dict[str, FormDefinition | None] = {}

    # ------------------------------------------------------------------ reference data, kept in memory

    def _reference_stamp(self) -> int:
        """The stamp the in-memory procedures, officers, forms and calendar are valid under, read once.

        Read before anything is copied, so a copy is never older than its stamp; every save's transaction checks
        the stamp is still current (migration 0008's triggers bump it on any change, from any process) and, when
        it is not, drops the copies and checks the draft again."""
        if self._stamp is None:
            self._forget()
            with self.engine.connect() as conn:
                self._stamp = int(conn.exec_driver_sql(_STAMP).scalar_one())
        return self._stamp

    def _forget(self) -> None:
        """Drop every in-memory copy of reference data (the calendar service's too): the next check reads afresh."""
        self._stamp = None
        self._procedures.clear()
        self._actors.clear()
        self._forms.clear()
        self.calendar.forget()

    def _procedure(self, code: str) -> Procedure:
        self._reference_stamp()
        key = clean(code).upper()[:40]
        procedure = self._procedures.get(key)
        if procedure is None:
            procedure = self._procedures[key] = self.catalog.get(key)
        return procedure

    def _actor(self, username: str) -> Officer:
        self._reference_stamp()
        key = clean(username).lower()
        actor = self._actors.get(key) if key else None
        if actor is None:
            actor = self.officers.require(username)
            self._actors[key] = actor
        return actor

    def _form_for(self, code: str) -> FormDefinition | None:
        self._reference_stamp()
        form = self._forms.get(code, _UNKNOWN)
        if form is _UNKNOWN:
            form = self._forms[code] = self.declarations.for_procedure(code)
        return form

    def prepare_declaration(
        self, draft: IntakeDraft, procedure: Procedure, *, partial: bool = False
    ) -> Prepared | None:
        """Validate the draft's declaration (pre-filled from the applicant); None when the draft has none."""
        from onestop.declarations.service import prefill

        raw: Any = draft.declaration
        defn = self._form_for(procedure.code)
        if raw is None:  # a procedure with a form needs its declaration: the pre-fill alone names what is missing
            if defn is None:
                return None
            raw = {}
        received = _vn(draft.received_at or now_vn())
        given_form = isinstance(raw, dict) and "form" in raw and isinstance(raw.get("values"), dict)
        if not given_form and defn is not None and isinstance(raw, dict):
            raw = prefill(defn, raw, draft.applicant)
        return self.declarations.prepare(
            procedure.code,
            raw,
            office=self.settings.office,
            registered_on=received.date(),
            now=max(now_vn(), received),
            partial=partial,
            definition=None if given_form else defn,
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

    def validate(self, draft: IntakeDraft, *, procedure: Procedure | None = None) -> tuple[IntakeDraft, Procedure]:
        """Return a normalised draft and its procedure, or raise `BadInput` naming the field.

        `procedure`: the draft's procedure already read from the catalog (a batch reads each code once)."""
        if procedure is None or procedure.code != clean(draft.procedure_code).upper():
            procedure = self._procedure(draft.procedure_code)
        applicant = validate_person(draft.applicant)
        self.check_required(procedure.code, applicant)
        representative = validate_person(draft.representative, "rep_") if draft.representative else None
        if representative and representative.id_number == applicant.id_number:
            raise BadInput(
                "Người nộp thay trùng số định danh với người yêu cầu: nếu chính người yêu cầu nộp, bỏ phần nộp thay.",
                field="rep_id_number",
            )
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
        paper_receipt = _text_field(draft.paper_receipt, "paper_receipt", "Số biên lai giấy", 40)
        if paper_receipt and not fee:
            raise BadInput("Hồ sơ không thu lệ phí nên không có biên lai giấy.", field="paper_receipt")
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
            authorisation_doc=_text_field(
                draft.authorisation_doc, "authorisation_doc", "Giấy ủy quyền", AUTHORISATION_MAX_CHARS
            ),
            documents=tuple(documents),
            fee_vnd=fee,
            exemption=exemption,
            paper_receipt=paper_receipt,
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

    def check(
        self,
        draft: IntakeDraft,
        officer: str,
        *,
        actor: Officer | None = None,
        procedure: Procedure | None = None,
    ) -> CheckedIntake:
        """Everything `save` checks before writing: the officer, the draft, its declaration.

        `actor` and `procedure`, when given, are the officer and the procedure already read for this draft (a
        batch reads each once); the write transaction confirms the officer is still active either way."""
        stamp = self._reference_stamp()
        actor = actor if actor is not None and actor.username == clean(officer).lower() else None
        actor = actor or self._actor(officer)
        given = draft
        draft, procedure = self.validate(draft, procedure=procedure)
        return CheckedIntake(draft, procedure, actor, self.prepare_declaration(draft, procedure), stamp, given)

    def save(self, draft: IntakeDraft, officer: str) -> Dossier:
        """Validate and save; dossier, documents, fee, status event, audit entry and outbox item commit together."""
        return self.save_checked(self.check(draft, officer))

    def save_checked(self, checked: CheckedIntake) -> Dossier:
        """Write a checked draft as a new dossier, in one transaction with its outbox items; a crash or an error
        leaves nothing of it.

        When the procedures, officers, calendar or forms changed since the check (from this process or another),
        nothing is written: the draft is checked again on fresh data and saved then (or refused with that check's
        message)."""
        for _ in range(3):
            try:
                return self._write(checked)
            except _Stale:
                self._forget()
                checked = self.check(checked.original or checked.draft, checked.actor.username)
        raise Conflict("Danh mục, lịch làm việc hoặc tài khoản cán bộ vừa thay đổi nhiều lần: hãy lưu lại.")

    def _write(self, checked: CheckedIntake) -> Dossier:
        draft, procedure, actor = checked.draft, checked.procedure, checked.actor
        received_at = _vn(draft.received_at or now_vn())
        due_at, due_reason = self._due(draft, procedure, received_at)
        documents = self._documents(draft)  # scanned files are copied into the store before the transaction
        now = now_vn()
        # Plain SQL on the transaction's connection: this is the counter's hot path (one durable commit).
        with self._write_engine.begin() as conn:
            tx = _Tx(conn)
            proc_id = self._confirm(tx, checked)
            citizen_id = self._upsert_citizen(tx, draft.applicant, now, confirm_address=draft.confirm_address)
            code = self._next_code(tx, received_at)
            volume, number = self._book_number(tx, received_at, procedure.field)
            values = self._dossier_values(
                checked, code, proc_id, citizen_id, received_at, due_at, due_reason, volume, number, now
            )
            dossier_id = tx.one(_INSERT_DOSSIER.sql, _INSERT_DOSSIER.row(*(values[k] for k in _DOSSIER_KEYS)))
            declaration = checked.prepared.declaration if checked.prepared else None
            if declaration is not None:
                self._insert_declaration(tx, dossier_id, declaration, now)
            # the next number of the receipt series; none while the provincial payment system is down (paper)
            receipt = take_number(conn) if draft.fee_vnd and not draft.paper_receipt else None
            self._add_children(tx, dossier_id, documents, draft, received_at, receipt, actor.username)
            event = StatusEvent(1, received_at, None, Status.RECEIVED, actor.username, "Tiếp nhận hồ sơ", due_at)
            self._insert_event_and_audit(tx, dossier_id, event, code, procedure, draft, now)
            dossier = self._received_dossier(checked, values, documents, event, receipt)
            self._enqueue(tx, dossier, event, now)
            # The draft becomes the dossier in the same commit: a crash leaves one or the other, never both.
            tx.run(_DELETE_DRAFTS, (actor.username,))
        return dossier

    # ------------------------------------------------------------------ the steps of a save

    def _due(self, draft: IntakeDraft, procedure: Procedure, received_at: datetime) -> tuple[datetime | None, str]:
        """The appointment and its reason: the officer's own (beside the computed one), else the computed one.
        None: a procedure without a set deadline."""
        computed = self.calendar.due(procedure, received_at)
        if draft.due_override is None:
            return computed.due_at, computed.explanation
        reason = f"Cán bộ hẹn lại: {draft.due_override_reason}"
        if computed.due_at is not None:
            reason += f" (hạn tính theo quy định: {datetime_short(computed.due_at)})"
        return _vn(draft.due_override), reason

    def _documents(self, draft: IntakeDraft) -> tuple[DocumentLine, ...]:
        """The document lines with their scanned files, each copied into the content-addressed store."""
        stored = [(index, self.store_file(Path(path))) for index, path in draft.attachments]
        return tuple(
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

    @staticmethod
    def _confirm(tx: _Tx, checked: CheckedIntake) -> int:
        """Inside the transaction: the officer is still active, the procedure version is still in force, and nothing
        the check read from memory changed since (else `_Stale`). Returns the procedure's row id."""
        actor, procedure = checked.actor, checked.procedure
        active, full_name, role, proc_id, proc_active, stamp = tx.first(
            _CONFIRM, (actor.username, procedure.code, procedure.version)
        )
        if not active:
            raise PermissionDenied(f"Tài khoản cán bộ '{actor.username}' đã bị khóa.")
        if proc_id is None:
            raise NotFound(f"Không có thủ tục mã '{procedure.code}' trong danh mục.", field="procedure")
        if (
            (checked.stamp is not None and stamp != checked.stamp)
            or full_name != actor.full_name
            or role != actor.role.value
            or not proc_active
        ):
            raise _Stale
        return int(proc_id)

    def _dossier_values(
        self,
        checked: CheckedIntake,
        code: str,
        proc_id: int,
        citizen_id: int,
        received_at: datetime,
        due_at: datetime | None,
        due_reason: str,
        volume: str,
        number: int,
        now: datetime,
    ) -> dict[str, Any]:
        """The new dossier row's column values, in the order of `_DOSSIER_KEYS`."""
        draft, procedure, a = checked.draft, checked.procedure, checked.draft.applicant
        values: dict[str, Any] = dict(
            uuid=str(uuid.uuid4()),
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
            officer=checked.actor.username,
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
            declaration_fold=checked.prepared.persons_fold if checked.prepared else "",
            search_fold="",
        )
        values["search_fold"] = search_text(values, procedure.name)
        return values

    @staticmethod
    def _insert_declaration(tx: _Tx, dossier_id: int, declaration: Declaration, now: datetime) -> None:
        tx.run(
            _INSERT_DECLARATION.sql,
            _INSERT_DECLARATION.row(
                dossier_id,
                declaration.form,
                declaration.version,
                json.dumps(declaration.values, ensure_ascii=False),
                declaration.title,
                json.dumps(declaration.persons, ensure_ascii=False),
                now,
            ),
        )

    @staticmethod
    def _insert_event_and_audit(
        tx: _Tx,
        dossier_id: int,
        event: StatusEvent,
        code: str,
        procedure: Procedure,
        draft: IntakeDraft,
        now: datetime,
    ) -> None:
        """The first status event (received) and the audit entry of the creation."""
        tx.run(
            _INSERT_EVENT.sql,
            _INSERT_EVENT.row(
                dossier_id,
                1,
                event.at,
                None,
                event.to_status.value,
                event.officer,
                event.reason,
                event.new_due,
                "",
                "local",
            ),
        )
        tx.run(
            _INSERT_AUDIT.sql,
            _INSERT_AUDIT.row(
                now,
                event.officer,
                "dossier.create",
                code,
                f"{procedure.code} v{procedure.version}; kênh {draft.channel.value}",
            ),
        )

    @staticmethod
    def _received_dossier(
        checked: CheckedIntake,
        values: dict[str, Any],
        documents: tuple[DocumentLine, ...],
        event: StatusEvent,
        receipt: tuple[str, str, int] | None,
    ) -> Dossier:
        """The domain object of the dossier just written (what the caller, the receipt and the outbox see)."""
        draft, received_at = checked.draft, values["received_at"]
        paid = bool(draft.fee_vnd)
        return Dossier(
            uuid=values["uuid"],
            code=values["code"],
            procedure=checked.procedure,
            applicant=draft.applicant,
            received_at=received_at,
            due_at=values["due_at"],
            status=Status.RECEIVED,
            channel=draft.channel,
            return_via=draft.return_via,
            officer=checked.actor.username,
            officer_name=checked.actor.full_name,
            representative=draft.representative,
            authorisation_doc=draft.authorisation_doc,
            documents=documents,
            payments=(
                PaymentLine(
                    draft.fee_vnd or 0,
                    draft.fee_method if paid else "none",
                    draft.exemption,
                    received_at if paid else None,
                    receipt_number=ReceiptNumber(
                        values["code"], *(receipt or ("", "", 0)), paper_number=draft.paper_receipt
                    ).text,
                ),
            ),
            return_address=draft.return_address,
            sets_count=draft.sets_count,
            book_volume=values["book_volume"],
            book_number=values["book_number"],
            lookup_key=values["lookup_key"],
            due_reason=values["due_reason"],
            summary=draft.summary,
            consent_recorded=draft.consent_recorded,
            has_eid_account=draft.has_eid_account,
            events=(event,),
            sync_state="pending",
            declaration=checked.prepared.declaration if checked.prepared else None,
        )

    def _enqueue(self, tx: _Tx, dossier: Dossier, event: StatusEvent, now: datetime) -> None:
        """The two outbox items of a new dossier: its upsert and its first event, frozen as they will be sent."""
        items = (
            outbox_values(
                "dossier.upsert",
                dossier,
                dossier_payload(dossier, self.settings.office),
                key=f"dossier:{dossier.uuid}:v1",
                now=now,
            ),
            outbox_values(
                "dossier.event",
                dossier,
                event_payload(dossier, event, officer_name=dossier.officer_name),
                key=f"event:{dossier.uuid}:1",
                now=now,
            ),
        )
        tx.many(_INSERT_OUTBOX.sql, [_INSERT_OUTBOX.row(*(item[k] for k in _OUTBOX_KEYS)) for item in items])

    def _next_code(self, tx: _Tx, received_at: datetime) -> str:
        office = self.settings.office
        day = received_at.astimezone(VN_TZ).strftime("%y%m%d")
        while True:
            seq = tx.one(_NEXT_SEQ, (day, office.counter_code))
            code = f"{office.agency_code}-{day}-{office.counter_code}{seq:04d}"
            if tx.first(_CODE_TAKEN, (code,)) is None:
                return code

    def _book_number(self, tx: _Tx, received_at: datetime, field: str) -> tuple[str, int]:
        volume = self.settings.rules.book_volume or str(received_at.year)
        value = tx.one(_BOOK_NUMBER, (f"book:{volume}:{field}",))
        return volume, int(value)

    def _upsert_citizen(self, tx: _Tx, p: Person, now: datetime, *, confirm_address: bool = False) -> int:
        """Insert or refresh the citizen by ID number (empty new values never erase known ones); returns its id.

        A known citizen's current address is replaced only when the officer confirmed it: cards are not re-issued
        after the 2025 merger, so a scanned address may name a commune that no longer exists (BRIEF §11.5).
        """
        return tx.one(
            _UPSERT_CITIZEN[bool(confirm_address)],
            _INSERT_CITIZEN.row(
                p.id_number,
                p.full_name,
                fold(p.full_name),
                p.birth_date,
                p.gender,
                p.address,
                p.phone,
                p.email,
                p.old_id_number,
                p.cancelled_id_number,
                now,
            ),
        )

    def known_address(self, id_number: str, *, conn: sa.Connection | None = None) -> str:
        """The current address on file for a citizen ("" if unknown): what a scan must not silently replace."""
        if conn is not None:
            return conn.exec_driver_sql(_KNOWN_ADDRESS, (id_number,)).scalar() or ""
        with self.engine.connect() as c:
            return c.exec_driver_sql(_KNOWN_ADDRESS, (id_number,)).scalar() or ""

    def address_change(self, person: Person) -> str:
        """The known address when `person.address` would replace a different one (the officer must confirm), else ""."""
        known = self.known_address(person.id_number) if person.id_number else ""
        if known and person.address and fold(known) != fold(person.address):
            return known
        return ""

    def _add_children(
        self,
        tx: _Tx,
        dossier_id: int,
        documents: tuple[DocumentLine, ...],
        draft: IntakeDraft,
        received_at: datetime,
        receipt: tuple[str, str, int] | None = None,
        officer: str = "",
    ) -> None:
        """Document lines with their scanned files, and the fee line (with its receipt when one is issued)."""
        for position, doc in enumerate(documents):
            doc_id = tx.one(
                _INSERT_DOCUMENT.sql, _INSERT_DOCUMENT.row(dossier_id, position, doc.name, doc.kind.value, doc.count)
            )
            if doc.attachments:
                tx.many(
                    _INSERT_ATTACHMENT.sql,
                    [
                        _INSERT_ATTACHMENT.row(doc_id, att.sha256, att.file_name, att.media_type, att.size)
                        for att in doc.attachments
                    ],
                )
        paid = bool(draft.fee_vnd)
        payment_id = tx.one(
            _INSERT_PAYMENT.sql,
            _INSERT_PAYMENT.row(
                dossier_id,
                "Lệ phí",
                draft.fee_vnd or 0,
                draft.fee_method if paid else "none",
                draft.exemption,
                received_at if paid else None,
            ),
        )
        if receipt is not None or draft.paper_receipt:
            insert_receipt(tx.conn, payment_id, receipt, officer, received_at, paper_number=draft.paper_receipt)

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
