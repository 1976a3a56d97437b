"""The harness: build the synthetic database, run the providers, collect figures, floors, ratios and targets.

`run_bench([10_000, 100_000, 1_000_000])` measures every provider at each size (a cost curve); the database grows
from one size to the next, so the largest size costs one build. The result's top-level figures are the largest
size's; `curves` holds every size's.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from db.engine import dispose
from onestop.bench import cli, core, declarations, floors, forms, kpi, search, tui
from onestop.bench.context import BenchContext
from onestop.bench.synthetic import bulk_insert
from onestop.sync import bench as sync_bench

KEYS = (
    "dossiers",
    "bulk_insert_rows_per_s",
    "bulk_insert_s",
    "intake_save_p95_ms",
    "intake_keystrokes",
    "intake_batch_per_s",
    "screen_switch_p95_ms",
    "search_p95_ms",
    "home_open_ms",
    "search_open_ms",
    "tui_first_paint_s",
    "tui_peak_rss_mb",
    "receipt_render_median_ms",
    "receipt_cold_s",
    "dossier_show_cold_s",
    "sync_push_items_per_s",
    "sync_pull_items_per_s",
    "ui_frame_p95_ms_during_sync",
    "help_start_s",
    "declaration_step_open_p95_ms",
    "declaration_keystrokes",
    "kpi_report_s",
)
"""Every figure `--json` always carries (null when not measured); providers may add more keys."""

CURVE_KEYS = (
    "intake_save_p95_ms",
    "search_p95_ms",
    "home_open_ms",
    "search_open_ms",
    "screen_switch_p95_ms",
    "tui_peak_rss_mb",
    "queue_counts_ms",
)
"""The figures a cost curve is about (printed per size by the human output; `curves` in JSON has all of them)."""

# kind, value: "max" figure ≤ value; "min" figure ≥ value; "ratio" figure ≤ value × floor; "plus" figure ≤ floor + value
TARGETS: dict[str, tuple[str, float]] = {
    "intake_save_p95_ms": ("max", 5.0),
    "screen_switch_p95_ms": ("max", 50.0),
    "home_open_ms": ("max", 300.0),
    "search_open_ms": ("max", 300.0),
    "tui_first_paint_s": ("ratio", 1.15),
    "bulk_insert_rows_per_s": ("min", 1_000_000 / 60),  # 1M dossiers in ≤ 60 s
    "dossier_show_cold_s": ("plus", 0.3),
    "receipt_cold_s": ("plus", 0.3),
    "intake_batch_per_s": ("min", 200.0),
}
"""Issue 16's targets (at 1M dossiers on the measuring machine)."""

HIGHER_IS_BETTER = {"bulk_insert_rows_per_s", "intake_batch_per_s", "sync_push_items_per_s", "sync_pull_items_per_s"}

Provider = Callable[[BenchContext], dict[str, Any]]
PROVIDERS: tuple[tuple[str, Provider], ...] = (
    ("sync", sync_bench.bench_figures),  # first: it pushes as counter 99 and expects only its own items queued
    ("sync", floors.sync_provider),
    ("core", core.figures),
    ("search", search.figures),
    ("forms", forms.figures),
    ("cli", cli.figures),
    ("batch", cli.batch_figures),
    ("tui", tui.figures),
    ("declaration", declarations.figures),
    ("kpi", kpi.figures),
)
"""Each provider by name (`onestop bench --only NAME`); missing figures stay null."""


def parse_sizes(text: str) -> list[int]:
    """`"10000,100000,1000000"` → [10000, 100000, 1000000] (sorted, unique); ValueError on anything else."""
    sizes = sorted({int(part.replace("_", "").strip()) for part in text.split(",") if part.strip()})
    if not sizes or any(not 0 <= n <= 5_000_000 for n in sizes):
        raise ValueError(text)
    return sizes


def run_bench(dossiers: int | list[int], db: Path | None, *, only: tuple[str, ...] = ()) -> dict[str, Any]:
    """Measure every selected provider at each size; the result of the largest size, with `curves` for all."""
    import os

    sizes = [dossiers] if isinstance(dossiers, int) else sorted(dossiers)
    workdir = Path(tempfile.mkdtemp(prefix="onestop-bench-"))
    # The bench officer's command-line sessions live in the scratch folder, never in the user's (inherited by
    # the commands the providers start).
    os.environ["ONESTOP_SESSION_DIR"] = str(workdir / "sessions")
    config_path = _write_config(workdir)
    given = _bench_rows(db) if db is not None and db.exists() else 0
    runs = []
    for size in sizes:
        # The given database serves the sizes it can (it only ever grows); smaller sizes grow a scratch one.
        db_path = db if db is not None and given <= size else workdir / "bench.db"
        runs.append(_run_size(size, db_path, config_path, only))
    result = dict(runs[-1])
    if len(runs) > 1:
        result["curves"] = runs
    return result


