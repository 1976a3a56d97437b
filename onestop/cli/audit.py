"""`onestop audit list/export`: the append-only access log (CONTRACT.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from onestop.cli.common import ConfigOpt, DbOpt, JsonOpt, OfficerOpt, emit_json, open_ctx, say

app = typer.Typer(help="Nhật ký truy cập (chỉ đọc, chỉ ghi thêm).", no_args_is_help=True)


@app.command("list")
def audit_list(
    dossier: Annotated[str, typer.Option("--dossier", help="Chỉ mục của một hồ sơ.")] = "",
    by: Annotated[str, typer.Option("--by", help="Chỉ mục do một cán bộ thực hiện.")] = "",
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000)] = 200,
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Xem nhật ký truy cập, mới nhất trước (lãnh đạo khi có --officer)."""
    services = open_ctx(db, config)
    if officer:
        entries = services.audit.browse(officer, dossier_code=dossier, officer=by, limit=limit)
    else:
        entries = services.audit.entries(dossier_code=dossier, officer=by, limit=limit)
    if json_out:
        emit_json(
            [
                {
                    "id": e.id,
                    "at": e.at.isoformat(),
                    "officer": e.officer,
                    "action": e.action,
                    "dossier_code": e.dossier_code,
                    "detail": e.detail,
                }
                for e in entries
            ]
        )
        return
    for e in entries:
        print(f"{e.at:%d/%m/%Y %H:%M:%S}  {e.officer:<14} {e.action:<18} {e.dossier_code:<24} {e.detail}")


@app.command("export")
def audit_export(
    out: Annotated[Path, typer.Option("--out", help="Tệp CSV.")],
    dossier: Annotated[str, typer.Option("--dossier", help="Chỉ mục của một hồ sơ.")] = "",
    by: Annotated[str, typer.Option("--by", help="Chỉ mục do một cán bộ thực hiện.")] = "",
    officer: OfficerOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Xuất nhật ký truy cập ra CSV (UTF-8); việc xuất cũng được ghi nhật ký."""
    services = open_ctx(db, config)
    rows = services.audit.export_csv(out, actor=officer, dossier_code=dossier, officer=by)
    say(f"Đã xuất {rows} dòng nhật ký vào {out}.")
