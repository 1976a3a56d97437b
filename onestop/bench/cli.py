"""Command-line figures: a cold `onestop dossier show` process beside `python -c "import sqlmodel"`, and the
throughput of `onestop intake --batch` (one process, one transaction per dossier)."""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from onestop.bench.context import BenchContext
from onestop.bench.floors import cold_import_floor, process_env, timed_runs
from onestop.bench.forms import bench_code, db_args
from onestop.bench.synthetic import random_person

BATCH = 500


def figures(ctx: BenchContext) -> dict[str, Any]:
    """`dossier_show_cold_s`: the whole process, from exec to exit, for one dossier read by code."""
    code = bench_code(ctx)
    if code is None:
        return {}
    wall, cpu = timed_runs([sys.executable, "-m", "onestop", "dossier", "show", code, *db_args(ctx)], 3)
    floor_wall, floor_cpu = cold_import_floor()
    ctx.floors["dossier_show_cold_s"] = round(floor_wall, 3)
    ctx.floors["dossier_show_cold_cpu_s"] = round(floor_cpu, 3)
    return {"dossier_show_cold_s": round(wall, 3), "dossier_show_cold_cpu_s": round(cpu, 3)}


def batch_lines(count: int, seed: int = 17) -> list[str]:
    """`count` intake lines (JSON objects with the single intake's fields) for synthetic citizens."""
    from onestop.declarations.samples import sample

    rng = random.Random(seed)
    declaration = sample("1.001193", date.today())
    lines = []
    for _ in range(count):
        p = random_person(rng)
        lines.append(
            json.dumps(
                {
                    "procedure": "1.001193",
                    "id_number": p["id_number"],
                    "name": p["full_name"],
                    "dob": p["birth_date"].strftime("%d/%m/%Y"),
                    "gender": p["gender"],
                    "address": p["address"],
                    "phone": p["phone"],
                    "officer": "bench",
                    "declaration": declaration,  # a birth registration is received with its tờ khai
                },
                ensure_ascii=False,
            )
        )
    return lines


def batch_figures(ctx: BenchContext) -> dict[str, Any]:
    """`intake_batch_per_s`: `onestop intake --batch` of 500 lines, dossiers per second of the whole process."""
    import subprocess

    path = Path(tempfile.mkdtemp(prefix="onestop-batch-")) / "batch.jsonl"
    path.write_text("\n".join(batch_lines(BATCH)) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "onestop", "intake", "--batch", str(path), "--json", *db_args(ctx)],
        capture_output=True,
        text=True,
        check=False,
        env=process_env(),
    )
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        sys.stderr.write(f"[bench] intake --batch exited {done.returncode}: {done.stderr[-300:]}\n")
        return {}
    return {"intake_batch_per_s": round(BATCH / elapsed), "intake_batch_s": round(elapsed, 2)}
