"""Unexpected errors: logged to a private file for the IT team, reported plainly to the officer.

Tracebacks name code locations, not values; SQL parameters are hidden by the engine, so no citizen data
ends up in the log.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import traceback
from pathlib import Path


def log_path() -> Path:
    from onestop.config import resolve_db_path

    return resolve_db_path(None).parent / "logs" / "onestop.log"


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


def report_unexpected(exc: BaseException, path: Path | None = None, *, quiet: bool = False) -> int:
    """Write the traceback to the log (owner-only) and tell the officer where it is; returns exit code 1.

    `quiet`: only log (the TUI tells the officer itself; writing to the terminal would tear its screen).
    """
    target = path or log_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(safe_traceback(exc))
        where = f" Chi tiết kỹ thuật đã ghi vào {target}."
    except OSError:
        where = ""
    if not quiet:
        sys.stderr.write(f"Lỗi không mong đợi ({type(exc).__name__}). Không có dữ liệu nào bị ghi dở.{where}\n")
    logging.getLogger("onestop").debug("unexpected error logged to %s", target)
    return 1
