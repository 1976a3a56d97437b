"""trust: login sessions, throttling, append-only audit

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# INSERT OR REPLACE / REPLACE / UPSERT of an existing id would delete-then-insert (the DELETE trigger does not fire
# without recursive_triggers); refusing any INSERT whose id already exists closes every such form.
NO_REPLACE = (
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_replace BEFORE INSERT ON audit_entry "
    "WHEN EXISTS (SELECT 1 FROM audit_entry WHERE id = NEW.id) BEGIN "
    "SELECT RAISE(ABORT, 'audit log is append-only'); END"
)


def upgrade() -> None:
    op.execute(NO_REPLACE)
    op.create_table(
        "login_throttle",
        sa.Column("username", sa.String(length=50), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("window_start", sa.String(length=32), nullable=True),
        sa.Column("last_failure_at", sa.String(length=32), nullable=True),
        sa.Column("locked_at", sa.String(length=32), nullable=True),
    )
    op.create_table(
        "officer_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_sha256", sa.String(length=64), nullable=False, unique=True),
        sa.Column("officer", sa.String(length=50), nullable=False, index=True),
        sa.Column("os_user", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("last_seen_at", sa.String(length=32), nullable=False),
        sa.Column("ended_at", sa.String(length=32), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("officer_session")
    op.drop_table("login_throttle")
    op.execute("DROP TRIGGER IF EXISTS audit_entry_no_replace")
