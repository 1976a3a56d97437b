"""Working calendar and deadline engine: Vietnamese lunar calendar, statutory holidays, official notices, due dates.

Pure Python: no database, no UI. Everything time-related is in Asia/Ho_Chi_Minh (`VN_TZ`).

Conventions (BRIEF §5):

* The lunar calendar is Hồ Ngọc Đức's algorithm evaluated at UTC+7 (the Vietnamese calendar; the
  Chinese one uses UTC+8 and differs in some years).
* Holidays come from the Labour Code rules (`statutory_days`) unless an official notice for the year
  is listed in `onestop/data/holidays.toml`; that notice replaces the holiday groups it names.
* Deadlines in working days are walked in working *hours*, as the Thanh Hóa engine does
  ([TD] CaculateTime.cs): one working day = the length of one office day (8 h with the default
  07:00–11:30 and 13:30–17:00), so "1 working day from Monday 09:00" ends Tuesday 09:00, and
  0.5 day = half an office day (4 h by default).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

from onestop.domain import VN_TZ, DeadlineUnit, OfficeHours
from onestop.errors import ConfigError
from onestop.text import nfc

__all__ = [
    "CalendarDay",
    "DueResult",
    "HOLIDAY_GROUPS",
    "LunarDate",
    "TET_DAYS_BEFORE_DEFAULT",
    "QUOC_KHANH_ADJACENT_DEFAULT",
    "WorkCalendar",
    "YearNotice",
    "compute_due",
    "format_vn_date",
    "format_vn_datetime",
    "load_notices",
    "lunar_from_solar",
    "seed_days",
    "solar_from_lunar",
    "statutory_days",
    "tet_date",
    "weekday_vn",
]

DayKind = Literal["off", "work"]

HOLIDAY_GROUPS: tuple[str, ...] = ("new_year", "tet", "gio_to", "victory", "labour", "quoc_khanh")
"""Names of the statutory holiday groups a notice may replace (see holidays.toml)."""

TET_DAYS_BEFORE_DEFAULT = 1
"""Tết days taken before mùng 1: the usual civil-service pattern is the last day of the year + mùng 1–4."""

QUOC_KHANH_ADJACENT_DEFAULT = -1
"""The day next to 02/9 that is also off: -1 = 01/9 (the usual choice), +1 = 03/9; chosen yearly."""

NOTICES_PATH = Path(__file__).with_name("data") / "holidays.toml"

_WEEKEND = frozenset({5, 6})
_WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_WEEKEND_REASON = "Ngày nghỉ hằng tuần"
_WEEKEND_SOURCE = "weekend"


# ---------------------------------------------------------------- types


@dataclass(frozen=True)
class CalendarDay:
    """One calendar override: a day off (holiday, compensatory, swapped) or a working day (làm bù)."""

    day: date
    kind: DayKind
    reason: str
    source: str = "statutory"

    def __post_init__(self) -> None:
        if self.kind not in ("off", "work"):
            raise ValueError(f"CalendarDay.kind must be 'off' or 'work', not {self.kind!r}")
        if isinstance(self.day, datetime):
            # A datetime would never match a date key in WorkCalendar's dict.
            object.__setattr__(self, "day", self.day.date())
        object.__setattr__(self, "reason", nfc(self.reason))


@dataclass(frozen=True)
class DueResult:
    """A computed due moment, the moment counting started, a Vietnamese explanation and the days skipped."""

    due_at: datetime
    start_at: datetime
    explanation: str
    skipped: tuple[CalendarDay, ...]


class LunarDate(NamedTuple):
    """A Vietnamese lunar date; unpacks as (day, month, year, leap)."""

    day: int
    month: int
    year: int
    leap: bool


@dataclass(frozen=True)
class YearNotice:
    """The official calendar notice(s) for one year: the groups it replaces and its days."""

    year: int
    replaces: frozenset[str]
    days: tuple[CalendarDay, ...]


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


def tet_date(year: int) -> date:
    """Mùng 1 Tết of the lunar year that starts in solar `year`."""
    return solar_from_lunar(1, 1, year)


# ---------------------------------------------------------------- statutory holidays


@dataclass(frozen=True)
class _GroupDay:
    group: str
    day: CalendarDay


def _base_holidays(year: int, tet_days_before: int, quoc_khanh_adjacent: int) -> list[_GroupDay]:
    """The Điều 112 holidays of `year` (no compensatory days), tagged with their group."""
    if not 0 <= tet_days_before <= 5:
        raise ValueError("tet_days_before must be between 0 and 5")
    if quoc_khanh_adjacent not in (-1, 1):
        raise ValueError("quoc_khanh_adjacent must be -1 (01/9) or +1 (03/9)")
    out = [_GroupDay("new_year", CalendarDay(date(year, 1, 1), "off", "Tết Dương lịch"))]
    # Five Tết days: `tet_days_before` at the end of the old lunar year, the rest from mùng 1.
    first = tet_date(year) - timedelta(days=tet_days_before)
    out += [_GroupDay("tet", CalendarDay(first + timedelta(days=i), "off", "Tết Nguyên đán")) for i in range(5)]
    out.append(_GroupDay("gio_to", CalendarDay(solar_from_lunar(10, 3, year), "off", "Giỗ Tổ Hùng Vương")))
    out.append(_GroupDay("victory", CalendarDay(date(year, 4, 30), "off", "Ngày Chiến thắng")))
    out.append(_GroupDay("labour", CalendarDay(date(year, 5, 1), "off", "Ngày Quốc tế lao động")))
    national = date(year, 9, 2)
    adjacent = national + timedelta(days=quoc_khanh_adjacent)
    out.append(_GroupDay("quoc_khanh", CalendarDay(adjacent, "off", "Quốc khánh (ngày liền kề)")))
    out.append(_GroupDay("quoc_khanh", CalendarDay(national, "off", "Quốc khánh")))
    out.sort(key=lambda g: g.day.day)
    return out


def _compensatory(holidays: list[_GroupDay], blocked: set[date]) -> list[_GroupDay]:
    """Điều 111 k3: each holiday on a Saturday/Sunday gives the next weekday that is not a holiday off."""
    taken: set[date] = set()
    out: list[_GroupDay] = []
    for item in sorted(holidays, key=lambda g: g.day.day):
        d = item.day.day
        if d.weekday() not in _WEEKEND:
            continue
        c = d + timedelta(days=1)
        while c.weekday() in _WEEKEND or c in blocked or c in taken:
            c += timedelta(days=1)
        taken.add(c)
        reason = f"Nghỉ bù {_short_reason(item.day.reason)}"
        out.append(_GroupDay(item.group, CalendarDay(c, "off", reason)))
    return out


def _generated(
    year: int, tet_days_before: int, quoc_khanh_adjacent: int, notice: YearNotice | None
) -> list[CalendarDay]:
    """Statutory days of `year`, minus the groups `notice` replaces, plus the notice's own days."""
    base = _base_holidays(year, tet_days_before, quoc_khanh_adjacent)
    if notice is not None:
        base = [g for g in base if g.group not in notice.replaces]
    blocked = {g.day.day for g in base}
    if notice is not None:
        # Compensation must not land on a day the notice already gives off.
        blocked |= {d.day for d in notice.days if d.kind == "off"}
    # Groups the notice replaces are gone from `base`, so their compensation is gone too.
    comp = _compensatory(base, blocked)
    by_date: dict[date, CalendarDay] = {}
    for g in base + comp:
        by_date[g.day.day] = g.day
    if notice is not None:
        for d in notice.days:  # the notice wins over anything generated on the same date
            by_date[d.day] = d
    return [by_date[d] for d in sorted(by_date)]


