"""2026 duties: satisfaction, digitisation, reuse, fee receipts; calendar years and days to confirm

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TS = sa.String(length=32)  # AwareDateTime is stored as ISO text


def upgrade() -> None:
    with op.batch_alter_table("calendar_day") as batch:
        batch.add_column(sa.Column("to_confirm", sa.Boolean(), nullable=False, server_default="0"))
    # Thẻ căn cước 2024: the cancelled ID number read from a scan (not a CMND), on the citizen and the dossier.
    with op.batch_alter_table("citizen") as batch:
        batch.add_column(
            sa.Column("cancelled_id_number", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False, server_default="")
        )
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(
            sa.Column("applicant_cancelled_id", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False, server_default="")
        )
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("entered_by", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("entered_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "dossier_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("via", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("officer", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dossier_id"),
    )
    op.create_index(op.f("ix_dossier_rating_at"), "dossier_rating", ["at"], unique=False)
    op.create_table(
        "document_reuse",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.Column("source_dossier_code", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["dossier_document.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_document_id"], ["dossier_document.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_table(
        "fee_receipt",
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("symbol", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("book", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("paper_number", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("officer", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("payment_id"),
    )
    op.create_table(
        "result_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("officer", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_result_file_dossier_id"), "result_file", ["dossier_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_result_file_dossier_id"), table_name="result_file")
    op.drop_table("result_file")
    op.drop_table("fee_receipt")
    op.drop_table("document_reuse")
    op.drop_index(op.f("ix_dossier_rating_at"), table_name="dossier_rating")
    op.drop_table("dossier_rating")
    op.drop_table("calendar_year")
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("applicant_cancelled_id")
    with op.batch_alter_table("citizen") as batch:
        batch.drop_column("cancelled_id_number")
    with op.batch_alter_table("calendar_day") as batch:
        batch.drop_column("to_confirm")
