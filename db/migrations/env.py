"""Alembic environment: runs against the engine handed over in `config.attributes` (or the URL)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata

_EXCLUDED_TABLES = {
    "dossier_fts",
    "dossier_fts_data",
    "dossier_fts_idx",
    "dossier_fts_docsize",
    "dossier_fts_config",
    "dossier_fts_content",
}


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave the FTS shadow tables and hand-written indexes to the migrations that create them."""
    if type_ == "table" and name in _EXCLUDED_TABLES:
        return False
    if type_ == "index" and name and name.startswith("ix_") and reflected and compare_to is None:
        return name not in {"ix_dossier_status_due", "ix_dossier_received_id", "ix_outbox_state_id"}
    return True


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or sa.create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        # One transaction for the whole upgrade, begun here: Alembic treats SQLite's DDL as non-transactional and,
        # left to itself, commits after each migration (a process killed between two left a half-migrated file,
        # stamped 0001 or 0003). SQLite's DDL is transactional; a transaction already open when Alembic is
        # configured is "external" to it, and Alembic then commits nothing itself.
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                compare_type=True,
                include_object=include_object,
                transaction_per_migration=False,
            )
            with context.begin_transaction():
                context.run_migrations()


run_migrations_online()
