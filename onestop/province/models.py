"""Request and reply models of the provincial API (the OpenAPI document is generated from them), and the typed
models every push item's payload is checked against before anything is read from the database.

A malformed request shape (items not a list, a key that is not a string) is answered 422 as a whole; a malformed
*payload* makes only its item `rejected`, with the offending field named (`item_problem`). Every text is bounded,
must be valid Unicode without NUL (PostgreSQL cannot store it), and every integer fits the column it goes to.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from onestop.sync import protocol

INT32 = 2**31 - 1
MAX_TEXT = 4000  # any text field of a payload the server does not model one by one
MAX_DEPTH = 8
MAX_LIST = 500


def _valid_text(v: str) -> str:
    if "\x00" in v:
        raise ValueError("contains NUL")
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains an unpaired surrogate") from None
    return v


UUID_PATTERN = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
CODE_PATTERN = r"^[A-Za-z0-9.\-]+$"
AGENCY_PATTERN = r"^[A-Z0-9]+(\.[A-Z0-9]+)*$"
AGENCY_RE = re.compile(AGENCY_PATTERN)

Text100 = Annotated[str, StringConstraints(max_length=100), AfterValidator(_valid_text)]
Text2 = Annotated[str, StringConstraints(max_length=2), AfterValidator(_valid_text)]
Text200NonEmpty = Annotated[str, StringConstraints(max_length=200, min_length=1), AfterValidator(_valid_text)]
Text2000 = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_valid_text)]
Text255 = Annotated[str, StringConstraints(max_length=255), AfterValidator(_valid_text)]
Text30 = Annotated[str, StringConstraints(max_length=30), AfterValidator(_valid_text)]
Text30NonEmpty = Annotated[str, StringConstraints(max_length=30, min_length=1), AfterValidator(_valid_text)]
Text35 = Annotated[str, StringConstraints(max_length=35), AfterValidator(_valid_text)]
AgencyText = Annotated[
    str, StringConstraints(max_length=35, min_length=1, pattern=AGENCY_PATTERN), AfterValidator(_valid_text)
]
Text36 = Annotated[str, StringConstraints(max_length=36), AfterValidator(_valid_text)]
UuidText = Annotated[str, StringConstraints(max_length=36, pattern=UUID_PATTERN), AfterValidator(_valid_text)]
Text40 = Annotated[str, StringConstraints(max_length=40), AfterValidator(_valid_text)]
Text500 = Annotated[str, StringConstraints(max_length=500), AfterValidator(_valid_text)]
Text60 = Annotated[str, StringConstraints(max_length=60), AfterValidator(_valid_text)]
Text60NonEmpty = Annotated[str, StringConstraints(max_length=60, min_length=1), AfterValidator(_valid_text)]
CodeText = Annotated[
    str, StringConstraints(max_length=60, min_length=1, pattern=CODE_PATTERN), AfterValidator(_valid_text)
]
Sha256Text = Annotated[str, StringConstraints(max_length=64, pattern=r"^[0-9A-Fa-f]{64}$"), AfterValidator(_valid_text)]
LongText = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(_valid_text)]
KeyText = Annotated[str, StringConstraints(max_length=protocol.MAX_KEY_LEN, min_length=1), AfterValidator(_valid_text)]


# ---------------------------------------------------------------------- payloads, one model per item kind


class _Payload(BaseModel):
    model_config = ConfigDict(extra="allow")


class FileItem(_Payload):
    Sha256: Sha256Text
    TenTep: Text255 | None = ""
    KieuTep: Text100 | None = ""
    KichThuoc: int | None = Field(default=0, ge=0, le=2**53)


class DocumentItem(_Payload):
    TenTaiLieu: Text500 | None = ""
    TepDinhKem: list[FileItem] | None = Field(default=None, max_length=50)


class UpsertPayload(_Payload):
    Uuid: UuidText
    MaHoSo: CodeText
    PhienBan: int = Field(default=1, ge=1, le=INT32)
    MaDinhDanhDonVi: Text35 | None = ""
    MaQuay: Text2 | None = ""
    MaTTHC: Text30NonEmpty
    ChuHoSo: Text200NonEmpty
    TrangThaiHoSo: int = Field(ge=1, le=10)
    TaiLieuNop: list[DocumentItem] | None = Field(default=None, max_length=200)
    KetQuaSoHoa: list[FileItem] | None = Field(default=None, max_length=50)


class EventPayload(_Payload):
    Uuid: UuidText
    MaHoSo: CodeText
    BuocSo: int = Field(ge=1, le=1_000_000)
    TrangThai: int = Field(ge=1, le=10)
    TrangThaiTruoc: int | None = Field(default=None, ge=1, le=10)
    NguoiXuLy: Text100 | None = ""
    NoiDungXuLy: LongText | None = ""


class AuditEntry(_Payload):
    id: int = Field(ge=1, le=INT32)
    at: Text40 | None = ""
    officer: Text100 | None = ""
    action: Text60 | None = ""
    dossier_code: Text60 | None = ""
    detail: LongText | None = ""


class AuditPayload(_Payload):
    entries: list[AuditEntry] = Field(max_length=5000)


class OnlinePayload(_Payload):
    Uuid: UuidText | None = None
    MaTTHC: Text30NonEmpty
    ChuHoSo: Text200NonEmpty
    TaiLieuNop: list[DocumentItem] | None = Field(default=None, max_length=200)


PAYLOAD_MODELS: dict[str, type[_Payload]] = {
    protocol.UPSERT: UpsertPayload,
    protocol.EVENT: EventPayload,
    protocol.AUDIT: AuditPayload,
}

_REASONS = {
    "missing": "bắt buộc nhưng bị thiếu",
    "string_too_long": "quá dài",
    "string_too_short": "không được để trống",
    "string_pattern_mismatch": "sai định dạng",
    "string_type": "phải là chuỗi ký tự",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "greater_than_equal": "nhỏ hơn giá trị cho phép",
    "less_than_equal": "lớn hơn giá trị cho phép",
    "list_type": "phải là danh sách",
    "too_long": "có quá nhiều phần tử",
    "model_type": "phải là một đối tượng JSON",
    "dict_type": "phải là một đối tượng JSON",
    "value_error": "chứa ký tự không hợp lệ",
}


def _where(loc: tuple[Any, ...] | list[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "payload"


def _walk(value: Any, path: list[Any], depth: int = 0) -> tuple[str, str] | None:
    """(field, reason) for the first text/list/nesting out of bounds anywhere in a payload (extra fields too)."""
    if depth > MAX_DEPTH:
        return _where(path), "lồng quá sâu"
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            return _where(path), "quá dài"
        try:
            _valid_text(value)
        except ValueError:
            return _where(path), "chứa ký tự không hợp lệ"
    elif isinstance(value, dict):
        for k, v in value.items():
            bad = _walk(k, [*path, "(tên trường)"], depth + 1) or _walk(v, [*path, k], depth + 1)
            if bad:
                return bad
    elif isinstance(value, list):
        if len(value) > MAX_LIST and path != ["entries"]:
            return _where(path), "có quá nhiều phần tử"
        for i, v in enumerate(value):
            bad = _walk(v, [*path, i], depth + 1)
            if bad:
                return bad
    return None


def json_problem(value: Any) -> str | None:
    """A published document (catalog, calendar): bounded, valid Unicode, no NUL."""
    bad = _walk(value, [])
    return f"Trường «{bad[0]}» {bad[1]}." if bad else None


def online_problem(payload: Any) -> str | None:
    """item_problem for an online submission (admin simulation)."""
    return _problem(OnlinePayload, payload)


def item_problem(kind: str, payload: Any) -> str | None:
    """None when the payload fits its kind's model; else a Vietnamese reason naming the field."""
    model = PAYLOAD_MODELS.get(kind)
    if model is None:
        return f"Loại dữ liệu (kind) không được hỗ trợ; chỉ nhận {', '.join(protocol.KINDS)}."
    problem = _problem(model, payload)
    if problem is None and kind == protocol.AUDIT:
        seen: set[int] = set()
        for i, e in enumerate(payload["entries"]):
            if int(e["id"]) in seen:
                return f"Trường «entries[{i}].id» trùng với một dòng nhật ký khác trong cùng mục."
            seen.add(int(e["id"]))
    return problem


