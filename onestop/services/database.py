"""Opening the local database: file checks, owner-only permissions, migrations, readable failures."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

from onestop.errors import DatabaseError


def _secure(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if candidate.exists():
            os.chmod(candidate, 0o600)


def open_database(path: Path, *, migrate: bool = True) -> Engine:
    """Open (creating and migrating if needed) the SQLite database at `path`, or raise `DatabaseError`."""
    from db.engine import SchemaError, check_file, make_engine, upgrade

    try:
        check_file(path)
        created_dir = not path.parent.exists()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if created_dir:  # only a folder we created: never tighten a shared folder the user pointed at
            os.chmod(path.parent, 0o700)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        engine = make_engine(path)
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1 FROM sqlite_master LIMIT 1")
            fts = conn.exec_driver_sql("PRAGMA compile_options").fetchall()
            if not any("FTS5" in row[0] for row in fts):
                raise DatabaseError("Thư viện SQLite trên máy này không có FTS5; không thể tìm kiếm hồ sơ.")
        if migrate:
            upgrade(engine)
        _secure(path)
        return engine
    except SchemaError as exc:
        raise DatabaseError(_schema_message(exc.reason, path)) from exc
    except PermissionError as exc:
        raise DatabaseError(f"Không có quyền ghi vào thư mục dữ liệu {path.parent}.") from exc
    except sqlite3.DatabaseError as exc:
        _raise_if_disk_full(exc, path)
        raise DatabaseError(_sqlite_message(exc, path)) from exc
    except Exception as exc:  # SQLAlchemy wraps sqlite3 errors
        orig = getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.DatabaseError):
            _raise_if_disk_full(orig, path)
            raise DatabaseError(_sqlite_message(orig, path)) from exc
        raise


def _raise_if_disk_full(exc: sqlite3.DatabaseError, path: Path) -> None:
    """SQLite reports a full disk while opening as SQLITE_FULL or as a plain I/O error (the -shm/-wal could not grow)."""
    import shutil

    from onestop.crashlog import DISK_FULL_MESSAGE, is_disk_full
    from onestop.errors import DiskFull

    try:
        nearly_full = shutil.disk_usage(path.parent).free < 256 * 1024
    except OSError:
        nearly_full = False
    if is_disk_full(exc) or ("disk i/o error" in str(exc).lower() and nearly_full):
        raise DiskFull(DISK_FULL_MESSAGE) from exc


def _schema_message(reason: str, path: Path) -> str:
    return {
        "not_sqlite": f"Tệp {path} không phải cơ sở dữ liệu SQLite của onestop. Không có gì bị thay đổi.",
        "read_only": f"Thư mục hoặc tệp dữ liệu {path} chỉ đọc; không thể ghi hồ sơ. Hãy kiểm tra quyền truy cập.",
        "newer": f"Cơ sở dữ liệu {path} được tạo bởi phiên bản onestop mới hơn. Hãy cập nhật phần mềm; "
        "không có gì bị thay đổi.",
    }.get(reason, f"Không mở được cơ sở dữ liệu {path}.")


def _sqlite_message(exc: sqlite3.DatabaseError, path: Path) -> str:
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        return f"Cơ sở dữ liệu {path} chỉ đọc; không thể ghi hồ sơ."
    if "not a database" in text or "malformed" in text:
        return f"Tệp {path} không phải cơ sở dữ liệu SQLite hợp lệ hoặc đã bị hỏng."
    if "locked" in text or "busy" in text:
        return f"Cơ sở dữ liệu {path} đang bị khóa bởi chương trình khác. Hãy thử lại."
    if "unable to open" in text:
        return f"Không mở được tệp cơ sở dữ liệu {path}."
    return f"Lỗi cơ sở dữ liệu {path}: {exc}"
