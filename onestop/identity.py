"""Citizen identity rules: the CCCD QR scan, the 12-digit ID number, names, dates and contacts (BRIEF §6)."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

from onestop.domain import Person, now_vn
from onestop.errors import BadInput
from onestop.text import clean, nfc

__all__ = [
    "MAX_NAME_CHARS",
    "MAX_SCAN_CHARS",
    "MIN_BIRTH_YEAR",
    "ScannedIdentity",
    "looks_like_scan",
    "normalize_gender",
    "parse_birth_date",
    "parse_qr",
    "to_person",
    "validate_email",
    "validate_id_number",
    "validate_name",
    "validate_old_id",
    "validate_phone",
]

T = TypeVar("T")

MAX_SCAN_CHARS = 1000  # a real CCCD QR is under ~400 characters; longer input is a wrong paste
MAX_NAME_CHARS = 100
MIN_BIRTH_YEAR = 1900

ID_LENGTH_MESSAGE = "Số định danh cá nhân phải gồm đúng 12 chữ số"

_ID_RE = re.compile(r"[0-9]{12}")
_OLD_ID_RE = re.compile(r"[0-9]{9}|[0-9]{12}")
_OLD_ID_FIELD_RE = re.compile(r"[0-9 ]*")
# Scanners with "AIM symbology identifier" enabled prefix the data with e.g. "]Q1".
_AIM_PREFIX_RE = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_DATE_SEP_SPACES_RE = re.compile(r"\s*([/.\-])\s*")
_DMY_RE = re.compile(r"([0-9]{1,2})([/.\- ])([0-9]{1,2})\2([0-9]{4})")
_COMPACT_DMY_RE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
_ISO_RE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_PHONE_SEPARATORS_RE = re.compile(r"[\s.\-()]")
_MOBILE_RE = re.compile(r"0[35789][0-9]{8}")
_LANDLINE_RE = re.compile(r"02[0-9]{9}")
_EMAIL_RE = re.compile(
    r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{}~-]+)*)"
    r"@(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)
_NAME_PUNCTUATION = frozenset(" .'-")
_NAME_PUNCTUATION_MAP = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})
_GENDERS = {"nam": "Nam", "nữ": "Nữ", "nu": "Nữ"}


@dataclass(frozen=True)
class ScannedIdentity:
    """The fields read from the QR on the back of a CCCD / thẻ căn cước, already validated."""

    id_number: str
    old_id_number: str
    full_name: str
    birth_date: date
    gender: str  # "Nam" | "Nữ"
    address: str
    issued_on: date | None
    raw_field_count: int
    cancelled_id_number: str = ""  # a 12-digit second field: a cancelled ID number, not a CMND (BRIEF §11.5)


# ---------------------------------------------------------------- QR scan


def looks_like_scan(text: str) -> bool:
    """True when `text` looks like a keyboard-wedge CCCD QR scan: `|`-separated with a 12- or 9-digit field."""
    if not isinstance(text, str) or "|" not in text:
        return False
    fields = _strip_aim_prefix(text.strip()).split("|")
    return any(_OLD_ID_RE.fullmatch(field.strip()) for field in fields)


def parse_qr(text: str, *, today: date | None = None, check_id: bool = True) -> ScannedIdentity:
    """Parse a CCCD QR string defensively (BRIEF §6.1) and check the ID digits against the DOB and gender.

    `check_id=False` skips only that last cross-check: the intake screen keeps what was scanned and marks the ID
    field with what disagrees, instead of clearing everything.
    """
    fields = _scan_fields(text)
    index = next((i for i, field in enumerate(fields) if _ID_RE.fullmatch(field)), None)
    if index is None:
        raise _scan_error("Mã QR căn cước không có số định danh cá nhân 12 chữ số")
    if any(ch.isdigit() for field in fields[:index] for ch in field):
        raise _scan_error("Trường đầu của mã QR căn cước không phải số định danh 12 chữ số")
    rest = fields[index + 1 :]
    old_id_number = cancelled = ""
    if rest and _OLD_ID_FIELD_RE.fullmatch(rest[0]):
        second = "".join(rest[0].split())
        if _ID_RE.fullmatch(second):  # thẻ căn cước 2024: số định danh đã hủy, not a CMND (BRIEF §11.5)
            cancelled = _in_scan(validate_cancelled_id, second)
        else:
            old_id_number = _in_scan(validate_old_id, rest[0])
        rest = rest[1:]
    if len(rest) < 4:
        raise _scan_error("Mã QR căn cước thiếu thông tin (họ tên, ngày sinh, giới tính, nơi cư trú) — hãy quét lại")
    scanned = _scan_person(fields[index], old_id_number, rest, len(fields), today or _today(), check_id)
    if cancelled == scanned.id_number:
        raise _scan_error("Mã QR căn cước có số định danh đã hủy trùng số định danh hiện tại")
    return replace(scanned, cancelled_id_number=cancelled)


def _scan_fields(text: str) -> list[str]:
    """Split a scan into cleaned fields, refusing empty, over-long, multi-scan and pipe-less input."""
    if not isinstance(text, str):
        raise _scan_error("Mã QR căn cước không hợp lệ")
    if len(text) > MAX_SCAN_CHARS:
        raise _scan_error(f"Chuỗi quét quá dài ({len(text)} ký tự) — có thể đã dán nhầm nội dung")
    lines = [line for line in text.splitlines() if line.strip()]
    if sum(looks_like_scan(line) for line in lines) > 1:
        raise _scan_error("Chuỗi quét chứa hơn một mã QR — hãy quét lại một lần")
    joined = _strip_aim_prefix(clean(" ".join(lines)))
    if not joined.replace("|", "").strip():
        raise _scan_error("Chuỗi quét trống — hãy quét lại mã QR căn cước")
    if "|" not in joined:
        raise _scan_error("Mã QR căn cước không đúng định dạng (các trường phải phân cách bằng dấu |)")
    return [clean(field) for field in joined.split("|")]


def _scan_person(
    id_number: str, old_id_number: str, rest: list[str], field_count: int, today: date, check_id: bool = True
) -> ScannedIdentity:
    """Validate the person fields that follow the ID (and old ID) in a scan."""
    name_raw, birth_raw, gender_raw, address = rest[:4]
    issued_raw = rest[4] if len(rest) > 4 else ""
    for value, what in ((name_raw, "họ tên"), (birth_raw, "ngày sinh"), (gender_raw, "giới tính")):
        if not value:
            raise _scan_error(f"Mã QR căn cước thiếu {what}")
    full_name = _in_scan(validate_name, name_raw)
    birth_date = _in_scan(parse_birth_date, birth_raw, today=today)
    gender = _in_scan(normalize_gender, gender_raw)
    issued_on = None
    if issued_raw:
        issued_on = _in_scan(_parse_date, issued_raw, label="Ngày cấp", field="issued_on", today=today)
        if issued_on < birth_date:
            raise _scan_error("Mã QR căn cước có ngày cấp trước ngày sinh")
    if check_id:
        _in_scan(validate_id_number, id_number, birth_date, gender, today=today)
    return ScannedIdentity(
        id_number=id_number,
        old_id_number=old_id_number,
        full_name=full_name,
        birth_date=birth_date,
        gender=gender,
        address=address,
        issued_on=issued_on,
        raw_field_count=field_count,
    )


def _strip_aim_prefix(text: str) -> str:
    """Drop a leading AIM symbology identifier such as "]Q1"."""
    return text[3:] if _AIM_PREFIX_RE.match(text) else text


def _scan_error(message: str) -> BadInput:
    """A BadInput on the `qr` field; the message never quotes the scan itself."""
    return BadInput(message, field="qr")


def _in_scan(check: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run a field check on a value from a scan, re-raising its error on the `qr` field."""
    try:
        return check(*args, **kwargs)
    except BadInput as err:
        message = err.message[:1].lower() + err.message[1:]
        raise _scan_error(f"Mã QR căn cước: {message}") from None


