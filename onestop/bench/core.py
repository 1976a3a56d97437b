"""Core figures: intake save latency through the real service, and `onestop --help` start-up."""

from __future__ import annotations

import random
import statistics
import sys
import time
from typing import Any

from onestop.bench.context import BenchContext
from onestop.bench.synthetic import random_person


def figures(ctx: BenchContext) -> dict[str, Any]:
    """Intake save latency through the real service (validation, code, outbox, fsync) and `--help` start-up."""
    import subprocess

    from onestop.domain import DocKind, DocumentLine, IntakeDraft, Person

    rng = random.Random(11)
    services = ctx.services
    timings = []
    for _ in range(200):
        p = random_person(rng)
        draft = IntakeDraft(
            procedure_code="1.001193",
            applicant=Person(p["full_name"], p["id_number"], p["birth_date"], p["gender"], p["address"], p["phone"]),
            documents=(
                DocumentLine("Tờ khai đăng ký khai sinh", DocKind.ORIGINAL, 1),
                DocumentLine("Giấy chứng sinh", DocKind.ORIGINAL, 1),
            ),
        )
        t0 = time.perf_counter()
        services.intake.save(draft, "bench")
        timings.append((time.perf_counter() - t0) * 1000)
    help_runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "onestop", "--help"], capture_output=True, check=False)
        help_runs.append(time.perf_counter() - t0)
    return {"intake_save_p95_ms": round(p95(timings), 2), "help_start_s": round(statistics.median(help_runs), 3)}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