def _problem(model: type[_Payload], payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return "Nội dung (payload) phải là một đối tượng JSON."
    try:
        model.model_validate(payload)
    except ValidationError as exc:
        err = exc.errors(include_url=False, include_input=False)[0]
        return f"Trường «{_where(err['loc'])}» {_REASONS.get(err['type'], 'không hợp lệ')}."
    if _plainly_bounded(payload):
        return None
    bad = _walk(payload, [])
    if bad:
        return f"Trường «{bad[0]}» {bad[1]}."
    return None


def _plainly_bounded(payload: dict[str, Any]) -> bool:
    """The common case without walking: serialised in C, a payload this short, flat and comma-poor cannot hold a text
    over MAX_TEXT, a list over MAX_LIST or nesting over MAX_DEPTH; it encodes, so it holds no unpaired surrogate; and
    NUL would show as an escape."""
    try:
        text = json.dumps(payload, ensure_ascii=False)
        text.encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError, RecursionError):
        return False
    return (
        len(text) <= MAX_TEXT
        and "\\u0000" not in text
        and text.count("{") + text.count("[") <= MAX_DEPTH
        and text.count(",") < MAX_LIST  # a list of more than MAX_LIST items needs at least MAX_LIST commas
    )


# ---------------------------------------------------------------------- requests and replies


class PushItem(BaseModel):
    key: KeyText
    kind: Text30
    dossier_uuid: Text36 = ""
    dossier_code: Text60 = ""
    payload: dict[str, Any]
    force: bool = False


class PushRequest(BaseModel):
    items: list[PushItem] = Field(max_length=protocol.MAX_BATCH_ITEMS)


class PushResult(BaseModel):
    key: str
    status: Literal["applied", "duplicate", "rejected", "conflict", "skipped"]
    message: str = ""
    official_code: str | None = None
    upstream: dict[str, Any] | None = None


class PushResponse(BaseModel):
    results: list[PushResult]


class Change(BaseModel):
    seq: int
    kind: str = Field(description="dossier | catalog | calendar")
    source: str
    dossier_uuid: str = ""
    at: str
    data: dict[str, Any]


class ChangesResponse(BaseModel):
    items: list[Change]
    next_cursor: str
    more: bool


class StatusRequest(BaseModel):
    ref: Text60NonEmpty = Field(description="uuid, MaHoSo or official code")
    status: int = Field(ge=1, le=10)
    note: Text2000 = ""
    officer: Text100 = "Cán bộ xử lý"


class OfficialCodeRequest(BaseModel):
    ref: Text60NonEmpty
    official_code: Text60NonEmpty


class FaultRequest(BaseModel):
    fail_next: int = Field(default=0, ge=0)
    delay_next: int = Field(default=0, ge=0)
    delay_s: float = Field(default=0.0, ge=0, le=120)
    drop_next: int = Field(default=0, ge=0)
    fail_uploads: int = Field(default=0, ge=0)


class FileStored(BaseModel):
    sha256: str
    size: int
    created: bool = Field(description="false: the server already held these bytes (idempotent re-upload)")


class TokenRequest(BaseModel):
    agency_code: AgencyText
    counter_code: str = Field(pattern=r"^[0-9]{2}$")
