"""Owner-only files and folders: personal data never becomes readable by another account on the counter PC.

The process sets umask 077 at start (`owner_only_umask`, called by every entry point); the helpers here make the
same promise explicit where a file or folder is created, so it holds even in a process that did not start there.
"""

from __future__ import annotations

import os
from pathlib import Path


def owner_only_umask() -> int:
    """Set umask 077 (new folders 0700, new files 0600); returns the previous mask."""
    return os.umask(0o077)


def private_dirs(path: Path) -> Path:
    """`mkdir -p` where every folder created is 0700; folders that already exist are left as they are."""
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(folder, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Make an existing file owner-only (0600)."""
    os.chmod(path, 0o600)
    return path
