"""The shared vocabulary: plain frozen dataclasses passed between services, screens, receipts and sync.

Nothing here imports the database, Textual or ReportLab.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_vn() -> datetime:
    """The current time, timezone-aware, in Asia/Ho_Chi_Minh."""
    return datetime.now(VN_TZ)


class Role(str, enum.Enum):
    """Officer roles; they nest: admin ⊇ leader ⊇ officer."""

    OFFICER = "officer"
    LEADER = "leader"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"officer": 1, "leader": 2, "admin": 3}[self.value]

    @property
    def label(self) -> str:
        return {"officer": "Cán bộ tiếp nhận", "leader": "Lãnh đạo", "admin": "Quản trị"}[self.value]


class Status(str, enum.Enum):
    """Dossier lifecycle statuses; `national_code` is the DVCQG TrangThaiHoSo (BRIEF §4.1)."""

    SUBMITTED = "submitted"  # 1 Mới đăng ký (online, not yet accepted)
    RECEIVED = "received"  # 2 Được tiếp nhận
    REJECTED = "rejected"  # 3 Không được tiếp nhận
    IN_PROGRESS = "in_progress"  # 4 Đang xử lý
    SUPPLEMENT = "supplement"  # 5 Yêu cầu bổ sung giấy tờ
    FINANCIAL = "financial"  # 6 Yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWN = "withdrawn"  # 7 Công dân yêu cầu rút hồ sơ
    STOPPED = "stopped"  # 8 Dừng xử lý
    RESULT_READY = "result_ready"  # 9 Đã xử lý xong
    RETURNED = "returned"  # 10 Đã trả kết quả

    @property
    def national_code(self) -> int:
        return _NATIONAL[self]

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_closed(self) -> bool:
        return self in (Status.REJECTED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED)

    @classmethod
    def from_national(cls, code: int) -> Status:
        for status, value in _NATIONAL.items():
            if value == code:
                return status
        raise ValueError(code)


_NATIONAL = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.REJECTED: 3,
    Status.IN_PROGRESS: 4,
    Status.SUPPLEMENT: 5,
    Status.FINANCIAL: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.RESULT_READY: 9,
    Status.RETURNED: 10,
}
_LABELS = {
    Status.SUBMITTED: "Mới đăng ký",
    Status.RECEIVED: "Được tiếp nhận",
    Status.REJECTED: "Không được tiếp nhận",
    Status.IN_PROGRESS: "Đang xử lý",
    Status.SUPPLEMENT: "Yêu cầu bổ sung giấy tờ",
    Status.FINANCIAL: "Yêu cầu thực hiện nghĩa vụ tài chính",
    Status.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
    Status.RESULT_READY: "Đã xử lý xong",
    Status.RETURNED: "Đã trả kết quả",
}


class DeadlineUnit(str, enum.Enum):
    """How a procedure's processing time is counted (BRIEF §5.3)."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    WORKING_HOURS = "working_hours"
    SAME_DAY = "same_day"

    @property
    def label(self) -> str:
        return {
            "working_days": "ngày làm việc",
            "calendar_days": "ngày",
            "working_hours": "giờ làm việc",
            "same_day": "trong ngày",
        }[self.value]


class Channel(str, enum.Enum):
    """KenhThucHien: how the dossier was submitted."""

    PAPER = "paper"  # 1 Trực tiếp
    ONLINE = "online"  # 2 Trực tuyến (incl. assisted submission at the counter)
    POST = "post"  # 3 Qua bưu chính công ích

    @property
    def national_code(self) -> int:
        return {"paper": 1, "online": 2, "post": 3}[self.value]

    @property
    def label(self) -> str:
        return {"paper": "Trực tiếp", "online": "Trực tuyến", "post": "Bưu chính công ích"}[self.value]


class ReturnVia(str, enum.Enum):
    COUNTER = "counter"
    POST = "post"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return {
            "counter": "Tại Bộ phận Một cửa",
            "post": "Qua dịch vụ bưu chính công ích",
            "online": "Trực tuyến (Cổng Dịch vụ công)",
        }[self.value]


