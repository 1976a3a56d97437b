"""Bad input at the edges of the CLI (issue 2): each gives a Vietnamese message and the CONTRACT exit code,
never a traceback, never a changed or half-migrated database."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.trust.conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_clean_refusal(result, code: int, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.code == code, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_missing_config(tmp_path) -> None:
    result = run_cli(["catalog", "list", "--db", str(tmp_path / "d.db"), "--config", str(tmp_path / "none.toml")])
    assert_clean_refusal(result, 2, "Chưa có tệp cấu hình", "onestop init")
    assert not (tmp_path / "d.db").exists()  # nothing created on a refusal


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"[commune\nname = ", "lỗi cú pháp TOML"),
        (b"\xff\xfe\x00garbage", "không phải văn bản UTF-8"),
        (b'[commune]\nname = "X"\nagency_code = "H56.14"\nprovince = "T"\ncounter = "1"\n', "commune.counter"),
        (b'[commune]\nname = "X"\nagency_code = "h56 14"\nprovince = "T"\ncounter = "01"\n', "commune.agency_code"),
        (b"", "thiếu mục [commune]"),
    ],
)
def test_corrupt_config(tmp_path, content, fragment) -> None:
    config = tmp_path / "config.toml"
    config.write_bytes(content)
    result = run_cli(["catalog", "list", "--db", str(tmp_path / "d.db"), "--config", str(config)])
    assert_clean_refusal(result, 2, fragment)
    assert not (tmp_path / "d.db").exists()


def test_database_file_that_is_not_sqlite(tmp_path, config_path) -> None:
    db = tmp_path / "onestop.db"
    db.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 50)
    before = digest(db)
    result = run_cli(["catalog", "list", "--db", str(db), "--config", str(config_path)])
    assert_clean_refusal(result, 2, "không phải cơ sở dữ liệu SQLite")
    assert digest(db) == before and not Path(f"{db}-wal").exists()


def test_database_newer_than_the_code(services, db_path, config_path) -> None:
    services.close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num='9999_from_a_newer_onestop'")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = digest(db_path)
    result = run_cli(["catalog", "list", "--db", str(db_path), "--config", str(config_path)])
    assert_clean_refusal(result, 2, "phiên bản onestop mới hơn", "không có gì bị thay đổi")
    assert digest(db_path) == before


def test_unknown_procedure_code(services, db_path, config_path) -> None:
    services.close()
    base = ["--db", str(db_path), "--config", str(config_path)]
    assert_clean_refusal(run_cli(["catalog", "show", "9.999999", *base]), 3, "9.999999")
    from tests.conftest import login_for

    login_for(db_path, ["--officer", "canbo"])  # `onestop login canbo` (CONTRACT "Who acts")
    result = run_cli(
        [
            "intake",
            "--procedure",
            "9.999999",
            "--id-number",
            "038190012345",
            "--name",
            "Đặng Thị Ánh",
            "--dob",
            "17/05/1990",
            "--officer",
            "canbo",
            *base,
        ]
    )
    assert_clean_refusal(result, 3, "9.999999")
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM dossier").fetchone()[0] == 0
    due = run_cli(["calendar", "due", "--procedure", "9.999999", "--received", "2026-11-23T09:00", *base])
    assert_clean_refusal(due, 3)


def test_read_only_data_dir(tmp_path, config_path) -> None:
    """Run as an unprivileged user when we are root (root ignores permission bits)."""
    data = tmp_path / "ro"
    data.mkdir()
    db = data / "onestop.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    cmd = [sys.executable, "-m", "onestop", "catalog", "list", "--db", str(db), "--config", str(config_path)]
    preexec = None
    if os.geteuid() == 0:
        nobody = 65534
        for path in (tmp_path, config_path.parent):
            os.chmod(path, 0o755)
        os.chmod(config_path, 0o644)
        os.chown(data, nobody, nobody)
        if not os.access(sys.executable, os.X_OK):
            pytest.skip("the interpreter is not reachable by an unprivileged user")
        preexec = lambda: (os.setgid(nobody), os.setuid(nobody))  # noqa: E731
        try:
            probe = subprocess.run(
                [sys.executable, "-c", "import onestop.cli"], preexec_fn=preexec, env=env, capture_output=True, cwd="/"
            )
        except OSError:
            pytest.skip(
                "running as root and the interpreter is not usable by an unprivileged user "
                "(see test_read_only_data_dir_as_seen_by_os_access)"
            )
        if probe.returncode != 0:
            pytest.skip("running as root and the project is not readable by an unprivileged user")
    os.chmod(data, 0o500)
    try:
        done = subprocess.run(cmd, preexec_fn=preexec, env=env, capture_output=True, text=True, cwd="/", timeout=60)
    finally:
        os.chmod(data, 0o700)
    assert done.returncode == 2, done.stderr
    assert "chỉ đọc" in done.stderr or "Không có quyền ghi" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not db.exists()


def test_read_only_data_dir_as_seen_by_os_access(tmp_path, config_path, monkeypatch) -> None:
    """The same refusal decided through `os.access` (what the code consults), so it is proven even as root."""
    data = tmp_path / "ro"
    data.mkdir()
    real_access = os.access

    def access(path, mode, *args, **kwargs):  # type: ignore[no-untyped-def]
        if mode & os.W_OK and Path(path) in (data, data / "onestop.db"):
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    result = run_cli(["catalog", "list", "--db", str(data / "onestop.db"), "--config", str(config_path)])
    assert_clean_refusal(result, 2, "chỉ đọc")
    assert not (data / "onestop.db").exists()
