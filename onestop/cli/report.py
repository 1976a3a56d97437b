"""`onestop report monthly/book`: monthly statistics and the dossier tracking book (CONTRACT.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from onestop.cli.common import ConfigOpt, DbOpt, JsonOpt, OfficerOpt, emit_json, open_ctx, parse_day, say
from onestop.cli.views import report_json, summary_like

app = typer.Typer(help="Báo cáo thống kê và sổ theo dõi hồ sơ.", no_args_is_help=True)


@app.command("monthly")
def report_monthly(
    month: Annotated[str, typer.Option("--month", help="Tháng YYYY-MM.")],
    fmt: Annotated[str, typer.Option("--format", help="csv | xlsx | pdf")] = "csv",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Tệp kết quả (mặc định: CSV ra stdout; XLSX/PDF vào thư mục lưu trữ)."),
    ] = None,
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Thống kê tháng theo thủ tục, lĩnh vực: tiếp nhận theo kênh, đúng hạn/quá hạn, tồn, quá hạn."""
    import os
    import sys
    import tempfile

    from onestop.errors import BadInput

    fmt = fmt.strip().lower()
    if fmt not in ("csv", "xlsx", "pdf"):
        raise BadInput("--format phải là csv, xlsx hoặc pdf.", field="format")
    services = open_ctx(db, config)
    actor = officer or "cli"
    reports = services.reports
    report = reports.monthly(month, actor=actor)
    if json_out:
        emit_json(report_json(report))
        if out is None:
            return
    if out is None and fmt == "csv" and not json_out:
        fd, tmp = tempfile.mkstemp(suffix=".csv")
        os.close(fd)
        try:
            reports.write_monthly(report, "csv", Path(tmp), actor=actor)
            sys.stdout.write(Path(tmp).read_text(encoding="utf-8-sig"))
        finally:
            Path(tmp).unlink(missing_ok=True)
        return
    target = out or reports.default_path(report, fmt)
    written = reports.write_monthly(report, fmt, target, actor=actor)
    say(f"Đã xuất báo cáo tháng {report.month}: {written}")
    if not json_out:
        print(written)


@app.command("book")
def report_book(
    date_from: Annotated[str, typer.Option("--from", help="Từ ngày (YYYY-MM-DD hoặc dd/MM/yyyy).")],
    date_to: Annotated[str, typer.Option("--to", help="Đến ngày (YYYY-MM-DD hoặc dd/MM/yyyy).")],
    field: Annotated[str, typer.Option("--field", help="Lĩnh vực (để trống: tất cả).")] = "",
    out: Annotated[
        Path | None, typer.Option("--out", help="Tệp PDF (hoặc .csv) kết quả; mặc định vào thư mục lưu trữ.")
    ] = None,
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Sổ theo dõi hồ sơ theo khoảng ngày tiếp nhận (PDF, hoặc CSV khi --out kết thúc bằng .csv)."""
    services = open_ctx(db, config)
    start, end = parse_day(date_from, "--from"), parse_day(date_to, "--to")
    actor = officer or "cli"
    dossiers = services.reports.book(start, end, field, actor=actor)
    if json_out and out is None:
        emit_json([summary_like(d) for d in dossiers])
        return
    target = out or services.archive_dir / "reports" / f"so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
    written = services.reports.write_book(dossiers, start, end, target, actor=actor, field=field)
    say(f"Sổ theo dõi: {len(dossiers)} hồ sơ → {written}")
    if json_out:
        emit_json({"file": str(written), "count": len(dossiers)})
    else:
        print(written)
