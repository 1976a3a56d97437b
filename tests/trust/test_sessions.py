"""Who acts on the command line: `onestop login` sessions (owner-only file, idle 15 min, at most 10 h), exit 4
without one, `--officer` only for the session's own officer, and the workstation's own sync and backup."""

from __future__ import annotations

import os
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from onestop.domain import now_vn
from tests.conftest import ADMIN_PASSWORD, LEADER_PASSWORD, OFFICER_PASSWORD
from tests.conftest import INTAKE_ARGS as INTAKE
from tests.trust.conftest import mode, row_counts, run_cli


@pytest.fixture
def raw(services, db_path: Path, config_path: Path):
    """The CLI with no automatic login: what an officer (or an intruder) types."""

    def _run(*args: str, stdin: str = ""):  # type: ignore[no-untyped-def]
        return run_cli([*args, "--db", str(db_path), "--config", str(config_path)], stdin)

    return _run


def audit(db_path: Path, action: str) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT officer, detail FROM audit_entry WHERE action=? ORDER BY id", (action,)).fetchall()
    finally:
        conn.close()


def test_the_issue_attack_is_refused_without_a_session(raw, db_path) -> None:
    """`echo x | onestop officer add mallory --role admin --password-stdin --officer admin` used to succeed."""
    before = row_counts(db_path)
    attack = raw("officer", "add", "mallory", "--name", "Mal Lory", "--role", "admin", "--password-stdin",
                 "--officer", "admin", stdin="matkhau-mallory\n")  # fmt: skip
    assert attack.code == 4 and "onestop login" in attack.stderr, attack.output
    for args in (
        (*INTAKE, "--officer", "canbo"),
        ("citizen", "export", "038190012345", "--officer", "lanhdao"),
        ("audit", "list"),
        ("audit", "export", "--out", str(db_path.parent / "a.csv")),
        ("report", "book", "--from", "2026-01-01", "--to", "2026-01-31"),
        ("purge", "--dry-run"),
        ("catalog", "import", "x.json"),
        ("calendar", "set", "2026-12-24", "off"),
    ):
        result = raw(*args)
        assert result.code == 4 and "onestop login" in result.stderr, (args, result.output)
    assert row_counts(db_path) == before


def test_login_acts_as_the_officer_and_logout_ends_it(raw, db_path, services) -> None:
    wrong = raw("login", "canbo", "--password-stdin", stdin="sai-mat-khau\n")
    assert wrong.code == 2 and "Sai tên đăng nhập" in wrong.stderr
    ok = raw("login", "canbo", "--password-stdin", stdin=OFFICER_PASSWORD + "\n")
    assert ok.code == 0 and "Đã đăng nhập" in ok.stderr, ok.output
    files = list(Path(os.environ["ONESTOP_SESSION_DIR"]).glob("*.session"))
    assert len(files) == 1 and mode(files[0]) == 0o600 and mode(files[0].parent) == 0o700
    assert OFFICER_PASSWORD not in files[0].read_text() and "token" in files[0].read_text()
    conn = sqlite3.connect(db_path)
    token_in_db = conn.execute("SELECT token_sha256 FROM officer_session").fetchone()[0]
    conn.close()
    assert token_in_db not in files[0].read_text()  # the database holds only the token's hash
    assert raw("whoami").stdout.strip() == "canbo"
    received = raw(*INTAKE, "--json")
    assert received.code == 0, received.output
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT officer FROM dossier").fetchone()[0] == "canbo"
    conn.close()
    same = raw(*INTAKE, "--officer", "canbo")
    assert same.code == 0, same.output
    other = raw(*INTAKE, "--officer", "admin")
    assert other.code == 4 and "không phải cán bộ đang đăng nhập (canbo)" in other.stderr
    role = raw("citizen", "export", "038190012345")
    assert role.code == 4 and "không có quyền" in role.stderr  # the session's role, not a claimed one
    assert raw("logout").code == 0
    assert not list(Path(os.environ["ONESTOP_SESSION_DIR"]).glob("*.session"))
    assert raw(*INTAKE).code == 4
    assert [o for o, _ in audit(db_path, "session.login")] == ["canbo"]
    assert [o for o, _ in audit(db_path, "session.logout")] == ["canbo"]


