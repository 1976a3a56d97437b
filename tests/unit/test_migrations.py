"""Alembic owns the schema: upgrade from empty, `alembic check` clean, pragmas set, newer DB refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command

from db.engine import SCHEMA_HEAD, alembic_config, current_revision, head_revision, make_engine, upgrade


def test_upgrade_from_empty_and_check(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "m.db")
    upgrade(engine)
    assert current_revision(engine) == head_revision() == SCHEMA_HEAD
    command.check(alembic_config(engine))  # raises if models and migrations disagree
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 5000
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
    assert {"dossier", "dossier_fts", "outbox_item", "audit_entry", "calendar_day"} <= names
    upgrade(engine)  # idempotent


def test_database_newer_than_code_is_refused(tmp_path: Path) -> None:
    from db.engine import SchemaError

    engine = make_engine(tmp_path / "n.db")
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'fffffffff999'")
    with pytest.raises(SchemaError) as err:
        upgrade(engine)
    assert err.value.reason == "newer"


def test_audit_log_is_append_only(tmp_path: Path) -> None:
    import sqlalchemy as sa

    engine = make_engine(tmp_path / "a.db")
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO audit_entry(at, officer, action, dossier_code, detail) "
            "VALUES ('2026-01-01T00:00:00+07:00', 'x', 'login', '', '')"
        )
    for statement in ("UPDATE audit_entry SET officer = 'y'", "DELETE FROM audit_entry"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as conn:
            conn.exec_driver_sql(statement)
