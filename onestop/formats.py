"""One vocabulary for Vietnamese dates, times and money: every parser and formatter of the product lives here.

Formatters (never raise on a valid value; `None` gives the `empty` placeholder):

* `date_vn`        — ``05/01/2026``
* `datetime_short` — ``08:30 05/01/2026`` (tables, CLI lines)
* `datetime_long`  — ``08 giờ 30 phút, ngày 05/01/2026`` (receipts, appointment text)
* `date_long`      — ``ngày 05 tháng 01 năm 2026`` (Nghị định 30/2020: leading 0 for days < 10 and months 1–2)
* `iso`            — ISO 8601 for JSON output (``None`` stays ``None``)
* `money` / `money_vnd` — ``8.000`` / ``8.000 đ``
* `number_vn`      — ``0,5`` (decimal comma), ``3``
* `weekday_vn`     — ``Thứ Hai`` … ``Chủ nhật``

Parsers raise `BadInput` with a Vietnamese message and the `field` they were given, so the CLI exits 2 and a
screen shows the message next to its input. Every parser accepts the Vietnamese ``dd/MM/yyyy`` (also with ``-``
or ``.``) and ISO ``yyyy-MM-dd``; naive times are Vietnam wall time (`VN_TZ`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Final

from onestop.domain import VN_TZ
from onestop.errors import BadInput

__all__ = [
    "VN_TZ",
    "date_long",
    "date_vn",
    "fee_receipt",
    "datetime_long",
    "datetime_short",
    "iso",
    "money",
    "money_vnd",
    "number_vn",
    "parse_date",
    "parse_datetime",
    "parse_money",
    "parse_month",
    "to_vn",
    "weekday_mid",
    "weekday_vn",
]

EMPTY: Final = "—"
"""The placeholder shown for a missing date or time on screens and in the CLI."""

DEFAULT_DUE_TIME: Final = time(17, 0)
"""The time given to a date typed without a time where an appointment is meant (end of the office day)."""

_WEEKDAY_NAMES: Final = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_DMY_RE: Final = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_YMD_RE: Final = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_HM_RE: Final = re.compile(r"^(\d{1,2})[:hg](\d{2})(?::(\d{2}))?$")
_MONTH_RE: Final = re.compile(r"^(\d{4})-(\d{1,2})$")
MONEY_MAX: Final = 100_000_000


# ---------------------------------------------------------------- time zone


def to_vn(value: datetime) -> datetime:
    """An aware datetime in Vietnam time; a naive one is taken to be Vietnam wall time already; a moment at the edge
    of the calendar (year 1 or 9999, which cannot be shifted) keeps its wall time."""
    if value.tzinfo is None:
        return value.replace(tzinfo=VN_TZ)
    try:
        return value.astimezone(VN_TZ)
    except OverflowError:
        return value.replace(tzinfo=VN_TZ)


def _day(value: date | datetime) -> date:
    return to_vn(value).date() if isinstance(value, datetime) else value


# ---------------------------------------------------------------- formatters


def date_vn(value: date | datetime | None, empty: str = EMPTY) -> str:
    """``dd/MM/yyyy`` (a datetime is shown in Vietnam time), or `empty`."""
    if value is None:
        return empty
    d = _day(value)
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def datetime_short(value: datetime | None, empty: str = EMPTY) -> str:
    """``HH:MM dd/MM/yyyy`` in Vietnam time, compact for tables and CLI lines."""
    if value is None:
        return empty
    v = to_vn(value)
    return f"{v.hour:02d}:{v.minute:02d} {date_vn(v)}"


def datetime_long(value: datetime | None, empty: str = EMPTY) -> str:
    """``HH giờ mm phút, ngày dd/MM/yyyy`` in Vietnam time, the form printed on receipts."""
    if value is None:
        return empty
    v = to_vn(value)
    return f"{v.hour:02d} giờ {v.minute:02d} phút, ngày {date_vn(v)}"


def date_long(value: date | datetime) -> str:
    """``ngày dd tháng MM năm yyyy`` with Nghị định 30/2020's zeros: days below 10 and months 1–2 get a 0."""
    d = _day(value)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def iso(value: date | datetime | None) -> str | None:
    """ISO 8601 for JSON output; ``None`` stays ``None``."""
    return value.isoformat() if value is not None else None


def money(amount: int) -> str:
    """An amount in đồng with dots between thousands: ``8000`` → ``8.000``."""
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(int(amount)):,}".replace(",", ".")


def money_vnd(amount: int | None, empty: str = "chưa có trong danh mục") -> str:
    """``8.000 đ``, or `empty` when the amount is unknown."""
    if amount is None:
        return empty
    return f"{money(amount)} đ"


