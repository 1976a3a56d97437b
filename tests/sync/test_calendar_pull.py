"""Calendar years pulled from the province: an admin loads an official notice into the reference server
(`onestop province calendar load`), the counter's sync pulls it and the estimated year becomes official without
editing data by hand; the leader's warning goes, `calendar holidays` stops marking the days estimated, dossiers keep
their appointments and reports use the new calendar. Against the real reference server on 127.0.0.1."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from onestop.domain import VN_TZ
from tests.sync.conftest import AGENCY, make_counter
from tests.trust.conftest import run_cli

# A notice written for the test (not a real document): Tết 2027 off Thu 04/02 – Fri 12/02 with Friday 12/02
# swapped against Saturday 20/02, a make-up working day.
NOTICE_TOML = """
[[notice]]
year = 2027
replaces = ["tet"]
reference = "Thông báo 9999/TB-BNV (thử nghiệm) ngày 20/10/2026"
days = [
  { date = 2027-02-04, kind = "off", reason = "Tết Nguyên đán (28 tháng Chạp)", source = "TB 9999/TB-BNV" },
  { date = 2027-02-05, kind = "off", reason = "Tết Nguyên đán (29 tháng Chạp)", source = "TB 9999/TB-BNV" },
  { date = 2027-02-08, kind = "off", reason = "Tết Nguyên đán (mùng 3)", source = "TB 9999/TB-BNV" },
  { date = 2027-02-09, kind = "off", reason = "Tết Nguyên đán (mùng 4)", source = "TB 9999/TB-BNV" },
  { date = 2027-02-10, kind = "off", reason = "Tết Nguyên đán (mùng 5)", source = "TB 9999/TB-BNV" },
  { date = 2027-02-11, kind = "off", reason = "Tết Nguyên đán (nghỉ bù)", source = "TB 9999/TB-BNV" },
  { date = 2027-02-12, kind = "off", reason = "Tết Nguyên đán (hoán đổi với thứ Bảy 20/02/2027)", source = "TB 9999/TB-BNV" },
  { date = 2027-02-20, kind = "work", reason = "Làm bù cho thứ Sáu 12/02/2027", source = "TB 9999/TB-BNV" },
]
"""
NOVEMBER = date(2026, 11, 23)


def vn(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


@pytest.fixture
def counter(tmp_path, province):
    svc = make_counter(tmp_path, "01", province.url, province.token("01"))
    yield svc
    svc.sync.close()
    svc.close()


@pytest.fixture
def notice_file(tmp_path):
    path = tmp_path / "tb-2027.toml"
    path.write_text(NOTICE_TOML, encoding="utf-8")
    return path


def load(province, path, *extra: str):
    return run_cli(["province", "calendar", "load", str(path), "--db", province.db_url, *extra])


def counter_cli(svc, tmp_path, *args: str):
    config = tmp_path / "counter.toml"
    config.write_text(
        f'[commune]\nname = "Xã Quảng Phú"\nagency_code = "{AGENCY}"\nprovince = "Thanh Hóa"\ncounter = "01"\n',
        encoding="utf-8",
    )
    return run_cli([*args, "--db", str(svc.paths.db_path), "--config", str(config)])


def test_pulled_notice_makes_the_year_official(counter, province, notice_file, receive, tmp_path):
    cal = counter.calendar
    cert = counter.catalog.get("2.001035")  # 2 working days
    assert cal.year_status(2027).estimated
    assert "2027" in cal.notice_warning(NOVEMBER)
    before = cal.due(cert, vn(2027, 2, 3, 9))
    assert "lịch nghỉ Tết 2027 là dự kiến" in before.explanation
    assert all(d.estimated for d in cal.holidays(2027))
    d = receive(counter, received_at=vn(2027, 2, 3, 9))
    assert d.due_at == before.due_at
    assert "DỰ KIẾN" in counter_cli(counter, tmp_path, "calendar", "holidays", "2027").stderr

    done = load(province, notice_file)
    assert done.code == 0, done
    assert "Đã nạp thông báo lịch nghỉ năm 2027" in done.output
    assert [(n["year"], n["days"]) for n in province.store.notices()] == [(2027, 8)]

    report = counter.sync.run_once()
    assert report.complete, report

    assert not cal.year_status(2027).estimated
    assert cal.year_status(2027).reference.startswith("Thông báo 9999/TB-BNV")
    assert cal.notice_warning(NOVEMBER) == ""
    days = {x.day: x for x in cal.holidays(2027)}
    assert not any(x.estimated for x in days.values())
    assert days[date(2027, 2, 4)].kind == "off" and days[date(2027, 2, 4)].source == "TB 9999/TB-BNV"
    assert days[date(2027, 2, 20)].kind == "work"
    assert days[date(2027, 4, 30)].kind == "off"  # groups the notice does not replace stay as computed
    after = cal.due(cert, vn(2027, 2, 3, 9))
    assert "dự kiến" not in after.explanation
    assert after.due_at == vn(2027, 2, 16, 9)  # Wed 03/02 09:00 + 2 working days, Thu 04 – Fri 12 off
    assert before.due_at != after.due_at
    assert counter.dossiers.peek(d.code).due_at == before.due_at  # the dossier keeps its appointment
    out = counter_cli(counter, tmp_path, "calendar", "holidays", "2027")
    assert out.code == 0 and "DỰ KIẾN" not in out.output and "*" not in out.stdout
    assert "20/02/2027  làm việc" in out.stdout
    kpi = counter.kpi.report("2027-02", now=vn(2027, 3, 1, 8))
    assert not any("dự kiến" in note for note in kpi.notes)

    audit = [e for e in counter.audit.entries() if e.action == "calendar.notice"]
    assert len(audit) == 1 and audit[0].officer == "sync" and "9999/TB-BNV" in audit[0].detail
    counter.sync.run_once()  # nothing new: no second application
    assert len([e for e in counter.audit.entries() if e.action == "calendar.notice"]) == 1


def test_pulled_days_survive_a_restart(counter, province, notice_file, tmp_path):
    from onestop.services import open_services

    assert load(province, notice_file).code == 0
    assert counter.sync.run_once().complete
    again = open_services(counter.paths.db_path, counter.settings)  # the packaged calendar is re-seeded on start
    try:
        assert not again.calendar.year_status(2027).estimated
        days = {x.day: x for x in again.calendar.holidays(2027)}
        assert days[date(2027, 2, 20)].kind == "work" and not days[date(2027, 2, 20)].estimated
        assert days[date(2027, 2, 12)].kind == "off"
    finally:
        again.close()


def test_a_bad_notice_is_refused_whole_and_nothing_is_published(counter, province, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(NOTICE_TOML.replace('2027-02-20, kind = "work"', '2027-02-19, kind = "work"'), encoding="utf-8")
    done = load(province, bad)
    assert done.code == 2 and "thứ Bảy hoặc Chủ nhật" in done.output
    other = tmp_path / "wrong-year.json"
    other.write_text(
        json.dumps({"year": 2027, "reference": "TB", "days": [{"day": "2028-01-01", "kind": "off", "reason": "x"}]}),
        encoding="utf-8",
    )
    done = load(province, other)
    assert done.code == 2 and "không thuộc năm 2027" in done.output
    assert province.store.notices() == []
    assert counter.sync.run_once().complete
    assert counter.calendar.year_status(2027).estimated


def test_a_notice_for_another_commune_does_not_reach_this_one(counter, province, notice_file):
    assert load(province, notice_file, "--agency-code", "H99.01").code == 0
    assert counter.sync.run_once().complete
    assert counter.calendar.year_status(2027).estimated
    assert load(province, notice_file, "--agency-code", AGENCY).code == 0
    assert counter.sync.run_once().complete
    assert not counter.calendar.year_status(2027).estimated


def test_a_leaders_own_day_is_kept_when_the_notice_arrives(counter, province, notice_file):
    counter.calendar.set_day(date(2027, 2, 11), "work", "Trực Tết theo quyết định của UBND xã", actor="lanhdao")
    assert load(province, notice_file).code == 0
    assert counter.sync.run_once().complete
    kept = {x.day: x for x in counter.calendar.holidays(2027)}[date(2027, 2, 11)]
    assert kept.kind == "work" and kept.source == "officer:lanhdao"
