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


def check_output_file(out: Path, *, field: str = "out") -> Path:
    """Refuse, before anything is written, an output path that is a folder, a device or a special file, or that
    lies in a folder the program cannot write (`BadInput`, exit 2)."""
    from onestop.errors import BadInput

    out = Path(out)
    if out.is_dir():
        raise BadInput(f"{out} là một thư mục; hãy ghi rõ tên tệp kết quả (ví dụ {out / 'ket-qua.pdf'}).", field=field)
    if out.exists() and not out.is_file():
        raise BadInput(f"{out} không phải một tệp thường; hãy chọn tệp khác.", field=field)
    probe = out.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if (
        not probe.is_dir()
        or not os.access(probe, os.W_OK | os.X_OK)
        or str(probe.resolve()).startswith(("/proc", "/sys", "/dev"))
    ):
        raise BadInput(f"Không ghi được vào thư mục {probe}; hãy chọn nơi lưu khác.", field=field)
    return out
