"""Unexpected errors: logged to a private file for the IT team, reported plainly to the officer.

Tracebacks name code locations, not values; SQL parameters are hidden by the engine, so no citizen data
ends up in the log.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path


def log_path() -> Path:
    from onestop.config import resolve_db_path

    return resolve_db_path(None).parent / "logs" / "onestop.log"


def report_unexpected(exc: BaseException, path: Path | None = None) -> int:
    """Write the traceback to the log (owner-only) and tell the officer where it is; returns exit code 1."""
    target = path or log_path()
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=30)))
        where = f" Chi tiết kỹ thuật đã ghi vào {target}."
    except OSError:
        where = ""
    sys.stderr.write(f"Lỗi không mong đợi ({type(exc).__name__}). Không có dữ liệu nào bị ghi dở.{where}\n")
    logging.getLogger("onestop").debug("unexpected error logged to %s", target)
    return 1
