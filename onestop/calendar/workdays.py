"""The working calendar: which days the counter works (Monday–Friday, minus days off, plus làm bù days)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from onestop.calendar.holidays import WEEKEND, CalendarDay, seed_days

__all__ = ["WEEKEND_REASON", "WEEKEND_SOURCE", "WorkCalendar"]

WEEKEND_REASON = "Ngày nghỉ hằng tuần"
WEEKEND_SOURCE = "weekend"


class WorkCalendar:
    """Which days are working days: Monday–Friday, minus "off" overrides, plus "work" overrides (làm bù).

    When several entries share a date the last one wins, so officer overrides go after the seed.
    """

    __slots__ = ("_entries", "_weekend")

    def __init__(self, days: Iterable[CalendarDay] = (), *, weekend: Iterable[int] = WEEKEND) -> None:
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
            return CalendarDay(d, "off", WEEKEND_REASON, WEEKEND_SOURCE)
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

    @property
    def estimated_years(self) -> frozenset[int]:
        """Years whose days were computed without a loaded official notice."""
        return frozenset(d.day.year for d in self._entries.values() if d.estimated)

    def to_confirm(self) -> tuple[CalendarDay, ...]:
        """Days entered from a secondary source that a leader still has to confirm."""
        return tuple(d for d in self.days if d.to_confirm)
