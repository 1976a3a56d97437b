"""Plain words for real failures: a full disk, a damaged database, a crash log that cannot be written, and every
input that used to end in "Lỗi không mong đợi" (exit 1) — each a clean exit with a Vietnamese message."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import INTAKE_ARGS as INTAKE
from tests.conftest import init_commune
from tests.trust.conftest import row_counts, run_cli

# ---------------------------------------------------------------- a full disk


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A real 6 MiB tmpfs (root only; CI runs as root). Skipped where mounting is not allowed."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the SQLITE_FULL test below covers the same path")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m,mode=0700", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {done.stderr.decode(errors='replace')[:200]}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    """Write a filler file until the file system says ENOSPC."""
    filler = folder / "filler.bin"
    # unbuffered: a buffered file keeps the part of a block the full disk refused and fails again when closed
    with filler.open("wb", buffering=0) as fh:
        block = b"\0" * 65536
        try:
            while True:
                fh.write(block)
        except OSError:
            pass
    return filler


def test_full_disk_during_save_and_backup_says_so_and_writes_nothing(tiny_disk: Path, tmp_path: Path) -> None:
    db, config = tiny_disk / "data" / "onestop.db", tmp_path / "config.toml"
    init_commune(db, config)
    common = ["--db", str(db), "--config", str(config)]
    assert run_cli(["login", "admin", "--password-stdin", *common], "matkhau-admin\n").code == 0
    assert run_cli([*INTAKE, "--officer", "admin", *common]).code == 0
    before = row_counts(db)
    filler = fill(tiny_disk)
    result = run_cli([*INTAKE, "--officer", "admin", *common])
    assert result.code == 7, result.output
    assert "Ổ đĩa đã đầy: hồ sơ CHƯA được lưu" in result.stderr and "không mong đợi" not in result.output
    filler.unlink()
    import shutil

    with filler.open("wb") as fh:  # room to open the database, not for a backup
        fh.write(b"\0" * max(shutil.disk_usage(tiny_disk).free - 1024 * 1024, 0))
    backup = run_cli(["backup", "--officer", "admin", *common])
    assert backup.code == 7 and "bản sao lưu CHƯA được tạo" in backup.stderr, backup.output
    backups = db.parent / "backups"
    assert not backups.exists() or not [p for p in backups.iterdir() if p.name != "filler.bin"]
    filler.unlink()
    assert row_counts(db) == before  # nothing half-written
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert run_cli([*INTAKE, "--officer", "admin", *common]).code == 0  # space back: work goes on
    for log in db.parent.rglob("*.log"):
        assert log.stat().st_size > 0


def test_sqlite_full_from_a_page_limit_is_the_same_plain_message(cli, services, db_path, monkeypatch) -> None:
    """Without root: SQLite's own SQLITE_FULL (max_page_count reached) takes the same path as a full disk."""
    import db.engine as engine_module

    original = engine_module._on_connect

    def capped(dbapi_connection, record):  # type: ignore[no-untyped-def]
        original(dbapi_connection, record)
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    from tests.conftest import login_for

    login_for(db_path, ["--officer", "canbo"])  # `onestop login canbo`, before the database is capped
    before = row_counts(db_path)
    services.close()
    conn = sqlite3.connect(db_path)
    conn.execute("VACUUM")  # no free pages left to absorb the new rows
    conn.close()
    monkeypatch.setattr(engine_module, "_on_connect", capped)
    docs = [arg for i in range(60) for arg in ("--doc", f"Giấy tờ số {i} " + "kèm theo " * 45 + ":copy:1")]
    result = cli(*INTAKE, *docs, "--officer", "canbo")
    assert result.code == 7, result.output
    assert "Ổ đĩa đã đầy: hồ sơ CHƯA được lưu" in result.stderr
    assert row_counts(db_path) == before


def test_backup_checks_free_space_before_writing(services, make_dossier, tmp_path, monkeypatch) -> None:
    import shutil
    from collections import namedtuple

    from onestop.errors import DiskFull

    make_dossier()
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(DiskFull, match="bản sao lưu CHƯA được tạo") as caught:
        services.backup.backup(tmp_path / "usb" / "b.osbak", actor="admin")
    assert caught.value.exit_code == 7 and "còn trống 0 MB" in caught.value.message
    assert not (tmp_path / "usb").exists() or not list((tmp_path / "usb").iterdir())


# ---------------------------------------------------------------- the crash log


def test_crash_log_goes_to_a_fallback_and_is_never_empty(tmp_path, monkeypatch) -> None:
    from onestop import crashlog

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")  # the log's folder cannot be created: a file is in the way
    fallback = tmp_path / "fallback.log"
    monkeypatch.setattr(crashlog, "fallback_log_path", lambda: fallback)
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        assert crashlog.report_unexpected(exc, blocked / "logs" / "onestop.log", quiet=True) == 1
    assert fallback.stat().st_size > 0 and "RuntimeError" in fallback.read_text(encoding="utf-8")
    assert fallback.stat().st_mode & 0o777 == 0o600