def number_vn(amount: float) -> str:
    """A number with the Vietnamese decimal comma: ``3`` → ``3``, ``0.5`` → ``0,5``."""
    if float(amount).is_integer():
        return str(int(amount))
    return f"{amount:g}".replace(".", ",")


def fee_receipt(symbol: str, book: str, number: int, paper_number: str = "", width: int = 7) -> str:
    """A fee receipt as printed: ``Ký hiệu AA/26P, quyển 01, số 0000123`` and/or ``biên lai giấy số 42``."""
    if not number:
        return f"Biên lai giấy số {paper_number}" if paper_number else ""
    out = f"Ký hiệu {symbol}, quyển {book}, số {number:0{width}d}"
    return out + (f" (biên lai giấy số {paper_number})" if paper_number else "")


def weekday_vn(value: date) -> str:
    """Vietnamese weekday name: ``Thứ Hai`` … ``Thứ Bảy``, ``Chủ nhật``."""
    return _WEEKDAY_NAMES[value.weekday()]


def weekday_mid(value: date) -> str:
    """The weekday name for the middle of a sentence: ``thứ Bảy``, ``Chủ nhật``."""
    name = weekday_vn(value)
    return "thứ" + name[3:] if name.startswith("Thứ") else name


# ---------------------------------------------------------------- parsers


def _bad_date(field: str, label: str) -> BadInput:
    return BadInput(f"{label}: ngày không hợp lệ (dùng dd/MM/yyyy, ví dụ 25/11/2026, hoặc 2026-11-25).", field=field)


def _date_or_none(text: str) -> date | None:
    m = _DMY_RE.match(text)
    if m:
        day, month, year_text = int(m[1]), int(m[2]), m[3]
        year = int(year_text) + 2000 if len(year_text) == 2 else int(year_text)
    else:
        m = _YMD_RE.match(text)
        if not m:
            return None
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, *, field: str = "date", label: str | None = None) -> date:
    """``dd/MM/yyyy`` (``/``, ``-`` or ``.``; a 2-digit year means 20yy) or ISO ``yyyy-MM-dd`` → date."""
    parsed = _date_or_none(text.strip())
    if parsed is None:
        raise _bad_date(field, label or field)
    return parsed


def parse_datetime(
    text: str, *, field: str = "datetime", label: str | None = None, default_time: time = DEFAULT_DUE_TIME
) -> datetime:
    """A moment in Vietnam time from ISO (``2026-11-25T16:00``, with or without offset) or ``dd/MM/yyyy HH:MM``.

    ISO text keeps `datetime.fromisoformat`'s meaning (a bare ISO date is midnight); a ``dd/MM/yyyy`` date typed
    without a time gets `default_time` (17:00, the end of the office day, unless told otherwise).
    """
    raw = " ".join(text.strip().split())
    if not raw:
        raise BadInput(f"{label or field}: cần nhập ngày giờ.", field=field)
    if "T" in raw or _YMD_RE.match(raw.split(" ")[0] or ""):
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            parsed = None
        if parsed is not None:
            return to_vn(parsed)
    day_text, _, time_text = raw.partition(" ")
    day = _date_or_none(day_text)
    at = default_time
    if day is not None and time_text:
        m = _HM_RE.match(time_text)
        if m is None or int(m[1]) > 23 or int(m[2]) > 59 or int(m[3] or 0) > 59:
            day = None
        else:
            at = time(int(m[1]), int(m[2]), int(m[3] or 0))
    if day is None:
        raise BadInput(
            f"{label or field}: ngày giờ không hợp lệ (dùng dd/MM/yyyy HH:MM, ví dụ 25/11/2026 16:00, "
            "hoặc ISO 2026-11-25T16:00).",
            field=field,
        )
    return datetime.combine(day, at, tzinfo=VN_TZ)


def parse_month(text: str, *, field: str = "month") -> tuple[int, int]:
    """``YYYY-MM`` → (year, month); `BadInput` otherwise."""
    m = _MONTH_RE.match(str(text).strip())
    if m is None or not 1 <= int(m[2]) <= 12 or not 2000 <= int(m[1]) <= 2100:
        raise BadInput("Tháng phải có dạng YYYY-MM, ví dụ 2026-10.", field=field)
    return int(m[1]), int(m[2])


def parse_money(text: str, *, field: str = "fee", maximum: int = MONEY_MAX) -> int:
    """``8.000``, ``8000``, ``8.000 đ`` → 8000 đồng; `BadInput` for anything else or above `maximum`."""
    raw = text.strip().removesuffix("đ").removesuffix("VNĐ").strip().replace(".", "").replace(" ", "")
    if not raw.isdigit() or len(raw) > len(str(maximum)) or int(raw) > maximum:
        raise BadInput(f"Số tiền không hợp lệ (tối đa {money(maximum)} đ).", field=field)
    return int(raw)
