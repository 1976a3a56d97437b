"""Services: one per capability, each call owning one transaction and returning domain objects.

`Services` is the composition root of the core: every service gets its dependencies through its constructor
here, and nowhere else. `open_services()` is the single factory used by the CLI, the TUI and the tests.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from onestop.config import Settings
from onestop.ports import FormRenderer, NoRenderer
from onestop.services.paths import Paths

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from onestop.declarations.service import DeclarationService
    from onestop.services.audit import AuditService
    from onestop.services.backup import BackupService
    from onestop.services.calendar_service import CalendarService
    from onestop.services.catalog import CatalogService
    from onestop.services.digitisation import DigitisationService
    from onestop.services.fee_receipts import FeeReceiptService
    from onestop.services.forms import FormsService
    from onestop.services.intake import IntakeService
    from onestop.services.kpi import KpiService
    from onestop.services.lifecycle import DossierService
    from onestop.services.officers import OfficerService
    from onestop.services.privacy import PrivacyService
    from onestop.services.ratings import RatingService
    from onestop.services.reports import ReportService
    from onestop.services.search import SearchService
    from onestop.sync.service import SyncService


class Services:
    """The application's services bound to one database, one configuration and one form renderer.

    Each service is built on first use from explicit constructor arguments; none receives this container.
    Assigning new `settings` (an edited configuration) rebuilds, on next use, every service built on the old ones.
    """

    def __init__(self, engine: Engine, settings: Settings, db_path: Path, renderer: FormRenderer | None = None) -> None:
        self.engine = engine
        self._settings = settings
        self.db_path = db_path
        self.renderer: FormRenderer = renderer or NoRenderer()
        """Draws and prints the counter's paper (`onestop.printing.ReceiptsRenderer` in the CLI and the TUI)."""

    @property
    def settings(self) -> Settings:
        return self._settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self._settings = value
        built = {name: self.__dict__.pop(name) for name in _BUILT if name in self.__dict__}
        if "sync" in built:
            built["sync"].close()  # its HTTP client was bound to the old server address and token

    @cached_property
    def paths(self) -> Paths:
        return Paths.of(self.db_path, self.settings)

    @property
    def data_dir(self) -> Path:
        return self.db_path.parent

    @property
    def files_dir(self) -> Path:
        return self.paths.files_dir

    @property
    def archive_dir(self) -> Path:
        return self.paths.archive_dir

    @property
    def backup_dir(self) -> Path:
        return self.paths.backup_dir

    @cached_property
    def officers(self) -> OfficerService:
        from onestop.services.officers import OfficerService

        return OfficerService(self.engine)

    @cached_property
    def audit(self) -> AuditService:
        from onestop.services.audit import AuditService

        return AuditService(self.engine, self.officers)

    @cached_property
    def catalog(self) -> CatalogService:
        from onestop.services.catalog import CatalogService

        return CatalogService(self.engine, self.officers)

    @cached_property
    def calendar(self) -> CalendarService:
        from onestop.services.calendar_service import CalendarService

        return CalendarService(self.engine, self.settings.office.hours, self.officers)

    @cached_property
    def intake(self) -> IntakeService:
        from onestop.services.intake import IntakeService

        return IntakeService(
            self.engine, self.settings, self.catalog, self.calendar, self.officers, self.declarations, self.files_dir
        )

    @cached_property
    def declarations(self) -> DeclarationService:
        """Declaration forms (tờ khai): definitions, preparing and showing a dossier's declaration."""
        from onestop.declarations.service import DeclarationService

        return DeclarationService(self.engine, self.officers)

    @cached_property
    def dossiers(self) -> DossierService:
        """Lifecycle state machine and dossier reads (onestop/services/lifecycle.py)."""
        from onestop.services.lifecycle import DossierService

        return DossierService(self.engine, self.settings, self.officers, self.calendar)

    @cached_property
    def search(self) -> SearchService:
        """One-box folded search and work queues (onestop/services/search.py)."""
        from onestop.services.search import SearchService

        return SearchService(self.engine)

    @cached_property
    def forms(self) -> FormsService:
        """Composing counter forms, archiving PDFs and logging prints (onestop/services/forms.py)."""
        from onestop.services.forms import FormsService

        return FormsService(self.engine, self.settings, self.renderer, self.archive_dir)

    @cached_property
    def reports(self) -> ReportService:
        """Monthly statistics and the tracking book (onestop/services/reports.py)."""
        from onestop.services.reports import ReportService

        return ReportService(
            self.engine, self.settings.office, self.officers, self.audit, self.catalog, self.renderer, self.archive_dir
        )

    @cached_property
    def sync(self) -> SyncService:
        """Outbox, provincial client and pull feed (onestop/sync/service.py)."""
        from onestop.sync.service import SyncService

        return SyncService(
            self.engine, self.settings, self.files_dir, self.catalog, self.calendar, self.officers, self.audit
        )

    @cached_property
    def backup(self) -> BackupService:
        """Online backup, verified restore, rotation (onestop/services/backup.py)."""
        from onestop.services.backup import BackupService

        return BackupService(self.engine, self.settings, self.paths, self.officers, self.audit)

    @cached_property
    def ratings(self) -> RatingService:
        """Citizens' satisfaction per dossier (onestop/services/ratings.py)."""
        from onestop.services.ratings import RatingService

        return RatingService(self.engine, self.settings)

    @cached_property
    def digitisation(self) -> DigitisationService:
        """Digitised results and reuse of earlier digitised papers (onestop/services/digitisation.py)."""
        from onestop.services.digitisation import DigitisationService

        return DigitisationService(self.engine, self.settings, self.files_dir)

    @cached_property
    def fee_receipts(self) -> FeeReceiptService:
        """Fee receipt series, paper receipts and reconciliation (onestop/services/fee_receipts.py)."""
        from onestop.services.fee_receipts import FeeReceiptService

        return FeeReceiptService(self.engine, self.officers)

    @cached_property
    def kpi(self) -> KpiService:
        """The QĐ 766 scorecard (onestop/services/kpi.py)."""
        from onestop.services.kpi import KpiService

        return KpiService(self.engine, self.calendar, self.settings.office.commune_name, self.renderer)

    @cached_property
    def privacy(self) -> PrivacyService:
        """Retention purge and a citizen's data export (onestop/services/privacy.py)."""
        from onestop.services.privacy import PrivacyService

        return PrivacyService(self.engine, self.settings, self.files_dir, self.officers)

    def prepare(self) -> None:
        """First-use seeding: the shipped catalog and the working-day calendar, and the commune profile.

        Skipped, without a transaction or the services' imports, when the database is as the last run left it:
        the same packaged calendar and profile, the same calendar rows, a catalog loaded (`_PREPARED_KEY`)."""
        with self.engine.connect() as conn:
            stamp = _prepared_stamp(conn, self.settings)
            if stamp is not None and stamp == _stored_stamp(conn):
                return
        self.catalog.ensure_shipped()
        self.calendar.ensure_seeded()
        self.store_profile()
        with self.engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
            stamp = _prepared_stamp(conn, self.settings)
            if stamp is not None:
                conn.exec_driver_sql(
                    "INSERT INTO setting(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (_PREPARED_KEY, stamp),
                )

    def store_profile(self) -> None:
        """Mirror the commune profile into the database (other tools and backups can read it)."""
        from onestop.services.profile import store_profile

        store_profile(self.engine, self.settings.office)

    def close(self) -> None:
        from db.engine import dispose

        dispose(self.engine)


