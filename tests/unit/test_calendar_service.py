"""The stored calendar: packaged corrections reach an existing database (audited, dossiers keep their due date),
estimated years and the leader's warning, a leader entering next year's notice, and `calendar check`."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlmodel import select

from db import models
from db.engine import session_scope
from onestop.domain import VN_TZ
from tests.trust.conftest import run_cli


def _cli(db_path, config_path, *args: str):  # type: ignore[no-untyped-def]
    from tests.conftest import login_for

    login_for(db_path, args)  # the officer named by --officer logs in first (`onestop login`)
    return run_cli([*args, "--db", str(db_path), "--config", str(config_path)], "")


def test_old_2026_calendar_is_corrected_and_audited_dossier_keeps_its_due(services, make_dossier) -> None:
    # Make the database look like one seeded before the correction: 02/01 a plain Friday, 10/01 a plain Saturday,
    # 24/11 a plain Tuesday.
    with session_scope(services.engine, write=True) as s:
        for day in (date(2026, 1, 2), date(2026, 1, 10), date(2026, 11, 24)):
            s.delete(s.get(models.CalendarDay, day))
    services.calendar._cache = None
    assert services.calendar.work_calendar().is_working_day(date(2026, 1, 2))
    dossier = make_dossier(received_at=datetime(2025, 12, 31, 9, tzinfo=VN_TZ))
    given = dossier.due_at

    changes = services.calendar.ensure_seeded()

    assert any(c.startswith("02/01/2026: thêm off") for c in changes)
    assert any(c.startswith("10/01/2026: thêm work") for c in changes)
    cal = services.calendar.work_calendar()
    assert not cal.is_working_day(date(2026, 1, 2)) and cal.is_working_day(date(2026, 1, 10))
    assert services.dossiers.get(dossier.code, actor="canbo").due_at == given  # nothing recomputed silently
    with session_scope(services.engine) as s:
        entries = s.exec(select(models.AuditEntry).where(models.AuditEntry.action == "calendar.reseed")).all()
    assert len(entries) == 1 and "12729/VPCP-KGVX" in entries[0].detail
    assert services.calendar.ensure_seeded() == []  # in step now: nothing more to do, nothing audited


def test_officer_days_survive_reseeding(services) -> None:
    services.calendar.set_day(date(2026, 11, 24), "off", "Nghị định … quy định 24/11", actor="lanhdao")
    services.calendar.ensure_seeded()
    entry = services.calendar.work_calendar().entry(date(2026, 11, 24))
    assert entry is not None and entry.source == "officer:lanhdao" and not entry.to_confirm


def test_estimated_years_warning_and_notice(services) -> None:
    cal = services.calendar
    assert cal.year_status(2026).estimated is False
    assert cal.year_status(2027).estimated is True
    assert [d.day for d in cal.to_confirm()] == [date(2026, 11, 24), date(2027, 11, 24), date(2028, 11, 24)]
    assert cal.notice_warning(date(2026, 10, 31)) == ""
    warning = cal.notice_warning(date(2026, 11, 1))
    assert "Chưa có thông báo lịch nghỉ lễ, Tết năm 2027" in warning
    cal.enter_notice(2027, "Thông báo 1234/TB-BNV ngày 20/11/2026", actor="lanhdao")
    assert cal.notice_warning(date(2026, 11, 1)) == ""
    assert cal.year_status(2027).reference.startswith("Thông báo 1234")
    assert 2027 not in cal.work_calendar().estimated_years


def test_cli_holidays_check_and_notice(services, db_path, config_path) -> None:
    text = _cli(db_path, config_path, "calendar", "holidays", "--year", "2027")
    assert text.code == 0, text.output
    assert "Lịch năm 2027 là DỰ KIẾN" in text.output
    assert "06/02/2027*" in text.stdout or "05/02/2027*" in text.stdout
    assert "24/11/2027* (chờ lãnh đạo xác nhận)" in text.stdout
    as_json = json.loads(_cli(db_path, config_path, "calendar", "holidays", "--year", "2026", "--json").stdout)
    culture = next(d for d in as_json if d["date"] == "2026-11-24")
    assert culture["to_confirm"] is True and culture["estimated"] is False

    check = _cli(db_path, config_path, "calendar", "check", "--year", "2026", "--json")
    assert check.code == 0, check.output
    rows = json.loads(check.stdout)
    assert [r["date"] for r in rows] == ["2026-01-02", "2026-01-10"]
    assert rows[0]["loaded"]["source"] == "notice 12729/VPCP-KGVX" and rows[0]["library"]["working"] is True
    human = _cli(db_path, config_path, "calendar", "check", "--year", "2026")
    assert "Thứ Sáu 02/01/2026" in human.stdout and "holidays 0." in human.stdout

    refused = _cli(
        db_path, config_path, "calendar", "notice", "--year", "2027", "--reference", "TB 1", "--officer", "canbo"
    )
    assert refused.code != 0
    ok = _cli(
        db_path,
        config_path,
        "calendar",
        "notice",
        "--year",
        "2027",
        "--reference",
        "TB 1/TB-BNV",
        "--officer",
        "lanhdao",
    )
    assert ok.code == 0, ok.output
    assert "DỰ KIẾN" not in _cli(db_path, config_path, "calendar", "holidays", "--year", "2027").output
