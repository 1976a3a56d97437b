"""`onestop bench`: performance figures on a synthetic commune (CONTRACT.md "Benchmark figures")."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from onestop.cli.common import db_option

app = typer.Typer()


@app.command()
def bench(
    dossiers: Annotated[int, typer.Option("--dossiers", min=0, max=5_000_000, help="Số hồ sơ tổng hợp.")] = 10_000,
    json_out: Annotated[bool, typer.Option("--json", help="In một đối tượng JSON.")] = False,
    db: Annotated[Path | None, typer.Option("--db", help="Dùng lại cơ sở dữ liệu đo (mặc định: thư mục tạm).")] = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="Chỉ chạy nhóm số đo: core, search, forms, sync, tui (lặp lại được)."),
    ] = None,
) -> None:
    """Đo hiệu năng trên dữ liệu tổng hợp và in bảng số đo (CONTRACT.md)."""
    from onestop.bench.harness import KEYS, run_bench

    figures = run_bench(dossiers, db_option(db), only=tuple(only or ()))
    if json_out:
        sys.stdout.write(json.dumps(figures, ensure_ascii=False) + "\n")
        return
    for key in KEYS:
        value = figures.get(key)
        print(f"{key:<32} {'null' if value is None else value}")
