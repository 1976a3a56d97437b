"""onestop.formats: the product's one set of Vietnamese date, time and money parsers and formatters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from onestop import formats as f
from onestop.domain import VN_TZ
from onestop.errors import BadInput


def test_formatters() -> None:
    moment = datetime(2026, 1, 5, 8, 30, tzinfo=VN_TZ)
    assert f.date_vn(date(2026, 1, 5)) == "05/01/2026"
    assert f.date_vn(None) == "—" and f.date_vn(None, empty="") == ""
    assert f.datetime_short(moment) == "08:30 05/01/2026"
    assert f.datetime_long(moment) == "08 giờ 30 phút, ngày 05/01/2026"
    # An aware moment elsewhere is shown in Vietnam time; a naive one is taken as Vietnam wall time.
    utc = datetime(2026, 1, 5, 1, 30, tzinfo=UTC)
    assert f.datetime_short(utc) == "08:30 05/01/2026"
    assert f.datetime_short(datetime(2026, 1, 5, 8, 30)) == "08:30 05/01/2026"
    assert f.date_vn(datetime(2026, 1, 4, 20, 0, tzinfo=UTC)) == "05/01/2026"
    assert f.date_long(date(2026, 2, 3)) == "ngày 03 tháng 02 năm 2026"
    assert f.date_long(date(2026, 11, 24)) == "ngày 24 tháng 11 năm 2026"
    assert f.iso(moment) == "2026-01-05T08:30:00+07:00" and f.iso(None) is None
    assert f.money(8000) == "8.000" and f.money(0) == "0" and f.money(1234567) == "1.234.567"
    assert f.money_vnd(200000) == "200.000 đ" and f.money_vnd(None) == "chưa có trong danh mục"
    assert f.number_vn(3) == "3" and f.number_vn(0.5) == "0,5"
    assert f.weekday_vn(date(2026, 11, 29)) == "Chủ nhật" and f.weekday_mid(date(2026, 1, 10)) == "thứ Bảy"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25/11/2026", date(2026, 11, 25)),
        ("5/1/2026", date(2026, 1, 5)),
        ("25-11-2026", date(2026, 11, 25)),
        ("25.11.2026", date(2026, 11, 25)),
        ("25/11/26", date(2026, 11, 25)),
        ("2026-11-25", date(2026, 11, 25)),
        (" 2026-1-5 ", date(2026, 1, 5)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert f.parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "31/02/2026", "2026/11/25", "hôm nay", "25/13/2026", "1/1"])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(BadInput) as exc:
        f.parse_date(text, field="--from")
    assert exc.value.field == "--from" and "dd/MM/yyyy" in exc.value.message


def test_parse_datetime() -> None:
    assert f.parse_datetime("25/11/2026 16:00") == datetime(2026, 11, 25, 16, 0, tzinfo=VN_TZ)
    assert f.parse_datetime("25/11/2026") == datetime(2026, 11, 25, 17, 0, tzinfo=VN_TZ)  # end of the office day
    assert f.parse_datetime("25/11/2026", default_time=time(0)) == datetime(2026, 11, 25, tzinfo=VN_TZ)
    assert f.parse_datetime("2026-11-25T16:00") == datetime(2026, 11, 25, 16, 0, tzinfo=VN_TZ)
    aware = f.parse_datetime("2026-11-25T09:00+00:00")
    assert aware == datetime(2026, 11, 25, 16, 0, tzinfo=VN_TZ) and aware.utcoffset() == timedelta(hours=7)
    assert f.parse_datetime("2026-11-25") == datetime(2026, 11, 25, 0, 0, tzinfo=VN_TZ)  # ISO keeps its meaning
    assert f.parse_datetime("25-11-2026 8:05:30") == datetime(2026, 11, 25, 8, 5, 30, tzinfo=VN_TZ)
    for bad in ("", "25/11/2026 25:00", "25/11/2026 16", "2026-11-25T99:00", "mai"):
        with pytest.raises(BadInput):
            f.parse_datetime(bad, field="--due")


def test_parse_month_and_money() -> None:
    assert f.parse_month("2026-10") == (2026, 10)
    for bad in ("2026-13", "10/2026", "1999-01", ""):
        with pytest.raises(BadInput):
            f.parse_month(bad)
    assert f.parse_money("8.000") == 8000 and f.parse_money("8000 đ") == 8000 and f.parse_money("0") == 0
    for bad in ("8,5", "-1", "abc", "100.000.001", ""):
        with pytest.raises(BadInput):
            f.parse_money(bad)
