"""The KPI scorecard figure (`report kpi`, the duties issue): a whole `onestop report kpi` process on the bench
database beside `python -c "import sqlmodel"`; null while the command does not exist."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from typing import Any

from onestop.bench.context import BenchContext
from onestop.bench.floors import cold_import_floor, process_env, timed_runs
from onestop.bench.forms import db_args


def available() -> bool:
    """Whether `onestop report kpi` exists in this build (the duties work may not have landed)."""
    try:
        from onestop.cli import report
    except ImportError:
        return False
    return any(getattr(c, "name", None) == "kpi" for c in report.app.registered_commands)


def figures(ctx: BenchContext) -> dict[str, Any]:
    """`kpi_report_s`: `onestop report kpi --month <this month> --json`, median of 3 processes."""
    if not available():
        return {"kpi_report_s": None}
    month = date.today().strftime("%Y-%m")
    argv = [sys.executable, "-m", "onestop", "report", "kpi", "--month", month, "--json", *db_args(ctx)]
    done = subprocess.run(argv, capture_output=True, check=False, env=process_env())
    if done.returncode != 0:
        sys.stderr.write(f"[bench] report kpi exited {done.returncode}: {done.stderr[-300:]!r}\n")
        return {"kpi_report_s": None}
    wall, cpu = timed_runs(argv, 3)
    floor_wall, floor_cpu = cold_import_floor()
    ctx.floors["kpi_report_s"], ctx.floors["kpi_report_cpu_s"] = round(floor_wall, 3), round(floor_cpu, 3)
    return {"kpi_report_s": round(wall, 3), "kpi_report_cpu_s": round(cpu, 3)}
