"""Per-status dossier counts kept in a small table by triggers, so the home screen never counts 1M rows (perf-tui)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen copies of db.models.COUNT_DDL at this revision (a later change to the models must not rewrite history).
# The triggers keep `dossier_count` right in the same transaction as every write to `dossier`, whatever the path
# (intake, lifecycle, sync pull, restore, a repair by hand); no conflict clause inside them, so an outer
# `INSERT OR …` cannot change what they do.
COUNT_DDL = (
    "CREATE TABLE IF NOT EXISTS dossier_count (status VARCHAR(20) NOT NULL PRIMARY KEY, "
    "n INTEGER NOT NULL DEFAULT 0, undated INTEGER NOT NULL DEFAULT 0)",
    "CREATE TRIGGER IF NOT EXISTS dossier_count_ai AFTER INSERT ON dossier BEGIN "
    "INSERT INTO dossier_count (status, n, undated) SELECT new.status, 0, 0 "
    "WHERE NOT EXISTS (SELECT 1 FROM dossier_count WHERE status = new.status); "
    "UPDATE dossier_count SET n = n + 1, undated = undated + (new.due_at IS NULL) WHERE status = new.status; END",
    "CREATE TRIGGER IF NOT EXISTS dossier_count_ad AFTER DELETE ON dossier BEGIN "
    "UPDATE dossier_count SET n = n - 1, undated = undated - (old.due_at IS NULL) WHERE status = old.status; END",
    "CREATE TRIGGER IF NOT EXISTS dossier_count_au AFTER UPDATE OF status, due_at ON dossier "
    "WHEN old.status IS NOT new.status OR (old.due_at IS NULL) <> (new.due_at IS NULL) BEGIN "
    "UPDATE dossier_count SET n = n - 1, undated = undated - (old.due_at IS NULL) WHERE status = old.status; "
    "INSERT INTO dossier_count (status, n, undated) SELECT new.status, 0, 0 "
    "WHERE NOT EXISTS (SELECT 1 FROM dossier_count WHERE status = new.status); "
    "UPDATE dossier_count SET n = n + 1, undated = undated + (new.due_at IS NULL) WHERE status = new.status; END",
)


def upgrade() -> None:
    for statement in COUNT_DDL:
        op.execute(statement)
    # Backfill from the rows already there (one pass over the (status, due_at) index), in the migration's transaction.
    op.execute("DELETE FROM dossier_count")
    op.execute(
        "INSERT INTO dossier_count (status, n, undated) "
        "SELECT status, count(*), coalesce(sum(due_at IS NULL), 0) FROM dossier GROUP BY status"
    )


def downgrade() -> None:
    for name in ("dossier_count_ai", "dossier_count_ad", "dossier_count_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS dossier_count")
