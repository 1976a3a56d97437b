"""The Vietnamese lunar calendar: Tết and Giỗ Tổ from the `holidays` package, general conversion by hand.

Mùng 1 Tết and Giỗ Tổ (10/3 âm lịch) come from the well-kept `holidays` package's Vietnamese lunisolar tables
(vacanza/holidays, UTC+7), which the deadline engine uses. The package has no general solar↔lunar conversion, so
Hồ Ngọc Đức's algorithm evaluated at UTC+7 is kept for that (labels such as "29 tháng Chạp" in `calendar check`),
and the tests hold the two against each other for 2025–2030.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

__all__ = ["LunarDate", "gio_to_date", "lunar_from_solar", "lunar_label", "solar_from_lunar", "tet_date"]


class LunarDate(NamedTuple):
    """A Vietnamese lunar date; unpacks as (day, month, year, leap)."""

    day: int
    month: int
    year: int
    leap: bool


# ---------------------------------------------------------------- lunar calendar (Hồ Ngọc Đức)

_VN_TZ_HOURS = 7.0
_JD_ORDINAL_OFFSET = 1721425  # date.toordinal() + this = Julian Day Number (Gregorian calendar)
_SYNODIC = 29.530588853
_NEW_MOON_EPOCH = 2415021.076998695  # JD of the new moon of 1900-01-01, the epoch of k


def _jd(d: date) -> int:
    return d.toordinal() + _JD_ORDINAL_OFFSET


def _from_jd(jd: int) -> date:
    return date.fromordinal(jd - _JD_ORDINAL_OFFSET)


def _new_moon(k: int) -> float:
    """Julian day (UT, fractional) of the k-th new moon after 1900-01-01 (Meeus' series)."""
    t = k / 1236.85
    t2 = t * t
    t3 = t2 * t
    dr = math.pi / 180
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3  # sun's mean anomaly
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3  # moon's mean anomaly
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3  # moon's argument of latitude
    c1 = (
        (0.1734 - 0.000393 * t) * math.sin(m * dr)
        + 0.0021 * math.sin(2 * dr * m)
        - 0.4068 * math.sin(mpr * dr)
        + 0.0161 * math.sin(dr * 2 * mpr)
        - 0.0004 * math.sin(dr * 3 * mpr)
        + 0.0104 * math.sin(dr * 2 * f)
        - 0.0051 * math.sin(dr * (m + mpr))
        - 0.0074 * math.sin(dr * (m - mpr))
        + 0.0004 * math.sin(dr * (2 * f + m))
        - 0.0004 * math.sin(dr * (2 * f - m))
        - 0.0006 * math.sin(dr * (2 * f + mpr))
        + 0.0010 * math.sin(dr * (2 * f - mpr))
        + 0.0005 * math.sin(dr * (2 * mpr + m))
    )
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - delta_t


@lru_cache(maxsize=4096)
def _new_moon_day(k: int) -> int:
    """Julian Day Number of the local (UTC+7) civil day holding the k-th new moon."""
    return math.floor(_new_moon(k) + 0.5 + _VN_TZ_HOURS / 24)


def _sun_longitude(jd_ut: float) -> float:
    """Sun's apparent longitude in radians, normalised to [0, 2π), at Julian day `jd_ut` (UT)."""
    t = (jd_ut - 2451545.0) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    lon = (l0 + dl) * dr
    return lon - 2 * math.pi * math.floor(lon / (2 * math.pi))


def _sun_sector(day_number: int) -> int:
    """Which of the 12 thirty-degree sectors (0–11) the sun is in at local midnight starting `day_number`."""
    return math.floor(_sun_longitude(day_number - 0.5 - _VN_TZ_HOURS / 24) / math.pi * 6)


@lru_cache(maxsize=512)
def _lunar_month_11(year: int) -> int:
    """JDN of the first day of lunar month 11 (the month holding the winter solstice) before 31/12/`year`."""
    off = _jd(date(year, 12, 31)) - 2415021
    k = math.floor(off / _SYNODIC)
    nm = _new_moon_day(k)
    # Sector 9 starts at 270°, the winter solstice; a month starting after it is month 12.
    if _sun_sector(nm) >= 9:
        nm = _new_moon_day(k - 1)
    return nm


@lru_cache(maxsize=512)
def _leap_month_offset(a11: int) -> int:
    """Offset, from month 11 at `a11`, of the first month without a major solar term (the leap month)."""
    k = math.floor((a11 - _NEW_MOON_EPOCH) / _SYNODIC + 0.5)
    i = 1
    arc = _sun_sector(_new_moon_day(k + i))
    while True:
        last = arc
        i += 1
        arc = _sun_sector(_new_moon_day(k + i))
        if arc == last or i >= 14:
            break
    return i - 1


def lunar_from_solar(d: date) -> LunarDate:
    """Convert a solar (Gregorian) date to the Vietnamese lunar date (day, month, year, leap)."""
    if isinstance(d, datetime):
        d = d.date()
    day_number = _jd(d)
    k = math.floor((day_number - _NEW_MOON_EPOCH) / _SYNODIC)
    month_start = _new_moon_day(k + 1)
    if month_start > day_number:
        month_start = _new_moon_day(k)
    a11 = _lunar_month_11(d.year)
    b11 = a11
    if a11 >= month_start:
        lunar_year = d.year
        a11 = _lunar_month_11(d.year - 1)
    else:
        lunar_year = d.year + 1
        b11 = _lunar_month_11(d.year + 1)
    lunar_day = day_number - month_start + 1
    diff = math.floor((month_start - a11) / 29)
    leap = False
    lunar_month = diff + 11
    if b11 - a11 > 365:  # 13 lunar months between the two month-11s: this lunar year has a leap month
        leap_diff = _leap_month_offset(a11)
        if diff >= leap_diff:
            lunar_month = diff + 10
            leap = diff == leap_diff
    if lunar_month > 12:
        lunar_month -= 12
    if lunar_month >= 11 and diff < 4:
        lunar_year -= 1
    return LunarDate(lunar_day, lunar_month, lunar_year, leap)


def solar_from_lunar(day: int, month: int, year: int, leap: bool = False) -> date:
    """Convert a Vietnamese lunar date to the solar date; ValueError if that lunar date does not exist."""
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        raise ValueError(f"ngày âm lịch không hợp lệ: {day}/{month}/{year}")
    if month < 11:
        a11 = _lunar_month_11(year - 1)
        b11 = _lunar_month_11(year)
    else:
        a11 = _lunar_month_11(year)
        b11 = _lunar_month_11(year + 1)
    k = math.floor(0.5 + (a11 - _NEW_MOON_EPOCH) / _SYNODIC)
    off = month - 11
    if off < 0:
        off += 12
    if b11 - a11 > 365:
        leap_off = _leap_month_offset(a11)
        leap_month = leap_off - 2
        if leap_month < 0:
            leap_month += 12
        if leap and month != leap_month:
            raise ValueError(f"năm âm lịch {year} không có tháng {month} nhuận")
        if leap or off >= leap_off:
            off += 1
    elif leap:
        raise ValueError(f"năm âm lịch {year} không có tháng nhuận")
    month_start = _new_moon_day(k + off)
    # Lunar months have 29 or 30 days: reject day 30 of a short month instead of spilling over.
    if day > _new_moon_day(k + off + 1) - month_start:
        raise ValueError(f"tháng {month} âm lịch năm {year} không có ngày {day}")
    return _from_jd(month_start + day - 1)


@lru_cache(maxsize=1)
def _library_calendar() -> Any:
    """The `holidays` package's lunisolar tables set to the Vietnamese calendar, or None if it cannot be loaded."""
    try:
        from holidays.calendars.chinese import VIETNAMESE_CALENDAR, _ChineseLunisolar
    except ImportError:  # pragma: no cover - the package is a declared dependency
        return None
    return _ChineseLunisolar(VIETNAMESE_CALENDAR)


def tet_date(year: int) -> date:
    """Mùng 1 Tết of the lunar year that starts in solar `year` (the `holidays` tables; the algorithm outside them)."""
    lib = _library_calendar()
    if lib is not None:
        day, _estimated = lib.lunar_new_year_date(year)
        if day is not None:
            return day
    return solar_from_lunar(1, 1, year)


def gio_to_date(year: int) -> date:
    """Giỗ Tổ Hùng Vương, 10/3 âm lịch of `year` (the `holidays` tables; the algorithm outside them)."""
    lib = _library_calendar()
    if lib is not None:
        day, _estimated = lib.hung_kings_date(year)
        if day is not None:
            return day
    return solar_from_lunar(10, 3, year)


_MONTH_NAMES = {1: "Giêng", 11: "Một", 12: "Chạp"}


def lunar_label(d: date) -> str:
    """ "29 tháng Chạp", "mùng 1 tháng Giêng", "10 tháng 3 (nhuận)" for a solar date."""
    lunar = lunar_from_solar(d)
    day = f"mùng {lunar.day}" if lunar.day <= 10 else str(lunar.day)
    month = _MONTH_NAMES.get(lunar.month, str(lunar.month))
    return f"{day} tháng {month}{' (nhuận)' if lunar.leap else ''} âm lịch"
