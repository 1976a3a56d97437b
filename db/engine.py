"""Engine, SQLite pragmas, transactions and the migration runner.

SQLite is driven with explicit BEGIN so that DDL is transactional (a migration either lands whole or not at
all) and so that writers can take the write lock up front (BEGIN IMMEDIATE) instead of failing on upgrade.
"""

from __future__ import annotations

import atexit
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

if TYPE_CHECKING:
    from alembic.config import Config

SQLITE_HEADER = b"SQLite format 3\x00"
SCHEMA_HEAD = "0008"
"""The newest migration's revision; lets an up-to-date database open without importing Alembic (~250 ms).
A test checks it against Alembic's own head, so a new migration cannot forget to update it."""
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaError(Exception):
    """The file cannot be used as this application's database; `reason` says why (a stable key)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()
    cursor.execute("PRAGMA synchronous=FULL")
    # The engine's `Checkpointer` folds the WAL back in a background thread; a commit checkpoints only when a writer
    # never pauses long enough for it to catch up (a long batch), so that the WAL stays bounded.
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT}")
    cursor.close()
    if mode and str(mode[0]).lower() != "wal":
        # Read-only media or a locked file: WAL could not be enabled.
        pass


WAL_AUTOCHECKPOINT = 4000
"""Pages in the WAL past which a commit checkpoints itself (SQLite's default is 1,000): reached only while writes
follow one another without a pause (a long batch, a bench loop), the background checkpoint otherwise having
copied the WAL back whenever the writer paused."""
QUIET_S = 0.3
"""Seconds without a write after which the background checkpoint runs (`Checkpointer`)."""


CATCH_UP_ROUNDS = 4


class Checkpointer:
    """Folds the WAL back into the database file in a background thread once the engine's writer pauses
    (`QUIET_S` after its last write transaction), instead of inside whichever commit crosses SQLite's automatic
    threshold (that commit used to pay for copying a thousand pages and syncing the database file: one intake
    save in sixteen at a million dossiers). Waiting for a pause keeps the checkpoint's own writes and syncs away
    from the commits they would slow down (a checkpoint every few saves while saves follow one another made one
    save in eight wait for the disk). The threshold stays, higher (`WAL_AUTOCHECKPOINT`), as the bound for
    writers that never pause.

    The checkpoint is PASSIVE: it never waits for nor blocks readers or writers, and what it cannot copy yet
    (a reader still on an older snapshot) is copied next time. Durability does not depend on it: a transaction is
    durable when its commit has synced the WAL (synchronous=FULL). `stop()` (the services' close, a restore's
    swap, process exit) lets a checkpoint under way finish and ends the thread; the last connection to close
    checkpoints what is left, as SQLite always does."""

    _all: set[Checkpointer] = set()

    def __init__(self, path: str) -> None:
        self.path = path
        self.done = 0
        """Checkpoints completed (what tests wait on, with `wait_done`)."""
        self._cond = threading.Condition()
        self._last_write = 0.0
        self._pending = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    def on_commit(self, conn: sa.Connection) -> None:
        """Engine "commit" event: note a transaction that changed something; the thread checkpoints after a pause."""
        dbapi = conn.connection.driver_connection
        info = conn.connection.info
        changes = dbapi.total_changes if dbapi is not None else 0
        if changes == info.get("checkpoint_changes", 0):
            return
        info["checkpoint_changes"] = changes
        with self._cond:
            self._last_write = time.monotonic()
            self._pending = True
            if self._thread is None or not self._thread.is_alive():
                self._stopping = False
                self._thread = threading.Thread(target=self._loop, name="onestop-checkpoint", daemon=True)
                Checkpointer._all.add(self)
                self._thread.start()
            else:
                self._cond.notify()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._stopping:
                    if self._pending:
                        quiet_left = self._last_write + QUIET_S - time.monotonic()
                        if quiet_left <= 0:
                            break
                        self._cond.wait(quiet_left)
                    elif not self._cond.wait(60):
                        self._thread = None  # an hour of no writes does not keep a thread: the next write starts one
                        return
                if self._stopping:
                    return
                self._pending = False
            self._checkpoint()

    def _checkpoint(self) -> None:
        try:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            try:
                conn.execute("PRAGMA busy_timeout=10000")
                conn.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT}")
                # Again while writers added pages meanwhile (a few rounds at most): a WAL copied to its end is
                # restarted from its beginning by the next writer, so it stays short instead of growing.
                for _ in range(CATCH_UP_ROUNDS):
                    _busy, log, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    if log <= copied:
                        break
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # busy or gone (a restore replaced the file): the next one, or the last close, checkpoints
        with self._cond:
            self.done += 1
            self._cond.notify_all()

    def wait_done(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until `count` checkpoints have completed (tests); False if they had not within `timeout`."""
        with self._cond:
            return self._cond.wait_for(lambda: self.done >= count, timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread, letting a checkpoint under way finish (before the file is copied, replaced or removed;
        one not yet begun is left to the last connection's close). A later write starts the thread again."""
        with self._cond:
            thread, self._stopping = self._thread, True
            self._cond.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        Checkpointer._all.discard(self)

    @classmethod
    def stop_all(cls, timeout: float = 10.0) -> None:
        """Let the checkpoints under way finish (at exit, before the interpreter stops daemon threads)."""
        for checkpointer in list(cls._all):
            checkpointer.stop(timeout)


atexit.register(Checkpointer.stop_all)


def dispose(engine: Engine) -> None:
    """Close an engine's connections once its background checkpoint has finished: a checkpoint still writing the
    file (or, as the last connection, removing its WAL) while a restore replaces it or a copy is taken would race."""
    checkpointer = getattr(engine, "checkpointer", None)
    if checkpointer is not None:
        checkpointer.stop()
    engine.dispose()


def _on_begin(conn: sa.Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(path: Path | str, *, echo: bool = False) -> Engine:
    """Create an engine on a SQLite file with WAL, foreign keys, busy timeout and synchronous=FULL."""
    engine = sa.create_engine(
        f"sqlite:///{path}",
        echo=echo,
        hide_parameters=True,  # SQL errors must never carry citizens' data into logs
        connect_args={"check_same_thread": False, "timeout": 10},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    if str(path) not in ("", ":memory:"):
        checkpointer = Checkpointer(str(path))
        engine.checkpointer = checkpointer  # type: ignore[attr-defined]
        event.listen(engine, "commit", checkpointer.on_commit)
    return engine


def _is_sqlite(path: Path) -> bool:
    """Whether `path` is an SQLite database (an empty file counts: SQLite makes one of it).

    Asked of SQLite itself, never by opening the file with Python: closing any descriptor of a database file drops
    every POSIX lock this process holds on it, so a header read beside an open connection (a second engine, the
    TUI's pool) would let another process checkpoint and reset the WAL under it and leave the file malformed.
    """
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return True  # cannot open read-only here: the write checks below (or SQLite itself) will say why
    try:
        conn.execute("PRAGMA schema_version").fetchone()
        return True
    except sqlite3.DatabaseError as exc:
        return "not a database" not in str(exc) and "encrypted" not in str(exc)
    finally:
        conn.close()


def check_file(path: Path) -> None:
    """Refuse a file that is not SQLite, or a directory we cannot write, before touching it."""
    if path.exists():
        if path.is_dir():
            raise SchemaError("not_sqlite", str(path))
        if not _is_sqlite(path):
            raise SchemaError("not_sqlite", str(path))
        if not os.access(path, os.W_OK):
            raise SchemaError("read_only", str(path))
    parent = path.parent
    if parent.exists() and not os.access(parent, os.W_OK):
        raise SchemaError("read_only", str(parent))


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """One transaction: committed on success, rolled back on any exception."""
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if write else engine
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine) -> Config:
    """A programmatic Alembic config bound to `engine` (no alembic.ini needed at runtime)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", str(engine.url))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(sa.create_engine("sqlite://"))).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Migrate to head in one transaction; refuse a database made by a newer version of the code."""
    try:
        with engine.connect() as conn:
            has_table = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).first()
            stamped = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() if has_table else None
    except sa.exc.DatabaseError as exc:
        raise SchemaError("not_sqlite", str(exc)) from exc
    if stamped == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = alembic_config(engine)
    script = ScriptDirectory.from_config(cfg)
    try:
        current = current_revision(engine)
    except sa.exc.DatabaseError as exc:
        raise SchemaError("not_sqlite", str(exc)) from exc
    if current is not None:
        try:
            script.get_revision(current)
        except Exception as exc:  # alembic raises several kinds for an unknown revision
            raise SchemaError("newer", current) from exc
    if current == script.get_current_head():
        return
    command.upgrade(cfg, "head")


def checkpoint(engine: Engine) -> None:
    """Fold the WAL back into the main file (after bulk loads and before backups)."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
