"""Plausible values only: the windows every date the product accepts must lie in, and a safe time-zone conversion.

One bad date (0001-01-01, 9999-12-31) used to be accepted and then make every later read overflow. The service
layer refuses anything outside an absolute window (so the database never holds such a value again); the input
boundaries (CLI options, TUI fields) apply the counter's rule for the received time on top: within a few days of
now, or — for an administrator recording a paper backlog — back to the first of January of the current year.
A database that already holds an extreme value must still list, show, export and report: `to_vn` never overflows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from onestop.errors import BadInput

VN_TZ_NAME = "Asia/Ho_Chi_Minh"
EARLIEST_RECORD = date(2000, 1, 1)
"""Nothing this product records (a received time, a due date, a report range, a calendar query) is older."""
EARLIEST_BIRTH = date(1900, 1, 1)
RECEIVED_GRACE = timedelta(days=3)
"""How far back an officer may date a received dossier (a weekend's paper backlog)."""
FUTURE_SLACK = timedelta(minutes=10)
"""A workstation clock a little behind the officer's watch."""
LONGEST_AHEAD = timedelta(days=5 * 366)
"""The furthest a due date, a new appointment or a calendar query may lie ahead."""


def _tz() -> ZoneInfo:
    return ZoneInfo(VN_TZ_NAME)


def to_vn(value: datetime) -> datetime:
    """`value` in Vietnam time; a naive value is taken as Vietnam time; an extreme year keeps its wall time."""
    tz = _tz()
    if value.tzinfo is None:
        return value.replace(tzinfo=tz)
    try:
        return value.astimezone(tz)
    except OverflowError:
        return value.replace(tzinfo=tz)


def _fmt(value: date | datetime) -> str:
    day = f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return f"{day} {value.hour:02d}:{value.minute:02d}" if isinstance(value, datetime) else day


def check_stored_time(value: datetime, now: datetime, *, label: str, field: str) -> datetime:
    """The absolute window for any recorded time: from 2000 to five years ahead."""
    value = to_vn(value)
    if value.date() < EARLIEST_RECORD or value > to_vn(now) + LONGEST_AHEAD:
        raise BadInput(f"{label} {_fmt(value)} không hợp lệ (ngoài khoảng 2000 – 5 năm tới).", field=field)
    return value


def check_received(value: datetime, now: datetime, *, admin: bool, field: str = "received_at") -> datetime:
    """The counter's rule for a received time: not in the future; at most a few days back, or (administrator)
    back to 1 January of this year."""
    value, now = to_vn(value), to_vn(now)
    if value > now + FUTURE_SLACK:
        raise BadInput(f"Thời điểm tiếp nhận {_fmt(value)} ở tương lai; hãy kiểm tra lại.", field=field)
    floor = now - RECEIVED_GRACE
    if value >= floor:
        return value
    if admin and value.year == now.year:
        return value
    if admin:
        raise BadInput(
            f"Thời điểm tiếp nhận {_fmt(value)} quá xa: quản trị chỉ được ghi lùi trong năm {now.year}.", field=field
        )
    raise BadInput(
        f"Thời điểm tiếp nhận {_fmt(value)} quá xa: chỉ được ghi lùi tối đa {RECEIVED_GRACE.days} ngày "
        "(quản trị có thể ghi lùi trong năm hiện tại).",
        field=field,
    )


def check_due(value: datetime, received: datetime, now: datetime, *, field: str = "due_override") -> datetime:
    """A due date (override or new appointment): not before the received time, at most five years ahead."""
    value = check_stored_time(value, now, label="Ngày hẹn trả", field=field)
    if value < to_vn(received):
        raise BadInput("Ngày hẹn trả không được trước thời điểm tiếp nhận.", field=field)
    return value


def check_birth(value: date, today: date, *, field: str = "birth_date", label: str = "Ngày sinh") -> date:
    if value < EARLIEST_BIRTH or value > today:
        raise BadInput(f"{label} {_fmt(value)} không hợp lệ (từ năm 1900 đến hôm nay).", field=field)
    return value


def check_day(value: date, today: date, *, field: str, label: str = "Ngày") -> date:
    """A day in a report range, a search filter or a calendar query: from 2000 to five years ahead."""
    if value < EARLIEST_RECORD or value > today + LONGEST_AHEAD:
        raise BadInput(f"{label} {_fmt(value)} không hợp lệ (ngoài khoảng 2000 – 5 năm tới).", field=field)
    return value


def check_range(start: date, end: date, today: date, *, field: str = "range") -> tuple[date, date]:
    check_day(start, today, field=field, label="Từ ngày")
    check_day(end, today, field=field, label="Đến ngày")
    if end < start:
        raise BadInput("Khoảng ngày không hợp lệ: 'đến ngày' trước 'từ ngày'.", field=field)
    return start, end
