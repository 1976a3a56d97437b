"""Owner-only files: database (and its WAL), data dir, config, backups, attachments, exports, crash log."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.trust.conftest import mode


@pytest.fixture(autouse=True)
def permissive_umask():
    """Prove the modes are set explicitly, not inherited from a strict umask."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_init_creates_owner_only_database_config_and_dirs(tmp_path: Path) -> None:
    from tests.trust.conftest import run_cli

    db = tmp_path / "new-data" / "onestop.db"
    config = tmp_path / "new-config" / "config.toml"
    result = run_cli(
        [
            "init",
            "--commune",
            "Xã Quảng Phú",
            "--agency-code",
            "H56.14",
            "--province",
            "Thanh Hóa",
            "--counter",
            "01",
            "--admin",
            "quantri",
            "--password-stdin",
            "--db",
            str(db),
            "--config",
            str(config),
        ],
        "matkhau-quantri\n",
    )
    assert result.code == 0, result.output
    assert mode(db) == 0o600 and mode(db.parent) == 0o700
    assert mode(config) == 0o600 and mode(config.parent) == 0o700
    for side in (Path(f"{db}-wal"), Path(f"{db}-shm")):
        if side.exists():
            assert mode(side) == 0o600


def test_backups_attachments_and_exports_are_owner_only(services, make_dossier, applicant, tmp_path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF scan")
    make_dossier(attachments=((0, str(scan)),))
    stored = next(services.files_dir.glob("??/*"))
    assert mode(stored) == 0o600 and mode(stored.parent) == 0o700
    backup = services.backup.backup(actor="admin")
    assert mode(backup.path) == 0o600 and mode(backup.path.parent) == 0o700
    usb = services.backup.backup(tmp_path / "usb" / "copy.osbak", passphrase="mat-khau-usb", actor="admin")
    assert mode(usb.path) == 0o600 and mode(usb.path.parent) == 0o700
    assert not [p for p in services.backup_dir.iterdir() if p.name.startswith(".")]  # no temp leftovers
    report = services.backup.restore(backup.path, actor="admin")
    assert report.previous_db and mode(report.previous_db) == 0o600 and mode(services.db_path) == 0o600
    out = services.privacy.write_export(
        services.privacy.export_citizen(applicant.id_number, "lanhdao"), tmp_path / "exp.json"
    )
    assert mode(out) == 0o600
    services.audit.export_csv(tmp_path / "audit.csv", actor="lanhdao")
    assert mode(tmp_path / "audit.csv") == 0o600


def test_an_existing_shared_folder_is_not_tightened(tmp_path: Path, settings) -> None:
    """Pointing --db into an existing folder must not chmod that folder (it may be shared)."""
    from onestop.services import open_services

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    svc = open_services(shared / "onestop.db", settings)
    svc.close()
    assert mode(shared) == 0o755 and mode(shared / "onestop.db") == 0o600