class DocKind(str, enum.Enum):
    ORIGINAL = "original"  # bản chính
    COPY = "copy"  # bản sao
    PRESENT_ONLY = "present_only"  # xuất trình bản chính, không nộp

    @property
    def label(self) -> str:
        return {"original": "Bản chính", "copy": "Bản sao", "present_only": "Xuất trình"}[self.value]


class FormKind(str, enum.Enum):
    """The counter forms under their official numbers (TT 03/2025 Phụ lục I, BRIEF §11.1); the value is the CLI name."""

    RECEIPT = "receipt"
    SUPPLEMENT = "supplement"
    REJECTION = "rejection"
    APOLOGY = "apology"
    STOP = "stop"
    CONTROL = "control"
    BOOK = "book"
    DECLARATION = "declaration"

    @property
    def title(self) -> str:  # type: ignore[override]  # the printed heading shadows str.title() on purpose
        return {
            "receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "supplement": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "rejection": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            "apology": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            "stop": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            "control": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            "book": "SỔ THEO DÕI HỒ SƠ",
            "declaration": "TỜ KHAI",
        }[self.value]

    @property
    def official_number(self) -> str:
        """The form's number in TT 03/2025 Phụ lục I: `01` (receipt) … `07` (tracking book), BRIEF §11.1; empty for
        papers outside that list."""
        numbers = {
            "receipt": "01",
            "supplement": "02",
            "rejection": "03",
            "apology": "04",
            "stop": "05",
            "control": "06",
            "book": "07",
        }
        return numbers.get(self.value, "")

    @property
    def form_label(self) -> str:
        """`Mẫu số 01`, printed in the top corner of the form; empty for papers outside the official list."""
        return f"Mẫu số {self.official_number}" if self.official_number else ""

    @property
    def number_suffix(self) -> str:
        """Suffix of the form number (`Số: …/<suffix>-TTPVHCC`), BRIEF §2.2; empty for the receipt."""
        return {
            "receipt": "",
            "supplement": "PBS",
            "rejection": "PTC",
            "apology": "PXL",
            "stop": "TBD",
            "control": "PKS",
            "book": "STD",
            "declaration": "",
        }[self.value]


# ---------------------------------------------------------------- catalog


@dataclass(frozen=True)
class RequiredDocument:
    name: str
    kind: DocKind = DocKind.ORIGINAL
    count: int = 1


@dataclass(frozen=True)
class FeeExemption:
    code: str
    label: str


@dataclass(frozen=True)
class Procedure:
    """One version of a catalog procedure; dossiers keep the (code, version) they were received under."""

    code: str
    version: int
    name: str
    field: str
    deadline_amount: float | None  # None: not in the catalog, the officer sets the appointment
    deadline_unit: DeadlineUnit
    cutoff: time | None
    fee_vnd: int | None  # None: set by the province, the officer enters it
    fee_note: str
    online_level: str | None
    documents: tuple[RequiredDocument, ...]
    exemptions: tuple[FeeExemption, ...] = ()
    processing_note: str = ""
    source: str = ""
    sourced: bool = False
    active: bool = True
    deciding_agency: str = ""

    @property
    def deadline_text(self) -> str:
        """Vietnamese statement of the statutory time, e.g. "3 ngày làm việc" or "Trong ngày"."""
        if self.deadline_amount is None:
            return "Chưa có trong danh mục (cán bộ hẹn ngày)"
        if self.deadline_unit is DeadlineUnit.SAME_DAY or self.deadline_amount == 0:
            return "Trong ngày"
        amount = int(self.deadline_amount) if float(self.deadline_amount).is_integer() else self.deadline_amount
        return f"{amount} {self.deadline_unit.label}"


# ---------------------------------------------------------------- office and people


@dataclass(frozen=True)
class OfficeHours:
    morning_start: time = time(7, 0)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 30)
    afternoon_end: time = time(17, 0)


