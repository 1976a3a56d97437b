"""SQLModel table models: the local store of one counter workstation.

Times are stored as ISO-8601 text with their UTC offset (Asia/Ho_Chi_Minh, +07:00) so that they sort as text,
survive other tools opening the file, and come back timezone-aware. Text is stored NFC by the services.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from db.tables import table_of

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class AwareDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as sortable ISO text in Vietnam time."""

    impl = sa.String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | str | None, dialect: sa.Dialect | None) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if value.tzinfo is None:
            value = value.replace(tzinfo=VN_TZ)
        return value.astimezone(VN_TZ).isoformat(timespec="seconds")

    def process_result_value(self, value: Any | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=VN_TZ)
        try:
            return parsed.astimezone(VN_TZ)
        except OverflowError:  # 0001-01-01 / 9999-12-31 written before dates were checked: keep the wall time
            return parsed.replace(tzinfo=VN_TZ)


class IsoDate(TypeDecorator[date]):
    """A date stored as ISO text (YYYY-MM-DD)."""

    impl = sa.String(10)
    cache_ok = True

    def process_bind_param(self, value: date | str | None, dialect: sa.Dialect) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return value.isoformat()

    def process_result_value(self, value: Any | None, dialect: sa.Dialect) -> date | None:
        return None if value is None else date.fromisoformat(value)


def _dt(nullable: bool = True, index: bool = False) -> sa.Column[datetime]:
    return sa.Column(AwareDateTime(), nullable=nullable, index=index)


class CatalogVersion(SQLModel, table=True):
    """One import of a procedure catalog (the shipped one, or a province's published list)."""

    __tablename__ = "catalog_version"
    id: int | None = Field(default=None, primary_key=True)
    imported_at: datetime = Field(sa_column=_dt(False))
    source: str = Field(max_length=500)
    note: str = Field(default="", max_length=1000)
    procedure_count: int = 0


