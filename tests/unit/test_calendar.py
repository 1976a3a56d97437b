"""Tests for onestop.calendar: lunar calendar, holidays, notices, working calendar and the deadline engine."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, time, timedelta

import pytest

from onestop.calendar import (
    HOLIDAY_GROUPS,
    CalendarDay,
    DueResult,
    WorkCalendar,
    compute_due,
    format_vn_datetime,
    load_notices,
    lunar_from_solar,
    seed_days,
    solar_from_lunar,
    statutory_days,
    tet_date,
)
from onestop.domain import VN_TZ, DeadlineUnit, OfficeHours
from onestop.errors import ConfigError

WD = DeadlineUnit.WORKING_DAYS
WH = DeadlineUnit.WORKING_HOURS
CD = DeadlineUnit.CALENDAR_DAYS
SD = DeadlineUnit.SAME_DAY
HOURS = OfficeHours()


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar(seed_days(range(2025, 2029)))


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def due(
    cal: WorkCalendar, received: datetime, amount: float, unit: DeadlineUnit, cutoff: time | None = None
) -> DueResult:
    return compute_due(received, amount, unit, cutoff, cal, HOURS)


# ---------------------------------------------------------------- lunar calendar


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2025, date(2025, 1, 29)),
        (2026, date(2026, 2, 17)),
        (2027, date(2027, 2, 6)),
        (2028, date(2028, 1, 26)),
        (2020, date(2020, 1, 25)),
        (2023, date(2023, 1, 22)),
        (2024, date(2024, 2, 10)),
        (2029, date(2029, 2, 13)),
        # Years where the Vietnamese (UTC+7) and Chinese (UTC+8) calendars differ.
        (1985, date(1985, 1, 21)),
        (2007, date(2007, 2, 17)),
        (2030, date(2030, 2, 2)),
    ],
)
def test_tet(year: int, expected: date) -> None:
    assert tet_date(year) == expected
    assert solar_from_lunar(1, 1, year) == expected
    assert lunar_from_solar(expected) == (1, 1, year, False)


@pytest.mark.parametrize(
    ("year", "expected", "weekday"),
    [
        (2025, date(2025, 4, 7), 0),
        (2026, date(2026, 4, 26), 6),  # Sunday
        (2027, date(2027, 4, 16), 4),  # Friday
        (2028, date(2028, 4, 4), 1),  # Tuesday
    ],
)
def test_gio_to(year: int, expected: date, weekday: int) -> None:
    assert solar_from_lunar(10, 3, year) == expected
    assert expected.weekday() == weekday


def test_lunar_eve_and_leap_months() -> None:
    assert lunar_from_solar(date(2026, 2, 16)) == (29, 12, 2025, False)  # 29 Chạp Ất Tỵ, the 2026 eve
    assert lunar_from_solar(date(2025, 1, 28)) == (29, 12, 2024, False)
    # 2025 has a leap 6th month (25/07–22/08/2025); 2023 a leap 2nd; 2020 a leap 4th.
    assert lunar_from_solar(date(2025, 7, 25)) == (1, 6, 2025, True)
    assert lunar_from_solar(date(2025, 8, 23)) == (1, 7, 2025, False)
    assert solar_from_lunar(1, 6, 2025, leap=True) == date(2025, 7, 25)
    assert solar_from_lunar(1, 6, 2025) == date(2025, 6, 25)
    assert lunar_from_solar(date(2023, 3, 22)) == (1, 2, 2023, True)
    assert lunar_from_solar(date(2020, 5, 23)) == (1, 4, 2020, True)
    result = lunar_from_solar(date(2026, 2, 17))
    assert (result.day, result.month, result.year, result.leap) == (1, 1, 2026, False)


def test_lunar_invalid_dates() -> None:
    with pytest.raises(ValueError):
        solar_from_lunar(1, 5, 2025, leap=True)  # 2025's leap month is the 6th
    with pytest.raises(ValueError):
        solar_from_lunar(1, 1, 2026, leap=True)  # 2026 has no leap month
    with pytest.raises(ValueError):
        solar_from_lunar(30, 12, 2025)  # tháng Chạp Ất Tỵ has 29 days (eve = 29 Chạp)
    with pytest.raises(ValueError):
        solar_from_lunar(1, 13, 2025)


def test_lunar_round_trip_2025_2028() -> None:
    d = date(2025, 1, 1)
    previous = None
    while d <= date(2028, 12, 31):
        lunar = lunar_from_solar(d)
        assert solar_from_lunar(lunar.day, lunar.month, lunar.year, lunar.leap) == d
        if previous is not None and lunar.day != 1:
            assert lunar.day == previous.day + 1 and lunar.month == previous.month
        assert 1 <= lunar.day <= 30
        previous = lunar
        d += timedelta(days=1)


# ---------------------------------------------------------------- statutory holidays and notices


def _off(days: list[CalendarDay]) -> dict[date, str]:
    return {c.day: c.reason for c in days if c.kind == "off"}


def test_statutory_2028_compensatory_days() -> None:
    off = _off(statutory_days(2028))
    # 01/01/2028 is a Saturday: Monday 03/01 is the compensatory day.
    assert date(2028, 1, 1) in off and off[date(2028, 1, 3)] == "Nghỉ bù Tết Dương lịch"
    # 30/04/2028 is a Sunday and 01/05 (Monday) is already a holiday, so compensation is Tuesday 02/05.
    assert date(2028, 4, 30).weekday() == 6
    assert off[date(2028, 5, 1)] == "Ngày Quốc tế lao động"
    assert off[date(2028, 5, 2)] == "Nghỉ bù Ngày Chiến thắng"
    assert date(2028, 5, 3) not in off
    # Tết Mậu Thân: 29/30 Tết (25/01) + mùng 1–4 (26–29/01); mùng 4 is a Saturday → Monday 31/01.
    for d in range(25, 30):
        assert off[date(2028, 1, d)] == "Tết Nguyên đán"
    assert off[date(2028, 1, 31)] == "Nghỉ bù Tết Nguyên đán"
    # 02/09/2028 is a Saturday: 01/09 is the adjacent day, Monday 04/09 the compensatory one.
    assert date(2028, 9, 1) in off and date(2028, 9, 2) in off
    assert off[date(2028, 9, 4)] == "Nghỉ bù Quốc khánh"
    assert off[date(2028, 4, 4)] == "Giỗ Tổ Hùng Vương"


def test_statutory_2027_tet_and_total() -> None:
    off = _off(statutory_days(2027))
    tet = [d for d, r in off.items() if r == "Tết Nguyên đán"]
    assert sorted(tet) == [date(2027, 2, 5) + timedelta(days=i) for i in range(5)]
    # Mùng 1 and mùng 2 are Saturday and Sunday: compensated on Wednesday 10/02 and Thursday 11/02.
    assert off[date(2027, 2, 10)] == off[date(2027, 2, 11)] == "Nghỉ bù Tết Nguyên đán"
    assert off[date(2027, 5, 3)] == "Nghỉ bù Ngày Quốc tế lao động"  # 01/05/2027 is a Saturday
    # 11 statutory days plus 3 compensatory ones.
    assert len(off) == 14


def test_statutory_options() -> None:
    off = _off(statutory_days(2026, tet_days_before=2, quoc_khanh_adjacent=1))
    # 28 Chạp – mùng 3 = 15–19/02; 15/02 is a Sunday, so Friday 20/02 becomes the compensatory day.
    assert [off[date(2026, 2, d)] for d in range(15, 20)] == ["Tết Nguyên đán"] * 5
    assert off[date(2026, 2, 20)] == "Nghỉ bù Tết Nguyên đán"
    assert date(2026, 9, 3) in off and date(2026, 9, 1) not in off
    with pytest.raises(ValueError):
        statutory_days(2026, quoc_khanh_adjacent=0)


def test_reasons_are_nfc_vietnamese() -> None:
    for c in seed_days():
        assert c.reason and unicodedata.is_normalized("NFC", c.reason)
        assert c.kind in ("off", "work")
        assert c.source


def test_2026_notice_applied() -> None:
    days = {c.day: c for c in seed_days([2026])}
    for d in range(16, 21):
        assert days[date(2026, 2, d)].kind == "off"
        assert days[date(2026, 2, d)].source == "notice 9441/TB-BNV"
    assert date(2026, 2, 21) not in days  # only the weekend, not a listed day
    assert days[date(2026, 4, 27)].reason == "Nghỉ bù Giỗ Tổ Hùng Vương"
    assert days[date(2026, 4, 30)].kind == days[date(2026, 5, 1)].kind == "off"
    assert days[date(2026, 8, 22)].kind == "work"
    for d in (date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)):
        assert days[d].kind == "off"
    assert days[date(2026, 1, 1)].reason == "Tết Dương lịch"
    # Công văn 12729/VPCP-KGVX: Friday 02/01/2026 off (swapped), Saturday 10/01/2026 a working day.
    assert days[date(2026, 1, 2)].kind == "off" and days[date(2026, 1, 2)].source == "notice 12729/VPCP-KGVX"
    assert days[date(2026, 1, 10)].kind == "work"
    # Ngày Văn hóa Việt Nam: a day off from 2026 as data with its source, flagged for a leader to confirm.
    culture = days[date(2026, 11, 24)]
    assert culture.kind == "off" and culture.to_confirm and "NQ 80-NQ/TW" in culture.source
    assert not any(c.estimated for c in days.values())  # 2026 has an official notice
    # No generated duplicate: the statutory 01/09 reason is replaced by the notice's.
    assert all(c.source != "statutory" for c in days.values() if c.day.month == 9)


def test_load_notices_and_custom_file(tmp_path) -> None:
    notices = load_notices()
    assert set(notices[2026].replaces) <= set(HOLIDAY_GROUPS)
    assert "tet" in notices[2026].replaces
    path = tmp_path / "h.toml"
    path.write_text(
        '[[notice]]\nyear = 2027\nreplaces = ["tet"]\n'
        'days = [ { date = 2027-02-08, kind = "off", reason = "Tết Nguyên đán", source = "notice X" } ]\n',
        encoding="utf-8",
    )
    custom = load_notices(path)
    off = _off(seed_days([2027], notices=custom))
    assert [d for d, r in off.items() if r.startswith("Tết Nguyên")] == [date(2027, 2, 8)]
    assert not any(r == "Nghỉ bù Tết Nguyên đán" for r in off.values())  # replaced group loses its compensation
    assert date(2027, 4, 16) in off  # other groups still generated
    bad = tmp_path / "bad.toml"
    bad.write_text('[[notice]]\nyear = 2027\nreplaces = ["christmas"]\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        load_notices(bad)
    bad.write_text(
        '[[notice]]\nyear = 2027\ndays = [ { date = 2026-01-02, kind = "off", reason = "x" } ]\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError):
        load_notices(bad)


# ---------------------------------------------------------------- working calendar


def test_work_calendar_basics(cal: WorkCalendar) -> None:
    assert cal.is_working_day(date(2026, 1, 5))  # Monday
    assert not cal.is_working_day(date(2026, 1, 3))  # Saturday
    assert not cal.is_working_day(date(2026, 1, 4))  # Sunday
    assert not cal.is_working_day(date(2026, 1, 1))
    assert cal.is_working_day(date(2026, 8, 22))  # làm bù Saturday
    for d in (date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)):
        assert not cal.is_working_day(d)
    assert cal.is_working_day(datetime(2026, 8, 22, 9, tzinfo=VN_TZ))
    assert cal.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert cal.next_working_day(date(2026, 2, 23), inclusive=True) == date(2026, 2, 23)
    assert {2025, 2026, 2027, 2028} <= cal.years


def test_officer_override_last_wins(cal: WorkCalendar) -> None:
    extra = CalendarDay(date(2026, 11, 25), "off", "Nghỉ theo quyết định của tỉnh", "officer")
    cal2 = WorkCalendar([*cal.days, extra])
    assert not cal2.is_working_day(date(2026, 11, 25))
    assert cal.is_working_day(date(2026, 11, 25))
    cal3 = WorkCalendar([*cal.days, CalendarDay(date(2026, 9, 1), "work", "Đi làm", "officer")])
    assert cal3.is_working_day(date(2026, 9, 1))
    with pytest.raises(ValueError):
        CalendarDay(date(2026, 1, 1), "holiday", "x")  # type: ignore[arg-type]


# ---------------------------------------------------------------- deadline engine


def test_one_working_day_is_eight_hours(cal: WorkCalendar) -> None:
    r = due(cal, vn(2026, 1, 5, 9), 1, WD)  # Monday 09:00
    assert r.due_at == vn(2026, 1, 6, 9)
    assert r.start_at == vn(2026, 1, 5, 9)
    assert r.due_at.tzinfo is not None and r.due_at.utcoffset() == timedelta(hours=7)
    assert due(cal, vn(2026, 1, 5, 7), 1, WD).due_at == vn(2026, 1, 5, 17)
    # 0.5 day = 4 h: 09:00–11:30 (2.5 h) then 13:30–15:00 (1.5 h).
    assert due(cal, vn(2026, 1, 5, 9), 0.5, WD).due_at == vn(2026, 1, 5, 15)


def test_weekend_skipped(cal: WorkCalendar) -> None:
    # (Moved from Friday 09/01/2026: Saturday 10/01/2026 is a làm bù working day, Công văn 12729/VPCP-KGVX.)
    r = due(cal, vn(2026, 1, 16, 10), 2, WD)  # Friday 10:00
    assert r.due_at == vn(2026, 1, 20, 10)  # Tuesday
    assert [c.day for c in r.skipped] == [date(2026, 1, 17), date(2026, 1, 18)]
    assert "2 ngày nghỉ cuối tuần" in r.explanation


def test_received_sunday(cal: WorkCalendar) -> None:
    r = due(cal, vn(2026, 1, 4, 9), 2, WD)
    assert r.start_at == vn(2026, 1, 5, 7)
    assert r.due_at == vn(2026, 1, 6, 17)
    assert "nhận vào ngày nghỉ" in r.explanation and "05/01/2026" in r.explanation


def test_before_hours_and_lunch(cal: WorkCalendar) -> None:
    early = due(cal, vn(2026, 1, 5, 6, 15), 4, WH)
    assert early.start_at == vn(2026, 1, 5, 7) and early.due_at == vn(2026, 1, 5, 11)
    lunch = due(cal, vn(2026, 1, 5, 12, 0), 4, WH)
    assert lunch.start_at == vn(2026, 1, 5, 13, 30)
    assert lunch.due_at == vn(2026, 1, 6, 7, 30)  # 3.5 h Monday afternoon + 0.5 h Tuesday
    assert "giờ nghỉ trưa" in lunch.explanation
    across = due(cal, vn(2026, 1, 5, 10), 2, WH)  # 1.5 h before lunch + 0.5 h after
    assert across.due_at == vn(2026, 1, 5, 14)
    exact = due(cal, vn(2026, 1, 5, 7), 4.5, WH)
    assert exact.due_at == vn(2026, 1, 5, 11, 30)


def test_after_hours_online_submission(cal: WorkCalendar) -> None:
    r = due(cal, vn(2026, 1, 5, 22, 40), 1, WD)  # online at night
    assert r.start_at == vn(2026, 1, 6, 7)
    assert r.due_at == vn(2026, 1, 6, 17)
    assert "nhận sau 17:00" in r.explanation


def test_tet_2026(cal: WorkCalendar) -> None:
    r = due(cal, vn(2026, 2, 13, 10), 3, WD)  # Friday before Tết Bính Ngọ
    assert r.due_at > vn(2026, 2, 22, 23, 59)
    # Friday 10:00–17:00 = 5 h; Monday 23/02 and Tuesday 24/02 = 16 h; 3 h on Wednesday → 10:00.
    assert r.due_at == vn(2026, 2, 25, 10)
    assert "16/02–20/02 (Tết Nguyên đán)" in r.explanation
    assert "4 ngày nghỉ cuối tuần" in r.explanation
    skipped = [c.day for c in r.skipped]
    assert skipped == [date(2026, 2, 14) + timedelta(days=i) for i in range(9)]


def test_tet_2027(cal: WorkCalendar) -> None:
    r = due(cal, vn(2027, 2, 4, 9), 3, WD)  # Thursday before Tết Đinh Mùi (statutory default)
    # Off Fri 05/02 – Thu 11/02 (including compensatory 10–11/02); back Friday 12/02.
    assert r.due_at == vn(2027, 2, 16, 9)
    assert "05/02–11/02" in r.explanation and "Tết Nguyên đán" in r.explanation


def test_2026_quoc_khanh_swap(cal: WorkCalendar) -> None:
    r = due(cal, vn(2026, 8, 27, 9), 3, WD)  # Thursday
    assert r.due_at == vn(2026, 9, 4, 9)
    assert "3 ngày làm việc; bỏ qua 31/08–02/09 (Nghỉ lễ Quốc khánh)" in r.explanation
    # Saturday 22/08/2026 is a working day (làm bù).
    s = due(cal, vn(2026, 8, 20, 9), 3, WD)  # Thursday
    assert s.due_at == vn(2026, 8, 24, 9)
    assert "làm bù" in s.explanation and "22/08/2026" in s.explanation
    sat = due(cal, vn(2026, 8, 22, 8), 0, SD)
    assert sat.due_at == vn(2026, 8, 22, 17)


def test_2028_compensatory_in_deadline(cal: WorkCalendar) -> None:
    r = due(cal, vn(2028, 4, 28, 9), 2, WD)  # Friday; 29/04–02/05 off
    assert r.due_at == vn(2028, 5, 4, 9)
    assert "Nghỉ bù Ngày Chiến thắng" in r.explanation


def test_cutoff(cal: WorkCalendar) -> None:
    before = due(cal, vn(2026, 1, 6, 14, 59), 0, SD, time(15))
    assert before.due_at == vn(2026, 1, 6, 17)
    assert before.explanation == "Trong ngày"
    after = due(cal, vn(2026, 1, 6, 15, 0), 0, SD, time(15))
    assert after.due_at == vn(2026, 1, 7, 17)
    assert after.explanation == "Trong ngày; nhận sau 15:00 nên trả ngày làm việc tiếp theo"
    friday = due(cal, vn(2026, 1, 16, 16), 0, SD, time(15))
    assert friday.due_at == vn(2026, 1, 19, 17)
    counted = due(cal, vn(2026, 1, 6, 15, 30), 2, WD, time(15))
    assert counted.start_at == vn(2026, 1, 7, 7)
    assert counted.due_at == vn(2026, 1, 8, 17)
    assert "nhận sau 15:00" in counted.explanation


def test_same_day_without_cutoff(cal: WorkCalendar) -> None:
    assert due(cal, vn(2026, 1, 6, 16, 30), 0, SD).due_at == vn(2026, 1, 6, 17)
    assert due(cal, vn(2026, 1, 6, 6), 0, SD).due_at == vn(2026, 1, 6, 17)
    assert due(cal, vn(2026, 1, 6, 17, 5), 0, SD).due_at == vn(2026, 1, 7, 17)
    sunday = due(cal, vn(2026, 1, 4, 10), 0, SD)
    assert sunday.due_at == vn(2026, 1, 5, 17)
    assert "nhận vào ngày nghỉ" in sunday.explanation
    # Amount 0 with another unit behaves as same-day.
    assert due(cal, vn(2026, 1, 6, 10), 0, WD).due_at == vn(2026, 1, 6, 17)


def test_calendar_days(cal: WorkCalendar) -> None:
    plain = due(cal, vn(2026, 1, 5, 9), 10, CD)
    assert plain.due_at == vn(2026, 1, 15, 17)
    assert "10 ngày" in plain.explanation
    # 20/04 + 10 = Thursday 30/04 (holiday) → Monday 04/05 after 30/04–03/05.
    moved = due(cal, vn(2026, 4, 20, 9), 10, CD)
    assert moved.due_at == vn(2026, 5, 4, 17)
    assert "dời sang" in moved.explanation and "30/04–01/05" in moved.explanation
    assert [c.day for c in moved.skipped] == [date(2026, 4, 30) + timedelta(days=i) for i in range(4)]
    # Holidays inside the span are counted, not skipped: Tết is within 13/02 + 15 days.
    across_tet = due(cal, vn(2026, 2, 12, 9), 15, CD)
    assert across_tet.due_at == vn(2026, 2, 27, 17)


def test_working_hours_across_days(cal: WorkCalendar) -> None:
    r = due(cal, vn(2026, 1, 16, 16), 4, WH)  # Friday 16:00: 1 h Friday, 3 h Monday
    assert r.due_at == vn(2026, 1, 19, 10)
    assert r.explanation.startswith("4 giờ làm việc")


def test_naive_and_foreign_timezone_inputs(cal: WorkCalendar) -> None:
    naive = due(cal, datetime(2026, 1, 5, 9), 1, WD)
    assert naive.due_at == vn(2026, 1, 6, 9)
    utc = due(cal, datetime(2026, 1, 5, 2, tzinfo=UTC), 1, WD)  # 09:00 in Vietnam
    assert utc.due_at == vn(2026, 1, 6, 9)
    assert utc.due_at.tzinfo == VN_TZ


def test_invalid_amount(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError):
        due(cal, vn(2026, 1, 5, 9), -1, WD)
    with pytest.raises(ValueError):
        due(cal, vn(2026, 1, 5, 9), float("nan"), WD)


def test_custom_office_hours(cal: WorkCalendar) -> None:
    hours = OfficeHours(time(7, 30), time(11, 30), time(13, 30), time(17, 0))  # 7.5 h day
    r = compute_due(vn(2026, 1, 5, 9), 1, WD, None, cal, hours)
    assert r.due_at == vn(2026, 1, 6, 9)  # one office day later, whatever its length
    with pytest.raises(ValueError):
        compute_due(vn(2026, 1, 5, 9), 1, WD, None, cal, OfficeHours(time(12), time(11), time(13), time(17)))


def test_year_without_holidays_is_flagged(cal: WorkCalendar) -> None:
    r = due(cal, vn(2030, 3, 4, 9), 1, WD)
    assert "chưa có lịch nghỉ lễ năm 2030" in r.explanation
    assert "chưa có lịch" not in due(cal, vn(2026, 3, 4, 9), 1, WD).explanation


def test_explanations_are_nfc(cal: WorkCalendar) -> None:
    for r in (due(cal, vn(2026, 2, 13, 16), 3, WD, time(15)), due(cal, vn(2026, 8, 27, 9), 3, WD)):
        assert unicodedata.is_normalized("NFC", r.explanation)


def test_format_vn_datetime() -> None:
    assert format_vn_datetime(vn(2026, 1, 5, 8, 30)) == "08 giờ 30 phút, ngày 05/01/2026"
    assert format_vn_datetime(datetime(2026, 1, 5, 1, 30, tzinfo=UTC)) == "08 giờ 30 phút, ngày 05/01/2026"
    assert format_vn_datetime(datetime(2026, 12, 31, 17, 0)) == "17 giờ 00 phút, ngày 31/12/2026"


# ---------------------------------------------------------------- issue 14: corrected 2026, estimated years, oracle


@pytest.mark.parametrize(
    ("received", "due_at"),
    [
        # 01/01 and Friday 02/01/2026 off (Công văn 12729/VPCP-KGVX), then the weekend.
        (vn(2025, 12, 31, 9), vn(2026, 1, 6, 9)),
        # Saturday 10/01/2026 is a làm bù working day.
        (vn(2026, 1, 9, 9), vn(2026, 1, 12, 9)),
        # Tuesday 24/11/2026, Ngày Văn hóa Việt Nam, is off.
        (vn(2026, 11, 23, 9), vn(2026, 11, 26, 9)),
    ],
)
def test_issue_14_deadlines(cal: WorkCalendar, received: datetime, due_at: datetime) -> None:
    r = due(cal, received, 2, WD)
    assert r.due_at == due_at
    assert "dự kiến" not in r.explanation  # 2026 has its notice; no estimated 2025 holiday is near
    if received.month == 1:
        assert "tính cả ngày làm bù thứ Bảy 10/01/2026" in r.explanation


def test_estimated_year_says_so(cal: WorkCalendar) -> None:
    # Thursday 04/02/2027: Tết Đinh Mùi computed (29 Chạp 05/02 – mùng 4 09/02, compensation 10–11/02).
    r = due(cal, vn(2027, 2, 4, 9), 2, WD)
    assert r.due_at == vn(2027, 2, 15, 9)
    assert "lịch nghỉ Tết 2027 là dự kiến" in r.explanation
    assert 2027 in cal.estimated_years and 2026 not in cal.estimated_years
    assert all(c.estimated for c in cal.days if c.day.year == 2027)


def test_holidays_package_is_the_lunar_oracle_2025_2030() -> None:
    import holidays

    from onestop.calendar import gio_to_date

    for year in range(2025, 2031):
        table = holidays.country_holidays("VN", years=year, language="vi")
        by_name = {str(n): d for d, n in table.items()}
        assert tet_date(year) == by_name["Tết Nguyên Đán"]
        assert gio_to_date(year) == by_name["Ngày Giỗ Tổ Hùng Vương"]
        # The hand-written UTC+7 algorithm agrees with the package's Vietnamese tables.
        assert solar_from_lunar(1, 1, year) == tet_date(year)
        assert solar_from_lunar(10, 3, year) == gio_to_date(year)
        assert lunar_from_solar(by_name["Giao thừa Tết Nguyên Đán"]).month == 12


def test_holidays_package_is_the_statutory_oracle_2025_2030() -> None:
    import holidays

    core = {
        "Tết Dương lịch",
        "Giao thừa Tết Nguyên Đán",
        "Tết Nguyên Đán",
        "Mùng hai Tết Nguyên Đán",
        "Mùng ba Tết Nguyên Đán",
        "Mùng bốn Tết Nguyên Đán",
        "Ngày Giỗ Tổ Hùng Vương",
        "Ngày Chiến thắng",
        "Ngày Quốc tế Lao động",
        "Ngày Văn hóa Việt Nam",
    }
    for year in range(2025, 2031):
        table = holidays.country_holidays("VN", years=year, language="vi")
        ours = {c.day for c in seed_days([year], notices={}) if c.kind == "off"}
        for day, name in table.items():
            if str(name) in core:
                assert day in ours, (year, day, name)
        # Quốc khánh: 02/9 plus one adjacent day in both (the adjacent one is chosen each year).
        assert date(year, 9, 2) in ours and date(year, 9, 2) in table
        assert (date(year, 9, 1) in ours) or (date(year, 9, 3) in ours)


def test_check_lists_the_new_year_2026_swap(cal: WorkCalendar) -> None:
    from onestop.calendar.oracle import disagreements

    found = {d.day: d for d in disagreements(cal, 2026)}
    # The package misses Công văn 12729 (BRIEF §11.6); everything else of 2026 agrees.
    assert set(found) == {date(2026, 1, 2), date(2026, 1, 10)}
    jan2 = found[date(2026, 1, 2)]
    assert not jan2.loaded_working and jan2.library_working and jan2.loaded_source == "notice 12729/VPCP-KGVX"
    assert jan2.library_source.startswith("holidays ")
    assert found[date(2026, 1, 10)].loaded_working and not found[date(2026, 1, 10)].library_working