@dataclass(frozen=True)
class Office:
    """The commune profile printed on every form (config `[commune]`)."""

    commune_name: str  # "Xã Quảng Phú"
    agency_code: str  # "H56.14"
    province: str  # "Thanh Hóa"
    counter_code: str  # "01"
    address: str = ""
    parent_unit: str = ""  # ĐƠN VỊ CHỦ QUẢN, e.g. "UBND XÃ QUẢNG PHÚ"
    unit_name: str = ""  # e.g. "Trung tâm Phục vụ hành chính công xã Quảng Phú"
    place_name: str = ""  # địa danh for "…, ngày … tháng … năm …"
    phone: str = ""
    email: str = ""
    lookup_url: str = ""  # status-lookup page encoded in the receipt QR
    hours: OfficeHours = field(default_factory=OfficeHours)
    # The head of the agency, who signs the apology (Mẫu 04) and the stop notice (Mẫu 05); config `[leader]`.
    leader_name: str = ""  # "Nguyễn Văn An"
    leader_title: str = ""  # "CHỦ TỊCH"
    leader_authority: str = ""  # "KT. CHỦ TỊCH" / "TM. ỦY BAN NHÂN DÂN" above the title; empty: signs in own name

    @property
    def receiving_unit(self) -> str:
        return self.unit_name or f"Trung tâm Phục vụ hành chính công {self.commune_name}"

    @property
    def parent(self) -> str:
        return self.parent_unit or f"UBND {self.commune_name}".upper()

    @property
    def place(self) -> str:
        return self.place_name or self.commune_name


@dataclass(frozen=True)
class Person:
    """A citizen (applicant) or an authorised representative."""

    full_name: str
    id_number: str = ""
    birth_date: date | None = None
    gender: str = ""  # "Nam" | "Nữ" | ""
    address: str = ""
    phone: str = ""
    email: str = ""
    old_id_number: str = ""
    id_issued_on: date | None = None
    cancelled_id_number: str = ""  # số định danh đã hủy read from a 2024 card (not a CMND)


@dataclass(frozen=True)
class Officer:
    username: str
    full_name: str
    role: Role
    active: bool = True


# ---------------------------------------------------------------- dossier


@dataclass(frozen=True)
class Attachment:
    sha256: str
    file_name: str
    media_type: str
    size: int


@dataclass(frozen=True)
class DocumentLine:
    name: str
    kind: DocKind = DocKind.ORIGINAL
    count: int = 1
    attachments: tuple[Attachment, ...] = ()
    reused_from: str = ""  # code of the earlier dossier whose digitised paper was reused instead of a new one

    @property
    def digitised(self) -> bool:
        return bool(self.attachments)


@dataclass(frozen=True)
class PaymentLine:
    amount_vnd: int
    method: str = "cash"  # cash | transfer | card | online | none
    exemption: str = ""  # reason text when exempt
    paid_at: datetime | None = None
    label: str = "Lệ phí"
    receipt_number: str = ""  # fee receipt (biên lai) number as printed, e.g. "BL-26E/0001234"; empty: none yet


@dataclass(frozen=True)
class StatusEvent:
    seq: int
    at: datetime
    from_status: Status | None
    to_status: Status
    officer: str
    reason: str = ""
    new_due: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class PrintedForm:
    form: FormKind
    at: datetime
    officer: str
    copies: int
    file: str
    printer: str = ""
    job: str = ""
    status: str = "archived"  # archived | printed | failed


RATING_LEVELS: dict[int, str] = {1: "Rất hài lòng", 2: "Hài lòng", 3: "Không hài lòng"}
"""Satisfaction levels (TT 03/2025; the Thanh Hóa system's DanhGiaHaiLong): 1 is the best."""

RATING_REASONS: tuple[str, ...] = (
    "Thời gian giải quyết chậm",
    "Phải đi lại nhiều lần",
    "Yêu cầu giấy tờ ngoài quy định",
    "Hướng dẫn chưa rõ ràng",
    "Thái độ phục vụ chưa tốt",
    "Thủ tục, phí chưa công khai rõ",
)
"""The short reason list offered on the rating screen when the citizen is not satisfied (the officer may type one)."""


@dataclass(frozen=True)
class Rating:
    """The citizen's satisfaction with one dossier, or a recorded refusal to rate (`declined`, `level` None)."""

    level: int | None
    at: datetime
    officer: str
    reason: str = ""
    comment: str = ""
    via: str = "screen"  # screen (large-print screen) | paper | cli
    declined: bool = False

    @property
    def label(self) -> str:
        return "Không đánh giá" if self.declined or self.level is None else RATING_LEVELS[self.level]

    @property
    def satisfied(self) -> bool:
        return self.level in (1, 2)


