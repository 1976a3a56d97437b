"""SIGKILL at random moments during intake, transitions, real sync runs (the engine over HTTP to the province server
on 127.0.0.1) and draft saves, 200+ times.

A fork server imports the app once; each round forks a worker that works on the same database file until the
test kills it after a random delay (sometimes while it is still opening the database). After every kill:
`PRAGMA integrity_check` is ok, every code the worker reported (only after `save()` returned) exists, every
reported transition is in the timeline, no dossier is half-written, the outbox is consistent, and the last
reported draft survived. At the end one more sync completes and the server holds every dossier exactly once.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.trust.conftest import consistency_problems

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("ONESTOP_KILLS", "200"))
TIME_BUDGET_S = 75.0


def test_sigkill_never_leaves_a_half_written_dossier(services, db_path, config_path, tmp_path) -> None:
    from dataclasses import replace

    from onestop.config import write_settings
    from tests.sync.conftest import ThreadServer

    server = ThreadServer(str(tmp_path / "province.db")).start()
    settings = services.settings
    write_settings(
        replace(settings, sync=replace(settings.sync, url=server.url, token=server.token("01"))), config_path
    )
    services.close()
    try:
        _kill_rounds(db_path, config_path)
        _final_sync_mirrors_everything(db_path, config_path, server)
    finally:
        server.stop()
        server.store.close()


def _final_sync_mirrors_everything(db_path: Path, config_path: Path, server) -> None:  # type: ignore[no-untyped-def]
    from onestop.config import load_settings
    from onestop.services import open_services

    svc = open_services(db_path, load_settings(config_path), prepare=False)
    try:
        report = svc.sync.run_once(force=True)
        assert report.complete, report.message
        local = {row[0] for row in sqlite3.connect(db_path).execute("SELECT code FROM dossier")}
        codes = [d["code"] for d in server.store.dump()["dossiers"]]
        assert sorted(codes) == sorted(local)  # every dossier upstream, none twice despite the kills
    finally:
        svc.sync.close()
        svc.close()


def _kill_rounds(db_path: Path, config_path: Path) -> None:
    rng = random.Random(20261123)
    zygote = subprocess.Popen(
        [sys.executable, "-m", "tests.trust.driver", "--zygote", str(db_path), str(config_path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert zygote.stdin is not None and zygote.stdout is not None
    reported: set[str] = set()
    synced_runs = 0
    transitions: list[tuple[str, str]] = []
    last_draft = None
    kills = 0
    started = time.monotonic()
    try:
        for run in range(KILLS):
            zygote.stdin.write(f"go {run} {rng.randrange(10**9)}\n")
            zygote.stdin.flush()
            line = zygote.stdout.readline()
            assert line.startswith("pid "), line
            pid = int(line.split()[1])
            out = db_path.parent / f"run-{run}.out"
            if rng.random() >= 0.1:  # most rounds: wait for some reported progress (state, so a loaded machine
                _wait_lines(out, rng.randrange(1, 7))  # still kills mid-work), then a moment into the next step
                time.sleep(rng.random() * 0.03)
            else:  # one in ten is killed while it may still be opening the database
                time.sleep(rng.choice((0.0, 0.05, 0.1)) + rng.random() * 0.15)
            os.kill(pid, signal.SIGKILL)
            assert zygote.stdout.readline().strip() == "end"
            kills += 1
            lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
            codes = {ln for ln in lines if ln.startswith("H56.14-")}
            reported |= codes
            transitions += [tuple(ln.split()[1:3]) for ln in lines if ln.startswith("T ")]  # type: ignore[misc]
            synced_runs += sum(1 for ln in lines if ln.startswith("S "))
            drafts = [ln.split()[1] for ln in lines if ln.startswith("D ")]
            last_draft = drafts[-1] if drafts else last_draft
            _check(db_path, codes, transitions[-40:], last_draft)
            if time.monotonic() - started > TIME_BUDGET_S and kills >= 200:
                break
    finally:
        zygote.stdin.close()
        zygote.kill()
        zygote.wait()
    assert kills >= min(200, KILLS)
    assert len(reported) > kills  # the workers really were working when killed
    assert synced_runs > 0  # and really syncing over HTTP (most sync runs are cut short by the kill)
    _check(db_path, reported, transitions, last_draft)


def _wait_lines(out: Path, lines: int, timeout: float = 60.0) -> None:
    """Until the worker reported READY and then `lines` more lines (polling its output file: state, not time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists() and out.read_bytes().count(b"\n") > lines:
            return
        time.sleep(0.005)
    raise AssertionError(f"worker made no progress ({out.name})")


def _check(db_path: Path, codes: set[str], transitions: list[tuple[str, str]], last_draft: str | None) -> None:
    assert consistency_problems(db_path) == []
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        existing = {row[0] for row in conn.execute("SELECT code FROM dossier")}
        assert codes <= existing, f"reported but missing: {sorted(codes - existing)[:5]}"
        for code, status in transitions:
            assert (
                conn.execute(
                    "SELECT count(*) FROM status_event e JOIN dossier d ON d.id=e.dossier_id "
                    "WHERE d.code=? AND e.to_status=?",
                    (code, status),
                ).fetchone()[0]
                == 1
            )
        if last_draft is not None:
            import json

            row = conn.execute("SELECT data_json FROM draft WHERE officer='lanhdao'").fetchone()
            assert row is not None
            seed_now, n_now = json.loads(row[0])["marker"].split(":")
            seed_last, n_last = last_draft.split(":")
            assert seed_now != seed_last or int(n_now) >= int(n_last)
    finally:
        conn.close()
