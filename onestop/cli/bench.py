"""`onestop bench`: performance figures on a synthetic commune (CONTRACT.md "Benchmark figures")."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from onestop.cli.common import db_option, fail

app = typer.Typer()


@app.command()
def bench(
    dossiers: Annotated[
        str,
        typer.Option(
            "--dossiers",
            help="Số hồ sơ tổng hợp; nhiều cỡ cách nhau bằng dấu phẩy (10000,100000,1000000) để có đường chi phí.",
        ),
    ] = "10000",
    json_out: Annotated[bool, typer.Option("--json", help="In một đối tượng JSON.")] = False,
    db: Annotated[Path | None, typer.Option("--db", help="Dùng lại cơ sở dữ liệu đo (mặc định: thư mục tạm).")] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Chỉ chạy nhóm số đo: core, search, forms, cli, batch, sync, tui, declaration, kpi (lặp lại được).",
        ),
    ] = None,
) -> None:
    """Đo hiệu năng trên dữ liệu tổng hợp; in mỗi số đo bên cạnh mức sàn, tỉ lệ và mục tiêu (CONTRACT.md)."""
    from onestop.bench.harness import parse_sizes, run_bench

    try:
        sizes = parse_sizes(dossiers)
    except ValueError:
        fail(
            f"--dossiers: cần một hoặc nhiều số nguyên từ 0 đến 5000000, cách nhau bằng dấu phẩy (nhận '{dossiers[:40]}')."
        )
    result = run_bench(sizes, db_option(db), only=tuple(only or ()))
    if json_out:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        return
    sys.stdout.write(format_table(result))


def format_table(result: dict[str, Any]) -> str:
    """Figure, floor, ratio and target side by side; then, for several sizes, each curve figure per size."""
    from onestop.bench.harness import CURVE_KEYS, KEYS

    floors, ratios = result.get("floors", {}), result.get("ratios", {})
    targets, met = result.get("targets", {}), result.get("met", {})
    keys = [*KEYS, *sorted(k for k in result if k not in KEYS and _is_figure(result[k]))]
    lines = [f"{'figure':<32} {'value':>12} {'floor':>10} {'ratio':>7}  {'target':<18} met"]
    for key in keys:
        mark = {True: "yes", False: "NO", None: ""}[met.get(key)]
        lines.append(
            f"{key:<32} {_fmt(result.get(key)):>12} {_fmt(floors.get(key), ''):>10} {_fmt(ratios.get(key), ''):>7}  "
            f"{targets.get(key, ''):<18} {mark}".rstrip()
        )
    curves = result.get("curves") or []
    if curves:
        lines += ["", f"{'cost curve':<32} " + " ".join(f"{c['dossiers']:>12,}" for c in curves)]
        for key in CURVE_KEYS:
            lines.append(f"{key:<32} " + " ".join(f"{_fmt(c.get(key)):>12}" for c in curves))
            if any(key in c.get("floors", {}) for c in curves):
                lines.append(f"{'  floor':<32} " + " ".join(f"{_fmt(c['floors'].get(key), '')!s:>12}" for c in curves))
    return "\n".join(lines) + "\n"


def _is_figure(value: Any) -> bool:
    return value is None or isinstance(value, int | float)


def _fmt(value: Any, missing: str = "null") -> str:
    if value is None:
        return missing
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