@dataclass(frozen=True)
class Declaration:
    """A dossier's filled declaration (tờ khai): the Form.io form and version it was received under, and its values."""

    form: str
    version: int
    values: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)
    title: str = ""
    persons: tuple[dict[str, str], ...] = field(default=(), hash=False)  # [{"person", "name", "id_number", "birth"}]


@dataclass(frozen=True)
class DeclarationLine:
    label: str
    value: str
    note: str = ""  # the form's note marker, e.g. "(2)"
    more: tuple[tuple[str, str], ...] = ()  # further (label, value) pairs printed on the same line


@dataclass(frozen=True)
class DeclarationSection:
    """A group of the printed declaration: its title and lines; `columns` pairs two parties (marriage form)."""

    title: str
    lines: tuple[DeclarationLine, ...] = ()
    text: str = ""  # a static line such as "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:"
    columns: tuple[str, ...] = ()  # column heads when lines carry several values separated by "\t"


@dataclass(frozen=True)
class DeclarationPrint:
    """Everything the printed tờ khai needs, composed by the core from the definition and the values."""

    title: str
    kinh_gui: str
    sections: tuple[DeclarationSection, ...]
    closing: tuple[str, ...]
    place: str
    signed_on: date
    signatures: tuple[tuple[str, str], ...]  # (role, name printed under the signature)
    notes: tuple[str, ...] = ()
    copy_request: tuple[bool, int] | None = None
    form_ref: str = ""  # "to-khai-khai-sinh v1" printed small, for the record
    dossier_code: str = ""


@dataclass(frozen=True)
class Dossier:
    """A dossier as every layer sees it: immutable, complete enough to print any counter form."""

    uuid: str
    code: str
    procedure: Procedure
    applicant: Person
    received_at: datetime
    due_at: datetime | None
    status: Status
    channel: Channel
    return_via: ReturnVia
    officer: str  # username
    officer_name: str = ""
    official_code: str = ""
    representative: Person | None = None
    authorisation_doc: str = ""
    documents: tuple[DocumentLine, ...] = ()
    payments: tuple[PaymentLine, ...] = ()
    return_address: str = ""
    sets_count: int = 1
    book_volume: str = ""
    book_number: int | None = None
    lookup_key: str = ""
    due_reason: str = ""  # the deadline engine's explanation, or the officer's override reason
    summary: str = ""  # TrichYeuHoSo
    consent_recorded: bool = False
    has_eid_account: bool = False
    events: tuple[StatusEvent, ...] = ()
    forms: tuple[PrintedForm, ...] = ()
    sync_state: str = ""
    sync_message: str = ""
    returned_at: datetime | None = None
    collected_by: str = ""
    collected_id_number: str = ""
    rating: Rating | None = None
    result_files: tuple[Attachment, ...] = ()  # the digitised result (số hóa kết quả)
    declaration: Declaration | None = None

    @property
    def fee_total(self) -> int:
        return sum(p.amount_vnd for p in self.payments)

    @property
    def submitter(self) -> Person:
        """The person printed as submitter: the representative when authorised, else the applicant."""
        return self.representative or self.applicant

    def is_overdue(self, at: datetime | None = None) -> bool:
        """Overdue is computed, never stored: past due and not yet finished."""
        if self.due_at is None or self.status.is_closed or self.status in (Status.RESULT_READY, Status.SUPPLEMENT):
            return False  # supplement pauses the clock
        return (at or now_vn()) > self.due_at


@dataclass(frozen=True)
class FormRequest:
    """Everything a counter form needs besides the dossier: who issues it, why, and what changes."""

    kind: FormKind
    office: Office
    dossier: Dossier
    issued_at: datetime
    officer_name: str
    number: str = ""  # "Số" on the header
    reason: str = ""
    items: tuple[str, ...] = ()  # supplement requirements
    new_due: datetime | None = None  # apology: the new date
    contact_name: str = ""
    contact_phone: str = ""
    copies: int = 1  # 2 = the citizen's copy and the office's copy
    page_size: str = "A4"  # "A4" | "A5"
    officer_names: Mapping[str, str] = field(default_factory=dict)  # login → full name, for the control sheet
    declaration: DeclarationPrint | None = None  # FormKind.DECLARATION only


