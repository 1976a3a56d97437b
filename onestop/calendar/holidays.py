"""Holidays as data: the Labour Code's statutory days, the packaged official notices and fixed days in holidays.toml.

* The statutory generator (Bộ luật Lao động 2019, Điều 112 and Điều 111 k3) gives every year its holidays, each in
  a group (`HOLIDAY_GROUPS`), with compensatory days.
* `[[fixed_day]]` entries of holidays.toml add days the code does not know (Ngày Văn hóa Việt Nam, 24/11, from
  2026), each with its source and, when a leader still has to confirm it, `confirm = true`.
* A `[[notice]]` for a year replaces the groups it names with its own days and makes the year *official*; a year
  without one is *estimated* (`CalendarDay.estimated`), and the product says so wherever it counts through it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from onestop.calendar.lunar import gio_to_date, tet_date
from onestop.errors import ConfigError
from onestop.text import nfc

__all__ = [
    "HOLIDAY_GROUPS",
    "NOTICES_PATH",
    "QUOC_KHANH_ADJACENT_DEFAULT",
    "TET_DAYS_BEFORE_DEFAULT",
    "CalendarData",
    "CalendarDay",
    "DayKind",
    "FixedDay",
    "YearNotice",
    "load_calendar_data",
    "load_notices",
    "notice_from_dict",
    "notice_to_dict",
    "official_years",
    "seed_days",
    "statutory_days",
]

DayKind = Literal["off", "work"]

HOLIDAY_GROUPS: tuple[str, ...] = ("new_year", "tet", "gio_to", "victory", "labour", "quoc_khanh")
"""Names of the statutory holiday groups a notice may replace (fixed days of holidays.toml add their own)."""

TET_DAYS_BEFORE_DEFAULT = 1
"""Tết days taken before mùng 1: the usual civil-service pattern is the last day of the year + mùng 1–4."""

QUOC_KHANH_ADJACENT_DEFAULT = -1
"""The day next to 02/9 that is also off: -1 = 01/9 (the usual choice), +1 = 03/9; chosen yearly."""

NOTICES_PATH = Path(__file__).resolve().parent.parent / "data" / "holidays.toml"

WEEKEND = frozenset({5, 6})
STATUTORY_SOURCE = "statutory"


@dataclass(frozen=True)
class CalendarDay:
    """One calendar override: a day off (holiday, compensatory, swapped) or a working day (làm bù).

    `estimated`: computed for a year without a loaded official notice. `to_confirm`: entered as data from a
    secondary source that a leader should confirm (e.g. 24/11/2026).
    """

    day: date
    kind: DayKind
    reason: str
    source: str = STATUTORY_SOURCE
    estimated: bool = False
    to_confirm: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ("off", "work"):
            raise ValueError(f"CalendarDay.kind must be 'off' or 'work', not {self.kind!r}")
        if isinstance(self.day, datetime):
            # A datetime would never match a date key in WorkCalendar's dict.
            object.__setattr__(self, "day", self.day.date())
        object.__setattr__(self, "reason", nfc(self.reason))


@dataclass(frozen=True)
class YearNotice:
    """The official calendar notice(s) for one year: the groups it replaces and its days."""

    year: int
    replaces: frozenset[str]
    days: tuple[CalendarDay, ...]
    reference: str = ""


@dataclass(frozen=True)
class FixedDay:
    """A holiday on a fixed solar date from `from_year` on, kept as data with its source (holidays.toml)."""

    group: str
    month: int
    day: int
    from_year: int
    reason: str
    source: str
    confirm: bool = False

    def on(self, year: int) -> date | None:
        return date(year, self.month, self.day) if year >= self.from_year else None


@dataclass(frozen=True)
class CalendarData:
    """Everything holidays.toml holds."""

    notices: dict[int, YearNotice] = field(default_factory=dict)
    fixed: tuple[FixedDay, ...] = ()


# ---------------------------------------------------------------- statutory generator


@dataclass(frozen=True)
class _GroupDay:
    group: str
    day: CalendarDay


def _base_holidays(
    year: int, tet_days_before: int, quoc_khanh_adjacent: int, fixed: Iterable[FixedDay] = ()
) -> list[_GroupDay]:
    """The Điều 112 holidays of `year` plus the data's fixed days (no compensatory days), tagged with their group."""
    if not 0 <= tet_days_before <= 5:
        raise ValueError("tet_days_before must be between 0 and 5")
    if quoc_khanh_adjacent not in (-1, 1):
        raise ValueError("quoc_khanh_adjacent must be -1 (01/9) or +1 (03/9)")
    out = [_GroupDay("new_year", CalendarDay(date(year, 1, 1), "off", "Tết Dương lịch"))]
    # Five Tết days: `tet_days_before` at the end of the old lunar year, the rest from mùng 1.
    first = tet_date(year) - timedelta(days=tet_days_before)
    out += [_GroupDay("tet", CalendarDay(first + timedelta(days=i), "off", "Tết Nguyên đán")) for i in range(5)]
    out.append(_GroupDay("gio_to", CalendarDay(gio_to_date(year), "off", "Giỗ Tổ Hùng Vương")))
    out.append(_GroupDay("victory", CalendarDay(date(year, 4, 30), "off", "Ngày Chiến thắng")))
    out.append(_GroupDay("labour", CalendarDay(date(year, 5, 1), "off", "Ngày Quốc tế lao động")))
    national = date(year, 9, 2)
    adjacent = national + timedelta(days=quoc_khanh_adjacent)
    out.append(_GroupDay("quoc_khanh", CalendarDay(adjacent, "off", "Quốc khánh (ngày liền kề)")))
    out.append(_GroupDay("quoc_khanh", CalendarDay(national, "off", "Quốc khánh")))
    for f in fixed:
        d = f.on(year)
        if d is not None:
            out.append(_GroupDay(f.group, CalendarDay(d, "off", f.reason, f.source, to_confirm=f.confirm)))
    out.sort(key=lambda g: g.day.day)
    return out


