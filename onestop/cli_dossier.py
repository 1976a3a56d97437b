"""`onestop dossier show/list/transition` and `onestop report monthly/book` (CONTRACT.md).

Same services as the TUI. Exit codes: 0 done, 2 bad input, 3 not found, 4 refused transition.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from onestop.cli_common import ConfigOpt, DbOpt, JsonOpt, OfficerOpt, emit_json, open_ctx, say

if TYPE_CHECKING:
    from onestop.domain import Dossier, DossierSummary, MonthlyReport


def _dt(value: Any) -> str | None:
    return value.isoformat() if value else None


def dossier_json(d: Dossier) -> dict[str, Any]:
    def person(p: Any) -> dict[str, Any] | None:
        if p is None:
            return None
        return {
            "full_name": p.full_name,
            "id_number": p.id_number,
            "birth_date": _dt(p.birth_date),
            "gender": p.gender,
            "address": p.address,
            "phone": p.phone,
            "email": p.email,
        }

    return {
        "code": d.code,
        "official_code": d.official_code,
        "uuid": d.uuid,
        "status": d.status.value,
        "status_label": d.status.label,
        "national_status": d.status.national_code,
        "overdue": d.is_overdue(),
        "procedure": {
            "code": d.procedure.code,
            "version": d.procedure.version,
            "name": d.procedure.name,
            "field": d.procedure.field,
        },
        "applicant": person(d.applicant),
        "representative": person(d.representative),
        "channel": d.channel.value,
        "return_via": d.return_via.value,
        "return_address": d.return_address,
        "received_at": _dt(d.received_at),
        "due_at": _dt(d.due_at),
        "due_reason": d.due_reason,
        "officer": d.officer,
        "lookup_key": d.lookup_key,
        "fee_vnd": d.fee_total,
        "documents": [
            {
                "name": x.name,
                "kind": x.kind.value,
                "count": x.count,
                "attachments": [a.file_name for a in x.attachments],
            }
            for x in d.documents
        ],
        "payments": [
            {"label": p.label, "amount_vnd": p.amount_vnd, "method": p.method, "exemption": p.exemption}
            for p in d.payments
        ],
        "events": [
            {
                "seq": e.seq,
                "at": _dt(e.at),
                "from": e.from_status.value if e.from_status else None,
                "to": e.to_status.value,
                "officer": e.officer,
                "reason": e.reason,
                "new_due": _dt(e.new_due),
                "note": e.note,
            }
            for e in d.events
        ],
        "forms": [
            {
                "form": f.form.value,
                "at": _dt(f.at),
                "officer": f.officer,
                "copies": f.copies,
                "file": f.file,
                "status": f.status,
            }
            for f in d.forms
        ],
        "sync_state": d.sync_state,
        "sync_message": d.sync_message,
        "returned_at": _dt(d.returned_at),
        "collected_by": d.collected_by,
        "collected_id_number": d.collected_id_number,
    }


def summary_json(s: DossierSummary) -> dict[str, Any]:
    return {
        "code": s.code,
        "official_code": s.official_code,
        "applicant_name": s.applicant_name,
        "id_number": s.id_number,
        "phone": s.phone,
        "procedure_code": s.procedure_code,
        "procedure_name": s.procedure_name,
        "status": s.status.value,
        "received_at": _dt(s.received_at),
        "due_at": _dt(s.due_at),
        "overdue": s.overdue,
    }


def report_json(r: MonthlyReport) -> dict[str, Any]:
    def row(x: Any) -> dict[str, Any]:
        return {
            "field": x.field,
            "procedure_code": x.procedure_code,
            "procedure_name": x.procedure_name,
            "received_paper": x.received_paper,
            "received_online": x.received_online,
            "received_post": x.received_post,
            "received": x.received,
            "resolved_on_time": x.resolved_on_time,
            "resolved_late": x.resolved_late,
            "pending": x.pending,
            "overdue": x.overdue,
        }

    return {
        "month": r.month,
        "commune": r.office.commune_name,
        "generated_at": _dt(r.generated_at),
        "rows": [row(x) for x in r.rows],
        "total": row(r.total),
    }


def _parse_when(value: str | None, option: str):  # type: ignore[no-untyped-def]
    from datetime import datetime

    from onestop.domain import VN_TZ
    from onestop.errors import BadInput

    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadInput(f"{option}: thời điểm không hợp lệ (dùng ISO, ví dụ 2026-12-01T17:00).", field=option) from None
    return parsed.replace(tzinfo=VN_TZ) if parsed.tzinfo is None else parsed


def _parse_day(value: str, option: str):  # type: ignore[no-untyped-def]
    from datetime import datetime

    from onestop.errors import BadInput

    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    raise BadInput(f"{option}: ngày không hợp lệ (dùng YYYY-MM-DD hoặc dd/MM/yyyy).", field=option)


def _parse_status(value: str):  # type: ignore[no-untyped-def]
    from onestop.domain import Status
    from onestop.errors import BadInput

    text = value.strip().lower()
    if text.isdigit():
        try:
            return Status.from_national(int(text))
        except ValueError:
            pass
    try:
        return Status(text)
    except ValueError:
        names = ", ".join(s.value for s in Status)
        raise BadInput(
            f"Trạng thái '{value[:30]}' không hợp lệ; dùng một trong: {names} (hoặc mã 1–10).", field="status"
        ) from None


def _fmt(value: Any) -> str:
    return value.strftime("%H:%M %d/%m/%Y") if value else "—"


def register(app: typer.Typer) -> None:
    dossier_app = typer.Typer(help="Tra cứu và chuyển trạng thái hồ sơ.", no_args_is_help=True)
    report_app = typer.Typer(help="Báo cáo thống kê và sổ theo dõi hồ sơ.", no_args_is_help=True)
    app.add_typer(dossier_app, name="dossier")
    app.add_typer(report_app, name="report")

    @dossier_app.command("show")
    def dossier_show(
        code: Annotated[str, typer.Argument(help="Mã hồ sơ (mã tại quầy, mã chính thức hoặc UUID).")],
        officer: OfficerOpt = None,
        json_out: JsonOpt = False,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Toàn bộ thông tin một hồ sơ: người nộp, giấy tờ, lệ phí, tiến trình (được ghi nhật ký)."""
        services = open_ctx(db, config)
        actor = services.officers.require(officer).username if officer else "cli"
        d = services.dossiers.get(code, actor=actor)
        if json_out:
            emit_json(dossier_json(d))
            return
        print(f"{d.code}{'  (mã chính thức ' + d.official_code + ')' if d.official_code else ''}")
        print(f"Thủ tục: {d.procedure.code} — {d.procedure.name}")
        print(f"Người nộp: {d.applicant.full_name}  CCCD {d.applicant.id_number}  ĐT {d.applicant.phone or '—'}")
        print(f"Trạng thái: {d.status.label} ({d.status.national_code}){'  — QUÁ HẠN' if d.is_overdue() else ''}")
        print(f"Tiếp nhận: {_fmt(d.received_at)}   Hẹn trả: {_fmt(d.due_at)}")
        print("Tiến trình:")
        for e in d.events:
            extra = f" — {e.reason}" if e.reason else ""
            print(f"  {e.seq:>2}. {_fmt(e.at)}  {e.to_status.label}  ({e.officer}){extra}")

    @dossier_app.command("list")
    def dossier_list(
        status: Annotated[
            str | None, typer.Option("--status", help="Lọc theo trạng thái (received, in_progress, … hoặc mã 1–10).")
        ] = None,
        search: Annotated[
            str, typer.Option("--search", help="Tìm theo mã, CCCD, điện thoại, họ tên, thủ tục (không dấu cũng được).")
        ] = "",
        overdue: Annotated[bool, typer.Option("--overdue", help="Chỉ hồ sơ quá hạn.")] = False,
        procedure: Annotated[str | None, typer.Option("--procedure", help="Mã thủ tục.")] = None,
        date_from: Annotated[str | None, typer.Option("--from", help="Tiếp nhận từ ngày (YYYY-MM-DD).")] = None,
        date_to: Annotated[str | None, typer.Option("--to", help="Tiếp nhận đến ngày (YYYY-MM-DD).")] = None,
        limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="Số hồ sơ tối đa.")] = 50,
        json_out: JsonOpt = False,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Danh sách hồ sơ mới nhất trước, có lọc và tìm kiếm."""
        services = open_ctx(db, config)
        page = services.search.search(
            search,
            status=_parse_status(status) if status else None,
            overdue=overdue,
            procedure=procedure,
            date_from=_parse_day(date_from, "--from") if date_from else None,
            date_to=_parse_day(date_to, "--to") if date_to else None,
            limit=limit,
        )
        if json_out:
            emit_json(
                {
                    "items": [summary_json(s) for s in page.items],
                    "total": page.total,
                    "total_capped": page.total_capped,
                    "next_cursor": page.next_cursor,
                }
            )
            return
        for s in page.items:
            print(
                f"{s.code:<24} {s.status.value:<13} {_fmt(s.received_at):<17} {_fmt(s.due_at):<17} "
                f"{'QUÁ HẠN ' if s.overdue else ''}{s.applicant_name} — {s.procedure_name[:50]}"
            )
        if page.total is not None:
            say(f"{page.total}{'+' if page.total_capped else ''} hồ sơ.")

    @dossier_app.command("transition")
    def dossier_transition(
        code: Annotated[str, typer.Argument(help="Mã hồ sơ.")],
        to: Annotated[
            str,
            typer.Option(
                "--to",
                help="Trạng thái mới (in_progress, supplement, financial, rejected, withdrawn, stopped, result_ready, returned, received) hoặc 'apology' (xin lỗi, hẹn lại).",
            ),
        ],
        officer: OfficerOpt = None,
        reason: Annotated[
            str, typer.Option("--reason", help="Lý do (bắt buộc khi từ chối, rút, dừng, yêu cầu bổ sung, xin lỗi).")
        ] = "",
        new_due: Annotated[
            str | None, typer.Option("--new-due", help="Ngày hẹn trả mới ISO (xin lỗi; hoặc lãnh đạo đổi hẹn).")
        ] = None,
        item: Annotated[list[str] | None, typer.Option("--item", help="Giấy tờ cần bổ sung (lặp lại được).")] = None,
        collected_by: Annotated[str, typer.Option("--collected-by", help="Người nhận kết quả.")] = "",
        collected_id: Annotated[str, typer.Option("--collected-id", help="Số CCCD người nhận kết quả.")] = "",
        channel: Annotated[str, typer.Option("--channel", help="Hình thức trả: counter | post | online.")] = "",
        json_out: JsonOpt = False,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Chuyển hồ sơ sang trạng thái mới (ghi tiến trình, nhật ký và hàng đợi đồng bộ trong một giao dịch)."""
        from onestop.domain import Status
        from onestop.errors import BadInput

        if not officer:
            raise BadInput("Cần --officer (tên đăng nhập của cán bộ thực hiện).", field="officer")
        due = _parse_when(new_due, "--new-due")
        services = open_ctx(db, config)
        dossiers = services.dossiers
        if to.strip().lower() in ("apology", "xin-loi"):
            if due is None:
                raise BadInput("Xin lỗi, hẹn lại: cần --new-due.", field="new_due")
            d = dossiers.apologise(code, due, reason, officer)
        else:
            target = _parse_status(to)
            if target is Status.RETURNED:
                d = dossiers.return_result(
                    code, collected_by=collected_by, collected_id_number=collected_id, channel=channel, actor=officer
                )
            else:
                d = dossiers.transition(code, target, actor=officer, reason=reason, new_due=due, items=item or ())
        if json_out:
            emit_json(dossier_json(d))
        else:
            print(d.status.value)
            say(f"Hồ sơ {d.code}: {d.status.label}; hẹn trả {_fmt(d.due_at)}.")

    @report_app.command("monthly")
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
        renderer = None
        if fmt == "pdf":
            from receipts.report_pdf import render_monthly

            renderer = render_monthly
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
        written = reports.write_monthly(report, fmt, target, actor=actor, pdf_renderer=renderer)
        say(f"Đã xuất báo cáo tháng {report.month}: {written}")
        if not json_out:
            print(written)

    @report_app.command("book")
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
        start, end = _parse_day(date_from, "--from"), _parse_day(date_to, "--to")
        actor = officer or "cli"
        dossiers = services.reports.book(start, end, field, actor=actor)
        if json_out and out is None:
            emit_json([summary_like(d) for d in dossiers])
            return
        target = out or services.archive_dir / "reports" / f"so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
        target.parent.mkdir(parents=True, exist_ok=True)
        written = services.reports.write_book(dossiers, start, end, target, actor=actor, field=field)
        say(f"Sổ theo dõi: {len(dossiers)} hồ sơ → {written}")
        if json_out:
            emit_json({"file": str(written), "count": len(dossiers)})
        else:
            print(written)


def summary_like(d: Dossier) -> dict[str, Any]:
    return {
        "code": d.code,
        "received_at": _dt(d.received_at),
        "applicant_name": d.applicant.full_name,
        "procedure_code": d.procedure.code,
        "procedure_name": d.procedure.name,
        "field": d.procedure.field,
        "status": d.status.value,
        "due_at": _dt(d.due_at),
        "returned_at": _dt(d.returned_at),
    }