_PREPARED_KEY = "prepared.stamp"
_PREPARED_SOURCES = ("data/holidays.toml", "calendar/holidays.py", "services/calendar_service.py")
"""What the seeded calendar is computed from (the packaged notices, the rules, the seeded years)."""


def _prepared_stamp(conn: Connection, settings: Settings) -> str | None:
    """A digest of what `prepare` would compare (None: a catalog was never loaded, so it has work to do)."""
    import hashlib

    if conn.exec_driver_sql("SELECT 1 FROM catalog_version LIMIT 1").first() is None:
        return None
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for name in _PREPARED_SOURCES:
        digest.update((package / name).read_bytes())
    office = settings.office
    digest.update(repr((office.commune_name, office.agency_code, office.province, office.counter_code)).encode())
    for sql in (
        "SELECT key, value FROM setting WHERE key LIKE 'commune.%' ORDER BY key",  # the profile as stored
        "SELECT day, kind, reason, source, to_confirm FROM calendar_day ORDER BY day",
    ):
        for row in conn.exec_driver_sql(sql):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def _stored_stamp(conn: Connection) -> str | None:
    return conn.exec_driver_sql("SELECT value FROM setting WHERE key = ?", (_PREPARED_KEY,)).scalar()


_BUILT = tuple(name for name, value in vars(Services).items() if isinstance(value, cached_property))
"""The services (and paths) built on first use; all derive from the settings."""


def open_services(
    db_path: Path, settings: Settings, *, renderer: FormRenderer | None = None, prepare: bool = True
) -> Services:
    """Open the database (creating and migrating it), and return the services bound to it.

    `renderer` draws and prints forms and PDF reports; without one, those calls refuse with a clear message.
    """
    from onestop.services.database import open_database

    engine = open_database(db_path)
    services = Services(engine, settings, db_path, renderer)
    if prepare:
        services.prepare()
    return services


def open_for_rescue(db_path: Path, settings: Settings) -> Services:
    """Services on a database that cannot be opened normally (a newer or damaged schema), neither created nor
    migrated: only a restore may use them, as the owner of the data files."""
    from db.engine import make_engine

    return Services(make_engine(db_path), settings, db_path)
