"""Floors: the same work done the cheapest honest way on this machine, measured in the same run as the figure.

A figure alone says little on a shared or slow machine; beside its floor it says how much of the time is the
product's own. Each function here measures one floor; the providers call them next to the figure they belong to
(interleaved where the work allows, so that a burst of load from another process hits both).
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

FIRST_PAINT_FLOOR_APP = """
from textual.app import App
from textual.widgets import Label


class Floor(App[None]):
    BINDINGS = [("ctrl+q", "quit", "quit")]

    def compose(self):
        yield Label("Một cửa NHẬP")


Floor().run()
"""
"""A one-label Textual app; the bench starts it exactly as it starts `onestop` (same interpreter, pty, size)."""


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def process_env() -> dict[str, str]:
    """The environment for a timed process: bytecode caching allowed, as in an installed product (a wheel's
    modules are compiled at install time, like the floor's site-packages); otherwise every cold start of an
    editable checkout under PYTHONDONTWRITEBYTECODE would also pay for compiling the sources."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed_runs(argv: list[str], runs: int = 3, *, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (user + system) of a whole process, after one untimed warm-up
    run (which also writes the bytecode cache); output captured, exit status ignored."""
    import resource

    env = env or process_env()
    subprocess.run(argv, capture_output=True, check=False, env=env)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False, env=env)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def median_run(argv: list[str], runs: int = 3, *, env: dict[str, str] | None = None) -> float:
    """Median wall time in seconds of a whole process (see `timed_runs`)."""
    return timed_runs(argv, runs, env=env)[0]


def cold_import_floor(runs: int = 5) -> tuple[float, float]:
    """`python -c "import sqlmodel"`: what any command that touches the database pays before doing anything
    (median wall seconds, median CPU seconds)."""
    return timed_runs([sys.executable, "-c", "import sqlmodel"], runs)


# ---------------------------------------------------------------- intake save: the same rows through raw sqlite3


def raw_connection(db_path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the application's pragmas (db.engine._on_connect)."""
    conn = sqlite3.connect(str(db_path), isolation_level=None, timeout=10, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    from db.engine import WAL_AUTOCHECKPOINT

    conn.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT}")
    return conn


class StatementRecorder:
    """Records the statements of the service's write transaction (from BEGIN IMMEDIATE to its end): those run
    through SQLAlchemy and those the intake service runs on the transaction's sqlite3 connection, in their order."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        from onestop.services import intake

        self.engine = engine
        self.statements: list[tuple[str, Any, bool]] = []
        self._on = False
        self._listener = self._record
        self._observer = self._observe
        event.listen(engine, "before_cursor_execute", self._listener)
        intake.STATEMENT_OBSERVERS.append(self._observer)

    def _observe(self, statement: str, parameters: Any, executemany: bool) -> None:
        if self._on:
            self.statements.append((statement, parameters, executemany))

    def _record(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            self._on = True
            self.statements = []
            return
        if self._on:
            self.statements.append((statement, parameters, executemany))

    def take(self) -> list[tuple[str, Any, bool]]:
        taken, self.statements, self._on = self.statements, [], False
        return taken

    def close(self) -> None:
        from sqlalchemy import event

        from onestop.services import intake

        event.remove(self.engine, "before_cursor_execute", self._listener)
        intake.STATEMENT_OBSERVERS.remove(self._observer)


def replay_save(
    conn: sqlite3.Connection, statements: list[tuple[str, Any, bool]], saved: tuple[str, str, int], n: int
) -> float:
    """Insert the same rows as one recorded save, in one transaction on raw sqlite3; returns milliseconds.

    `saved` is the recorded dossier's (uuid, code, id). Its unique values get a fresh suffix and the new dossier's
    id replaces the old one in the rows that refer to it, so the floor writes exactly what the service wrote, as a
    new dossier, with nothing in between: no validation, no objects, no SQLAlchemy.
    """
    import uuid as uuid_mod

    uuid, code, old_id = saved
    new_uuid, new_code = str(uuid_mod.uuid4()), f"{code}F{n}"
    ids: dict[int, int] = {}

    def fix(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(uuid, new_uuid).replace(code, new_code)
        if isinstance(value, int) and not isinstance(value, bool):
            return ids.get(value, value)
        return value

    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sql, params, many in statements:
            if many:
                conn.executemany(sql, [tuple(fix(v) for v in row) for row in params])
                continue
            cursor = conn.execute(sql, tuple(fix(v) for v in params))
            if "RETURNING" in sql:
                row = cursor.fetchone()
                if sql.startswith("INSERT INTO dossier ") and row is not None:
                    ids[old_id] = row[0]
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    elapsed = (time.perf_counter() - t0) * 1000
    # Its outbox items would be pushed by the sync figures (and refused: the code is not a real one).
    conn.execute("DELETE FROM outbox_item WHERE dossier_uuid = ?", (new_uuid,))
    return elapsed


# ---------------------------------------------------------------- search: the raw FTS5 query


def search_floor(db_path: Path, queries: list[dict[str, Any]], repeat: int = 3) -> list[float]:
    """The same queries as raw SQL: text through the FTS5 index (one page, newest first), filters as plain WHERE."""
    from onestop.services.search import fts_query

    conn = raw_connection(db_path)
    cols = "d.id, d.code, d.applicant_name, d.status, d.received_at, d.due_at"
    timings: list[float] = []
    try:
        for _ in range(repeat):
            for q in queries:
                match = fts_query(q.get("text", ""))
                where, params = [], []
                if q.get("status") is not None:
                    where.append("d.status = ?")
                    params.append(getattr(q["status"], "value", q["status"]))
                if q.get("overdue"):
                    where.append("d.status IN ('received','in_progress','supplement') AND d.due_at < ?")
                    params.append(time.strftime("%Y-%m-%dT%H:%M:%S+07:00"))
                if q.get("date_from"):
                    where.append("d.received_at >= ? AND d.received_at < ?")
                    params += [q["date_from"].isoformat(), q["date_to"].isoformat() + "T24"]
                extra = " AND ".join(where)
                if match:
                    sql = (
                        f"SELECT {cols} FROM dossier_fts f JOIN dossier d ON d.id = f.rowid "
                        f"WHERE dossier_fts MATCH ? {'AND ' + extra if extra else ''} ORDER BY f.rowid DESC LIMIT 50"
                    )
                    args = [match, *params]
                else:
                    sql = (
                        f"SELECT {cols} FROM dossier d {'WHERE ' + extra if extra else ''} ORDER BY d.id DESC LIMIT 50"
                    )
                    args = params
                t0 = time.perf_counter()
                conn.execute(sql, args).fetchall()
                timings.append((time.perf_counter() - t0) * 1000)
    finally:
        conn.close()
    return timings


# ---------------------------------------------------------------- receipt: a bare ReportLab page, same font


def receipt_floor(runs: int = 50) -> float:
    """Median ms of a one-page A4 PDF with the receipt's registered font and a few lines of text, in memory."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    from receipts.render import warm_up

    warm_up()
    font = next((f for f in pdfmetrics.getRegisteredFontNames() if "Liberation" in f or "Serif" in f), "Helvetica")
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=A4)
        c.setFont(font, 12)
        for i, line in enumerate(("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")):
            c.drawString(72, 770 - 18 * i, line)
        c.showPage()
        c.save()
        timings.append((time.perf_counter() - t0) * 1000)
    return statistics.median(timings)


