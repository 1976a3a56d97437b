"""Unexpected errors: logged to a private file for the IT team, reported plainly to the officer.

Tracebacks name code locations, not values; SQL parameters are hidden by the engine, so no citizen data
ends up in the log. Failures with a known cause (a full disk, a damaged database) are not "unexpected": `explain`
turns them into a plain Vietnamese message and a documented exit code. The log is always written somewhere: beside
the database, else in the temporary folder, else on stderr; a failed write never leaves an empty file behind.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import sqlite3
import sys
import tempfile
import traceback
from pathlib import Path

from onestop.errors import BadInput, DatabaseError, DiskFull, OneStopError

DISK_FULL_MESSAGE = (
    "Ổ đĩa đã đầy: hồ sơ CHƯA được lưu (thao tác vừa rồi không ghi gì dở). Hãy giải phóng dung lượng ổ đĩa "
    "(chuyển bản sao lưu cũ, tệp tải về sang nơi khác) rồi làm lại; dữ liệu đã lưu trước đó vẫn nguyên vẹn."
)
DAMAGED_MESSAGE = (
    "Cơ sở dữ liệu bị hỏng (không đọc được một phần tệp). Không có gì được ghi thêm. Hãy chạy 'onestop doctor' "
    "để kiểm tra, rồi khôi phục bản sao lưu gần nhất bằng 'onestop restore <tệp .osbak> --yes'."
)
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}


def log_path(db: Path | None = None) -> Path:
    from onestop.config import resolve_db_path

    return resolve_db_path(db).parent / "logs" / "onestop.log"


def fallback_log_path() -> Path:
    return Path(tempfile.gettempdir()) / f"onestop-{os.getuid() if hasattr(os, 'getuid') else 'user'}.log"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        orig = getattr(current, "orig", None)  # SQLAlchemy keeps the driver's error here
        if isinstance(orig, BaseException) and all(orig is not s for s in seen):
            seen.append(orig)
        current = current.__cause__ or current.__context__
    return seen


def is_disk_full(exc: BaseException) -> bool:
    for item in _chain(exc):
        if isinstance(item, OSError) and item.errno in _FULL_ERRNOS:
            return True
        if isinstance(item, sqlite3.DatabaseError):
            text = str(item).lower()
            if "database or disk is full" in text or getattr(item, "sqlite_errorname", "") == "SQLITE_FULL":
                return True
    return False


def is_damaged(exc: BaseException) -> bool:
    for item in _chain(exc):
        if isinstance(item, sqlite3.DatabaseError):
            name = getattr(item, "sqlite_errorname", "")
            text = str(item).lower()
            if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in text or "not a database" in text:
                return True
    return False


def explain(exc: BaseException) -> OneStopError | None:
    """A known real-world failure as a plain error with its exit code, or None for a genuine bug."""
    if isinstance(exc, OneStopError):
        return exc
    if is_disk_full(exc):
        return DiskFull(DISK_FULL_MESSAGE)
    if is_damaged(exc):
        return DatabaseError(DAMAGED_MESSAGE)
    for item in _chain(exc):
        if isinstance(item, sqlite3.OperationalError) and (
            "no such table" in str(item).lower() or "no such column" in str(item).lower()
        ):
            return DatabaseError(
                "Tệp cơ sở dữ liệu không đúng loại cho lệnh này (thiếu bảng dữ liệu): có thể đây là CSDL của máy quầy "
                "chứ không phải của máy chủ tỉnh, hoặc ngược lại. Hãy kiểm tra lại --db."
            )
        if isinstance(item, RecursionError):
            return BadInput(
                "Dữ liệu lồng nhau quá sâu, không phải định dạng mà onestop đọc được. Không có gì được ghi."
            )
        if type(item).__module__.startswith("httpx") and type(item).__name__ in ("InvalidURL", "UnsupportedProtocol"):
            return BadInput(
                "Địa chỉ máy chủ tỉnh không hợp lệ (ví dụ đúng: https://motcua.tinh.gov.vn). Không có gì được gửi."
            )
        if isinstance(item, OSError) and item.filename and item.errno not in _FULL_ERRNOS:
            reason = {
                errno.EISDIR: "là một thư mục",
                errno.ENOTDIR: "một phần đường dẫn không phải thư mục",
                errno.ENOENT: "không tồn tại hoặc không tạo được ở đó",
                errno.EACCES: "không có quyền",
                errno.EPERM: "không được phép",
                errno.EROFS: "ổ đĩa chỉ đọc",
            }.get(item.errno or 0, item.strerror or "lỗi hệ thống")
            return BadInput(f"Không đọc/ghi được {item.filename}: {reason}. Không có gì được ghi dở.")
    return None


_DIGITS_RE = re.compile(r"\d{6,}")
_TRUSTED_MESSAGES = ("sqlalchemy.", "sqlite3", "alembic.")


def _safe_message(exc: BaseException) -> str:
    """The exception's message only when it comes from the database layer (parameters hidden by the engine) or
    the OS, with long digit runs masked; anything else may quote an ID number, a name or a scan, so it is dropped."""
    module = type(exc).__module__ or ""
    if isinstance(exc, OSError) or module.startswith(_TRUSTED_MESSAGES):
        return _DIGITS_RE.sub("[số]", str(exc))[:2000]
    return "(nội dung ẩn: có thể chứa dữ liệu cá nhân)"


def safe_traceback(exc: BaseException) -> str:
    """Code locations of the whole exception chain, with messages filtered by `_safe_message`."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.format_tb(current.__traceback__, limit=30)
        lines.append(
            "".join(frames) + f"{type(current).__module__}.{type(current).__qualname__}: {_safe_message(current)}\n"
        )
        current = current.__cause__ or current.__context__
    header = "Traceback (most recent call last, newest exception first):\n"
    return header + "\n-- caused by --\n".join(lines)