class Procedure(SQLModel, table=True):
    """A procedure as published in one catalog version; never rewritten once a dossier points at it."""

    __tablename__ = "procedure"
    __table_args__ = (sa.UniqueConstraint("code", "version", name="uq_procedure_code_version"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, index=True)
    version: int = Field(foreign_key="catalog_version.id")
    name: str = Field(max_length=500)
    name_fold: str = Field(max_length=500)
    field: str = Field(max_length=200)
    deadline_amount: float | None = None
    deadline_unit: str = Field(max_length=20)
    cutoff: str | None = Field(default=None, max_length=5)
    fee_vnd: int | None = None
    fee_note: str = Field(default="", max_length=2000)
    online_level: str | None = Field(default=None, max_length=20)
    documents_json: str = Field(default="[]")
    exemptions_json: str = Field(default="[]")
    processing_note: str = Field(default="", max_length=2000)
    source: str = Field(default="", max_length=4000)
    sourced: bool = False
    deciding_agency: str = Field(default="", max_length=200)
    active: bool = Field(default=True, index=True)


class Citizen(SQLModel, table=True):
    """A person known to this counter, recalled by ID number at intake."""

    __tablename__ = "citizen"
    id: int | None = Field(default=None, primary_key=True)
    id_number: str = Field(max_length=12, unique=True, index=True)
    full_name: str = Field(max_length=100)
    name_fold: str = Field(max_length=100, index=True)
    birth_date: date | None = Field(default=None, sa_column=sa.Column(IsoDate(), nullable=True))
    gender: str = Field(default="", max_length=3)
    address: str = Field(default="", max_length=500)
    phone: str = Field(default="", max_length=20)
    email: str = Field(default="", max_length=200)
    old_id_number: str = Field(default="", max_length=9)
    updated_at: datetime = Field(sa_column=_dt(False))
    cancelled_id_number: str = Field(default="", max_length=12, sa_column_kwargs={"server_default": ""})  # 0004


class Dossier(SQLModel, table=True):
    """A dossier (hồ sơ); `id` is the rowid that the FTS index points at, `uuid` its identity everywhere else."""

    __tablename__ = "dossier"
    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(max_length=36, unique=True)
    code: str = Field(max_length=60, unique=True)
    official_code: str = Field(default="", max_length=60, index=True)
    procedure_id: int = Field(foreign_key="procedure.id")
    procedure_code: str = Field(max_length=40)
    citizen_id: int | None = Field(default=None, foreign_key="citizen.id")
    applicant_name: str = Field(max_length=100)
    applicant_fold: str = Field(max_length=100)
    applicant_id_number: str = Field(default="", max_length=12, index=True)
    applicant_birth_date: date | None = Field(default=None, sa_column=sa.Column(IsoDate(), nullable=True))
    applicant_gender: str = Field(default="", max_length=3)
    applicant_address: str = Field(default="", max_length=500)
    applicant_phone: str = Field(default="", max_length=20, index=True)
    applicant_email: str = Field(default="", max_length=200)
    applicant_cancelled_id: str = Field(default="", max_length=12, sa_column_kwargs={"server_default": ""})  # 0004
    representative_json: str = Field(default="")
    authorisation_doc: str = Field(default="", max_length=500)
    channel: str = Field(max_length=10)
    return_via: str = Field(max_length=10)
    return_address: str = Field(default="", max_length=500)
    received_at: datetime = Field(sa_column=_dt(False))
    due_at: datetime | None = Field(default=None, sa_column=_dt(True))
    due_reason: str = Field(default="", max_length=1000)
    status: str = Field(max_length=20)
    officer: str = Field(max_length=50)
    counter_code: str = Field(default="", max_length=2)
    fee_total: int = 0
    sets_count: int = 1
    book_volume: str = Field(default="", max_length=20)
    book_number: int | None = None
    lookup_key: str = Field(default="", max_length=8)
    summary: str = Field(default="", max_length=1000)
    consent_recorded: bool = False
    has_eid_account: bool = False
    origin: str = Field(default="local", max_length=10)
    search_fold: str = Field(default="")
    declaration_fold: str = Field(default="")  # folded names/IDs of the persons its declaration names (0002)
    clock_paused_at: datetime | None = Field(default=None, sa_column=_dt(True))
    returned_at: datetime | None = Field(default=None, sa_column=_dt(True))
    collected_by: str = Field(default="", max_length=100)
    collected_id_number: str = Field(default="", max_length=12)
    sync_state: str = Field(default="pending", max_length=20)
    sync_message: str = Field(default="", max_length=2000)
    row_version: int = 1
    updated_at: datetime = Field(sa_column=_dt(False))


class DossierDocument(SQLModel, table=True):
    """One line of the dossier's component list (thành phần hồ sơ)."""

    __tablename__ = "dossier_document"
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="CASCADE")
    position: int = 0
    name: str = Field(max_length=500)
    kind: str = Field(max_length=15)
    count: int = 1


class Attachment(SQLModel, table=True):
    """A digitised file (số hóa) stored content-addressed beside the database."""

    __tablename__ = "attachment"
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="dossier_document.id", index=True, ondelete="CASCADE")
    sha256: str = Field(max_length=64, index=True)
    file_name: str = Field(max_length=255)
    media_type: str = Field(max_length=100)
    size: int = 0


class Payment(SQLModel, table=True):
    """A fee line: amount collected, method, or the exemption that waived it."""

    __tablename__ = "payment"
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="CASCADE")
    label: str = Field(default="Lệ phí", max_length=200)
    amount_vnd: int = 0
    method: str = Field(default="cash", max_length=20)
    exemption: str = Field(default="", max_length=500)
    paid_at: datetime | None = Field(default=None, sa_column=_dt(True))


class StatusEvent(SQLModel, table=True):
    """The dossier timeline; the national status code is derived from `to_status`."""

    __tablename__ = "status_event"
    __table_args__ = (sa.UniqueConstraint("dossier_id", "seq", name="uq_status_event_seq"),)
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="CASCADE")
    seq: int
    at: datetime = Field(sa_column=_dt(False))
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    officer: str = Field(max_length=50)
    reason: str = Field(default="", max_length=2000)
    new_due: datetime | None = Field(default=None, sa_column=_dt(True))
    note: str = Field(default="", max_length=2000)
    origin: str = Field(default="local", max_length=10)


class PrintedForm(SQLModel, table=True):
    """Every rendered or printed counter form; a reprint is a new row."""

    __tablename__ = "printed_form"
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int | None = Field(default=None, foreign_key="dossier.id", index=True, ondelete="SET NULL")
    form: str = Field(max_length=20)
    number: str = Field(default="", max_length=60)
    at: datetime = Field(sa_column=_dt(False))
    officer: str = Field(max_length=50)
    copies: int = 1
    file: str = Field(default="", max_length=1000)
    printer: str = Field(default="", max_length=100)
    job: str = Field(default="", max_length=100)
    status: str = Field(default="archived", max_length=20)
    message: str = Field(default="", max_length=1000)


