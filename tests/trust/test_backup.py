"""Backup and restore: online snapshot with a running writer, encryption, verified refusal, rotation."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from dataclasses import replace
from pathlib import Path

import pytest

from onestop.errors import BadInput, Conflict, NotFound, PermissionDenied
from tests.trust.conftest import consistency_problems, mode, row_counts

ROOT = Path(__file__).resolve().parents[2]
PASS = "mật-khẩu-sao-lưu"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(db: Path, table: str = "dossier") -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4 scanned birth certificate " + os.urandom(64))
    return path


def test_round_trip_keeps_everything_and_the_previous_db(services, make_dossier, scan, db_path) -> None:
    first = make_dossier(attachments=((0, str(scan)),))
    make_dossier()
    result = services.backup.backup(actor="canbo")
    assert result.path.parent == services.backup_dir and result.path.suffix == ".osbak"
    assert mode(result.path) == 0o600 and mode(services.backup_dir) == 0o700
    m = result.manifest
    assert m["app"] == "onestop" and m["agency_code"] == "H56.14" and m["counter_code"] == "01"
    from db.engine import current_revision

    assert m["schema_revision"] == current_revision(services.engine)
    assert m["dossiers"] == 2 and m["outbox_items"] == 4 and m["outbox_by_state"] == {"queued": 4}
    assert len(m["files"]) == 1
    with tarfile.open(result.path, "r:gz") as tar:
        assert {"manifest.json", "onestop.db"} <= set(tar.getnames())
        inner = tar.extractfile("onestop.db").read()  # type: ignore[union-attr]
        assert hashlib.sha256(inner).hexdigest() == m["db_sha256"]

    make_dossier()  # after the backup: must disappear on restore, but survive in the kept copy
    attachment = next(services.files_dir.glob("??/*"))
    attachment.unlink()
    report = services.backup.restore(result.path, actor="admin")
    assert report.dossiers == 2 and report.outbox_items == 4 and report.files_restored == 1
    assert count(db_path) == 2 and count(db_path, "outbox_item") == 4
    assert attachment.exists() and mode(attachment) == 0o600
    assert report.previous_db is not None and count(report.previous_db) == 3
    assert mode(db_path) == 0o600 and mode(report.previous_db) == 0o600
    assert consistency_problems(db_path) == []
    # the services keep working on the restored database
    assert services.intake.recall_citizen(first.applicant.id_number) is not None
    make_dossier()
    assert count(db_path) == 3
    actions = [e.action for e in services.audit.entries(limit=5)]
    assert "backup.restore" in actions


def test_encrypted_round_trip_and_wrong_passphrase(services, make_dossier, db_path, tmp_path) -> None:
    make_dossier()
    out = tmp_path / "usb" / "encrypted.osbak"
    result = services.backup.backup(out, passphrase=PASS, actor="admin")
    assert result.encrypted and out.read_bytes().startswith(b"ONESTOPBAK")
    assert b"SQLite format 3" not in out.read_bytes() and b"manifest" not in out.read_bytes()
    assert mode(out) == 0o600
    make_dossier()
    before = sha(db_path)
    with pytest.raises(BadInput, match="Sai mật khẩu"):
        services.backup.restore(out, passphrase="not-the-passphrase", actor="admin")
    with pytest.raises(BadInput, match="cần mật khẩu"):
        services.backup.restore(out, actor="admin")
    assert sha(db_path) == before and not list(db_path.parent.glob("*.before-restore-*"))
    report = services.backup.restore(out, passphrase=PASS, actor="admin")
    assert report.dossiers == 1 and count(db_path) == 1


@pytest.mark.parametrize("encrypted", [False, True])
@pytest.mark.parametrize("damage", ["flip", "truncate", "append", "empty"])
def test_corrupted_backup_refused_and_nothing_changes(
    services, make_dossier, db_path, tmp_path, encrypted, damage
) -> None:
    make_dossier()
    good = services.backup.backup(tmp_path / "good.osbak", passphrase=PASS if encrypted else None, actor="admin")
    data = bytearray(good.path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x40
    elif damage == "truncate":
        data = data[: len(data) * 2 // 3]
    elif damage == "append":
        data += b"tail"
    else:
        data = bytearray()
    bad = tmp_path / "bad.osbak"
    bad.write_bytes(bytes(data))
    make_dossier()
    before, counts = sha(db_path), row_counts(db_path)
    with pytest.raises(BadInput) as info:
        services.backup.restore(bad, passphrase=PASS if encrypted else None, actor="admin")
    assert "Không có gì bị thay đổi" in info.value.message or "không phải bản sao lưu" in info.value.message
    assert sha(db_path) == before and row_counts(db_path) == counts
    assert not list(db_path.parent.glob("*.before-restore-*"))
    from onestop.services.backup import RESTORE_PREFIX

    assert not list(db_path.parent.glob(f"{RESTORE_PREFIX}*")) and not list(
        db_path.parent.glob(".onestop.db.restore-*")
    )


def test_tampered_database_inside_archive_refused(services, make_dossier, tmp_path, db_path) -> None:
    make_dossier()
    good = services.backup.backup(tmp_path / "good.osbak", actor="admin")
    work = tmp_path / "x"
    with tarfile.open(good.path, "r:gz") as tar:
        tar.extractall(work, filter="data")
    conn = sqlite3.connect(work / "onestop.db")
    conn.execute("UPDATE dossier SET applicant_name='Kẻ Giả Mạo'")
    conn.commit()
    conn.close()
    forged = tmp_path / "forged.osbak"
    with tarfile.open(forged, "w:gz") as tar:
        tar.add(work / "manifest.json", "manifest.json")
        tar.add(work / "onestop.db", "onestop.db")
    with pytest.raises(BadInput, match="sha256"):
        services.backup.restore(forged, actor="admin")


def test_foreign_backup_refused_unless_forced(services, make_dossier, settings, db_path, tmp_path) -> None:
    from onestop.domain import Role
    from onestop.services import open_services

    other_settings = replace(settings, office=replace(settings.office, agency_code="H99.01"))
    other = open_services(tmp_path / "other" / "onestop.db", other_settings)
    other.officers.add("admin", "Quản Trị Khác", Role.ADMIN, "matkhau-khac")
    foreign = other.backup.backup(actor="admin")
    other.close()
    make_dossier()
    before = sha(db_path)
    with pytest.raises(Conflict, match="H99.01"):
        services.backup.restore(foreign.path, actor="admin")
    assert sha(db_path) == before
    report = services.backup.restore(foreign.path, actor="admin", force_foreign=True)
    assert report.manifest["agency_code"] == "H99.01" and count(db_path) == 0


def test_backup_from_a_newer_program_refused(services, make_dossier, settings, db_path, tmp_path) -> None:
    from db.engine import make_engine
    from onestop.services import Services

    newer_db = tmp_path / "newer" / "onestop.db"
    newer_db.parent.mkdir()
    conn = sqlite3.connect(newer_db)
    src = sqlite3.connect(db_path)
    src.backup(conn)
    src.close()
    conn.execute("UPDATE alembic_version SET version_num='9999_from_the_future'")
    conn.commit()
    conn.close()
    newer = Services(engine=make_engine(newer_db), settings=settings, db_path=newer_db)
    newer_backup = newer.backup.backup(tmp_path / "newer.osbak")
    newer.close()
    before = sha(db_path)
    with pytest.raises(Conflict, match="mới hơn"):
        services.backup.restore(newer_backup.path, actor="admin")
    assert sha(db_path) == before


def test_not_a_backup_and_missing_file(services, tmp_path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("xin chào", encoding="utf-8")
    with pytest.raises(BadInput, match="không phải bản sao lưu"):
        services.backup.restore(junk, actor="admin")
    with pytest.raises(NotFound):
        services.backup.restore(tmp_path / "missing.osbak", actor="admin")


def test_restore_needs_an_admin(services, make_dossier) -> None:
    make_dossier()
    result = services.backup.backup(actor="canbo")
    with pytest.raises(PermissionDenied):
        services.backup.restore(result.path, actor="lanhdao")
    with pytest.raises(BadInput):
        services.backup.restore(result.path, actor=None)


def test_restore_refused_while_another_program_has_the_database_open(services, make_dossier, db_path) -> None:
    make_dossier()
    result = services.backup.backup(actor="admin")
    make_dossier()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL');"
            "c.execute('INSERT INTO setting(key,value) VALUES (\"x\",\"y\")'); c.commit(); print('open', flush=True);"
            "time.sleep(60)",
            str(db_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = row_counts(db_path)
        with pytest.raises(Conflict, match="đang được một chương trình khác mở"):
            services.backup.restore(result.path, actor="admin")
        assert row_counts(db_path) == before
        assert not list(db_path.parent.glob("*.before-restore-*"))
    finally:
        holder.kill()
        holder.wait()
    services.backup.restore(result.path, actor="admin")
    assert count(db_path) == 1


def test_daily_backup_once_a_day_with_rotation(services, make_dossier) -> None:
    from datetime import timedelta

    from onestop.domain import now_vn

    services.settings = replace(services.settings, security=replace(services.settings.security, backup_keep=3))
    make_dossier()
    start = now_vn()
    assert services.backup.maybe_daily_backup(now=start) is not None
    assert services.backup.maybe_daily_backup(now=start) is None  # once a day
    for day in range(1, 6):
        assert services.backup.maybe_daily_backup(now=start + timedelta(days=day)) is not None
    kept = services.backup.auto_backups()
    assert len(kept) == 3
    assert kept[0].name.startswith(f"onestop-auto-{(start + timedelta(days=5)):%Y%m%d}")
    manual = services.backup.backup(actor="admin")
    services.backup.rotate()
    assert manual.path.exists()  # rotation only touches automatic backups
    assert all(mode(p) == 0o600 for p in kept)
    assert "backup.auto" in [e.action for e in services.audit.entries(limit=20)]


# A daily backup that blocks once the archive is half written, as a start killed at that moment would leave it.
_STUCK_BACKUP = """
import signal, sys
from pathlib import Path
from onestop.config import load_settings
from onestop.services import open_services
from onestop.services.backup import BackupService

