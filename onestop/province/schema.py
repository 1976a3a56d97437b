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
    sa.Column("expires_at", sa.String(32), nullable=False, server_default=""),  # "" = never
    sa.Column("last_used_at", sa.String(32), nullable=False, server_default=""),
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
    # "<agency>|<key>": idempotency keys are unique per agency (an agency cannot probe or block another's keys)
    sa.Column("key", sa.String(160), primary_key=True),
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
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),  # storage order only; not the cursor
    sa.Column("agency_code", sa.String(35), nullable=False),  # "" = every agency (catalog, calendar)
    sa.Column("aseq", sa.BigInteger, nullable=False, server_default="0"),  # the agency's own feed number
    sa.Column("source", sa.String(10), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # dossier | catalog | calendar
    sa.Column("dossier_uuid", sa.String(36), nullable=False, server_default=""),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
)
sa.Index("ix_change_agency_seq", change_t.c.agency_code, change_t.c.seq)
sa.Index("ix_change_agency_aseq", change_t.c.agency_code, change_t.c.aseq)

# One row per agency ("" = the province-wide stream): the last feed number handed out. A writer bumps its agency's
# row just before it commits, so writers of one agency commit in feed order and writers of different agencies never
# wait on each other.
feed_head_t = sa.Table(
    "feed_head",
    metadata,
    sa.Column("agency_code", sa.String(35), primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
)

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

# Official holiday notices a province admin loaded (`province calendar load`): the record of who published what,
# beside the `calendar` change that carries each one to the counters.
calendar_notice_t = sa.Table(
    "calendar_notice",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("year", sa.Integer, nullable=False, index=True),
    sa.Column("agency_code", sa.String(35), nullable=False, server_default=""),  # "" = every agency
    sa.Column("reference", sa.String(300), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("loaded_by", sa.String(100), nullable=False, server_default=""),
    sa.Column("loaded_at", sa.String(32), nullable=False),
    sa.Column("feed_seq", sa.BigInteger, nullable=False, server_default="0"),
)

sequence_t = sa.Table(
    "code_sequence",
    metadata,
    sa.Column("prefix", sa.String(60), primary_key=True),
    sa.Column("next_seq", sa.Integer, nullable=False),
)


def create_or_upgrade(engine: sa.Engine) -> None:
    """Create the tables; bring a database made by an earlier version of the server up to date in place."""
    metadata.create_all(engine)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("token")}
    with engine.begin() as conn:
        for name in ("expires_at", "last_used_at"):
            if name not in columns:
                conn.execute(sa.text(f"ALTER TABLE token ADD COLUMN {name} VARCHAR(32) NOT NULL DEFAULT ''"))
        if "aseq" not in {c["name"] for c in sa.inspect(conn).get_columns("change")}:
            conn.execute(sa.text("ALTER TABLE change ADD COLUMN aseq BIGINT NOT NULL DEFAULT 0"))
        if conn.execute(sa.select(sa.func.count()).select_from(change_t).where(change_t.c.aseq == 0)).scalar():
            # rows of the single-feed era keep their global order as each agency's order
            conn.execute(change_t.update().where(change_t.c.aseq == 0).values(aseq=change_t.c.seq))
            heads = conn.execute(
                sa.select(change_t.c.agency_code, sa.func.max(change_t.c.aseq)).group_by(change_t.c.agency_code)
            ).all()
            conn.execute(feed_head_t.delete())
            if heads:
                conn.execute(feed_head_t.insert(), [{"agency_code": a, "seq": int(s)} for a, s in heads])
        key_col = next(c for c in sa.inspect(conn).get_columns("applied_key") if c["name"] == "key")
        if engine.dialect.name == "postgresql" and getattr(key_col["type"], "length", 160) < 160:
            conn.execute(sa.text("ALTER TABLE applied_key ALTER COLUMN key TYPE VARCHAR(160)"))
        conn.execute(
            applied_key_t.update()
            .where(~applied_key_t.c.key.contains("|"))
            .values(key=applied_key_t.c.agency_code + "|" + applied_key_t.c.key)
        )
