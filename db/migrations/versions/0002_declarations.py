"""declarations (tờ khai) as e-form data

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_definition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("procedures", sa.String(length=1000), nullable=False),
        sa.Column("definition_json", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.String(length=32), nullable=False),
        sa.Column("imported_by", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", "version", name="uq_form_definition_name_version"),
    )
    op.create_index("ix_form_definition_name", "form_definition", ["name"], unique=False)
    op.create_table(
        "dossier_declaration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("form_name", sa.String(length=64), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("values_json", sa.String(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("persons_json", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dossier_id"),
    )
    # Plain ADD COLUMN (SQLite keeps the FTS triggers and the table untouched).
    op.execute("ALTER TABLE dossier ADD COLUMN declaration_fold VARCHAR NOT NULL DEFAULT ''")


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("declaration_fold")
    op.drop_table("dossier_declaration")
    op.drop_index("ix_form_definition_name", table_name="form_definition")
    op.drop_table("form_definition")