def _run_size(size: int, db_path: Path, config_path: Path, only: tuple[str, ...]) -> dict[str, Any]:
    from onestop.config import load_settings
    from onestop.domain import Role
    from onestop.services import open_services

    services = open_services(db_path, load_settings(config_path))
    if not any(o.username == "bench" for o in services.officers.list()):
        services.officers.add("bench", "Cán bộ đo hiệu năng", Role.ADMIN, "bench-password", actor="setup")
    figures: dict[str, Any] = {k: None for k in KEYS}
    figures["dossiers"] = size
    with services.engine.connect() as conn:
        existing = conn.exec_driver_sql("SELECT count(*) FROM dossier WHERE origin = 'bench'").scalar_one()
    to_insert = max(0, size - existing)
    if to_insert:
        phases: dict[str, float] = {}
        seconds, checkpoint_s = bulk_insert(services, to_insert, phases=phases)
        figures.update({f"bulk_{name}_s": round(value, 2) for name, value in phases.items()})
        figures["bulk_insert_s"] = round(seconds, 2)
        figures["bulk_checkpoint_s"] = round(checkpoint_s, 2)
        figures["bulk_insert_rows_per_s"] = round(to_insert / seconds)
        figures["bulk_insert_rows"] = to_insert
    with services.engine.begin() as conn:  # a reused database: the sync provider pushes only its own items
        conn.exec_driver_sql("DELETE FROM outbox_item WHERE state != 'synced' OR key LIKE 'bench:%'")
    ctx = BenchContext(db_path, config_path, services, size, figures)
    for name, provider in PROVIDERS:
        if only and not any(name.startswith(o) for o in only):
            continue
        # No pooled connection stays open while a provider's commands write: on main at the time of writing,
        # a command writing while another process held a connection open could leave the file malformed.
        dispose(services.engine)
        try:
            _ensure_session(services, db_path)
            figures.update({k: v for k, v in provider(ctx).items() if v is not None})
        except Exception as exc:  # one area failing must not hide the others' figures
            sys.stderr.write(f"[bench] {name}: {type(exc).__name__}: {exc}\n")
    services.close()
    floors = {k: v for k, v in ctx.floors.items() if v is not None}
    figures["floors"] = floors
    figures["ratios"] = ratios(figures, floors)
    figures["targets"] = {k: describe_target(k) for k in TARGETS}
    figures["met"] = {k: met(k, figures.get(k), floors.get(k)) for k in TARGETS}
    return figures


def _ensure_session(services: Any, db_path: Path) -> None:
    """A command-line session for the bench officer (`onestop login bench`), opened again if it has lapsed: the
    providers run `onestop receipt`, `intake --batch`… as that officer, as a script at the counter would."""
    from onestop.domain import now_vn
    from onestop.session import current, login

    session = current(db_path, now=now_vn(), touch=False)
    if session is None or session.officer != "bench":
        login(services.officers, db_path, "bench", "bench-password", now=now_vn())


def ratios(figures: dict[str, Any], floors: dict[str, Any]) -> dict[str, float]:
    """Figure over floor for every figure with a floor (for a rate: floor over figure, so > 1 is always slower)."""
    out = {}
    for key, floor in floors.items():
        value = figures.get(key)
        if isinstance(value, int | float) and isinstance(floor, int | float) and value and floor:
            out[key] = round(floor / value if key in HIGHER_IS_BETTER else value / floor, 2)
    return out


def describe_target(key: str) -> str:
    kind, value = TARGETS[key]
    return {
        "max": f"≤ {value:g}",
        "min": f"≥ {value:,.0f}",
        "ratio": f"≤ {value:g} × floor",
        "plus": f"≤ floor + {value:g}",
    }[kind]


def met(key: str, value: Any, floor: Any) -> bool | None:
    """Whether the figure meets its target (None when the figure, or the floor it is measured against, is missing)."""
    kind, target = TARGETS[key]
    if not isinstance(value, int | float):
        return None
    if kind == "max":
        return value <= target
    if kind == "min":
        return value >= target
    if not isinstance(floor, int | float):
        return None
    return value <= (target * floor if kind == "ratio" else floor + target) + 1e-9


def _write_config(workdir: Path) -> Path:
    """The bench workstation's config. Its backups go to the scratch folder, where a placeholder stands for
    today's automatic backup: every TUI the bench starts would otherwise begin copying the whole database (1 GiB
    at 1M dossiers) in the background and skew every figure measured after it."""
    from onestop.config import parse_settings, write_settings
    from onestop.domain import now_vn

    path = workdir / "config.toml"
    backups = workdir / "backups"
    backups.mkdir(mode=0o700)
    (backups / f"onestop-auto-{now_vn():%Y%m%d}-000000.osbak").write_text("bench placeholder, not a backup\n")
    settings = parse_settings(
        {
            "commune": {"name": "Xã Quảng Phú", "agency_code": "H56.14", "province": "Thanh Hóa", "counter": "01"},
            "paths": {"backup_dir": str(backups)},
        }
    )
    write_settings(settings, path)
    return path


def _bench_rows(db: Path) -> int:
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM dossier WHERE origin = 'bench'").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0
