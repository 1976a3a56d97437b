"""Owner-only files: database (and its WAL), data dir, config, backups, attachments, exports, crash log."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import INTAKE_ARGS, init_commune
from tests.trust.conftest import mode


@pytest.fixture(autouse=True)
def permissive_umask():
    """Prove the modes are set explicitly, not inherited from a strict umask."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_init_creates_owner_only_database_config_and_dirs(tmp_path: Path) -> None:
    db = tmp_path / "new-data" / "onestop.db"
    config = tmp_path / "new-config" / "config.toml"
    init_commune(db, config, admin="quantri", password="matkhau-quantri")
    assert mode(db) == 0o600 and mode(db.parent) == 0o700
    assert mode(config) == 0o600 and mode(config.parent) == 0o700


def test_wal_and_shm_are_owner_only_while_the_database_is_open(tmp_path: Path, settings) -> None:
    """The -wal/-shm files exist only while a connection is open: check them then, not after the process ended."""
    from onestop.services import open_services

    db = tmp_path / "data" / "onestop.db"
    svc = open_services(db, settings)
    try:
        with svc.engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM dossier").scalar_one()
            sides = [Path(f"{db}-wal"), Path(f"{db}-shm")]
            assert all(side.exists() for side in sides)
            assert [mode(side) for side in sides] == [0o600, 0o600]
    finally:
        svc.close()


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


@pytest.fixture
def renderer():
    """The services of this module draw real PDFs (receipts, the tracking book)."""
    from onestop.printing import ReceiptsRenderer

    return ReceiptsRenderer()


def test_archive_reports_and_book_are_owner_only_without_the_umask(services, make_dossier, tmp_path) -> None:
    """Under a permissive umask (a library caller), archive/YYYY/MM, archive/reports and the book PDF are private."""
    from datetime import date

    from onestop.domain import now_vn

    dossier = make_dossier()
    pdf = services.forms.issue(dossier.code, officer="canbo", print_it=False).pdf_path
    month = services.archive_dir / now_vn().strftime("%Y/%m")
    assert mode(pdf) == 0o600 and mode(month) == 0o700 and mode(month.parent) == 0o700
    assert mode(services.archive_dir) == 0o700
    today = date.today()
    book = services.archive_dir / "reports" / "so.pdf"
    services.reports.write_book(
        services.reports.book(today, today, actor="lanhdao"), today, today, book, actor="lanhdao"
    )
    assert mode(book) == 0o600 and mode(book.parent) == 0o700
    monthly = services.reports.monthly(f"{today:%Y-%m}", actor="lanhdao")
    for fmt in ("csv", "xlsx"):
        out = services.reports.write_monthly(monthly, fmt, tmp_path / "out" / f"m.{fmt}", actor="lanhdao")
        assert mode(out) == 0o600
    assert mode(tmp_path / "out") == 0o700


def test_a_full_day_leaves_nothing_readable_by_others(tmp_path: Path) -> None:
    """init, intake with a scan, receipt, reports, the book, exports, backup and a sync with the real province
    server (a subprocess started by `onestop province serve`), every step a CLI run started from umask 022."""
    import re
    import stat

    from tests.sync.conftest import ProcessServer
    from tests.trust.conftest import run_cli

    data, province_dir = tmp_path / "data", tmp_path / "province"
    db, config = data / "onestop.db", tmp_path / "cfg" / "config.toml"
    common = ["--db", str(db), "--config", str(config)]
    server_db = province_dir / "province.db"

    def ok(*args: str, stdin: str = "", common_args: list[str] | None = None) -> str:
        result = run_cli([*args, *(common if common_args is None else common_args)], stdin)
        assert result.code == 0, (args, result.output)
        return result.stdout

    init_commune(db, config)
    ok("login", "admin", "--password-stdin", stdin="matkhau-admin\n")
    province_dir.mkdir(mode=0o700)
    token_out = ok(
        "province", "token", "--counter", "01", "--db", str(server_db), "--config", str(config), common_args=[]
    )
    token = re.search(r"Mã truy cập: (\S+)", token_out).group(1)
    from dataclasses import replace

    from onestop.config import load_settings, write_settings

    server = ProcessServer(str(server_db))
    settings = load_settings(config)
    write_settings(replace(settings, sync=replace(settings.sync, url=server.url, token=token)), config)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF scan")
    code = ok(
        *INTAKE_ARGS,
        "--attach",
        str(scan),
        "--officer",
        "admin",
        "--json",
    )
    dossier_code = re.search(r'"code": "([^"]+)"', code).group(1)
    ok("receipt", dossier_code, "--officer", "admin")
    today = __import__("datetime").date.today()
    ok("report", "book", "--from", f"{today:%Y-%m-01}", "--to", f"{today:%Y-%m-%d}", "--officer", "admin")
    ok(
        "report",
        "monthly",
        "--month",
        f"{today:%Y-%m}",
        "--officer",
        "admin",
        "--out",
        str(data / "exports" / "thang.xlsx"),
    )
    ok("citizen", "export", "038190012345", "--officer", "admin", "--out", str(data / "exports" / "cd.json"))
    ok("audit", "export", "--officer", "admin", "--out", str(data / "exports" / "audit.csv"))
    ok("backup", "--officer", "admin")
    server.start()
    try:
        ok("sync", "--once")
    finally:
        server.kill()
    loose = []
    for root in (data, config.parent, province_dir):
        for path in [root, *root.rglob("*")]:
            st = path.lstat()
            if stat.S_IMODE(st.st_mode) & 0o077:
                loose.append(f"{path.relative_to(tmp_path)} {stat.S_IMODE(st.st_mode):o}")
    assert loose == []
    made = {p.relative_to(data).parts[0] for p in data.rglob("*")}
    assert {"archive", "backups", "files", "exports"} <= made, made
    assert list((data / "archive" / "reports").glob("*.pdf")) and list((data / "archive").glob("20*/*/*.pdf"))
    assert server_db.exists()
