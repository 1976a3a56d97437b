"""`onestop calendar holidays` and `calendar due`: the year's days off, and a timezone-aware appointment in JSON."""

from __future__ import annotations

import json
from datetime import datetime

from tests.trust.conftest import run_cli


def _cli(db_path, config_path, *args: str, stdin: str = ""):  # type: ignore[no-untyped-def]
    return run_cli([*args, "--db", str(db_path), "--config", str(config_path)], stdin)


def test_calendar_holidays_lists_the_year(services, db_path, config_path) -> None:
    result = _cli(db_path, config_path, "calendar", "holidays", "--year", "2026", "--json")
    assert result.code == 0, result.output
    days = json.loads(result.stdout)
    assert days and all(d["date"].startswith("2026-") for d in days)
    assert any(d["date"] == "2026-09-02" and d["kind"] == "off" for d in days)
    text = _cli(db_path, config_path, "calendar", "holidays", "--year", "2026")
    assert text.code == 0, text.output
    assert "02/09/2026" in text.stdout


def test_calendar_holidays_service(services) -> None:
    days = services.calendar.holidays(2026)
    assert days and all(d.day.year == 2026 for d in days)


def test_calendar_due_json_received_at_is_timezone_aware(services, db_path, config_path) -> None:
    result = _cli(
        db_path, config_path, "calendar", "due", "--procedure", "2.000815", "--received", "2026-11-23T16:00", "--json"
    )
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    received = datetime.fromisoformat(data["received_at"])
    assert received.utcoffset() is not None and received.utcoffset().total_seconds() == 7 * 3600
    # Tuesday 24/11/2026 is Ngày Văn hóa Việt Nam (a day off from 2026, BRIEF §11.6), so the next working day is 25/11.
    assert data["due_at"] == "2026-11-25T17:00:00+07:00"
