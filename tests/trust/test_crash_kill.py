"""SIGKILL at random moments during intake, transitions, outbox acknowledgements and draft saves, 200+ times.

A fork server imports the app once; each round forks a worker that works on the same database file until the
test kills it after a random delay (sometimes while it is still opening the database). After every kill:
`PRAGMA integrity_check` is ok, every code the worker reported (only after `save()` returned) exists, every
reported transition is in the timeline, no dossier is half-written, the outbox is consistent, and the last
reported draft survived.
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


def test_sigkill_never_leaves_a_half_written_dossier(services, db_path, config_path) -> None:
    services.close()
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
            time.sleep(rng.choice((0.0, 0.1, 0.15, 0.2)) + rng.random() * 0.2)
            os.kill(pid, signal.SIGKILL)
            assert zygote.stdout.readline().strip() == "end"
            kills += 1
            out = db_path.parent / f"run-{run}.out"
            lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
            codes = {ln for ln in lines if ln.startswith("H56.14-")}
            reported |= codes
            transitions += [tuple(ln.split()[1:3]) for ln in lines if ln.startswith("T ")]  # type: ignore[misc]
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
    _check(db_path, reported, transitions, last_draft)


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
