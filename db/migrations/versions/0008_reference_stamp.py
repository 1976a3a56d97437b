"""A stamp of the reference data an intake save depends on (perf-write slot)

Revision ID: 0008
Revises: 0007

`reference_stamp` holds one counter that triggers bump in the same transaction as any change to the procedures,
the officers' name, role or active flag, the working calendar and the declaration forms. The intake service
keeps those in memory and checks, inside each save's write transaction, that the counter is the one its copies
were read under: a change from any process (an import from the command line while the TUI runs) is seen at the
next save, which then reads everything again.

Also drops an index every save kept up twice for nothing: `ix_outbox_item_state` (state) holds the same entries
in the same order as `ix_outbox_state_id` (state, id), id being the rowid.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_BUMP = "UPDATE reference_stamp SET n = n + 1 WHERE id = 1"
WATCHED = {
    "procedure": "",
    "officer": " OF username, full_name, role, active",  # not a password change nor a login
    "calendar_day": "",
    "calendar_year": "",
    "calendar_notice": "",
    "form_definition": "",
}
"""Table → the columns whose update bumps the stamp ("" = any column)."""


def _triggers() -> list[tuple[str, str]]:
    out = []
    for table, columns in WATCHED.items():
        for suffix, event in (("ai", "INSERT"), ("au", f"UPDATE{columns}"), ("ad", "DELETE")):
            name = f"{table}_stamp_{suffix}"
            out.append((name, f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {_BUMP}; END"))
    return out


def upgrade() -> None:
    op.create_table(
        "reference_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO reference_stamp (id, n) VALUES (1, 0)")
    for _, sql in _triggers():
        op.execute(sql)
    op.drop_index("ix_outbox_item_state", table_name="outbox_item")


def downgrade() -> None:
    op.create_index("ix_outbox_item_state", "outbox_item", ["state"], unique=False)
    for name, _ in _triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("reference_stamp")
