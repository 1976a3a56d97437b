"""The harness: build the synthetic database, run the providers, collect one dict of figures."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from onestop.bench import core, forms, search, tui
from onestop.bench.context import BenchContext
from onestop.bench.synthetic import bulk_insert
from onestop.sync import bench as sync_bench

KEYS = (
    "dossiers",
    "bulk_insert_rows_per_s",
    "bulk_insert_s",
    "intake_save_p95_ms",
    "intake_keystrokes",
    "screen_switch_p95_ms",
    "search_p95_ms",
    "home_open_ms",
    "search_open_ms",
    "tui_peak_rss_mb",
    "receipt_render_median_ms",
    "receipt_cold_s",
    "sync_push_items_per_s",
    "sync_pull_items_per_s",
    "ui_frame_p95_ms_during_sync",
    "help_start_s",
)

Provider = Callable[[BenchContext], dict[str, Any]]
PROVIDERS: tuple[tuple[str, Provider], ...] = (
    ("core", core.figures),
    ("search", search.figures),
    ("forms", forms.figures),
    ("sync", sync_bench.bench_figures),
    ("tui", tui.figures),
)
"""Each provider by name (`onestop bench --only NAME`); missing figures stay null."""


def run_bench(dossiers: int, db: Path | None, *, only: tuple[str, ...] = ()) -> dict[str, Any]:
    """Build the synthetic database and collect every provider's figures."""
    from onestop.config import Settings, parse_settings, write_settings
    from onestop.domain import Role
    from onestop.services import open_services

    workdir = Path(tempfile.mkdtemp(prefix="onestop-bench-"))
    db_path = db or workdir / "bench.db"
    config_path = workdir / "config.toml"
    settings: Settings = parse_settings(
        {"commune": {"name": "Xã Quảng Phú", "agency_code": "H56.14", "province": "Thanh Hóa", "counter": "01"}}
    )
    write_settings(settings, config_path)
    services = open_services(db_path, settings)
    if not any(o.username == "bench" for o in services.officers.list()):
        services.officers.add("bench", "Cán bộ đo hiệu năng", Role.ADMIN, "bench-password", actor="setup")
    figures: dict[str, Any] = {k: None for k in KEYS}
    figures["dossiers"] = dossiers
    with services.engine.connect() as conn:
        existing = conn.exec_driver_sql("SELECT count(*) FROM dossier WHERE origin = 'bench'").scalar_one()
    to_insert = max(0, dossiers - existing)
    if to_insert:
        seconds = bulk_insert(services, to_insert)
        figures["bulk_insert_s"] = round(seconds, 2)
        figures["bulk_insert_rows_per_s"] = round(to_insert / seconds)
    ctx = BenchContext(db_path, config_path, services, dossiers, figures)
    for name, provider in PROVIDERS:
        if only and not any(name.startswith(o) for o in only):
            continue
        try:
            figures.update({k: v for k, v in provider(ctx).items() if v is not None})
        except Exception as exc:  # one area failing must not hide the others' figures
            sys.stderr.write(f"[bench] {name}: {type(exc).__name__}: {exc}\n")
    services.close()
    return figures
