"""Helpers for the trust tests: run the real CLI in-process, inspect modes, count rows."""

from __future__ import annotations

import contextlib
import gc
import io
import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

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


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(args: list[str], stdin: str = "") -> CliResult:
    """Run `onestop.cli.main` in this process exactly as the console script does; returns exit code and streams."""
    from onestop.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_argv, old_stdin = sys.argv, sys.stdin
    sys.argv, sys.stdin = ["onestop", *args], io.StringIO(stdin)
    code = 0
    old_umask = os.umask(0o022)  # a new process starts with the login's umask; `main` must tighten it itself
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv, sys.stdin = old_argv, old_stdin
        os.umask(old_umask)
        gc.collect()  # a one-shot process would have closed its engine by exiting
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli(services, db_path: Path, config_path: Path):
    """The CLI bound to the fixture database and config (officers admin, lanhdao, canbo exist)."""

    def _run(*args: str, stdin: str = "") -> CliResult:
        from tests.conftest import login_for

        login_for(db_path, args)  # the officer named by --officer logs in first, as at a real counter
        return run_cli([*args, "--db", str(db_path), "--config", str(config_path)], stdin)

    return _run


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
