"""Helpers for the trust tests: run the real CLI in-process, inspect modes, count rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.conftest import CliResult, run_cli

__all__ = ["CliResult", "run_cli", "row_counts", "mode", "consistency_problems"]

ROW_TABLES = (
    "dossier",
    "citizen",
    "status_event",
    "payment",
    "outbox_item",
    "audit_entry",
    "officer",
    "procedure",
    "calendar_day",
    "purge_record",
    "dossier_document",
)


def row_counts(db_path: Path) -> dict[str, int]:
    conn = sqlite3.connect(db_path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ROW_TABLES}
    finally:
        conn.close()


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


CONSISTENCY_QUERIES = {
    "no status event": "SELECT code FROM dossier d WHERE NOT EXISTS (SELECT 1 FROM status_event e WHERE e.dossier_id=d.id)",
    "status differs from the last event": "SELECT d.code FROM dossier d JOIN status_event e ON e.dossier_id=d.id "
    "AND e.seq=(SELECT max(seq) FROM status_event WHERE dossier_id=d.id) WHERE e.to_status != d.status",
    "no fee line": "SELECT code FROM dossier d WHERE NOT EXISTS (SELECT 1 FROM payment p WHERE p.dossier_id=d.id)",
    "no document lines": "SELECT code FROM dossier d WHERE NOT EXISTS "
    "(SELECT 1 FROM dossier_document x WHERE x.dossier_id=d.id)",
    "no dossier.upsert outbox item": "SELECT code FROM dossier d WHERE origin='local' AND NOT EXISTS "
    "(SELECT 1 FROM outbox_item o WHERE o.dossier_uuid=d.uuid AND o.kind='dossier.upsert')",
    "an event without its outbox item": "SELECT d.code FROM dossier d WHERE origin='local' AND "
    "(SELECT count(*) FROM status_event e WHERE e.dossier_id=d.id) > "
    "(SELECT count(*) FROM outbox_item o WHERE o.dossier_uuid=d.uuid AND o.kind='dossier.event')",
    "synced with items still queued": "SELECT d.code FROM dossier d WHERE sync_state='synced' AND EXISTS "
    "(SELECT 1 FROM outbox_item o WHERE o.dossier_uuid=d.uuid AND o.state NOT IN ('synced','discarded'))",
}


def consistency_problems(db_path: Path) -> list[str]:
    """Half-written dossiers: missing first event, fee or document lines, outbox items; status not the last event's."""
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        problems = []
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append(f"integrity_check: {integrity}")
        for label, sql in CONSISTENCY_QUERIES.items():
            problems += [f"{code}: {label}" for (code,) in conn.execute(sql).fetchall()]
        return problems
    finally:
        conn.close()
