"""Services: one per capability, each call owning one transaction and returning domain objects.

`open_services()` is the single factory used by the CLI, the TUI and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onestop.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from onestop.services.audit import AuditService
    from onestop.services.calendar_service import CalendarService
    from onestop.services.catalog import CatalogService
    from onestop.services.intake import IntakeService
    from onestop.services.officers import OfficerService


@dataclass
class Services:
    """The application's services bound to one database and one configuration."""

    engine: Engine
    settings: Settings
    db_path: Path
    form_ports: Any = None
    """Renderer + printer for counter forms, installed by the composition root (`onestop.printing`)."""

    @property
    def data_dir(self) -> Path:
        return self.db_path.parent

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def archive_dir(self) -> Path:
        return Path(self.settings.archive_dir) if self.settings.archive_dir else self.data_dir / "archive"

    @property
    def backup_dir(self) -> Path:
        return Path(self.settings.backup_dir) if self.settings.backup_dir else self.data_dir / "backups"

    @cached_property
    def audit(self) -> AuditService:
        from onestop.services.audit import AuditService

        return AuditService(self.engine)

    @cached_property
    def officers(self) -> OfficerService:
        from onestop.services.officers import OfficerService

        return OfficerService(self.engine)

    @cached_property
    def catalog(self) -> CatalogService:
        from onestop.services.catalog import CatalogService

        return CatalogService(self.engine)

    @cached_property
    def calendar(self) -> CalendarService:
        from onestop.services.calendar_service import CalendarService

        return CalendarService(self.engine, self.settings.office.hours)

    @cached_property
    def intake(self) -> IntakeService:
        from onestop.services.intake import IntakeService

        return IntakeService(self.engine, self.settings, self.catalog, self.calendar, self.officers, self.files_dir)

    # Areas built on the core above; each takes the container so it can reach engine, settings and peers.

    @cached_property
    def dossiers(self):  # type: ignore[no-untyped-def]
        """Lifecycle state machine and dossier reads (onestop/services/lifecycle.py)."""
        from onestop.services.lifecycle import DossierService

        return DossierService(self)

    @cached_property
    def search(self):  # type: ignore[no-untyped-def]
        """One-box folded search and work queues (onestop/services/search.py)."""
        from onestop.services.search import SearchService

        return SearchService(self)

    @cached_property
    def reports(self):  # type: ignore[no-untyped-def]
        """Monthly statistics and the tracking book (onestop/services/reports.py)."""
        from onestop.services.reports import ReportService

        return ReportService(self)

    @cached_property
    def forms(self):  # type: ignore[no-untyped-def]
        """Composing counter forms, archiving PDFs and logging prints (onestop/services/forms.py)."""
        from onestop.services.forms import FormsService

        return FormsService(self)

    @cached_property
    def sync(self):  # type: ignore[no-untyped-def]
        """Outbox, provincial client and pull feed (onestop/sync/service.py)."""
        from onestop.sync.service import SyncService

        return SyncService(self)

    @cached_property
    def backup(self):  # type: ignore[no-untyped-def]
        """Online backup, verified restore, rotation (onestop/services/backup.py)."""
        from onestop.services.backup import BackupService

        return BackupService(self)

    @cached_property
    def privacy(self):  # type: ignore[no-untyped-def]
        """Retention purge and a citizen's data export (onestop/services/privacy.py)."""
        from onestop.services.privacy import PrivacyService

        return PrivacyService(self)

    def prepare(self) -> None:
        """First-use seeding: the shipped catalog and the working-day calendar."""
        self.catalog.ensure_shipped()
        self.calendar.ensure_seeded()
        self.store_profile()

    def store_profile(self) -> None:
        """Mirror the commune profile into the database (other tools and backups can read it)."""
        from db import models
        from db.engine import session_scope

        o = self.settings.office
        with session_scope(self.engine, write=True) as s:
            for key, value in (
                ("commune.name", o.commune_name),
                ("commune.agency_code", o.agency_code),
                ("commune.province", o.province),
                ("commune.counter", o.counter_code),
            ):
                row = s.get(models.Setting, key) or models.Setting(key=key)
                if row.value != value:
                    row.value = value
                    s.add(row)

    def close(self) -> None:
        self.engine.dispose()


def open_services(db_path: Path, settings: Settings, *, prepare: bool = True) -> Services:
    """Open the database (creating and migrating it), and return the services bound to it."""
    from onestop.services.database import open_database

    engine = open_database(db_path)
    services = Services(engine=engine, settings=settings, db_path=db_path)
    if prepare:
        services.prepare()
    return services
