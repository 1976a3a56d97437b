"""Plausible values only: implausible dates are refused (exit 2, nothing written); a database that already holds an
extreme value (from before the checks) still lists, shows, exports and reports."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from onestop.domain import VN_TZ, now_vn
from onestop.errors import BadInput
from tests.trust.conftest import row_counts as all_rows


def row_counts(db_path: Path) -> dict[str, int]:
    """Rows that bad input must not touch (the audit log records the officer's login before the command)."""
    return {k: v for k, v in all_rows(db_path).items() if k != "audit_entry"}


INTAKE = ("intake", "--procedure", "2.001035", "--id-number", "038190012345", "--name", "Đặng Thị Ánh")
PERSON = ("--dob", "17/05/1990", "--gender", "Nữ")


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    ("received", "officer", "words"),
    [
        ("0001-01-01T00:00", "admin", "01/01/0001 00:00 quá xa"),
        ("9999-12-31T23:59", "admin", "tương lai"),
        ("1899-05-01T08:00", "admin", "quá xa"),
        ("later", "canbo", "ở tương lai"),
        ("week-ago", "canbo", "tối đa 3 ngày"),
        ("last-year", "admin", "trong năm"),
    ],
)
def test_cli_refuses_an_implausible_received_time(cli, db_path, received, officer, words) -> None:
    now = now_vn()
    received = {
        "later": _iso(now + timedelta(days=2)),
        "week-ago": _iso(now - timedelta(days=7)),
        "last-year": f"{now.year - 1}-06-01T09:00",
    }.get(received, received)
    before = row_counts(db_path)
    result = cli(*INTAKE, *PERSON, "--received", received, "--officer", officer)
    assert result.code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.output
    assert row_counts(db_path) == before


def test_an_admin_may_back_date_within_this_year_an_officer_a_few_days(cli, db_path) -> None:
    now = now_vn()
    two_days = cli(*INTAKE, *PERSON, "--received", _iso(now - timedelta(days=2)), "--officer", "canbo")
    assert two_days.code == 0, two_days.output
    start_of_year = datetime(now.year, 1, 2, 9, 0, tzinfo=VN_TZ)
    if now - start_of_year > timedelta(days=3):
        backlog = cli(*INTAKE, *PERSON, "--received", _iso(start_of_year), "--officer", "admin")
        assert backlog.code == 0, backlog.output
        refused = cli(*INTAKE, *PERSON, "--received", _iso(start_of_year), "--officer", "canbo")
        assert refused.code == 2


@pytest.mark.parametrize(
    "args",
    [
        ("--due", "9999-12-31T17:00", "--due-reason", "thử"),
        ("--due", "0001-01-01T08:00", "--due-reason", "thử"),
        ("--dob", "01/01/1899"),
        ("--dob", "31/12/9999"),
    ],
)
def test_cli_refuses_implausible_due_and_birth_dates(cli, db_path, args) -> None:
    before = row_counts(db_path)
    person = () if args[0] == "--dob" else PERSON
    gender = ("--gender", "Nữ") if args[0] == "--dob" else ()
    result = cli(*INTAKE, *person, *gender, *args, "--officer", "lanhdao")
    assert result.code == 2 and "Traceback" not in result.output, result.output
    assert row_counts(db_path) == before


def test_service_refuses_extreme_received_and_due_and_new_due(services, make_dossier) -> None:
    for at in (datetime(1, 1, 1, tzinfo=VN_TZ), datetime(9999, 12, 31, 23, 59, tzinfo=VN_TZ)):
        with pytest.raises(BadInput) as caught:
            make_dossier(received_at=at)
        assert caught.value.field == "received_at"
    with pytest.raises(BadInput):
        make_dossier(due_override=datetime(9999, 12, 31, tzinfo=VN_TZ), due_override_reason="thử", officer="lanhdao")
    from onestop.domain import Status

    d = make_dossier()
    with pytest.raises(BadInput) as caught:
        services.dossiers.transition(
            d.code, Status.IN_PROGRESS, actor="lanhdao", new_due=datetime(9999, 12, 31, tzinfo=VN_TZ)
        )
    assert caught.value.field == "new_due"


@pytest.mark.parametrize(
    "args",
    [
        ("calendar", "due", "--procedure", "2.001035", "--received", "9999-12-30T10:00"),
        ("calendar", "due", "--procedure", "2.001035", "--received", "0001-01-01T10:00"),
        ("report", "book", "--from", "0001-01-01", "--to", "9999-12-31", "--officer", "lanhdao"),
        ("report", "book", "--from", "2026-12-01", "--to", "2026-01-01", "--officer", "lanhdao"),
        ("dossier", "list", "--from", "0001-01-01"),
        ("report", "monthly", "--month", "9999-12"),
    ],
)
def test_cli_refuses_implausible_query_dates(cli, args) -> None:
    result = cli(*args)
    assert result.code == 2, result.output
    assert "Traceback" not in result.output and "không mong đợi" not in result.output


def poison(db_path: Path, code: str, value: str) -> None:
    """Write an extreme date as an older version would have accepted it."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "UPDATE dossier SET received_at=?, due_at=?, updated_at=? WHERE code=?", (value, value, value, code)
        )
        conn.execute(
            "UPDATE status_event SET at=?, new_due=? WHERE dossier_id=(SELECT id FROM dossier WHERE code=?)",
            (value, value, code),
        )
        conn.execute("UPDATE dossier SET applicant_birth_date=? WHERE code=?", (value[:10], code))
    conn.close()


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+07:00", "9999-12-31T23:59:00+07:00"])
def test_a_database_holding_an_extreme_value_still_works(
    cli, make_dossier, applicant, db_path, tmp_path, value
) -> None:
    bad = make_dossier()
    good = make_dossier()
    poison(db_path, bad.code, value)
    today = date.today()
    year = today.year
    commands = [
        ("dossier", "list"),
        ("dossier", "list", "--json"),
        ("dossier", "list", "--from", f"{year}-01-01", "--to", f"{year}-12-31"),
        ("dossier", "show", bad.code),
        ("dossier", "show", bad.code, "--json"),
        ("dossier", "show", good.code),
        ("receipt", bad.code, "--officer", "canbo", "--out", str(tmp_path / "r.pdf")),
        ("citizen", "export", applicant.id_number, "--officer", "lanhdao", "--out", str(tmp_path / "c.json")),
        (
            "report",
            "book",
            "--from",
            f"{year}-01-01",
            "--to",
            f"{year}-12-31",
            "--officer",
            "lanhdao",
            "--out",
            str(tmp_path / "book.pdf"),
        ),
        ("report", "monthly", "--month", f"{year}-{today.month:02d}", "--officer", "lanhdao"),
        ("audit", "list", "--officer", "lanhdao"),
    ]
    for args in commands:
        result = cli(*args)
        assert result.code == 0, (args, result.output)
        assert "Traceback" not in result.output