# ---------------------------------------------------------------- ID numbers


def validate_id_number(
    id_number: str,
    birth_date: date | None = None,
    gender: str | None = None,
    *,
    today: date | None = None,
) -> str:
    """Return the 12-digit số định danh without spaces, checking digits 4–6 against the birth date and gender."""
    value = "".join(_as_text(id_number, ID_LENGTH_MESSAGE, "id_number").split())
    if not value:
        raise BadInput("Chưa nhập số định danh cá nhân", field="id_number")
    if not _ID_RE.fullmatch(value):
        raise BadInput(ID_LENGTH_MESSAGE, field="id_number")
    code = int(value[3])
    century_start = 1900 + (code // 2) * 100
    coded_gender = "Nam" if code % 2 == 0 else "Nữ"
    known_gender = normalize_gender(gender) if gender else ""
    century_ok = birth_date is None or century_start <= birth_date.year < century_start + 100
    if not century_ok or (known_gender and known_gender != coded_gender):
        facts = [f"giới tính {known_gender}"] if known_gender else []
        facts += [f"năm sinh {birth_date.year}"] if birth_date is not None else []
        raise BadInput(f"Chữ số thứ 4 (mã thế kỷ và giới tính) không khớp với {' và '.join(facts)}", field="id_number")
    if birth_date is not None and int(value[4:6]) != birth_date.year % 100:
        raise BadInput(
            f"Chữ số thứ 5 và 6 (hai số cuối năm sinh) không khớp với năm sinh {birth_date.year}", field="id_number"
        )
    coded_year = century_start + int(value[4:6])
    if coded_year > (today or _today()).year:
        raise BadInput(f"Chữ số thứ 4 đến 6 ứng với năm sinh {coded_year}, là năm chưa tới", field="id_number")
    return value


def validate_old_id(old_id_number: str) -> str:
    """Return the old CMND number without spaces (9 digits, or 12 for the 2012 CMND); empty stays empty."""
    message = "Số CMND cũ phải gồm 9 chữ số (hoặc 12 chữ số với CMND mẫu mới)"
    value = "".join(_as_text(old_id_number, message, "old_id_number").split())
    if value and not _OLD_ID_RE.fullmatch(value):
        raise BadInput(message, field="old_id_number")
    return value


def validate_cancelled_id(value: str) -> str:
    """A cancelled personal ID number (số định danh đã hủy): 12 digits without spaces; empty stays empty."""
    message = "Số định danh đã hủy phải gồm 12 chữ số"
    text = "".join(_as_text(value, message, "cancelled_id_number").split())
    if text and not _ID_RE.fullmatch(text):
        raise BadInput(message, field="cancelled_id_number")
    return text


def normalize_gender(text: str | None) -> str:
    """Return "Nam" or "Nữ" for any casing, with or without the diacritic; empty stays empty."""
    message = "Giới tính phải là Nam hoặc Nữ"
    value = _as_text(text, message, "gender")
    if not value:
        return ""
    try:
        return _GENDERS[value.casefold()]
    except KeyError:
        raise BadInput(message, field="gender") from None


# ---------------------------------------------------------------- dates


def parse_birth_date(text: str, *, today: date | None = None) -> date:
    """Parse dd/MM/yyyy, d/M/yyyy, ddMMyyyy, dd-MM-yyyy, dd.MM.yyyy or yyyy-mm-dd into a real, past birth date."""
    return _parse_date(text, label="Ngày sinh", field="birth_date", today=today)


def _parse_date(text: str, *, label: str, field: str, today: date | None) -> date:
    """Parse a day-first or ISO date and reject impossible, pre-1900 and future dates, naming `label` in messages."""
    value = _DATE_SEP_SPACES_RE.sub(r"\1", _as_text(text, f"{label} không hợp lệ", field))
    if not value:
        raise BadInput(f"Chưa nhập {label.lower()}", field=field)
    parts = _date_parts(value)
    if parts is None:
        raise BadInput(f"{label} phải có dạng ngày/tháng/năm, ví dụ 01/01/1990", field=field)
    day, month, year = parts
    today = today or _today()
    if year < MIN_BIRTH_YEAR:
        raise BadInput(f"{label} phải từ năm {MIN_BIRTH_YEAR} trở đi", field=field)
    if year > today.year:
        raise BadInput(f"{label} không được sau ngày hôm nay", field=field)
    if not 1 <= month <= 12:
        raise BadInput(f"{label} không có thật (tháng phải từ 1 đến 12)", field=field)
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        raise BadInput(f"{label} không có thật (tháng {month} năm {year} chỉ có {last_day} ngày)", field=field)
    result = date(year, month, day)
    if result > today:
        raise BadInput(f"{label} không được sau ngày hôm nay", field=field)
    return result


def _date_parts(value: str) -> tuple[int, int, int] | None:
    """(day, month, year) from one of the accepted layouts, or None."""
    if match := _DMY_RE.fullmatch(value):
        return int(match[1]), int(match[3]), int(match[4])
    if match := _COMPACT_DMY_RE.fullmatch(value):
        return int(match[1]), int(match[2]), int(match[3])
    if match := _ISO_RE.fullmatch(value):
        return int(match[3]), int(match[2]), int(match[1])
    return None


def _today() -> date:
    """Today's date at the counter (Asia/Ho_Chi_Minh)."""
    return now_vn().date()


# ---------------------------------------------------------------- names and contacts


def validate_name(text: str, field: str = "full_name") -> str:
    """Return the name cleaned, NFC and in Vietnamese title case; only Latin letters, spaces and . ' - are allowed."""
    value = _as_text(text, "Họ tên không hợp lệ", field).translate(_NAME_PUNCTUATION_MAP)
    if not value:
        raise BadInput("Chưa nhập họ tên", field=field)
    if len(value) > MAX_NAME_CHARS:
        raise BadInput(f"Họ tên không được dài quá {MAX_NAME_CHARS} ký tự", field=field)
    for ch in value:
        if ch in _NAME_PUNCTUATION or _is_name_letter(ch):
            continue
        if unicodedata.category(ch).startswith("N"):
            raise BadInput("Họ tên không được chứa chữ số", field=field)
        raise BadInput(
            f"Họ tên có ký tự không được phép {_show_char(ch)} (chỉ dùng chữ cái, dấu cách và . ' -)", field=field
        )
    if not any(ch.isalpha() for ch in value):
        raise BadInput("Họ tên phải có ít nhất một chữ cái", field=field)
    return _title_case(value)


def _is_name_letter(ch: str) -> bool:
    """A Latin letter whose upper and lower case are single Latin letters too (so title-casing is stable)."""
    return _is_latin_letter(ch) and all(
        _is_latin_letter(m) and len(m.upper()) == 1 and len(m.lower()) == 1 for m in (ch.upper(), ch.lower())
    )


def _is_latin_letter(ch: str) -> bool:
    """One character that is a letter of the Latin script."""
    return len(ch) == 1 and ch.isalpha() and "LATIN" in unicodedata.name(ch, "")


def _title_case(value: str) -> str:
    """Upper-case the first letter of every run of letters and lower-case the rest, e.g. NGUYỄN VĂN A → Nguyễn Văn A."""
    out: list[str] = []
    previous_is_letter = False
    for ch in value:
        is_letter = ch.isalpha()
        out.append((ch.lower() if previous_is_letter else ch.upper()) if is_letter else ch)
        previous_is_letter = is_letter
    return nfc("".join(out))


def _show_char(ch: str) -> str:
    """A rejected character as the officer can read it: quoted if visible, else its code point."""
    if ch.isprintable() and not unicodedata.combining(ch):
        return f"«{ch}»"
    return f"(U+{ord(ch):04X})"


def validate_phone(text: str) -> str:
    """Return a Vietnamese phone number as digits starting with 0 (+84/0084 forms converted); empty stays empty."""
    message = "Số điện thoại phải gồm 10 chữ số bắt đầu bằng 0 (di động) hoặc 11 chữ số bắt đầu bằng 02 (cố định)"
    value = _PHONE_SEPARATORS_RE.sub("", _as_text(text, message, "phone"))
    if not value:
        return ""
    for prefix in ("+84", "0084"):
        if value.startswith(prefix):
            value = "0" + value[len(prefix) :].removeprefix("0")
            break
    else:
        if value.startswith("84") and len(value) in (11, 12):
            value = "0" + value[2:]
    if not (_MOBILE_RE.fullmatch(value) or _LANDLINE_RE.fullmatch(value)):
        raise BadInput(message, field="phone")
    return value


def validate_email(text: str) -> str:
    """Return a plausible e-mail address with its domain lower-cased; empty stays empty."""
    message = "Địa chỉ email không hợp lệ (ví dụ: ten@example.com)"
    value = _as_text(text, message, "email")
    if not value:
        return ""
    match = _EMAIL_RE.fullmatch(value) if len(value) <= 254 else None
    if match is None or len(match["local"]) > 64:
        raise BadInput(message, field="email")
    return f"{match['local']}@{match['domain'].lower()}"


def to_person(scan: ScannedIdentity, phone: str = "", email: str = "") -> Person:
    """Build the applicant `Person` from a scan plus the contact details the officer typed."""
    return Person(
        full_name=scan.full_name,
        id_number=scan.id_number,
        birth_date=scan.birth_date,
        gender=scan.gender,
        address=scan.address,
        phone=validate_phone(phone),
        email=validate_email(email),
        old_id_number=scan.old_id_number,
        id_issued_on=scan.issued_on,
        cancelled_id_number=scan.cancelled_id_number,
    )


def _as_text(value: object, message: str, field: str) -> str:
    """`value` cleaned (NFC, no control characters, single spaces); None is empty, non-strings are bad input."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadInput(message, field=field)
    return clean(value)
