"""`onestop purge`: remove finished, synchronised dossiers past the retention period (CONTRACT.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from onestop.cli.common import ConfigOpt, DbOpt, JsonOpt, OfficerOpt, emit_json, open_ctx, say
from onestop.formats import date_vn

app = typer.Typer()


@app.command()
def purge(
    officer: OfficerOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ liệt kê, không xóa.")] = False,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Xóa khỏi máy các hồ sơ đã kết thúc và đã đồng bộ quá thời hạn lưu giữ (quản trị)."""
    services = open_ctx(db, config)
    report = services.privacy.purge(officer, dry_run=dry_run)
    if json_out:
        emit_json(
            {
                "dry_run": report.dry_run,
                "cutoff": report.cutoff.isoformat(),
                "count": report.count,
                "codes": list(report.purged_codes),
                "kept_unsynced": report.kept_unsynced,
                "citizens_removed": report.citizens_removed,
                "files_removed": report.files_removed,
            }
        )
    else:
        for code in report.purged_codes:
            print(code)
    verb = "Sẽ xóa" if report.dry_run else "Đã xóa"
    say(
        f"{verb} {report.count} hồ sơ kết thúc trước {date_vn(report.cutoff)}; giữ lại {report.kept_unsynced} "
        "hồ sơ chưa đồng bộ xong."
    )