class Officer(SQLModel, table=True):
    """An officer account; passwords are argon2 hashes."""

    __tablename__ = "officer"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=50, unique=True)
    full_name: str = Field(max_length=100)
    role: str = Field(max_length=10)
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = Field(sa_column=_dt(False))


class AuditEntry(SQLModel, table=True):
    """Append-only log of who viewed, created, changed, printed, exported or synced what; triggers forbid edits."""

    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_dt(False, index=True))
    officer: str = Field(max_length=50, index=True)
    action: str = Field(max_length=40, index=True)
    dossier_code: str = Field(default="", max_length=60, index=True)
    detail: str = Field(default="", max_length=2000)


class OutboxItem(SQLModel, table=True):
    """A frozen change waiting to go upstream, written in the same transaction as the change itself."""

    __tablename__ = "outbox_item"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=100, unique=True)
    dossier_uuid: str = Field(default="", max_length=36, index=True)
    dossier_code: str = Field(default="", max_length=60)
    kind: str = Field(max_length=30)
    payload: str
    state: str = Field(default="queued", max_length=20)  # indexed by ix_outbox_state_id (state, id)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_column=_dt(True))
    last_error: str = Field(default="", max_length=2000)
    server_reply: str = Field(default="", max_length=4000)
    created_at: datetime = Field(sa_column=_dt(False))
    sent_at: datetime | None = Field(default=None, sa_column=_dt(True))


class SyncState(SQLModel, table=True):
    """Single-row sync bookkeeping: pull cursor and the last success and error."""

    __tablename__ = "sync_state"
    id: int = Field(default=1, primary_key=True)
    pull_cursor: str = Field(default="", max_length=100)
    last_success_at: datetime | None = Field(default=None, sa_column=_dt(True))
    last_attempt_at: datetime | None = Field(default=None, sa_column=_dt(True))
    last_error: str = Field(default="", max_length=2000)
    audit_cursor: int = 0


class CalendarDay(SQLModel, table=True):
    """A day that differs from the weekly pattern: a day off, or a make-up working Saturday."""

    __tablename__ = "calendar_day"
    day: date = Field(sa_column=sa.Column(IsoDate(), primary_key=True))
    kind: str = Field(max_length=4)  # off | work
    reason: str = Field(default="", max_length=200)
    source: str = Field(default="", max_length=200)
    to_confirm: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class CodeCounter(SQLModel, table=True):
    """Daily sequence per counter for dossier codes `<agency>-<YYMMDD>-<AA><NNNN>`."""

    __tablename__ = "code_counter"
    day: str = Field(primary_key=True, max_length=6)
    counter_code: str = Field(primary_key=True, max_length=2)
    next_seq: int = 1


class Setting(SQLModel, table=True):
    """Key/value settings: the commune profile mirrored from config, and workstation facts."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=100)
    value: str = ""


class Draft(SQLModel, table=True):
    """An intake in progress, saved on every step so it survives Esc, a lock or a killed process."""

    __tablename__ = "draft"
    id: int | None = Field(default=None, primary_key=True)
    officer: str = Field(max_length=50, index=True)
    kind: str = Field(default="intake", max_length=20)
    data_json: str = ""
    updated_at: datetime = Field(sa_column=_dt(False))


class PurgeRecord(SQLModel, table=True):
    """What the retention rule purged: codes and counts only, never personal data."""

    __tablename__ = "purge_record"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_dt(False))
    officer: str = Field(max_length=50)
    dossier_code: str = Field(max_length=60)
    closed_at: datetime | None = Field(default=None, sa_column=_dt(True))
    note: str = Field(default="", max_length=500)


# ---------------------------------------------------------------- 2026 duties (migration 0004_duties)


class CalendarYear(SQLModel, table=True):
    """A year whose official holiday notice a leader entered (a year with neither this nor a packaged notice is estimated)."""

    __tablename__ = "calendar_year"
    year: int = Field(primary_key=True)
    reference: str = Field(max_length=300)
    entered_by: str = Field(max_length=50)
    entered_at: datetime = Field(sa_column=_dt(False))


class DossierRating(SQLModel, table=True):
    """The citizen's satisfaction with one dossier (TT 03/2025; QĐ 766 'Mức độ hài lòng'): one per dossier.

    level 1 = Rất hài lòng, 2 = Hài lòng, 3 = Không hài lòng; `declined` when the citizen chose not to rate.
    """

    __tablename__ = "dossier_rating"
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", unique=True, ondelete="CASCADE")
    level: int | None = None
    declined: bool = False
    reason: str = Field(default="", max_length=200)
    comment: str = Field(default="", max_length=1000)
    via: str = Field(default="screen", max_length=10)  # screen | paper | cli
    officer: str = Field(max_length=50)
    at: datetime = Field(sa_column=_dt(False, index=True))


class DocumentReuse(SQLModel, table=True):
    """A document component taken from a citizen's earlier digitised paper instead of being brought again."""

    __tablename__ = "document_reuse"
    document_id: int = Field(foreign_key="dossier_document.id", primary_key=True, ondelete="CASCADE")
    source_document_id: int | None = Field(default=None, foreign_key="dossier_document.id", ondelete="SET NULL")
    source_dossier_code: str = Field(default="", max_length=60)