# ---------------------------------------------------------------- sync: a bare httpx POST loop


def sync_floor(payloads: list[dict[str, Any]], agency: str, counter: str, batch: int = 100) -> dict[str, float]:
    """Push the same wire items with a bare httpx loop to the reference server, then read them back with a bare
    GET loop; items per second each way (the server does its own work; the client does nothing else)."""
    import tempfile

    import httpx

    from onestop.province import BackgroundServer
    from onestop.sync.service import PULL_PAGE

    workdir = Path(tempfile.mkdtemp(prefix="onestop-syncfloor-"))
    server = BackgroundServer(str(workdir / "province.db")).start()
    try:
        token = server.store.issue_token(agency_code=agency, counter_code=counter)
        # another counter of the same agency reads them back (a counter's own pushes are not in its feed)
        reader = server.store.issue_token(agency_code=agency, counter_code="98" if counter == "99" else "99")
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            t0 = time.perf_counter()
            refused = 0
            for start in range(0, len(payloads), batch):
                reply = http.post("/v1/push", json={"items": payloads[start : start + batch]})
                reply.raise_for_status()
                refused += sum(1 for r in reply.json().get("results", []) if r.get("status") == "rejected")
            push_s = time.perf_counter() - t0
            if refused:  # a refused item costs the server less than a stored one: not the same work
                raise RuntimeError(f"sync floor: the server refused {refused} items")
            cursor, pulled, more = "0", 0, True
            t0 = time.perf_counter()
            while more:
                data = http.get(
                    "/v1/changes",
                    params={"cursor": cursor, "limit": PULL_PAGE},
                    headers={"Authorization": f"Bearer {reader}"},
                ).json()
                items = data.get("items") or []
                pulled += len(items)
                cursor, more = str(data.get("next_cursor") or cursor), bool(data.get("more")) and bool(items)
            pull_s = time.perf_counter() - t0
    finally:
        server.stop()
    out = {"sync_push_items_per_s": len(payloads) / push_s}
    if pulled:
        out["sync_pull_items_per_s"] = pulled / pull_s
    return out


def sync_provider(ctx: Any) -> dict[str, Any]:
    """Sync floors: the same push items (and a read-back) through a bare httpx loop (figures: onestop.sync.bench)."""
    from onestop.sync.bench import ITEMS

    office = ctx.services.settings.office
    # as counter 99, the counter the synthetic dossiers' codes name (the server refuses another counter's codes)
    measured = sync_floor(wire_items(ctx.services, ITEMS), office.agency_code, "99")
    ctx.floors.update({k: round(v) for k, v in measured.items()})
    return {}


def wire_items(services: Any, count: int) -> list[dict[str, Any]]:
    """The push wire format (`Pending.wire`) for `count` synthetic dossiers."""
    import json

    from onestop.sync.bench import _bench_payloads

    return [
        {
            "key": row["key"].replace("bench:", "floor:"),
            "kind": row["kind"],
            "dossier_uuid": row["dossier_uuid"],
            "dossier_code": row["dossier_code"],
            "payload": json.loads(row["payload"]),
        }
        for row in _bench_payloads(services, count)
    ]


def env_for_terminal() -> dict[str, str]:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    env.pop("NO_COLOR", None)
    return env