def short_reason(reason: str) -> str:
    """The reason without a trailing "(…)" detail, used to group days in explanations."""
    reason = reason.strip()
    if reason.endswith(")") and " (" in reason:
        return reason[: reason.rindex(" (")].strip()
    return reason


def _compensatory(holidays: list[_GroupDay], blocked: set[date]) -> list[_GroupDay]:
    """Điều 111 k3: each holiday on a Saturday/Sunday gives the next weekday that is not a holiday off."""
    taken: set[date] = set()
    out: list[_GroupDay] = []
    for item in sorted(holidays, key=lambda g: g.day.day):
        d = item.day.day
        if d.weekday() not in WEEKEND:
            continue
        c = d + timedelta(days=1)
        while c.weekday() in WEEKEND or c in blocked or c in taken:
            c += timedelta(days=1)
        taken.add(c)
        reason = f"Nghỉ bù {short_reason(item.day.reason)}"
        source = item.day.source
        out.append(_GroupDay(item.group, CalendarDay(c, "off", reason, source, to_confirm=item.day.to_confirm)))
    return out


def _generated(
    year: int,
    tet_days_before: int,
    quoc_khanh_adjacent: int,
    notice: YearNotice | None,
    fixed: Iterable[FixedDay] = (),
) -> list[CalendarDay]:
    """Statutory and fixed days of `year`, minus the groups `notice` replaces, plus the notice's own days."""
    base = _base_holidays(year, tet_days_before, quoc_khanh_adjacent, fixed)
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
    estimated = notice is None
    return [
        CalendarDay(c.day, c.kind, c.reason, c.source, estimated=estimated, to_confirm=c.to_confirm)
        for c in (by_date[d] for d in sorted(by_date))
    ]


def statutory_days(
    year: int, *, tet_days_before: int = TET_DAYS_BEFORE_DEFAULT, quoc_khanh_adjacent: int = QUOC_KHANH_ADJACENT_DEFAULT
) -> list[CalendarDay]:
    """The Labour Code 2019 holidays of `year` with compensatory days, ignoring any notice or fixed day of the data.

    `tet_days_before` is how many of the 5 Tết days fall before mùng 1 (default 1: the last day of the
    lunar year, 29 or 30 Tết, plus mùng 1–4; notices have also offered 2+3 and 3+2).
    `quoc_khanh_adjacent` picks the second Quốc khánh day: -1 = 01/9 (default), +1 = 03/9.
    """
    return _generated(year, tet_days_before, quoc_khanh_adjacent, None)


# ---------------------------------------------------------------- holidays.toml