def _append(target: Path, data: bytes) -> bool:
    """Append `data` whole, or not at all: a file this call created is removed again if the write failed."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        existed = target.exists()
        size = target.stat().st_size if existed else 0
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:
        return False
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        return True
    except OSError:
        try:
            os.ftruncate(fd, size)  # no torn entry at the end of an existing log
        except OSError:
            pass
        if not existed:
            try:
                os.unlink(target)
            except OSError:
                pass
        return False
    finally:
        os.close(fd)


def write_log(exc: BaseException, path: Path | None = None) -> Path | None:
    """Write the traceback to the first place that takes it; returns where (None: only stderr could)."""
    data = safe_traceback(exc).encode("utf-8")
    candidates = [path] if path is not None else []
    if path is None:
        try:
            candidates.append(log_path())
        except Exception:  # an unreadable configuration must not stop the crash report
            pass
    candidates.append(fallback_log_path())
    for target in candidates:
        if target is not None and _append(target, data):
            return target
    return None


def report_unexpected(exc: BaseException, path: Path | None = None, *, quiet: bool = False) -> int:
    """Write the traceback to the log (owner-only) and tell the officer where it is; returns exit code 1.

    `quiet`: only log (the TUI tells the officer itself; writing to the terminal would tear its screen).
    """
    target = write_log(exc, path)
    if target is not None:
        where = f" Chi tiết kỹ thuật đã ghi vào {target}."
    else:
        where = " Không ghi được tệp nhật ký (ổ đĩa đầy?); chi tiết kỹ thuật ở dưới."
        if not quiet:
            sys.stderr.write(safe_traceback(exc))
    if not quiet:
        sys.stderr.write(f"Lỗi không mong đợi ({type(exc).__name__}). Không có dữ liệu nào bị ghi dở.{where}\n")
    logging.getLogger("onestop").debug("unexpected error logged to %s", target)
    return 1


def undecodable_argument(argv: list[str]) -> str | None:
    """A message when an argument holds bytes that are not UTF-8 (Python keeps them as lone surrogates)."""
    for index, arg in enumerate(argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "replace").decode("utf-8")[:40]
            return (
                f"Tham số thứ {index} ('{shown}') có byte không phải UTF-8: hãy gõ lại bằng bộ gõ tiếng Việt Unicode "
                "(UTF-8). Không có gì được ghi."
            )
    return None


def db_option(argv: list[str]) -> Path | None:
    """The `--db` value wherever it is written (`--db X` or `--db=X`), for placing the crash log beside it."""
    for index, arg in enumerate(argv):
        if arg == "--db" and index + 1 < len(argv):
            return Path(argv[index + 1])
        if arg.startswith("--db="):
            return Path(arg[5:])
    return None
