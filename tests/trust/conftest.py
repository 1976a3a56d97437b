"""Helpers for the trust tests: run the real CLI in-process, inspect modes, count rows."""

from __future__ import annotations

import contextlib
import gc
import io
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROW_TABLES = ("dossier", "citizen", "status_event", "payment", "outbox_item", "audit_entry", "officer",
              "procedure", "calendar_day", "purge_record", "dossier_document")


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
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv, sys.stdin = old_argv, old_stdin
        gc.collect()  # a one-shot process would have closed its engine by exiting
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli(services, db_path: Path, config_path: Path):
    """The CLI bound to the fixture database and config (officers admin, lanhdao, canbo exist)."""

    def _run(*args: str, stdin: str = "") -> CliResult:
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


def consistency_problems(db_path: Path) -> list[str]:
    """Half-written dossiers: missing first event, fee line or outbox item; status not the last event's."""
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        problems = []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT id, uuid, code, status, origin FROM dossier").fetchall()
        for dossier_id, uuid, code, status, origin in rows:
            last = conn.execute("SELECT to_status FROM status_event WHERE dossier_id=? ORDER BY seq DESC LIMIT 1",
                                (dossier_id,)).fetchone()
            if last is None:
                problems.append(f"{code}: no status event")
            elif last[0] != status:
                problems.append(f"{code}: status {status} but last event {last[0]}")
            if conn.execute("SELECT count(*) FROM payment WHERE dossier_id=?", (dossier_id,)).fetchone()[0] < 1:
                problems.append(f"{code}: no payment row")
            if origin == "local" and conn.execute(
                    "SELECT count(*) FROM outbox_item WHERE dossier_uuid=? AND kind='dossier.upsert'",
                    (uuid,)).fetchone()[0] < 1:
                problems.append(f"{code}: no dossier.upsert outbox item")
            events = conn.execute("SELECT count(*) FROM status_event WHERE dossier_id=?", (dossier_id,)).fetchone()[0]
            event_items = conn.execute("SELECT count(*) FROM outbox_item WHERE dossier_uuid=? AND kind='dossier.event'",
                                       (uuid,)).fetchone()[0]
            if origin == "local" and event_items < events:
                problems.append(f"{code}: {events} events but {event_items} event outbox items")
        return problems
    finally:
        conn.close()
