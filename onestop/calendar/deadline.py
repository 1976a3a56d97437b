"""The deadline engine: the due moment (ngày hẹn trả) of a dossier and its Vietnamese reasoning (BRIEF §5.3).

Deadlines in working days are walked in working *hours*, as the Thanh Hóa engine does ([TD] CaculateTime.cs):
one working day = the length of one office day (8 h with the default 07:00–11:30 and 13:30–17:00), so
"1 working day from Monday 09:00" ends Tuesday 09:00, and 0.5 day = half an office day (4 h by default).
When the counted span reaches a year whose holidays are estimated (no official notice loaded), the reasoning
says so ("lịch nghỉ Tết 2027 là dự kiến").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from onestop.calendar.holidays import CalendarDay, short_reason
from onestop.calendar.workdays import WEEKEND_REASON, WEEKEND_SOURCE, WorkCalendar
from onestop.domain import VN_TZ, DeadlineUnit, OfficeHours
from onestop.formats import date_vn, number_vn, to_vn, weekday_mid

__all__ = ["ESTIMATE_MARGIN_DAYS", "DueResult", "compute_due", "due_moment", "estimate_note", "working_days_between"]

ESTIMATE_MARGIN_DAYS = 3
"""Estimated days this close to the counted span make the appointment reasoning say it is estimated."""


@dataclass(frozen=True)
class DueResult:
    """A computed due moment, the moment counting started, a Vietnamese explanation and the days skipped."""

    due_at: datetime
    start_at: datetime
    explanation: str
    skipped: tuple[CalendarDay, ...]


def _coverage_note(cal: WorkCalendar, first: date, last: date) -> list[str]:
    """A warning when the counted span reaches a year the calendar has no holidays for (weekends only),
    and one when it reaches a year whose holidays are estimated."""
    known = cal.years
    if not known:
        return []  # an explicitly empty calendar is a deliberate "weekends only" setup
    notes = []
    missing = [y for y in range(first.year, last.year + 1) if y not in known]
    if missing:
        notes.append(f"chưa có lịch nghỉ lễ năm {', '.join(map(str, missing))} nên chỉ trừ ngày nghỉ cuối tuần")
    note = estimate_note(cal, first, last)
    if note:
        notes.append(note)
    return notes


def estimate_note(cal: WorkCalendar, first: date, last: date) -> str:
    """ "lịch nghỉ Tết 2027 là dự kiến (chưa có thông báo chính thức)" when the counted span meets estimated days.

    A day of an estimated year counts when it lies in [first, last] widened by `ESTIMATE_MARGIN_DAYS` (an official
    notice usually moves days next to a holiday). "Tết" is named when such a day belongs to Tết, "lễ" otherwise.
    """
    lo, hi = first - timedelta(days=ESTIMATE_MARGIN_DAYS), last + timedelta(days=ESTIMATE_MARGIN_DAYS)
    near = [c for c in cal.days if c.estimated and lo <= c.day <= hi]
    if not near:
        return ""
    years = sorted({c.day.year for c in near})
    what = "Tết" if any("Tết Nguyên đán" in c.reason for c in near) else "lễ"
    return f"lịch nghỉ {what} {', '.join(map(str, years))} là dự kiến (chưa có thông báo chính thức)"


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
        idx = [i for i, c in enumerate(run) if c.source != WEEKEND_SOURCE]
        if not idx:
            weekend_count += len(run)
            continue
        lo, hi = idx[0], idx[-1]
        # Plain weekends inside a holiday range belong to the range; those at its edges are counted apart.
        weekend_count += lo + (len(run) - 1 - hi)
        labels: list[str] = []
        for c in run[lo : hi + 1]:
            if c.source == WEEKEND_SOURCE:
                continue
            label = short_reason(c.reason)
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
            out.append(cal.describe(d) or CalendarDay(d, "off", WEEKEND_REASON, WEEKEND_SOURCE))
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
    at = f"{_hhmm(start.time())} ngày {date_vn(start.date())}"
    if why == "holiday":
        return f"nhận vào ngày nghỉ ({weekday_mid(received)} {date_vn(received.date())}) nên tính từ {at}"
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
    # Dossier times are stored to the second: count from the whole second, so a due date computed now equals
    # the one read back (a received time with microseconds would otherwise carry them into the due moment).
    received = to_vn(received_at).replace(microsecond=0)
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
                    f"nhận vào ngày nghỉ ({weekday_mid(received)} {date_vn(received.date())}) "
                    "nên trả ngày làm việc tiếp theo"
                )
        skipped = tuple(_non_working(cal, received.date(), due_d))
        text = _describe_skipped(skipped)
        if text:
            notes.append(f"bỏ qua {text}")
        notes += _coverage_note(cal, received.date(), due_d)
        return DueResult(due_at, start_at, "; ".join(notes), skipped)

    base = f"{number_vn(amount)} {unit.label}"
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
            notes.append(f"hạn rơi vào ngày nghỉ nên dời sang {weekday_mid(due_d)} {date_vn(due_d)}")
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
        listed = ", ".join(f"{weekday_mid(d)} {date_vn(d)}" for d in make_up)
        notes.append(f"tính cả ngày làm bù {listed}")
    notes += _coverage_note(cal, received.date(), due_d)
    return DueResult(_at(due_d, due_t), start_at, "; ".join(notes), skipped)


def due_moment(
    received_at: datetime, amount: float, unit: DeadlineUnit, cutoff: time | None, cal: WorkCalendar, hours: OfficeHours
) -> datetime:
    """`compute_due(...).due_at` without the reasoning and the skipped days: the scorecard recomputes the appointment
    of every finished dossier on the current calendar (a test holds the two equal)."""
    if amount is None or math.isnan(amount) or amount < 0:
        raise ValueError(f"thời hạn giải quyết không hợp lệ: {amount!r}")
    unit = DeadlineUnit(unit)
    segs = _segments(hours)
    start_d, start_t, _why = _start(to_vn(received_at).replace(microsecond=0), cutoff, cal, segs)  # as compute_due
    if unit is DeadlineUnit.SAME_DAY or amount == 0:
        return _at(start_d, segs[1][1])
    if unit is DeadlineUnit.CALENDAR_DAYS:
        return _at(cal.next_working_day(start_d + timedelta(days=math.ceil(amount)), inclusive=True), segs[1][1])
    if unit is DeadlineUnit.WORKING_DAYS:
        remaining = round(amount * sum(e - s for s, e in segs))
    else:  # WORKING_HOURS
        remaining = round(amount * 3600 * _US_PER_S)
    return _at(*_walk(cal, start_d, start_t, remaining, segs))


def working_days_between(start: datetime, end: datetime, cal: WorkCalendar, hours: OfficeHours) -> float:
    """Office time from `start` to `end` in working days (one office day = 1.0), counted on `cal`; 0 if end ≤ start.

    The measure the deadline engine walks, read backwards: the time a dossier took, for the QĐ 766 average.
    """
    a, b = to_vn(start), to_vn(end)
    if b <= a:
        return 0.0
    segs = _segments(hours)
    day_len = sum(e - s for s, e in segs)
    total = 0
    d = a.date()
    while d <= b.date():
        if cal.is_working_day(d):
            lo = _us(a.time()) if d == a.date() else 0
            hi = _us(b.time()) if d == b.date() else 24 * 3600 * _US_PER_S
            for s, e in segs:
                total += max(0, min(e, hi) - max(s, lo))
        d += timedelta(days=1)
    return total / day_len