def test_idle_and_longest_session_expire(raw, db_path) -> None:
    assert raw("login", "lanhdao", "--password-stdin", stdin=LEADER_PASSWORD + "\n").code == 0
    from onestop.session import current

    assert current(db_path, now=now_vn() + timedelta(minutes=14), touch=False) is not None
    assert current(db_path, now=now_vn() + timedelta(minutes=16)) is None  # idle
    assert raw("whoami").code == 4
    assert [o for o, _ in audit(db_path, "session.expired")] == ["lanhdao"]
    assert raw("login", "lanhdao", "--password-stdin", stdin=LEADER_PASSWORD + "\n").code == 0
    moment = now_vn()
    for step in range(1, 45):  # used every 14 minutes: still ends after 10 hours
        alive = current(db_path, now=moment + timedelta(minutes=14 * step))
        if step * 14 <= 600:
            assert alive is not None, step
        else:
            assert alive is None
            break


def test_a_deactivated_or_locked_officer_loses_the_session(raw, db_path, services) -> None:
    assert raw("login", "canbo", "--password-stdin", stdin=OFFICER_PASSWORD + "\n").code == 0
    services.officers.set_active("canbo", False, actor="admin")
    assert raw(*INTAKE).code == 4


def test_a_session_file_readable_by_others_or_for_another_db_is_ignored(raw, db_path, tmp_path) -> None:
    assert raw("login", "canbo", "--password-stdin", stdin=OFFICER_PASSWORD + "\n").code == 0
    file = next(Path(os.environ["ONESTOP_SESSION_DIR"]).glob("*.session"))
    os.chmod(file, 0o644)
    assert raw(*INTAKE).code == 4
    os.chmod(file, 0o600)
    assert raw(*INTAKE).code == 0
    other_db = tmp_path / "other" / "onestop.db"
    from onestop.session import current

    assert current(other_db, now=now_vn()) is None  # a session is for one database


def test_a_hand_written_session_file_is_refused(raw, db_path) -> None:
    """Writing `{"officer": "admin", "token": ...}` by hand does not make anyone admin: the token must be known."""
    import json

    from onestop.session import session_file

    path = session_file(db_path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"db": str(db_path), "token": "guessed", "officer": "admin"}, fh)
    assert raw("officer", "add", "x1", "--name", "X", "--password-stdin", stdin="matkhau-xxxx\n").code == 4


def test_admin_unlocks_from_the_command_line(raw, db_path, services) -> None:
    start = now_vn() - timedelta(seconds=200)
    for n in range(5):  # five wrong passwords, each after the delay the previous ones imposed
        services.officers.clock = lambda n=n: start + timedelta(seconds=20 * n)
        try:
            services.officers.authenticate("canbo", "sai-mat-khau")
        except Exception:
            pass
    services.officers.clock = now_vn
    locked = raw("login", "canbo", "--password-stdin", stdin=OFFICER_PASSWORD + "\n")
    assert locked.code == 4 and "đã bị khóa" in locked.stderr, locked.output
    assert raw("login", "admin", "--password-stdin", stdin=ADMIN_PASSWORD + "\n").code == 0
    assert raw("officer", "unlock", "canbo").code == 0
    assert raw("login", "canbo", "--password-stdin", stdin=OFFICER_PASSWORD + "\n").code == 0
    assert [o for o, d in audit(db_path, "officer.unlock")] == ["admin"]


def test_init_demo_and_the_workstation_need_no_session(raw, db_path, services) -> None:
    backup = raw("backup", "--auto")
    assert backup.code == 0, backup.output
    assert [o for o, _ in audit(db_path, "backup.auto")] == ["workstation"]
    manual = raw("backup")
    assert manual.code == 0 and audit(db_path, "backup.create")[-1][0] == "workstation"
    claimed = raw("backup", "--officer", "admin")
    assert claimed.code == 4  # naming an officer needs that officer's session
    assert raw("sync", "--once").code == 5  # not configured: offline, but no login asked
    assert raw("dossier", "list").code == 0 and raw("catalog", "list").code == 0