@dataclass(frozen=True)
class BookRequest:
    """The tracking book (Sổ theo dõi hồ sơ) for a date range."""

    office: Office
    dossiers: tuple[Dossier, ...]
    date_from: date
    date_to: date
    issued_at: datetime
    field: str = ""  # the book is kept per field (lĩnh vực); empty = all
    prepared_by: str = ""  # full name printed under "NGƯỜI LẬP SỔ"; empty: written by hand


@dataclass(frozen=True)
class IntakeDraft:
    """What the intake screen (or `onestop intake`) hands to the intake service; validated there."""

    procedure_code: str
    applicant: Person
    documents: tuple[DocumentLine, ...] = ()
    representative: Person | None = None
    authorisation_doc: str = ""
    channel: Channel = Channel.PAPER
    return_via: ReturnVia = ReturnVia.COUNTER
    return_address: str = ""
    fee_vnd: int | None = None  # None: the catalog fee
    fee_method: str = "cash"
    exemption: str = ""  # exemption label; makes the fee 0
    due_override: datetime | None = None
    due_override_reason: str = ""
    sets_count: int = 1
    summary: str = ""
    consent_recorded: bool = False
    has_eid_account: bool = False
    attachments: tuple[tuple[int, str], ...] = ()  # (document index, file path) pairs to store and attach
    received_at: datetime | None = None  # None: now; set by imports and tests
    confirm_address: bool = False  # the officer confirmed replacing a known citizen's address (BRIEF §11.5)
    paper_receipt: str = ""  # paper receipt number written while the provincial payment system was down
    declaration: dict[str, Any] | None = None  # field id → value as typed; {"form": name, "values": {...}} also read


@dataclass(frozen=True)
class DuePreview:
    """The appointment the deadline engine proposes, with its reasoning in Vietnamese."""

    due_at: datetime | None
    explanation: str


# ---------------------------------------------------------------- search, queues and reports (issue 5)


@dataclass(frozen=True)
class DossierSummary:
    """One row of a search result or a work queue: enough to list, never the whole dossier."""

    code: str
    official_code: str
    applicant_name: str
    id_number: str
    phone: str
    procedure_code: str
    procedure_name: str
    status: Status
    received_at: datetime
    due_at: datetime | None
    overdue: bool = False


@dataclass(frozen=True)
class SearchPage:
    """One page of search results; `next_cursor` is opaque (None: last page); `total` may be None or capped."""

    items: tuple[DossierSummary, ...]
    next_cursor: str | None = None
    total: int | None = None
    total_capped: bool = False  # True: there are at least `total` results


@dataclass(frozen=True)
class MonthlyRow:
    """Monthly statistics for one procedure (BRIEF: received by channel, resolved on time/late, pending, overdue)."""

    field: str
    procedure_code: str
    procedure_name: str
    received_paper: int = 0
    received_online: int = 0
    received_post: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    pending: int = 0
    overdue: int = 0

    @property
    def received(self) -> int:
        return self.received_paper + self.received_online + self.received_post

    @property
    def resolved(self) -> int:
        return self.resolved_on_time + self.resolved_late


@dataclass(frozen=True)
class MonthlyReport:
    """The monthly report of one commune: rows per procedure (sorted by field, then code) and their total."""

    office: Office
    month: str  # "YYYY-MM"
    rows: tuple[MonthlyRow, ...]
    generated_at: datetime
    prepared_by: str = ""  # full name printed under "NGƯỜI LẬP BIỂU"; empty: written by hand

    @property
    def total(self) -> MonthlyRow:
        def s(attr: str) -> int:
            return sum(getattr(r, attr) for r in self.rows)

        return MonthlyRow(
            "",
            "",
            "Tổng cộng",
            s("received_paper"),
            s("received_online"),
            s("received_post"),
            s("resolved_on_time"),
            s("resolved_late"),
            s("pending"),
            s("overdue"),
        )