original = BackupService._add_file

def add_then_stop(tar, name, path):
    original(tar, name, path)
    print("writing", flush=True)
    signal.pause()

BackupService._add_file = staticmethod(add_then_stop)
services = open_services(Path(sys.argv[1]), load_settings(Path(sys.argv[2])), prepare=False)
services.backup.maybe_daily_backup()
"""


def _stuck_backup(db_path: Path, config_path: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", _STUCK_BACKUP, str(db_path), str(config_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"  # mid-archive: state, not time
    return proc


def test_a_killed_daily_backup_leaves_nothing_taken_for_a_backup_and_is_cleaned_at_the_next_start(
    services, make_dossier, db_path, config_path
) -> None:
    """A start killed during the automatic backup leaves a work folder (with a database copy inside) and a partial
    archive: neither is ever listed as a backup, the next start removes them, and a backup still running in another
    process is left alone."""
    import time

    from onestop.services.backup import WORK_PREFIX

    make_dossier()
    folder = services.backup_dir
    running = _stuck_backup(db_path, config_path)  # another process's backup, alive throughout
    try:
        live = set(folder.iterdir())
        assert len(live) == 2, live  # its work folder and its .part
        killed = _stuck_backup(db_path, config_path)  # a start killed while writing its archive
        killed.kill()
        killed.wait()
        leftovers = set(folder.iterdir()) - live
        names = sorted(p.name for p in leftovers)
        assert len(names) == 2 and names[0].startswith(".onestop-auto-") and names[0].endswith(".osbak.part")
        assert names[1].startswith(WORK_PREFIX) and (folder / names[1] / "onestop.db").exists()  # a database copy
        assert services.backup.auto_backups() == []  # neither is ever listed as a backup
        legacy = folder / ".backup-k1ll3d"  # what the previous version left: no lock file, from an earlier day
        legacy.mkdir(mode=0o700)
        (legacy / "onestop.db").write_bytes(b"SQLite format 3\0")
        os.utime(legacy, (time.time() - 86400, time.time() - 86400))

        made = services.backup.maybe_daily_backup()  # the next start
        assert made is not None and made.path.exists()
        assert set(folder.iterdir()) == live | {made.path}  # the dead ones are gone, the live ones kept
        assert services.backup.auto_backups() == [made.path]
    finally:
        running.kill()
        running.wait()
    assert set(services.backup.clean_interrupted()) == live  # once its process is gone
    assert list(folder.iterdir()) == [made.path]
    services.backup.restore(made.path, actor="admin")  # the real one restores


def test_backup_while_another_process_keeps_writing_then_restore(services, db_path, config_path, tmp_path) -> None:
    """The 'running app' is a subprocess receiving dossiers; backups taken meanwhile are consistent snapshots."""
    services.engine.dispose()
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.trust.driver", str(db_path), str(config_path), "7"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    backups = []
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "READY"
        for i in range(4):
            codes = 0
            while codes < 3:  # let it save a few dossiers between backups
                codes += writer.stdout.readline().startswith("H56.14-")
            backups.append(
                services.backup.backup(tmp_path / f"b{i}.osbak", passphrase=PASS if i % 2 else None, actor="admin")
            )
    finally:
        writer.kill()
        writer.wait()
    counts = [b.manifest["dossiers"] for b in backups]
    assert counts == sorted(counts) and counts[0] >= 3 and counts[-1] > counts[0]
    assert count(db_path) >= counts[-1]
    report = services.backup.restore(backups[-1].path, passphrase=PASS, actor="admin")
    assert count(db_path) == counts[-1] == report.dossiers
    assert consistency_problems(db_path) == []
    inspected = services.backup.inspect(backups[0].path)
    assert inspected["dossiers"] == counts[0]


def test_cli_backup_and_restore(cli, services, make_dossier, db_path, tmp_path) -> None:
    make_dossier()
    out = tmp_path / "cli.osbak"
    result = cli("backup", "--out", str(out), "--passphrase-stdin", "--json", stdin=PASS + "\n")
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    assert data["encrypted"] and data["manifest"]["dossiers"] == 1 and Path(data["path"]) == out
    make_dossier()
    services.engine.dispose()
    refused = cli("restore", str(out), "--passphrase-stdin", "--officer", "admin", stdin=PASS + "\n")
    assert refused.code == 2 and "--yes" in refused.stderr
    assert cli("restore", str(out), "--passphrase-stdin", "--yes", "--officer", "lanhdao", stdin=PASS + "\n").code == 4
    # Who acts is the logged-in officer (CONTRACT "Who acts"): an unknown name is the command's own "no such officer"
    # (exit 3, as before sessions); without --officer the session's officer (lanhdao, a leader) acts and lacks the
    # admin role: 4 (was 2).
    assert cli("restore", str(out), "--passphrase-stdin", "--yes", "--officer", "ghost", stdin=PASS + "\n").code == 3
    assert cli("restore", str(out), "--passphrase-stdin", "--yes", stdin=PASS + "\n").code == 4
    wrong = cli("restore", str(out), "--passphrase-stdin", "--yes", "--officer", "admin", stdin="sai-mat-khau\n")
    assert wrong.code == 2 and "Sai mật khẩu" in wrong.stderr and "Traceback" not in wrong.output
    assert count(db_path) == 2
    ok = cli("restore", str(out), "--passphrase-stdin", "--yes", "--officer", "admin", "--json", stdin=PASS + "\n")
    assert ok.code == 0, ok.output
    assert json.loads(ok.stdout)["dossiers"] == 1 and count(db_path) == 1
    auto = cli("backup", "--auto")
    assert auto.code == 0 and cli("backup", "--auto").code == 0
    assert len(services.backup.auto_backups()) == 1


def test_restore_recovers_a_database_that_no_longer_opens(cli, services, make_dossier, db_path, tmp_path) -> None:
    make_dossier()
    out = tmp_path / "good.osbak"
    services.backup.backup(out, actor="admin")
    services.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.write_bytes(b"this is not a database any more" * 100)
    unreadable = cli("dossier", "list")
    assert unreadable.code == 2 and "không phải cơ sở dữ liệu" in unreadable.stderr, unreadable.output
    result = cli("restore", str(out), "--yes")
    assert result.code == 0, result.output
    assert "cứu hộ" in result.stderr and count(db_path) == 1
    kept = list(db_path.parent.glob("onestop.db.before-restore-*"))
    assert kept and kept[0].read_bytes().startswith(b"this is not a database")


def _forge(good: Path, tmp_path: Path, *statements: str) -> Path:
    """A plain backup rebuilt by hand around an edited database, its manifest's checksum recomputed to match."""
    work = tmp_path / "forge"
    with tarfile.open(good, "r:gz") as tar:
        tar.extractall(work, filter="data")
    conn = sqlite3.connect(work / "onestop.db")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    manifest["db_sha256"] = sha(work / "onestop.db")
    manifest["db_size"] = (work / "onestop.db").stat().st_size
    (work / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    forged = tmp_path / "forged.osbak"
    with tarfile.open(forged, "w:gz") as tar:
        tar.add(work / "manifest.json", "manifest.json")
        tar.add(work / "onestop.db", "onestop.db")
    return forged


@pytest.mark.parametrize(
    ("statements", "why"),
    [
        (
            (
                "DROP TRIGGER audit_entry_no_update",
                "DROP TRIGGER audit_entry_no_delete",
                "UPDATE officer SET role='admin' WHERE username='canbo'",
            ),
            "thiếu trigger audit_entry_no_update",
        ),
        (("DROP TRIGGER audit_entry_no_replace",), "thiếu trigger audit_entry_no_replace"),
        (
            (
                "DROP TRIGGER audit_entry_no_delete",
                "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry WHEN 0 BEGIN SELECT 1; END",
            ),
            "trigger audit_entry_no_delete đã bị sửa",
        ),
        (
            (
                "CREATE TRIGGER promote AFTER INSERT ON audit_entry BEGIN "
                "UPDATE officer SET role='admin' WHERE username='canbo'; END",
            ),
            "trigger lạ promote",
        ),
        (("DROP INDEX ix_dossier_status_due",), "thiếu index ix_dossier_status_due"),
        (("DROP TABLE alembic_version",), "không có phiên bản lược đồ"),
    ],
)
def test_hand_made_backup_without_the_guards_is_refused(
    services, make_dossier, tmp_path, db_path, statements, why
) -> None:
    make_dossier()
    good = services.backup.backup(tmp_path / "good.osbak", actor="admin")
    forged = _forge(good.path, tmp_path, *statements)
    before, counts = sha(db_path), row_counts(db_path)
    with pytest.raises(BadInput) as caught:
        services.backup.restore(forged, actor="admin")
    assert why in caught.value.message or (why == "không có phiên bản lược đồ" and "bản kê" in caught.value.message)
    assert sha(db_path) == before and row_counts(db_path) == counts
    assert services.officers.get("canbo").role.value == "officer"


def test_cli_refuses_a_hand_made_backup_with_exit_2(cli, services, make_dossier, tmp_path, db_path) -> None:
    make_dossier()
    good = services.backup.backup(tmp_path / "good.osbak", actor="admin")
    forged = _forge(
        good.path,
        tmp_path,
        "DROP TRIGGER audit_entry_no_update",
        "UPDATE officer SET role='admin' WHERE username='canbo'",
    )
    result = cli("restore", str(forged), "--yes", "--officer", "admin")
    assert result.code == 2 and "bị sửa tay" in result.stderr, result.output
    assert services.officers.get("canbo").role.value == "officer"


def test_a_backup_that_kept_its_guards_still_restores(services, make_dossier, tmp_path, db_path) -> None:
    """The forge helper itself is not what is refused: an edit that leaves the schema alone passes the schema check."""
    make_dossier()
    good = services.backup.backup(tmp_path / "good.osbak", actor="admin")
    forged = _forge(good.path, tmp_path, "UPDATE setting SET value=value")
    report = services.backup.restore(forged, actor="admin")
    assert report.dossiers == 1
