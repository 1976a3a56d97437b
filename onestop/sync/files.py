"""Digitised files (số hóa) on the sync path: which files a frozen payload references, reading them back from the
content-addressed store beside the database (`files_dir / sha[:2] / sha`, see `IntakeService.store_file`) with a
SHA-256 check, and writing downloaded ones atomically (temp name, fsync, 0600, rename).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from onestop.sync.protocol import FILES_MARK as FILES_MARK  # re-exported for the push path
from onestop.sync.protocol import SHA256_RE
from onestop.sync.protocol import FileRef as FileRef
from onestop.sync.protocol import payload_files as payload_files

OK, MISSING, MISMATCH = "ok", "missing", "mismatch"


def local_path(files_dir: Path, sha256: str) -> Path:
    if not SHA256_RE.match(sha256):
        raise ValueError("not a SHA-256")
    return files_dir / sha256[:2] / sha256


def read_verified(files_dir: Path, sha256: str) -> tuple[str, bytes]:
    """(OK, bytes), (MISSING, b"") or (MISMATCH, b"") for the stored copy of a file."""
    try:
        data = local_path(files_dir, sha256).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return MISSING, b""
    if hashlib.sha256(data).hexdigest() != sha256:
        return MISMATCH, b""
    return OK, data


def write_atomic(files_dir: Path, sha256: str, data: bytes) -> bool:
    """Store downloaded bytes under their SHA-256: False (nothing written) when they do not match it."""
    if hashlib.sha256(data).hexdigest() != sha256:
        return False
    target = local_path(files_dir, sha256)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.parent / f".{sha256}.{os.getpid()}.{secrets.token_hex(4)}.part"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True
