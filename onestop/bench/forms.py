"""Counter-form figures: warm render time of a receipt beside a bare ReportLab page with the same font, and a
cold `onestop receipt` process beside `python -c "import sqlmodel"`."""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any

from onestop.bench.context import BenchContext
from onestop.bench.floors import cold_import_floor, receipt_floor, timed_runs


def figures(ctx: BenchContext) -> dict[str, Any]:
    """`receipt_render_median_ms` (fonts registered once) and `receipt_cold_s` (a whole CLI process)."""
    from onestop.domain import FormKind
    from receipts.render import render_form, warm_up

    services = ctx.services
    code = bench_code(ctx)
    if code is None:
        return {}
    request = services.forms.request(code, FormKind.RECEIPT, officer="bench", copies=1)
    warm_up()
    timings = []
    for _ in range(50):
        t0 = time.perf_counter()
        render_form(request)
        timings.append((time.perf_counter() - t0) * 1000)
    ctx.floors["receipt_render_median_ms"] = round(receipt_floor(), 1)
    argv = [sys.executable, "-m", "onestop", "receipt", code, "--officer", "bench", *db_args(ctx)]
    wall, cpu = timed_runs(argv, 3)
    floor_wall, floor_cpu = cold_import_floor()
    ctx.floors["receipt_cold_s"] = round(floor_wall, 3)
    ctx.floors["receipt_cold_cpu_s"] = round(floor_cpu, 3)
    return {
        "receipt_render_median_ms": round(statistics.median(timings), 1),
        "receipt_cold_s": round(wall, 3),
        "receipt_cold_cpu_s": round(cpu, 3),
    }


def bench_code(ctx: BenchContext) -> str | None:
    """A dossier received through the service (the core provider's), else a synthetic one."""
    with ctx.services.engine.connect() as conn:
        for origin in ("local", "bench"):  # newest first: the service's rows sit at the end of the table
            code = conn.exec_driver_sql(
                "SELECT code FROM dossier WHERE origin = ? AND code NOT LIKE '%F%' ORDER BY id DESC LIMIT 1", (origin,)
            ).scalar()
            if code is not None:
                return str(code)
    return None


def db_args(ctx: BenchContext) -> list[str]:
    return ["--db", str(ctx.db_path), "--config", str(ctx.config_path)]