class FeeReceipt(SQLModel, table=True):
    """The receipt of a fee payment: number from the configured series, and/or a paper receipt's number."""

    __tablename__ = "fee_receipt"
    payment_id: int = Field(foreign_key="payment.id", primary_key=True, ondelete="CASCADE")
    symbol: str = Field(default="", max_length=20)  # ký hiệu
    book: str = Field(default="", max_length=10)  # quyển số
    number: int = 0  # 0: no electronic number yet
    paper_number: str = Field(default="", max_length=40)
    officer: str = Field(max_length=50)
    at: datetime = Field(sa_column=_dt(False))


class ResultFile(SQLModel, table=True):
    """A digitised result (số hóa kết quả) attached when the result is ready."""

    __tablename__ = "result_file"
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="CASCADE")
    sha256: str = Field(max_length=64)
    file_name: str = Field(max_length=255)
    media_type: str = Field(max_length=100)
    size: int = 0
    officer: str = Field(max_length=50)
    at: datetime = Field(sa_column=_dt(False))


# ---------------------------------------------------------------- results and calendar pull (migration 0007_results)


class CalendarNotice(SQLModel, table=True):
    """An official holiday notice of one year pulled from the province (or loaded by a leader): the groups it
    replaces and its days, kept so the calendar is rebuilt from it on every start (`CalendarService`)."""

    __tablename__ = "calendar_notice"
    year: int = Field(primary_key=True)
    reference: str = Field(max_length=300)
    replaces_json: str = Field(default="[]")  # the statutory groups it replaces (holidays.toml `replaces`)
    days_json: str = Field(default="[]")  # [{"day": "YYYY-MM-DD", "kind": "off"|"work", "reason", "source"}]
    origin: str = Field(max_length=20)  # province | leader
    received_at: datetime = Field(sa_column=_dt(False))


# The scorecard finds dossiers whose result was first ready in a month by status and moment (onestop/services/kpi.py).
sa.Index(
    "ix_status_event_to_status_at",
    table_of(StatusEvent).c.to_status,
    table_of(StatusEvent).c.at,
    table_of(StatusEvent).c.dossier_id,
)


# ---------------------------------------------------------------- declarations (tờ khai), migration 0002