def statutory_days(
    year: int, *, tet_days_before: int = TET_DAYS_BEFORE_DEFAULT, quoc_khanh_adjacent: int = QUOC_KHANH_ADJACENT_DEFAULT
) -> list[CalendarDay]:
    """The Labour Code 2019 holidays of `year` with compensatory days, ignoring any official notice.

    `tet_days_before` is how many of the 5 Tết days fall before mùng 1 (default 1: the last day of the
    lunar year, 29 or 30 Tết, plus mùng 1–4; notices have also offered 2+3 and 3+2).
    `quoc_khanh_adjacent` picks the second Quốc khánh day: -1 = 01/9 (default), +1 = 03/9.
    """
    return _generated(year, tet_days_before, quoc_khanh_adjacent, None)


def _load_notice_file(path: Path) -> dict[int, YearNotice]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Không đọc được tệp lịch nghỉ {path}: {exc}") from exc
    notices: dict[int, YearNotice] = {}
    for i, entry in enumerate(raw.get("notice", []), start=1):
        where = f"{path.name}, thông báo thứ {i}"
        year = entry.get("year")
        if not isinstance(year, int):
            raise ConfigError(f"{where}: thiếu năm (year)")
        replaces = entry.get("replaces", [])
        unknown = [g for g in replaces if g not in HOLIDAY_GROUPS]
        if unknown:
            raise ConfigError(f"{where}: nhóm ngày lễ không hợp lệ trong replaces: {', '.join(map(str, unknown))}")
        days: list[CalendarDay] = []
        for item in entry.get("days", []):
            d = item.get("date")
            if not isinstance(d, date) or isinstance(d, datetime):
                raise ConfigError(f"{where}: ngày không hợp lệ: {d!r}")
            if d.year != year:
                raise ConfigError(f"{where}: ngày {d:%d/%m/%Y} không thuộc năm {year}")
            kind = item.get("kind")
            reason = item.get("reason", "")
            if kind not in ("off", "work") or not isinstance(reason, str) or not reason.strip():
                raise ConfigError(f"{where}: ngày {d:%d/%m/%Y} thiếu kind hợp lệ hoặc lý do")
            days.append(CalendarDay(d, kind, reason.strip(), str(item.get("source", "notice"))))
        if year in notices:  # several notices for one year merge; later ones win per date
            prev = notices[year]
            merged = {c.day: c for c in prev.days} | {c.day: c for c in days}
            notices[year] = YearNotice(
                year, prev.replaces | frozenset(replaces), tuple(merged[k] for k in sorted(merged))
            )
        else:
            notices[year] = YearNotice(year, frozenset(replaces), tuple(sorted(days, key=lambda c: c.day)))
    return notices


