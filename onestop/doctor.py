"""`onestop doctor`: checks an IT person runs first when something is wrong at the counter."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onestop.config import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str
    optional: bool = False


def _database_checks(db: Path | None, config: Path | None) -> list[Check]:
    from onestop.config import load_settings, resolve_config_path, resolve_db_path
    from onestop.errors import OneStopError

    checks: list[Check] = []
    try:
        settings = load_settings(resolve_config_path(config))
        checks.append(
            Check(
                "Cấu hình",
                True,
                f"{resolve_config_path(config)} ({settings.office.commune_name}, quầy {settings.office.counter_code})",
            )
        )
    except OneStopError as exc:
        return [Check("Cấu hình", False, exc.message)]
    db_path = resolve_db_path(db)
    damaged = _integrity_check(db_path, settings)
    if damaged is not None:
        return [*checks, damaged]
    try:
        from db.engine import current_revision, head_revision
        from onestop.services import open_services

        services = open_services(db_path, settings, prepare=False)
    except OneStopError as exc:
        return [*checks, Check("Cơ sở dữ liệu", False, exc.message + _restore_hint(db_path, settings))]
    try:
        with services.engine.connect() as conn:
            dossiers = conn.exec_driver_sql("SELECT count(*) FROM dossier").scalar_one()
            pending = conn.exec_driver_sql(
                "SELECT count(*) FROM outbox_item WHERE state NOT IN ('synced', 'discarded')"
            ).scalar_one()
        checks.append(Check("Toàn vẹn cơ sở dữ liệu", True, f"{db_path}: ok; {dossiers} hồ sơ"))
        revision, head = current_revision(services.engine), head_revision()
        checks.append(Check("Phiên bản lược đồ", revision == head, f"{revision} (mới nhất: {head})"))
        checks.append(Check("Hàng đợi đồng bộ", True, f"{pending} mục chưa đồng bộ"))
    except Exception as exc:  # a damaged page found only now: report it, never crash
        checks.append(
            Check(
                "Toàn vẹn cơ sở dữ liệu",
                False,
                f"{db_path}: đọc lỗi ({type(exc).__name__})." + _restore_hint(db_path, settings),
            )
        )
        services.close()
        return checks
    sync = settings.with_sync()
    if sync.sync.url:
        checks.append(_server_check(sync.sync.url, sync.sync.ca_file))
    else:
        checks.append(Check("Máy chủ tỉnh", False, "Chưa cấu hình sync.url (làm việc ngoại tuyến).", optional=True))
    printer = settings.printing.printer
    checks.append(_printer_check(printer))
    services.close()
    return checks


def _integrity_check(db_path: Path, settings: Settings) -> Check | None:
    """SQLite's own integrity check on a read-only connection; a Check when the file is damaged, else None."""
    import sqlite3

    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)").fetchall()]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        rows = [f"không đọc được ({exc})"]
    if rows == ["ok"]:
        return None
    shown = "; ".join(rows[:3]) + (f" (và {len(rows) - 3} lỗi khác)" if len(rows) > 3 else "")
    return Check(
        "Toàn vẹn cơ sở dữ liệu",
        False,
        f"{db_path} bị hỏng: {shown}." + _restore_hint(db_path, settings),
    )


def _restore_hint(db_path: Path, settings: Settings) -> str:
    """How to get the counter working again: the newest backup by name, and the command."""
    folder = Path(settings.backup_dir) if settings.backup_dir else db_path.parent / "backups"
    try:
        backups = sorted(folder.glob("*.osbak"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        backups = []
    if backups:
        return (
            f" Cách khắc phục: đóng ứng dụng quầy, rồi chạy 'onestop restore {backups[0]} --yes' "
            f"(bản sao lưu mới nhất; còn {len(backups)} bản trong {folder}). CSDL hiện tại được giữ lại bên cạnh."
        )
    return (
        f" Cách khắc phục: khôi phục bản sao lưu gần nhất (ổ USB, máy chủ) bằng 'onestop restore <tệp .osbak> --yes'; "
        f"chưa thấy bản sao lưu nào trong {folder}."
    )


def _server_check(url: str, ca_file: str) -> Check:
    import httpx

    try:
        reply = httpx.get(url.rstrip("/") + "/v1/health", timeout=5, verify=ca_file or True)
        return Check("Máy chủ tỉnh", reply.status_code == 200, f"{url}: HTTP {reply.status_code}", optional=True)
    except httpx.HTTPError as exc:
        return Check("Máy chủ tỉnh", False, f"Không kết nối được {url} ({type(exc).__name__}).", optional=True)


def _printer_check(printer: str) -> Check:
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return Check("Máy in", False, "Không có CUPS (lpstat) trên máy này; phiếu vẫn được lưu PDF.", optional=True)
    args = [lpstat, "-p", printer] if printer else [lpstat, "-d"]
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return Check("Máy in", False, "CUPS không trả lời.", optional=True)
    text = (out.stdout or out.stderr).strip().splitlines()
    message = text[0] if text else "không rõ"
    ok = out.returncode == 0 and "no system default" not in message
    return Check("Máy in", ok, message if ok else f"Chưa có máy in mặc định ({message}).", optional=True)


def _font_check() -> Check:
    from importlib import resources

    fonts = sorted(p.name for p in resources.files("receipts").joinpath("fonts").iterdir() if p.name.endswith(".ttf"))
    return Check("Phông chữ phiếu in", bool(fonts), ", ".join(fonts) or "thiếu phông Liberation Serif")


def run_checks(db: Path | None, config: Path | None) -> list[Check]:
    return [*_database_checks(db, config), _font_check()]
