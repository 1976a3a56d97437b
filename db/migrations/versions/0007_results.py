"""Digitised results uploaded upstream; calendar notices pulled from the province (duties-results slot)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TS = sa.String(length=32)  # AwareDateTime is stored as ISO text


def upgrade() -> None:
    op.create_table(
        "calendar_notice",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("replaces_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("days_json", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    # the QĐ 766 scorecard: dossiers whose result was first ready in a month, by status and moment
    op.create_index("ix_status_event_to_status_at", "status_event", ["to_status", "at", "dossier_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_status_event_to_status_at", table_name="status_event")
    op.drop_table("calendar_notice")