@lru_cache(maxsize=8)
def _cached_notices(path: Path, mtime_ns: int) -> dict[int, YearNotice]:
    # Keyed on mtime so an edited file is picked up without restarting.
    return _load_notice_file(path)


def load_notices(path: str | Path | None = None) -> dict[int, YearNotice]:
    """Parse the official notices file (default: the packaged onestop/data/holidays.toml), keyed by year."""
    p = Path(path) if path is not None else NOTICES_PATH
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(f"Không tìm thấy tệp lịch nghỉ {p}") from exc
    return dict(_cached_notices(p, mtime))


def seed_days(
    years: Iterable[int] = range(2025, 2029),
    *,
    notices: Mapping[int, YearNotice] | None = None,
    tet_days_before: int = TET_DAYS_BEFORE_DEFAULT,
    quoc_khanh_adjacent: int = QUOC_KHANH_ADJACENT_DEFAULT,
) -> list[CalendarDay]:
    """Statutory days for `years`, with each year's official notice (default: holidays.toml) applied."""
    if notices is None:
        notices = load_notices()
    out: list[CalendarDay] = []
    for year in sorted(set(years)):
        out += _generated(year, tet_days_before, quoc_khanh_adjacent, notices.get(year))
    return out


# ---------------------------------------------------------------- working calendar


