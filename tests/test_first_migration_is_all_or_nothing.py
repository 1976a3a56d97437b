"""A process killed while it creates a fresh database leaves it untouched or fully migrated, never half-migrated."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.trust.conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]


def test_killed_during_first_migration_is_never_half_migrated(tmp_path, config_path) -> None:
    """SIGKILL while a fresh database is being created: afterwards it is either untouched or fully at head."""
    from db.engine import head_revision

    head = head_revision()
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for attempt in range(8):
        db = tmp_path / f"db{attempt}" / "onestop.db"
        proc = subprocess.Popen(
            [sys.executable, "-m", "onestop", "catalog", "list", "--db", str(db), "--config", str(config_path)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.25 + rng.random() * 0.6)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if db.exists():
            conn = sqlite3.connect(db)
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            if "alembic_version" in tables:
                assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
                assert {"dossier", "outbox_item", "audit_entry", "officer"} <= tables
            else:
                assert not tables & {"dossier", "outbox_item", "audit_entry"}, tables
            conn.close()
        again = run_cli(["catalog", "list", "--json", "--db", str(db), "--config", str(config_path)])
        assert again.code == 0, again.output


def test_a_migration_failing_half_way_leaves_a_fresh_database_without_any_table(tmp_path) -> None:
    """The upgrade is one transaction: when a later migration fails (here 0005, on its first statement), the
    tables and the version stamp of the migrations before it are rolled back too (Alembic alone would have
    committed 0001–0004 one by one, SQLite's DDL being treated as non-transactional)."""
    import sqlalchemy as sa
    from sqlalchemy import event

    from db.engine import make_engine, upgrade

    db = tmp_path / "onestop.db"
    engine = make_engine(db)

    def fail_in_0005(conn, cursor, statement, parameters, context, executemany) -> None:
        if "dossier_count" in statement and statement.lstrip().upper().startswith("CREATE TABLE"):
            raise sqlite3.OperationalError("simulated failure half-way through the upgrade")

    event.listen(engine, "before_cursor_execute", fail_in_0005)
    try:
        upgrade(engine)
    except (sa.exc.DatabaseError, sqlite3.Error):
        pass
    else:
        raise AssertionError("the simulated failure in migration 0005 did not happen")
    finally:
        event.remove(engine, "before_cursor_execute", fail_in_0005)
        engine.dispose()
    conn = sqlite3.connect(db)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
    conn.close()
    assert tables == set(), tables