def _parse_fixed(raw: list[dict[str, object]], path: Path) -> tuple[FixedDay, ...]:
    out: list[FixedDay] = []
    for i, entry in enumerate(raw, start=1):
        where = f"{path.name}, ngày cố định thứ {i}"
        group, reason, source = entry.get("group"), entry.get("reason"), entry.get("source")
        month, day, from_year = entry.get("month"), entry.get("day"), entry.get("from_year")
        if not isinstance(group, str) or not group or group in HOLIDAY_GROUPS:
            raise ConfigError(f"{where}: cần group riêng (khác các nhóm luật định)")
        if not (isinstance(month, int) and isinstance(day, int) and isinstance(from_year, int)):
            raise ConfigError(f"{where}: month, day, from_year phải là số")
        try:
            date(from_year, month, day)
        except ValueError:
            raise ConfigError(f"{where}: ngày {day}/{month} không hợp lệ") from None
        if not isinstance(reason, str) or not reason.strip() or not isinstance(source, str) or not source.strip():
            raise ConfigError(f"{where}: cần lý do (reason) và nguồn (source)")
        out.append(
            FixedDay(group, month, day, from_year, nfc(reason.strip()), source.strip(), bool(entry.get("confirm")))
        )
    return tuple(out)


def _parse_notices(raw: list[dict[str, object]], path: Path, groups: set[str]) -> dict[int, YearNotice]:
    notices: dict[int, YearNotice] = {}
    for i, entry in enumerate(raw, start=1):
        where = f"{path.name}, thông báo thứ {i}"
        year = entry.get("year")
        if not isinstance(year, int):
            raise ConfigError(f"{where}: thiếu năm (year)")
        replaces = entry.get("replaces", [])
        if not isinstance(replaces, list):
            raise ConfigError(f"{where}: replaces phải là danh sách")
        unknown = [g for g in replaces if g not in groups]
        if unknown:
            raise ConfigError(f"{where}: nhóm ngày lễ không hợp lệ trong replaces: {', '.join(map(str, unknown))}")
        reference = str(entry.get("reference", "")).strip()
        days: list[CalendarDay] = []
        items = entry.get("days", [])
        for item in items if isinstance(items, list) else []:
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
            refs = "; ".join(r for r in (prev.reference, reference) if r)
            notices[year] = YearNotice(
                year, prev.replaces | frozenset(replaces), tuple(merged[k] for k in sorted(merged)), refs
            )
        else:
            notices[year] = YearNotice(year, frozenset(replaces), tuple(sorted(days, key=lambda c: c.day)), reference)
    return notices


def notice_from_dict(data: Mapping[str, object], groups: Iterable[str] | None = None) -> YearNotice:
    """An official notice given as data (the `calendar` feed of the province, `province calendar load`):
    `{"year", "reference", "replaces": [group, …], "days": [{"day" (or "date"): "YYYY-MM-DD", "kind": "off"|"work",
    "reason", "source"}]}`. ValueError with a Vietnamese message naming the field when anything is wrong.

    `groups`: the holiday groups a notice may replace (default: the statutory ones and holidays.toml's fixed days).
    A day without its own `source` carries the notice's reference.
    """
    allowed = set(groups) if groups is not None else set(HOLIDAY_GROUPS) | {f.group for f in load_calendar_data().fixed}
    if not isinstance(data, Mapping):
        raise ValueError("Thông báo lịch nghỉ phải là một đối tượng (year, reference, replaces, days).")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise ValueError("Thông báo lịch nghỉ: năm (year) phải là số từ 2000 đến 2100.")
    reference = data.get("reference")
    if not isinstance(reference, str) or not reference.strip() or len(reference) > 300:
        raise ValueError(f"Thông báo lịch nghỉ năm {year}: cần số, ngày của văn bản (reference), tối đa 300 ký tự.")
    reference = nfc(reference.strip())
    replaces = data.get("replaces", [])
    if not isinstance(replaces, list) or not all(isinstance(g, str) for g in replaces):
        raise ValueError(f"Thông báo lịch nghỉ năm {year}: replaces phải là danh sách tên nhóm ngày lễ.")
    unknown = sorted(set(replaces) - allowed)
    if unknown:
        raise ValueError(
            f"Thông báo lịch nghỉ năm {year}: nhóm ngày lễ không hợp lệ trong replaces: {', '.join(unknown)} "
            f"(các nhóm: {', '.join(sorted(allowed))})."
        )
    raw_days = data.get("days", [])
    if not isinstance(raw_days, list) or not raw_days or len(raw_days) > 366:
        raise ValueError(f"Thông báo lịch nghỉ năm {year}: cần danh sách ngày (days), 1 đến 366 ngày.")
    days: dict[date, CalendarDay] = {}
    for i, item in enumerate(raw_days, start=1):
        where = f"Thông báo lịch nghỉ năm {year}, ngày thứ {i}"
        if not isinstance(item, Mapping):
            raise ValueError(f"{where}: phải là một đối tượng (day, kind, reason).")
        raw = item.get("day", item.get("date"))
        if isinstance(raw, datetime):
            raise ValueError(f"{where}: ngày không được kèm giờ.")
        if isinstance(raw, date):
            d = raw
        else:
            try:
                d = date.fromisoformat(str(raw))
            except ValueError:
                raise ValueError(f"{where}: ngày {str(raw)[:20]!r} không hợp lệ (YYYY-MM-DD).") from None
        if d.year != year:
            raise ValueError(f"{where}: ngày {d:%d/%m/%Y} không thuộc năm {year}.")
        if d in days:
            raise ValueError(f"{where}: ngày {d:%d/%m/%Y} ghi hai lần.")
        kind, reason, source = item.get("kind"), item.get("reason"), item.get("source", "")
        if kind not in ("off", "work"):
            raise ValueError(f"{where}: kind phải là 'off' (nghỉ) hoặc 'work' (làm bù).")
        if kind == "work" and d.weekday() not in WEEKEND:
            raise ValueError(f"{where}: ngày làm bù {d:%d/%m/%Y} phải là thứ Bảy hoặc Chủ nhật.")
        if not isinstance(reason, str) or not reason.strip() or len(reason) > 200:
            raise ValueError(f"{where}: cần lý do (reason), tối đa 200 ký tự.")
        if not isinstance(source, str) or len(source) > 200:
            raise ValueError(f"{where}: nguồn (source) tối đa 200 ký tự.")
        days[d] = CalendarDay(d, kind, reason.strip(), nfc(source.strip()) or reference[:200])
    return YearNotice(year, frozenset(replaces), tuple(days[k] for k in sorted(days)), reference)


