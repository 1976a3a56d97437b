"""`onestop citizen export`: everything stored about one citizen, at their request (CONTRACT.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from onestop.cli.common import ConfigOpt, DbOpt, OfficerOpt, emit_json, open_ctx, say

app = typer.Typer(help="Dữ liệu cá nhân của công dân.", no_args_is_help=True)


@app.command("export")
def citizen_export(
    id_number: Annotated[str, typer.Argument(help="Số định danh cá nhân (12 số).")],
    officer: OfficerOpt = None,
    out: Annotated[Path | None, typer.Option("--out", help="Tệp JSON (mặc định: in ra stdout).")] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Xuất mọi dữ liệu đang lưu về một công dân theo yêu cầu của họ (lãnh đạo; được ghi nhật ký)."""
    services = open_ctx(db, config)
    data = services.privacy.export_citizen(id_number, officer)
    if out:
        services.privacy.write_export(data, out)
        say(f"Đã xuất dữ liệu ({len(data['dossiers'])} hồ sơ) vào {out}.")
    else:
        emit_json(data)