def test_a_failed_log_write_leaves_no_empty_file(tiny_disk: Path, tmp_path, monkeypatch) -> None:
    from onestop import crashlog

    logs = tiny_disk / "logs"
    logs.mkdir()
    filler = fill(tiny_disk)
    fallback = tmp_path / "fallback.log"
    monkeypatch.setattr(crashlog, "fallback_log_path", lambda: fallback)
    try:
        raise RuntimeError("boom " * 20000)
    except RuntimeError as exc:
        crashlog.report_unexpected(exc, logs / "onestop.log", quiet=True)
    assert not (logs / "onestop.log").exists()  # no 0-byte log on the full disk
    assert fallback.stat().st_size > 0
    filler.unlink()


def test_cli_crash_log_lands_beside_the_db_named_on_the_command_line(cli, db_path, monkeypatch) -> None:
    import onestop.services.officers as officers

    def broken(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a genuine bug")

    monkeypatch.setattr(officers.OfficerService, "list", broken)
    result = cli("officer", "list")
    assert result.code == 1 and "Lỗi không mong đợi (RuntimeError)" in result.stderr
    log = db_path.parent / "logs" / "onestop.log"
    assert str(log) in result.stderr and log.stat().st_size > 0


# ---------------------------------------------------------------- a damaged database


def damage(db: Path) -> None:
    """Overwrite a page in the middle of the file (not the header) with garbage, as a failing disk would."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with db.open("r+b") as fh:
        for n in range(pages // 3, pages // 3 + 4):
            fh.seek(n * page)
            fh.write(os.urandom(page))


def test_doctor_reports_a_damaged_database_and_how_to_restore(cli, services, make_dossier, db_path) -> None:
    make_dossier()
    services.backup.backup(actor="admin")
    services.close()
    damage(db_path)
    result = cli("doctor")
    assert result.code == 1, result.output
    assert "bị hỏng" in result.stdout and "onestop restore" in result.stdout and ".osbak" in result.stdout
    assert "Traceback" not in result.output and "không mong đợi" not in result.output
    as_json = cli("doctor", "--json")
    checks = {c["check"]: c for c in json.loads(as_json.stdout)}
    assert checks["Toàn vẹn cơ sở dữ liệu"]["ok"] is False


def test_doctor_on_a_file_that_is_not_a_database(cli, db_path, services) -> None:
    services.close()
    db_path.write_bytes(b"garbage" * 1000)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    result = cli("doctor")
    assert result.code == 1 and "Traceback" not in result.output
    assert "onestop restore" in result.stdout


# ---------------------------------------------------------------- each exit-1 crash of the issue


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("address-bytes", "không phải UTF-8"),
        ("officer-bytes", "không phải UTF-8"),
        ("show-bytes", "không phải UTF-8"),
        ("receipt-out-dir", "là một thư mục"),
        ("audit-out-dir", "là một thư mục"),
        ("report-proc", "Không ghi được"),
        ("catalog-deep", "lồng nhau quá sâu"),
        ("sync-bad-url", "không hợp lệ"),
        ("province-dump-counter", "không đúng loại"),
    ],
)
def test_each_listed_crash_is_a_clean_exit_2(cli, make_dossier, db_path, tmp_path, name, words) -> None:
    code = make_dossier().code
    bad = os.fsdecode(b"\xff\xfe Th\xf4n")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    args = {
        "address-bytes": (*INTAKE, "--address", bad, "--officer", "canbo"),
        "officer-bytes": (*INTAKE, "--officer", bad),
        "show-bytes": ("dossier", "show", bad),
        "receipt-out-dir": ("receipt", code, "--officer", "canbo", "--out", str(tmp_path)),
        "audit-out-dir": ("audit", "export", "--officer", "lanhdao", "--out", str(tmp_path)),
        "report-proc": ("report", "monthly", "--month", "2026-11", "--officer", "lanhdao", "--out", "/proc/version"),
        "catalog-deep": ("catalog", "import", str(deep), "--officer", "lanhdao"),
        "sync-bad-url": ("sync", "--server", "http://[::1", "--once"),
    }.get(name)
    before = row_counts(db_path)
    if name == "province-dump-counter":
        result = run_cli(["province", "dump", "--db", str(db_path)])
    else:
        result = cli(*args)
    assert result.code == 2, result.output
    assert words in result.stderr, result.output
    assert "không mong đợi" not in result.output and "Traceback" not in result.output
    assert row_counts(db_path)["dossier"] == before["dossier"]


def test_sync_without_a_token_is_a_configuration_message(cli, make_dossier, monkeypatch) -> None:
    make_dossier()
    monkeypatch.delenv("ONESTOP_SYNC_TOKEN", raising=False)
    monkeypatch.setenv("ONESTOP_SYNC_URL", "http://127.0.0.1:9")
    result = cli("sync", "--once")
    assert result.code == 5
    assert "Chưa cấu hình mã truy cập" in result.stderr and "Mất kết nối" not in result.stderr
