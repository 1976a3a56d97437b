"""`onestop report monthly/book/kpi`: monthly statistics, the dossier tracking book and the QĐ 766 scorecard."""

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


@app.command("kpi")
def report_kpi(
    month: Annotated[str, typer.Option("--month", help="Tháng YYYY-MM.")],
    fmt: Annotated[str | None, typer.Option("--format", help="pdf | xlsx (để trống: in bảng)")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Tệp kết quả (mặc định: thư mục lưu trữ).")] = None,
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Bộ chỉ số phục vụ người dân (QĐ 766): tiếp nhận, đúng hạn, thời gian, trực tuyến, số hóa, hài lòng."""
    from onestop.cli.views import iso
    from onestop.errors import BadInput
    from onestop.kpi import KPI_KEYS, KPI_LABELS, cell

    if fmt is not None and fmt.strip().lower() not in ("pdf", "xlsx"):
        raise BadInput("--format phải là pdf hoặc xlsx.", field="format")
    services = open_ctx(db, config)
    actor = services.officers.require(officer).username if officer else "cli"
    report = services.kpi.report(month)
    services.audit.log(actor, "report.kpi", detail=f"{report.month} {fmt or ('json' if json_out else 'text')}")
    if fmt is not None:
        kind = fmt.strip().lower()
        target = out or services.archive_dir / "reports" / f"kpi-{report.month}.{kind}"
        written = services.kpi.write(report, kind, target)
        say(f"Đã xuất bộ chỉ số tháng {report.month}: {written}")
        if not json_out:
            print(written)
            return
    if json_out:
        emit_json(
            {
                "month": report.month,
                "commune": report.commune,
                "generated_at": iso(report.generated_at),
                "total": report.total.as_json(),
                "by_field": [f.as_json() for f in report.by_field],
                "trend": [f.as_json() for f in report.trend],
                "notes": list(report.notes),
            }
        )
        return
    print(f"Bộ chỉ số QĐ 766 — tháng {report.month[5:]}/{report.month[:4]}")
    for key in ("received", "finished", *KPI_KEYS[1:]):
        print(f"  {KPI_LABELS[key]:<42} {cell(key, getattr(report.total, key))}")
    for f in report.by_field:
        print(
            f"  [{f.field}] tiếp nhận {f.received}, có kết quả {f.finished}, "
            f"đúng hạn {cell('on_time_rate', f.on_time_rate)}"
        )
    trend = "  ".join(f"{f.month[5:]}/{f.month[2:4]} {cell('on_time_rate', f.on_time_rate)}" for f in report.trend)
    print(f"  Xu hướng đúng hạn: {trend}")
    for note in report.notes:
        say(note)
