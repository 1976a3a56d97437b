"""Counter-form figures: warm render time of a receipt and a cold `onestop receipt` process."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from typing import Any

from onestop.bench.context import BenchContext


def figures(ctx: BenchContext) -> dict[str, Any]:
    """`receipt_render_median_ms` (fonts registered once) and `receipt_cold_s` (a whole CLI process)."""
    from onestop.domain import FormKind
    from receipts.render import render_form, warm_up

    services = ctx.services
    with services.engine.connect() as conn:
        code = conn.exec_driver_sql("SELECT code FROM dossier WHERE origin = 'local' ORDER BY id DESC LIMIT 1").scalar()
    if code is None:
        return {}
    request = services.forms.request(code, FormKind.RECEIPT, officer="bench", copies=1)
    warm_up()
    timings = []
    for _ in range(50):
        t0 = time.perf_counter()
        render_form(request)
        timings.append((time.perf_counter() - t0) * 1000)
    cold = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "onestop",
                "receipt",
                code,
                "--officer",
                "bench",
                "--db",
                str(ctx.db_path),
                "--config",
                str(ctx.config_path),
            ],
            capture_output=True,
            check=True,
        )
        cold.append(time.perf_counter() - t0)
    return {
        "receipt_render_median_ms": round(statistics.median(timings), 1),
        "receipt_cold_s": round(statistics.median(cold), 3),
    }
