"""`onestop doctor`: check the database, schema, fonts, printer and the provincial server."""

from __future__ import annotations

import typer

from onestop.cli.common import ConfigOpt, DbOpt, JsonOpt, config_option, db_option, emit_json

app = typer.Typer()


@app.command()
def doctor(json_out: JsonOpt = False, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Kiểm tra cơ sở dữ liệu, phiên bản lược đồ, phông chữ, máy in và kết nối máy chủ tỉnh."""
    from onestop.doctor import run_checks

    checks = run_checks(db_option(db), config_option(config))
    if json_out:
        emit_json([{"check": c.name, "ok": c.ok, "message": c.message} for c in checks])
    else:
        for c in checks:
            label = "OK " if c.ok else ("LƯU Ý" if c.optional else "LỖI")  # optional: offline or no printer
            print(f"[{label}] {c.name}: {c.message}")
    if not all(c.ok or c.optional for c in checks):
        raise typer.Exit(1)
