"""A second opinion on the calendar: the well-kept `holidays` package (vacanza/holidays, country "VN").

It is not an authority (it misses the New Year 2026 swap of Công văn 12729/VPCP-KGVX, BRIEF §11.6): `disagreements`
lists every day where the loaded calendar and the package differ on "is this a working day", with both sources,
for a leader to decide. The package's "thay cho ngày dd/mm/yyyy" labels name the Saturday worked in exchange, which
is read as a working day in its view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from onestop.calendar.holidays import WEEKEND
from onestop.calendar.workdays import WorkCalendar

__all__ = ["Disagreement", "LibraryDay", "disagreements", "library_days", "library_version"]

_SUBSTITUTED_RE = re.compile(r"thay cho ngày (\d{2})/(\d{2})/(\d{4})")


@dataclass(frozen=True)
class LibraryDay:
    """What the package says about one day."""

    day: date
    working: bool
    name: str


@dataclass(frozen=True)
class Disagreement:
    """One day where the loaded calendar and the package differ."""

    day: date
    loaded_working: bool
    loaded_reason: str
    loaded_source: str
    library_working: bool
    library_name: str
    library_source: str


def library_version() -> str:
    import holidays

    return f"holidays {holidays.__version__}"


@lru_cache(maxsize=32)
def library_days(year: int) -> dict[date, LibraryDay]:
    """The package's days off of `year` and the weekend days it makes working, in Vietnamese."""
    import holidays

    table = holidays.country_holidays("VN", years=year, language="vi")
    out: dict[date, LibraryDay] = {}
    for day, name in sorted(table.items()):
        if day.year != year:
            continue
        out[day] = LibraryDay(day, False, str(name))
        for m in _SUBSTITUTED_RE.finditer(str(name)):
            worked = date(int(m[3]), int(m[2]), int(m[1]))
            if worked.year == year:
                out[worked] = LibraryDay(worked, True, f"Làm bù (thay cho {day:%d/%m/%Y})")
    return out


def _library_working(day: date, days: dict[date, LibraryDay]) -> tuple[bool, str]:
    entry = days.get(day)
    if entry is not None:
        return entry.working, entry.name
    weekend = day.weekday() in WEEKEND
    return (not weekend), ("Ngày nghỉ hằng tuần" if weekend else "Ngày làm việc")


def disagreements(cal: WorkCalendar, year: int) -> list[Disagreement]:
    """Every day of `year` where `cal` and the package disagree on whether the counter works."""
    days = library_days(year)
    source = library_version()
    out: list[Disagreement] = []
    d = date(year, 1, 1)
    while d.year == year:
        loaded = cal.is_working_day(d)
        lib_working, lib_name = _library_working(d, days)
        if loaded != lib_working:
            entry = cal.describe(d)
            out.append(
                Disagreement(
                    d,
                    loaded,
                    entry.reason if entry else "Ngày làm việc",
                    entry.source if entry else "weekday",
                    lib_working,
                    lib_name,
                    source,
                )
            )
        d += timedelta(days=1)
    return out
