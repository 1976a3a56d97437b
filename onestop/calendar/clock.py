"""Office time as one number line: many appointments and durations at once (the QĐ 766 scorecard at 1M dossiers).

`OfficeClock` numbers every moment of a span of days by the office time (µs) elapsed since the span's first day:
a working day adds one office day, a day off adds nothing. Then "office time from a to b" is a subtraction and
"n working days after a moment" a binary search, instead of a walk day by day. The results are exactly those of
`deadline.working_days_between` and `deadline.due_moment` (a test holds them equal); outside the span, or for the
calendar-day and same-day units, the clock falls back to them.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from datetime import date, datetime, time, timedelta

from onestop.calendar.deadline import _US_PER_S, _at, _segments, _us, due_moment, working_days_between
from onestop.calendar.workdays import WorkCalendar
from onestop.domain import VN_TZ, DeadlineUnit, OfficeHours

__all__ = ["OfficeClock"]


class OfficeClock:
    """Office-time positions of the days in [first, last] on `cal` with `hours`."""

    def __init__(self, cal: WorkCalendar, hours: OfficeHours, first: date, last: date) -> None:
        self.cal, self.hours = cal, hours
        self.segs = _segments(hours)
        (ms, me), (as_, ae) = self.segs
        self.ms, self.me, self.as_, self.ae = ms, me, as_, ae
        self.morning = me - ms
        self.day_len = self.morning + (ae - as_)
        self.first, self.last = first, last
        self.working: list[bool] = []
        self.before: list[int] = []  # office µs elapsed before each day of the span
        self.work_starts: list[int] = []  # position of each working day's opening, ascending
        self.work_days: list[date] = []
        total = 0
        d = first
        while d <= last:
            ok = cal.is_working_day(d)
            self.working.append(ok)
            self.before.append(total)
            if ok:
                self.work_starts.append(total)
                self.work_days.append(d)
                total += self.day_len
            d += timedelta(days=1)

    def _index(self, d: date) -> int | None:
        i = (d - self.first).days
        return i if 0 <= i < len(self.working) else None

    def _in_day(self, t: int) -> int:
        """Office µs of a working day elapsed at time-of-day `t` (µs after midnight)."""
        if t <= self.ms:
            return 0
        if t <= self.me:
            return t - self.ms
        if t <= self.as_:
            return self.morning
        if t <= self.ae:
            return self.morning + (t - self.as_)
        return self.day_len

    def position(self, moment: datetime) -> int | None:
        """Office µs from the span's start to `moment` (None outside the span)."""
        m = moment.astimezone(VN_TZ)
        i = self._index(m.date())
        if i is None:
            return None
        if not self.working[i]:
            return self.before[i]
        return self.before[i] + self._in_day(_us(m.time()))

    def working_days_between(self, start: datetime, end: datetime) -> float:
        """`deadline.working_days_between(start, end, cal, hours)`."""
        a, b = self.position(start), self.position(end)
        if a is None or b is None:
            return working_days_between(start, end, self.cal, self.hours)
        return max(0, b - a) / self.day_len

    def due_moment(self, received_at: datetime, amount: float, unit: DeadlineUnit, cutoff: time | None) -> datetime:
        """`deadline.due_moment(received_at, amount, unit, cutoff, cal, hours)`."""
        unit = DeadlineUnit(unit)
        if unit not in (DeadlineUnit.WORKING_DAYS, DeadlineUnit.WORKING_HOURS) or not amount or math.isnan(amount):
            return due_moment(received_at, amount, unit, cutoff, self.cal, self.hours)
        received = received_at.astimezone(VN_TZ).replace(microsecond=0)  # whole seconds, as compute_due counts
        i = self._index(received.date())
        if i is None or amount < 0:
            return due_moment(received_at, amount, unit, cutoff, self.cal, self.hours)
        t = _us(received.time())
        if self.working[i] and cutoff is not None and t < self.ae and t >= _us(cutoff):
            # after the cut-off: counting starts at the next working day's opening, the end of this office day
            start = self.before[i] + self.day_len
        elif self.working[i]:
            start = self.before[i] + self._in_day(t)
        else:
            start = self.before[i]
        if unit is DeadlineUnit.WORKING_DAYS:
            remaining = round(amount * self.day_len)
        else:
            remaining = round(amount * 3600 * _US_PER_S)
        target = start + remaining
        k = bisect_left(self.work_starts, target) - 1  # the working day whose office time holds `target`
        if k < 0 or k == len(self.work_starts) - 1 and target - self.work_starts[k] > self.day_len:
            return due_moment(received_at, amount, unit, cutoff, self.cal, self.hours)
        offset = target - self.work_starts[k]
        t_end = self.ms + offset if offset <= self.morning else self.as_ + (offset - self.morning)
        return _at(self.work_days[k], t_end)