def notice_to_dict(notice: YearNotice) -> dict[str, object]:
    """The wire/storage form `notice_from_dict` reads back."""
    return {
        "year": notice.year,
        "reference": notice.reference,
        "replaces": sorted(notice.replaces),
        "days": [
            {"day": c.day.isoformat(), "kind": c.kind, "reason": c.reason, "source": c.source} for c in notice.days
        ],
    }


def merge_notices(first: YearNotice, later: YearNotice) -> YearNotice:
    """Two notices of one year as one: groups replaced by either, `later`'s day wins on a date both name."""
    merged = {c.day: c for c in first.days} | {c.day: c for c in later.days}
    refs = "; ".join(dict.fromkeys(r for r in (first.reference, later.reference) if r))
    return YearNotice(first.year, first.replaces | later.replaces, tuple(merged[k] for k in sorted(merged)), refs)


def _load_file(path: Path) -> CalendarData:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Không đọc được tệp lịch nghỉ {path}: {exc}") from exc
    fixed = _parse_fixed(raw.get("fixed_day", []), path)
    groups = set(HOLIDAY_GROUPS) | {f.group for f in fixed}
    return CalendarData(_parse_notices(raw.get("notice", []), path, groups), fixed)


@lru_cache(maxsize=8)
def _cached(path: Path, mtime_ns: int) -> CalendarData:
    # Keyed on mtime so an edited file is picked up without restarting.
    return _load_file(path)


def load_calendar_data(path: str | Path | None = None) -> CalendarData:
    """Parse holidays.toml (default: the packaged onestop/data/holidays.toml)."""
    p = Path(path) if path is not None else NOTICES_PATH
    try:
        mtime = p.stat().st_mtime_ns
    except OSError as exc:
        raise ConfigError(f"Không tìm thấy tệp lịch nghỉ {p}") from exc
    return _cached(p, mtime)


def load_notices(path: str | Path | None = None) -> dict[int, YearNotice]:
    """The official notices of holidays.toml, keyed by year."""
    return dict(load_calendar_data(path).notices)


def official_years(path: str | Path | None = None) -> frozenset[int]:
    """Years holidays.toml has an official notice for (every other year is estimated)."""
    return frozenset(load_calendar_data(path).notices)


def seed_days(
    years: Iterable[int] = range(2025, 2029),
    *,
    notices: Mapping[int, YearNotice] | None = None,
    fixed: Iterable[FixedDay] | None = None,
    tet_days_before: int = TET_DAYS_BEFORE_DEFAULT,
    quoc_khanh_adjacent: int = QUOC_KHANH_ADJACENT_DEFAULT,
) -> list[CalendarDay]:
    """Statutory and fixed days for `years`, with each year's official notice applied (default: holidays.toml)."""
    data = load_calendar_data() if notices is None or fixed is None else None
    notice_map = notices if notices is not None else (data.notices if data else {})
    fixed_days = tuple(fixed) if fixed is not None else (data.fixed if data else ())
    out: list[CalendarDay] = []
    for year in sorted(set(years)):
        out += _generated(year, tet_days_before, quoc_khanh_adjacent, notice_map.get(year), fixed_days)
    return out