class WorkCalendar:
    """Which days are working days: Monday–Friday, minus "off" overrides, plus "work" overrides (làm bù).

    When several entries share a date the last one wins, so officer overrides go after the seed.
    """

    __slots__ = ("_entries", "_weekend")

    def __init__(self, days: Iterable[CalendarDay] = (), *, weekend: Iterable[int] = _WEEKEND) -> None:
        self._entries: dict[date, CalendarDay] = {}
        for d in days:
            self._entries[d.day] = d
        self._weekend = frozenset(weekend)
        if len(self._weekend) >= 7:
            raise ValueError("a week needs at least one working day")

    @classmethod
    def default(cls, years: Iterable[int] = range(2025, 2029)) -> WorkCalendar:
        """A calendar from `seed_days(years)` (statutory rules plus the packaged notices)."""
        return cls(seed_days(years))

    def is_working_day(self, d: date) -> bool:
        """True when `d` is a working day at the counter."""
        if isinstance(d, datetime):
            d = d.date()
        entry = self._entries.get(d)
        if entry is not None:
            return entry.kind == "work"
        return d.weekday() not in self._weekend

    def is_weekend(self, d: date) -> bool:
        """True for the weekly rest days (Saturday and Sunday by default), whatever the overrides say."""
        return d.weekday() in self._weekend

    def entry(self, d: date) -> CalendarDay | None:
        """The override for `d`, if any (None for a plain weekday or weekend)."""
        if isinstance(d, datetime):
            d = d.date()
        return self._entries.get(d)

    def describe(self, d: date) -> CalendarDay | None:
        """The override for `d`, or a synthetic weekend entry for an ordinary Saturday/Sunday; None for a working weekday."""
        entry = self.entry(d)
        if entry is not None:
            return entry
        if d.weekday() in self._weekend:
            return CalendarDay(d, "off", _WEEKEND_REASON, _WEEKEND_SOURCE)
        return None

    def next_working_day(self, d: date, *, inclusive: bool = False) -> date:
        """The first working day after `d` (or from `d` itself when `inclusive`)."""
        if isinstance(d, datetime):
            d = d.date()
        c = d if inclusive else d + timedelta(days=1)
        for _ in range(3700):  # a decade: a guard against a calendar with no working day at all
            if self.is_working_day(c):
                return c
            c += timedelta(days=1)
        raise ValueError("không tìm thấy ngày làm việc nào trong lịch")

    @property
    def days(self) -> tuple[CalendarDay, ...]:
        """All overrides, sorted by date."""
        return tuple(self._entries[d] for d in sorted(self._entries))

    @property
    def years(self) -> frozenset[int]:
        """Years that have at least one override (a year missing here only knows weekends)."""
        return frozenset(d.year for d in self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"WorkCalendar({len(self._entries)} ngày đặc biệt)"


# ---------------------------------------------------------------- deadline engine


def weekday_vn(d: date) -> str:
    """Vietnamese weekday name, e.g. "Thứ Hai", "Chủ nhật"."""
    return _WEEKDAY_NAMES[d.weekday()]


def _weekday_mid(d: date) -> str:
    """Weekday name for the middle of a sentence: "thứ Bảy", "Chủ nhật"."""
    name = _WEEKDAY_NAMES[d.weekday()]
    return "thứ" + name[3:] if name.startswith("Thứ") else name


def _coverage_note(cal: WorkCalendar, first: date, last: date) -> list[str]:
    """A warning when the counted span reaches a year the calendar has no holidays for (weekends only)."""
    known = cal.years
    if not known:
        return []  # an explicitly empty calendar is a deliberate "weekends only" setup
    missing = [y for y in range(first.year, last.year + 1) if y not in known]
    if not missing:
        return []
    return [f"chưa có lịch nghỉ lễ năm {', '.join(map(str, missing))} nên chỉ trừ ngày nghỉ cuối tuần"]


def format_vn_date(d: date) -> str:
    """dd/MM/yyyy."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _to_vn(dt: datetime) -> datetime:
    """Aware datetime in VN_TZ; a naive one is taken to be VN wall time already."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=VN_TZ)
    return dt.astimezone(VN_TZ)


def format_vn_datetime(dt: datetime) -> str:
    """ "08 giờ 30 phút, ngày 05/01/2026" (the form used on receipts), in VN time."""
    dt = _to_vn(dt)
    return f"{dt.hour:02d} giờ {dt.minute:02d} phút, ngày {format_vn_date(dt.date())}"


_US_PER_S = 1_000_000


def _us(t: time) -> int:
    """Microseconds since midnight."""
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US_PER_S + t.microsecond


def _at(d: date, us: int) -> datetime:
    """The VN datetime at `us` microseconds after midnight of `d` (24:00 is not produced by callers)."""
    s, micro = divmod(us, _US_PER_S)
    m, sec = divmod(s, 60)
    h, minute = divmod(m, 60)
    return datetime(d.year, d.month, d.day, h, minute, sec, micro, tzinfo=VN_TZ)


def _hhmm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def _segments(hours: OfficeHours) -> tuple[tuple[int, int], tuple[int, int]]:
    ms, me, as_, ae = (
        _us(hours.morning_start),
        _us(hours.morning_end),
        _us(hours.afternoon_start),
        _us(hours.afternoon_end),
    )
    if not ms < me <= as_ < ae:
        raise ValueError("giờ làm việc không hợp lệ: cần sáng bắt đầu < sáng kết thúc ≤ chiều bắt đầu < chiều kết thúc")
    return (ms, me), (as_, ae)


def _fmt_amount(amount: float) -> str:
    """3 → "3", 0.5 → "0,5" (Vietnamese decimal comma)."""
    if float(amount).is_integer():
        return str(int(amount))
    return f"{amount:g}".replace(".", ",")


def _short_reason(reason: str) -> str:
    """The reason without a trailing "(…)" detail, used to group days in explanations."""
    reason = reason.strip()
    if reason.endswith(")") and " (" in reason:
        return reason[: reason.rindex(" (")].strip()
    return reason


def _dm(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}"


def _describe_skipped(skipped: Iterable[CalendarDay]) -> str:
    """ "16/02–20/02 (Tết Nguyên đán) và 4 ngày nghỉ cuối tuần", or "" when nothing was skipped."""
    runs: list[list[CalendarDay]] = []
    for c in skipped:
        if runs and (c.day - runs[-1][-1].day).days == 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    ranges: list[str] = []
    weekend_count = 0
    for run in runs:
        idx = [i for i, c in enumerate(run) if c.source != _WEEKEND_SOURCE]
        if not idx:
            weekend_count += len(run)
            continue
        lo, hi = idx[0], idx[-1]
        # Plain weekends inside a holiday range belong to the range; those at its edges are counted apart.
        weekend_count += lo + (len(run) - 1 - hi)
        labels: list[str] = []
        for c in run[lo : hi + 1]:
            if c.source == _WEEKEND_SOURCE:
                continue
            label = _short_reason(c.reason)
            if label not in labels:
                labels.append(label)
        span = _dm(run[lo].day) if lo == hi else f"{_dm(run[lo].day)}–{_dm(run[hi].day)}"
        ranges.append(f"{span} ({', '.join(labels)})")
    parts = list(ranges)
    if weekend_count:
        parts.append(f"{weekend_count} ngày nghỉ cuối tuần")
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " và " + parts[-1]


def _non_working(cal: WorkCalendar, first: date, last: date) -> list[CalendarDay]:
    """The non-working days in [first, last], as CalendarDay (weekends get a synthetic entry)."""
    out: list[CalendarDay] = []
    d = first
    while d <= last:
        if not cal.is_working_day(d):
            # describe() is never None here: a non-working day is either an override or a weekend.
            out.append(cal.describe(d) or CalendarDay(d, "off", _WEEKEND_REASON, _WEEKEND_SOURCE))
        d += timedelta(days=1)
    return out


def _make_up_days(cal: WorkCalendar, first: date, last: date) -> list[date]:
    """Weekend days in [first, last] that the calendar turns into working days (làm bù)."""
    out = []
    d = first
    while d <= last:
        e = cal.entry(d)
        if e is not None and e.kind == "work" and cal.is_weekend(d):
            out.append(d)
        d += timedelta(days=1)
    return out


def _start(
    received: datetime, cutoff: time | None, cal: WorkCalendar, segs: tuple[tuple[int, int], tuple[int, int]]
) -> tuple[date, int, str]:
    """The first working moment counting may use, and why it differs from the receipt moment ("" if not)."""
    d = received.date()
    t = _us(received.time())
    (ms, me), (as_, ae) = segs
    if not cal.is_working_day(d):
        return cal.next_working_day(d), ms, "holiday"
    if t >= ae:
        return cal.next_working_day(d), ms, "after_hours"
    if cutoff is not None and t >= _us(cutoff):
        return cal.next_working_day(d), ms, "cutoff"
    if t < ms:
        return d, ms, "before_hours"
    if me <= t < as_:
        return d, as_, "lunch"
    return d, t, ""


def _start_note(why: str, start: datetime, received: datetime, cutoff: time | None, hours: OfficeHours) -> str:
    at = f"{_hhmm(start.time())} ngày {format_vn_date(start.date())}"
    if why == "holiday":
        return f"nhận vào ngày nghỉ ({_weekday_mid(received)} {format_vn_date(received.date())}) nên tính từ {at}"
    if why == "after_hours":
        return f"nhận sau {_hhmm(hours.afternoon_end)} nên tính từ {at}"
    if why == "cutoff" and cutoff is not None:
        return f"nhận sau {_hhmm(cutoff)} nên tính từ ngày làm việc tiếp theo ({at})"
    if why == "before_hours":
        return f"nhận trước giờ làm việc nên tính từ {_hhmm(start.time())}"
    if why == "lunch":
        return f"nhận trong giờ nghỉ trưa nên tính từ {_hhmm(start.time())}"
    return ""


def _walk(
    cal: WorkCalendar, d: date, t: int, remaining: int, segs: tuple[tuple[int, int], tuple[int, int]]
) -> tuple[date, int]:
    """Advance `remaining` µs of office time from (d, t), skipping non-working days and the lunch break."""
    if remaining <= 0:
        return d, t
    one_day = timedelta(days=1)
    day_len = sum(e - s for s, e in segs)
    while True:
        if cal.is_working_day(d):
            if t <= segs[0][0] and remaining > day_len:
                remaining -= day_len  # whole day: skip the per-segment arithmetic
            else:
                for s, e in segs:
                    if t >= e:
                        continue
                    if t < s:
                        t = s
                    avail = e - t
                    if remaining <= avail:
                        # Ending exactly at a segment's end yields 11:30/17:00, not the next opening.
                        return d, t + remaining
                    remaining -= avail
                    t = e
        d += one_day
        t = 0


def compute_due(
    received_at: datetime, amount: float, unit: DeadlineUnit, cutoff: time | None, cal: WorkCalendar, hours: OfficeHours
) -> DueResult:
    """Compute the due moment (ngày hẹn trả) of a dossier received at `received_at` (BRIEF §5.3).

    * Counting starts at the first working moment: before opening → morning start; lunch →
      afternoon start; after closing, at/after `cutoff`, or on a non-working day → next working
      day's morning start.
    * WORKING_DAYS / WORKING_HOURS: walk that much office time (a day = one office day, 8 h by
      default) through office hours, skipping non-working days.
    * CALENDAR_DAYS: start date + n days (fractions round up), at afternoon end, moved forward to
      a working day if it lands on a day off.
    * SAME_DAY (or amount 0): afternoon end of the receipt day when received on a working day
      before closing (and before `cutoff`, if any); otherwise afternoon end of the next working day.
    """
    if amount is None or math.isnan(amount) or amount < 0:
        raise ValueError(f"thời hạn giải quyết không hợp lệ: {amount!r}")
    unit = DeadlineUnit(unit)
    received = _to_vn(received_at)
    segs = _segments(hours)
    ae = segs[1][1]
    start_d, start_t, why = _start(received, cutoff, cal, segs)
    start_at = _at(start_d, start_t)  # never before `received`: _start only moves forward

    if unit is DeadlineUnit.SAME_DAY or amount == 0:
        same_day = why in ("", "before_hours", "lunch")
        due_d = start_d  # already the next working day when `why` says so
        due_at = _at(due_d, ae)
        notes = ["Trong ngày"]
        if not same_day:
            if why == "cutoff" and cutoff is not None:
                notes.append(f"nhận sau {_hhmm(cutoff)} nên trả ngày làm việc tiếp theo")
            elif why == "after_hours":
                notes.append(f"nhận sau {_hhmm(hours.afternoon_end)} nên trả ngày làm việc tiếp theo")
            else:
                notes.append(
                    f"nhận vào ngày nghỉ ({_weekday_mid(received)} {format_vn_date(received.date())}) "
                    "nên trả ngày làm việc tiếp theo"
                )
        skipped = tuple(_non_working(cal, received.date(), due_d))
        text = _describe_skipped(skipped)
        if text:
            notes.append(f"bỏ qua {text}")
        notes += _coverage_note(cal, received.date(), due_d)
        return DueResult(due_at, start_at, "; ".join(notes), skipped)

    base = f"{_fmt_amount(amount)} {unit.label}"
    notes = [base]
    start_note = _start_note(why, start_at, received, cutoff, hours)

    if unit is DeadlineUnit.CALENDAR_DAYS:
        notes[0] = f"{base} (tính cả ngày nghỉ)"
        if start_note:
            notes.append(start_note)
        target = start_d + timedelta(days=math.ceil(amount))
        due_d = cal.next_working_day(target, inclusive=True)
        skipped_list = _non_working(cal, received.date(), start_d - timedelta(days=1))
        if due_d != target:
            moved = _non_working(cal, target, due_d - timedelta(days=1))
            skipped_list += moved
            notes.append(f"hạn rơi vào ngày nghỉ nên dời sang {_weekday_mid(due_d)} {format_vn_date(due_d)}")
            notes.append(f"bỏ qua {_describe_skipped(moved)}")
        notes += _coverage_note(cal, received.date(), due_d)
        return DueResult(_at(due_d, ae), start_at, "; ".join(notes), tuple(skipped_list))

    if unit is DeadlineUnit.WORKING_DAYS:
        day_len = sum(e - s for s, e in segs)
        remaining = round(amount * day_len)
    else:  # WORKING_HOURS
        remaining = round(amount * 3600 * _US_PER_S)
    due_d, due_t = _walk(cal, start_d, start_t, remaining, segs)
    if start_note:
        notes.append(start_note)
    skipped = tuple(_non_working(cal, received.date(), due_d))
    text = _describe_skipped(skipped)
    if text:
        notes.append(f"bỏ qua {text}")
    make_up = _make_up_days(cal, start_d, due_d)
    if make_up:
        listed = ", ".join(f"{_weekday_mid(d)} {format_vn_date(d)}" for d in make_up)
        notes.append(f"tính cả ngày làm bù {listed}")
    notes += _coverage_note(cal, received.date(), due_d)
    return DueResult(_at(due_d, due_t), start_at, "; ".join(notes), skipped)
