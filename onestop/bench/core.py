"""Core figures: intake save latency through the real service beside the same rows written by raw sqlite3, and
`onestop --help` start-up."""

from __future__ import annotations

import random
import statistics
import sys
from datetime import date
from typing import Any

from onestop.bench.context import BenchContext
from onestop.bench.floors import StatementRecorder, median_run, p95, raw_connection, replay_save
from onestop.bench.synthetic import random_person

SAVES = 200


def figures(ctx: BenchContext) -> dict[str, Any]:
    """`intake_save_p95_ms` (validation, code, outbox, fsync) with its floor, and `help_start_s`."""
    import time

    from onestop.declarations.samples import sample
    from onestop.domain import DocKind, DocumentLine, IntakeDraft, Person

    rng = random.Random(11)
    services = ctx.services
    birth_declaration = sample("1.001193", date.today())
    timings: list[float] = []
    floor: list[float] = []
    recorder = StatementRecorder(services.engine)
    raw = raw_connection(ctx.db_path)
    try:
        for n in range(SAVES):
            p = random_person(rng)
            draft = IntakeDraft(
                procedure_code="1.001193",
                applicant=Person(
                    p["full_name"], p["id_number"], p["birth_date"], p["gender"], p["address"], p["phone"]
                ),
                documents=(
                    DocumentLine("Tờ khai đăng ký khai sinh", DocKind.ORIGINAL, 1),
                    DocumentLine("Giấy chứng sinh", DocKind.ORIGINAL, 1),
                ),
                declaration=birth_declaration,  # a birth registration is received with its tờ khai
            )
            t0 = time.perf_counter()
            dossier = services.intake.save(draft, "bench")
            timings.append((time.perf_counter() - t0) * 1000)
            statements = recorder.take()
            old_id = raw.execute("SELECT id FROM dossier WHERE uuid = ?", (dossier.uuid,)).fetchone()[0]
            # the floor right after the figure, so that a burst of load from elsewhere tends to hit both
            floor.append(replay_save(raw, statements, (dossier.uuid, dossier.code, old_id), n))
    finally:
        recorder.close()
        raw.close()
    ctx.floors["intake_save_p95_ms"] = round(p95(floor), 2)
    ctx.floors["intake_save_p50_ms"] = round(statistics.median(floor), 2)
    # `intake --batch` writes the same rows, one transaction per dossier: its floor is this replay's rate
    ctx.floors["intake_batch_per_s"] = round(1000 / statistics.median(floor))
    help_start = median_run([sys.executable, "-m", "onestop", "--help"], 5)
    ctx.floors["help_start_s"] = round(median_run([sys.executable, "-c", "import typer"], 5), 3)
    return {
        "intake_save_p95_ms": round(p95(timings), 2),
        "intake_save_p50_ms": round(statistics.median(timings), 2),
        "help_start_s": round(help_start, 3),
    }
