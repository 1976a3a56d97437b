"""Where one workstation keeps its files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from onestop.config import Settings


@dataclass(frozen=True)
class Paths:
    """Where one workstation keeps its files (the database, attachments, archived PDFs, backups)."""

    db_path: Path
    files_dir: Path
    archive_dir: Path
    backup_dir: Path

    @classmethod
    def of(cls, db_path: Path, settings: Settings) -> Paths:
        data_dir = db_path.parent
        return cls(
            db_path=db_path,
            files_dir=data_dir / "files",
            archive_dir=Path(settings.archive_dir) if settings.archive_dir else data_dir / "archive",
            backup_dir=Path(settings.backup_dir) if settings.backup_dir else data_dir / "backups",
        )