class FormDefinitionRow(SQLModel, table=True):
    """A Form.io declaration definition imported by an admin (shipped ones are read from package data)."""

    __tablename__ = "form_definition"
    __table_args__ = (sa.UniqueConstraint("name", "version", name="uq_form_definition_name_version"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, index=True)
    version: int
    title: str = Field(max_length=300)
    procedures: str = Field(default="", max_length=1000)  # comma-separated procedure codes
    definition_json: str
    sha256: str = Field(max_length=64)
    imported_at: datetime = Field(sa_column=_dt(False))
    imported_by: str = Field(max_length=50)


class DossierDeclaration(SQLModel, table=True):
    """The filled declaration of a dossier: the form (name, version) it was received under and its values."""

    __tablename__ = "dossier_declaration"
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", unique=True)
    form_name: str = Field(max_length=64)
    form_version: int
    values_json: str
    title: str = Field(default="", max_length=300)
    persons_json: str = Field(default="[]")  # [{"person", "name", "id_number", "birth"}] for search and review
    updated_at: datetime = Field(sa_column=_dt(False))


# SQL that SQLModel cannot express: the folded full-text index and the append-only audit guard.
EXTRA_DDL: tuple[str, ...] = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS dossier_fts USING fts5(search_fold, content='dossier', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER IF NOT EXISTS dossier_fts_ai AFTER INSERT ON dossier BEGIN "
    "INSERT INTO dossier_fts(rowid, search_fold) VALUES (new.id, new.search_fold); END",
    "CREATE TRIGGER IF NOT EXISTS dossier_fts_ad AFTER DELETE ON dossier BEGIN "
    "INSERT INTO dossier_fts(dossier_fts, rowid, search_fold) VALUES ('delete', old.id, old.search_fold); END",
    "CREATE TRIGGER IF NOT EXISTS dossier_fts_au AFTER UPDATE OF search_fold ON dossier BEGIN "
    "INSERT INTO dossier_fts(dossier_fts, rowid, search_fold) VALUES ('delete', old.id, old.search_fold); "
    "INSERT INTO dossier_fts(rowid, search_fold) VALUES (new.id, new.search_fold); END",
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_entry BEGIN "
    "SELECT RAISE(ABORT, 'audit log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_entry BEGIN "
    "SELECT RAISE(ABORT, 'audit log is append-only'); END",
    "CREATE INDEX IF NOT EXISTS ix_dossier_status_due ON dossier (status, due_at)",
    "CREATE INDEX IF NOT EXISTS ix_dossier_received_id ON dossier (received_at, id)",
    "CREATE INDEX IF NOT EXISTS ix_outbox_state_id ON outbox_item (state, id)",
)


# ---------------------------------------------------------------- trust (migration 0003)


class LoginThrottle(SQLModel, table=True):
    """Failed logins per username: a growing delay, and a lock after too many in a window (until an admin unlocks)."""

    __tablename__ = "login_throttle"
    username: str = Field(primary_key=True, max_length=50)
    failures: int = 0
    window_start: datetime | None = Field(default=None, sa_column=_dt(True))
    last_failure_at: datetime | None = Field(default=None, sa_column=_dt(True))
    locked_at: datetime | None = Field(default=None, sa_column=_dt(True))


class OfficerSession(SQLModel, table=True):
    """A command-line session (`onestop login`): the token's hash only; the token itself is in an owner-only file."""

    __tablename__ = "officer_session"
    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True)
    officer: str = Field(max_length=50, index=True)
    os_user: str = Field(max_length=100)
    created_at: datetime = Field(sa_column=_dt(False))
    last_seen_at: datetime = Field(sa_column=_dt(False))
    ended_at: datetime | None = Field(default=None, sa_column=_dt(True))


TRUST_SCHEMA_OBJECTS: dict[str, tuple[str, ...]] = {
    "trigger": (
        "audit_entry_no_update",
        "audit_entry_no_delete",
        "audit_entry_no_replace",
        "dossier_fts_ai",
        "dossier_fts_ad",
        "dossier_fts_au",
    ),
    "index": ("ix_dossier_status_due", "ix_dossier_received_id", "ix_outbox_state_id"),
    "table": ("audit_entry", "officer", "dossier", "outbox_item", "dossier_fts", "login_throttle", "officer_session"),
}
"""Schema objects the product relies on for its guarantees; `restore` refuses a database missing any of them."""


# ---------------------------------------------------------------- queue counts (migration 0005_counts)


class DossierCount(SQLModel, table=True):
    """How many dossiers are in each status (`undated`: of them, without a due date), kept by the triggers of
    migration 0005 in the same transaction as every write to `dossier`: the home screen reads these few rows
    instead of counting a million."""

    __tablename__ = "dossier_count"
    status: str = Field(primary_key=True, max_length=20)
    n: int = 0
    undated: int = 0


class ReferenceStamp(SQLModel, table=True):
    """One counter (id 1) bumped by the triggers of migration 0008 whenever procedures, officers (name, role,
    active), the working calendar or the declaration forms change: what the intake service's in-memory copies of
    them are checked against inside each save's transaction."""

    __tablename__ = "reference_stamp"
    id: int = Field(primary_key=True)
    n: int = 0
