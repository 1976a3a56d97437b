"""Working calendar and deadline engine: lunar dates, holidays as data, working days, due dates.

Pure Python: no database, no UI. Everything time-related is in Asia/Ho_Chi_Minh (`VN_TZ`).

* `lunar`    — Tết and Giỗ Tổ from the `holidays` package; solar↔lunar conversion (Hồ Ngọc Đức, UTC+7).
* `holidays` — statutory days (Bộ luật Lao động 2019), official notices and fixed days from holidays.toml;
  a year without a notice is *estimated*.
* `workdays` — `WorkCalendar`: which days the counter works.
* `deadline` — `compute_due`: the appointment and its Vietnamese reasoning.
* `oracle`   — the `holidays` package as a second opinion (`calendar check`).

This package re-exports the public API so callers import from `onestop.calendar`.
"""

from __future__ import annotations

from onestop.calendar.deadline import DueResult, compute_due, due_moment, estimate_note, working_days_between
from onestop.calendar.holidays import (
    HOLIDAY_GROUPS,
    NOTICES_PATH,
    QUOC_KHANH_ADJACENT_DEFAULT,
    TET_DAYS_BEFORE_DEFAULT,
    CalendarData,
    CalendarDay,
    FixedDay,
    YearNotice,
    load_calendar_data,
    load_notices,
    official_years,
    seed_days,
    statutory_days,
)
from onestop.calendar.lunar import LunarDate, gio_to_date, lunar_from_solar, lunar_label, solar_from_lunar, tet_date
from onestop.calendar.workdays import WorkCalendar
from onestop.formats import date_vn as format_vn_date
from onestop.formats import datetime_long as format_vn_datetime
from onestop.formats import weekday_vn

__all__ = [
    "HOLIDAY_GROUPS",
    "NOTICES_PATH",
    "QUOC_KHANH_ADJACENT_DEFAULT",
    "TET_DAYS_BEFORE_DEFAULT",
    "CalendarData",
    "CalendarDay",
    "DueResult",
    "FixedDay",
    "LunarDate",
    "WorkCalendar",
    "YearNotice",
    "compute_due",
    "due_moment",
    "estimate_note",
    "format_vn_date",
    "format_vn_datetime",
    "gio_to_date",
    "load_calendar_data",
    "load_notices",
    "lunar_from_solar",
    "lunar_label",
    "official_years",
    "seed_days",
    "solar_from_lunar",
    "statutory_days",
    "tet_date",
    "weekday_vn",
    "working_days_between",
]
