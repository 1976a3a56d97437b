"""Query helpers that need SQL the ORM does not express well (bulk loads)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

_FTS_INSERT_TRIGGER = (
    "CREATE TRIGGER dossier_fts_ai AFTER INSERT ON dossier BEGIN "
    "INSERT INTO dossier_fts(rowid, search_fold) VALUES (new.id, new.search_fold); END"
)

COUNT_INSERT_TRIGGER = (
    "CREATE TRIGGER dossier_count_ai AFTER INSERT ON dossier BEGIN "
    "INSERT INTO dossier_count (status, n, undated) SELECT new.status, 0, 0 "
    "WHERE NOT EXISTS (SELECT 1 FROM dossier_count WHERE status = new.status); "
    "UPDATE dossier_count SET n = n + 1, undated = undated + (new.due_at IS NULL) WHERE status = new.status; END"
)
"""Migration 0005's insert trigger, as the bulk loader recreates it after a load (a restore's schema check compares
it with the migration's, so the two texts must stay the same; a test checks)."""


_FTS_DEFAULTS = {"hashsize": 1024 * 1024, "automerge": 4, "crisismerge": 16}
"""FTS5's defaults for the options the bulk load changes (in-memory buffer; segments per level that start an
incremental merge; segments per level that force a whole-level merge inside the insert that reaches them)."""
_FTS_LOAD_HASHSIZE = 64 * 1024 * 1024
_FTS_MAX_SEGMENTS = 2000
"""FTS5's largest segment count per level: as `crisismerge` during the load, no merge is forced until 'optimize'."""

# Synthetic or imported dossiers: the varying columns as positional tuples, the rest fixed for the load.
BULK_COLUMNS = (
    "uuid",
    "code",
    "procedure_id",
    "procedure_code",
    "applicant_name",
    "applicant_fold",
    "applicant_id_number",
    "applicant_birth_date",
    "applicant_gender",
    "applicant_address",
    "applicant_phone",
    "received_at",
    "due_at",
    "status",
    "fee_total",
    "search_fold",
)
_STATUS, _DUE = BULK_COLUMNS.index("status"), BULK_COLUMNS.index("due_at")
_BULK_SQL = (
    "INSERT INTO dossier (" + ", ".join(BULK_COLUMNS) + ", official_code, applicant_email, representative_json, "
    "authorisation_doc, channel, return_via, return_address, due_reason, officer, counter_code, sets_count, "
    "book_volume, lookup_key, summary, consent_recorded, has_eid_account, origin, collected_by, "
    "collected_id_number, sync_state, sync_message, row_version, updated_at) VALUES ("
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? || '+07:00', ? || '+07:00', ?, ?, ?, "
    "'', '', '', '', 'paper', 'counter', '', '', 'bench', '99', 1, '', 'BNCH', '', 0, 0, 'bench', '', '', "
    "'synced', '', 1, ?)"
)


def bulk_load_dossiers(
    conn: sa.Connection, chunks: Iterable[list[tuple[Any, ...]]], *, phases: dict[str, float] | None = None
) -> int:
    """Insert many dossiers in the caller's transaction, then index them in set-based passes.

    Each row is `BULK_COLUMNS` followed by `updated_at`. The per-row FTS trigger costs ~7x the insert itself and
    every secondary index of `dossier` turns the load into random B-tree writes, so the trigger and those indexes
    are dropped for the load and rebuilt after it (one sort each) in the same transaction (SQLite DDL is
    transactional): a failure leaves the schema and the rows exactly as they were. Rows go through the driver's
    `executemany` directly: SQLAlchemy adds nothing to plain tuples. `phases` receives the seconds of each step.
    So is the per-status count trigger (migration 0005): the loaded rows are counted as they pass and added at the
    end, and the trigger recreated exactly as the migration wrote it.
    """
    import time
    from collections import Counter

    phases = {} if phases is None else phases
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + now - mark
        mark = now

    raw = conn.connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        first_id = cursor.execute("SELECT coalesce(max(id), 0) FROM dossier").fetchone()[0]
        indexes = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dossier' AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("DROP TRIGGER dossier_fts_ai")
        cursor.execute("DROP TRIGGER dossier_count_ai")
        inserted = 0
        statuses: Counter[str] = Counter()
        undated: Counter[str] = Counter()
        for rows in chunks:
            if rows:
                cursor.executemany(_BULK_SQL, rows)
                inserted += len(rows)
                statuses.update(row[_STATUS] for row in rows)
                undated.update(row[_STATUS] for row in rows if row[_DUE] is None)
        lap("rows")
        # FTS5 flushes its in-memory terms every 1 MiB by default, and merges the many small segments that makes;
        # a larger buffer for this one statement writes fewer, larger segments. Merging is switched off while
        # they are written and done once at the end ('optimize': one segment). Left as the load wrote them, the
        # segments were half-merged, and the next few single inserts (intake saves) each paid for finishing a
        # merge of hundreds of megabytes: 1.7 s and 3.9 s of the first 300 saves after a 1M load. The defaults
        # come back afterwards (the settings are stored in the index's config table).
        for option, value in (("hashsize", _FTS_LOAD_HASHSIZE), ("automerge", 0), ("crisismerge", _FTS_MAX_SEGMENTS)):
            cursor.execute("INSERT INTO dossier_fts(dossier_fts, rank) VALUES (?, ?)", (option, value))
        cursor.execute(
            "INSERT INTO dossier_fts(rowid, search_fold) SELECT id, search_fold FROM dossier WHERE id > ?", (first_id,)
        )
        cursor.execute("INSERT INTO dossier_fts(dossier_fts) VALUES ('optimize')")
        for option, value in _FTS_DEFAULTS.items():
            cursor.execute("INSERT INTO dossier_fts(dossier_fts, rank) VALUES (?, ?)", (option, value))
        lap("fts")
        for _name, sql in indexes:
            cursor.execute(sql)
        cursor.execute(_FTS_INSERT_TRIGGER)
        add_counts(cursor, {status: (n, undated[status]) for status, n in statuses.items()})
        cursor.execute(COUNT_INSERT_TRIGGER)
        lap("indexes")
    finally:
        cursor.close()
    return inserted


def add_counts(cursor: Any, counts: dict[str, tuple[int, int]]) -> None:
    """Add (dossiers, of them without a due date) per status to `dossier_count`, in the caller's transaction
    (`cursor`: a DB-API cursor on its connection)."""
    for status, (n, undated) in counts.items():
        cursor.execute(
            "INSERT INTO dossier_count (status, n, undated) SELECT ?, 0, 0 "
            "WHERE NOT EXISTS (SELECT 1 FROM dossier_count WHERE status = ?)",
            (status, status),
        )
        cursor.execute(
            "UPDATE dossier_count SET n = n + ?, undated = undated + ? WHERE status = ?", (n, undated, status)
        )
