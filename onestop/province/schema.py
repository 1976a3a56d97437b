"""The provincial server's tables (SQLAlchemy Core; SQLite or PostgreSQL), created on first start."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

token_t = sa.Table(
    "token",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(10), nullable=False),  # counter | admin
    sa.Column("agency_code", sa.String(35), nullable=False, server_default=""),
    sa.Column("counter_code", sa.String(2), nullable=False, server_default=""),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
)

dossier_t = sa.Table(
    "dossier",
    metadata,
    sa.Column("uuid", sa.String(36), primary_key=True),
    sa.Column("code", sa.String(60), nullable=False, unique=True),
    sa.Column("agency_code", sa.String(35), nullable=False, index=True),
    sa.Column("counter_code", sa.String(2), nullable=False, server_default=""),
    sa.Column("official_code", sa.String(60), nullable=False, server_default=""),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.Column("rev", sa.Integer, nullable=False, server_default="1"),
    sa.Column("origin", sa.String(10), nullable=False),  # counter | online
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

event_t = sa.Table(
    "event",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dossier_uuid", sa.String(36), sa.ForeignKey("dossier.uuid"), nullable=False, index=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("source", sa.String(10), nullable=False),  # counter code, or "upstream"
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
)

applied_key_t = sa.Table(
    "applied_key",
    metadata,
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("agency_code", sa.String(35), nullable=False),
    sa.Column("counter_code", sa.String(2), nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("payload_hash", sa.String(64), nullable=False),
    sa.Column("dossier_uuid", sa.String(36), nullable=False, server_default=""),
    sa.Column("applied_at", sa.String(32), nullable=False),
)

change_t = sa.Table(
    "change",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency_code", sa.String(35), nullable=False),  # "" = every agency (catalog, calendar)
    sa.Column("source", sa.String(10), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # dossier | catalog | calendar
    sa.Column("dossier_uuid", sa.String(36), nullable=False, server_default=""),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
)
sa.Index("ix_change_agency_seq", change_t.c.agency_code, change_t.c.seq)

audit_t = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agency_code", sa.String(35), nullable=False),
    sa.Column("counter_code", sa.String(2), nullable=False),
    sa.Column("local_id", sa.Integer, nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("officer", sa.String(50), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("dossier_code", sa.String(60), nullable=False, server_default=""),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
    sa.UniqueConstraint("agency_code", "counter_code", "local_id", name="uq_audit_local"),
)

file_blob_t = sa.Table(
    "file_blob",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)

file_ref_t = sa.Table(
    "file_ref",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("agency_code", sa.String(35), primary_key=True),
    sa.Column("created_at", sa.String(32), nullable=False),
)

sequence_t = sa.Table(
    "code_sequence",
    metadata,
    sa.Column("prefix", sa.String(60), primary_key=True),
    sa.Column("next_seq", sa.Integer, nullable=False),
)
