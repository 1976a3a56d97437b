"""`onestop dossier show/list/transition` (CONTRACT.md).

Same services as the TUI. Exit codes: 0 done, 2 bad input, 3 not found, 4 refused transition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from onestop.cli.common import (
    ConfigOpt,
    DbOpt,
    JsonOpt,
    OfficerOpt,
    emit_json,
    fmt_moment,
    open_ctx,
    parse_day,
    parse_status,
    parse_when,
    say,
)
from onestop.cli.views import dossier_json, rating_json, summary_json
from onestop.formats import money_vnd

if TYPE_CHECKING:
    from onestop.domain import DocumentLine

app = typer.Typer(help="Tra cứu và chuyển trạng thái hồ sơ.", no_args_is_help=True)


@app.command("show")
def dossier_show(
    code: Annotated[str, typer.Argument(help="Mã hồ sơ (mã tại quầy, mã chính thức hoặc UUID).")],
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Toàn bộ thông tin một hồ sơ: người nộp, giấy tờ, lệ phí, tiến trình (được ghi nhật ký)."""
    from onestop.services import dossier_view

    services = open_ctx(db, config)
    d = dossier_view.show(services.engine, code, officer=officer)  # plain SQL: no ORM classes to build
    if json_out:
        emit_json(dossier_json(d))
        return
    print(f"{d.code}{'  (mã chính thức ' + d.official_code + ')' if d.official_code else ''}")
    print(f"Thủ tục: {d.procedure.code} — {d.procedure.name}")
    print(f"Người nộp: {d.applicant.full_name}  CCCD {d.applicant.id_number}  ĐT {d.applicant.phone or '—'}")
    if d.representative is not None:
        rep = d.representative
        print(f"Người nộp thay (được ủy quyền): {rep.full_name}  CCCD {rep.id_number}  ĐT {rep.phone or '—'}")
        print(f"Giấy ủy quyền: {d.authorisation_doc or '—'}")
    print(f"Trạng thái: {d.status.label} ({d.status.national_code}){'  — QUÁ HẠN' if d.is_overdue() else ''}")
    print(f"Tiếp nhận: {fmt_moment(d.received_at)}   Hẹn trả: {fmt_moment(d.due_at)}")
    if d.declaration:
        from onestop.cli.form import print_declaration

        print_declaration(services, d.declaration)
    if d.documents:
        print("Giấy tờ:")
        for number, doc in enumerate(d.documents, start=1):
            print(f"  {number}. {document_line(doc)}")
    for p in d.payments:
        paid = f"{p.label}: {money_vnd(p.amount_vnd)}" + (f" (miễn: {p.exemption})" if p.exemption else "")
        print(paid + (f" · {p.receipt_number}" if p.receipt_number else ""))
    print("Tiến trình:")
    for e in d.events:
        extra = f" — {e.reason}" if e.reason else ""
        print(f"  {e.seq:>2}. {fmt_moment(e.at)}  {e.to_status.label}  ({e.officer}){extra}")
    if d.rating is not None:
        r = d.rating
        why = " — ".join(x for x in (r.reason, r.comment) if x)
        print(f"Đánh giá: {r.label}{' — ' + why if why else ''}  ({fmt_moment(r.at)}, {r.via})")
    if d.result_files:
        print("Kết quả đã số hóa: " + ", ".join(a.file_name for a in d.result_files))


def document_line(doc: DocumentLine) -> str:
    """One paper of `dossier show`: name, kind × count, its digitised files, and the earlier dossier it was reused from."""
    parts = [f"{doc.name} — {doc.kind.label} × {doc.count}"]
    if doc.attachments:
        parts.append(f"{len(doc.attachments)} tệp số hóa")
    if doc.reused_from:
        parts.append(f"dùng lại từ hồ sơ {doc.reused_from}")
    return " · ".join(parts)


@app.command("rate")
def dossier_rate(
    code: Annotated[str, typer.Argument(help="Mã hồ sơ.")],
    level: Annotated[
        int | None, typer.Option("--level", help="1 = Rất hài lòng, 2 = Hài lòng, 3 = Không hài lòng.")
    ] = None,
    comment: Annotated[str, typer.Option("--comment", help="Ý kiến của công dân.")] = "",
    reason: Annotated[str, typer.Option("--reason", help="Lý do không hài lòng.")] = "",
    declined: Annotated[bool, typer.Option("--declined", help="Công dân không đánh giá.")] = False,
    paper: Annotated[bool, typer.Option("--paper", help="Đánh giá trên phiếu giấy, cán bộ ghi lại.")] = False,
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Ghi mức độ hài lòng của công dân với hồ sơ (được ghi nhật ký và đồng bộ lên tỉnh)."""
    from onestop.errors import BadInput

    if level is None and not declined:
        raise BadInput("Cần --level 1|2|3 hoặc --declined.", field="level")
    services = open_ctx(db, config)
    actor = services.officers.require(officer).username if officer else "cli"
    rating = services.ratings.rate(
        code, level, actor=actor, reason=reason, comment=comment, via="paper" if paper else "cli", declined=declined
    )
    if json_out:
        emit_json(rating_json(rating))
        return
    say(f"Đã ghi đánh giá hồ sơ {code}: {rating.label}.")


@app.command("result-file")
def dossier_result_file(
    code: Annotated[str, typer.Argument(help="Mã hồ sơ.")],
    file: Annotated[
        str | None,
        typer.Argument(help="Tệp quét kết quả (mặc định: tệp mới nhất trong thư mục máy quét).", show_default=False),
    ] = None,
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Số hóa kết quả: gắn tệp quét kết quả vào hồ sơ (được ghi nhật ký, tệp được gửi lên tỉnh khi đồng bộ)."""
    from pathlib import Path

    from onestop.errors import BadInput
    from onestop.services.digitisation import newest_scan

    services = open_ctx(db, config)
    actor = services.officers.require(officer).username
    path = Path(file) if file else newest_scan(services.settings.scanner_folder)
    if path is None:
        raise BadInput("Chưa có tệp trong thư mục máy quét; ghi rõ đường dẫn tệp.", field="file")
    d = services.digitisation.attach_result(code, path, actor=actor)
    if json_out:
        emit_json(dossier_json(d))
        return
    say(f"Đã số hóa kết quả hồ sơ {d.code}: {', '.join(a.file_name for a in d.result_files)}.")


@app.command("reuse")
def dossier_reuse(
    code: Annotated[str, typer.Argument(help="Mã hồ sơ mới.")],
    document: Annotated[int, typer.Argument(help="Số thứ tự thành phần hồ sơ (1, 2, …) dùng lại bản đã số hóa.")],
    source: Annotated[
        str, typer.Option("--from", help="Mã hồ sơ trước của cùng công dân có giấy tờ cùng tên đã số hóa.")
    ],
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Tái sử dụng giấy tờ đã số hóa của hồ sơ trước thay vì nộp lại (như phím R ở bước giấy tờ; ghi nhật ký)."""
    services = open_ctx(db, config)
    actor = services.officers.require(officer).username
    d = services.digitisation.reuse(code, document, source, actor=actor)
    if json_out:
        emit_json(dossier_json(d))
        return
    say(f"Hồ sơ {d.code}, thành phần {document}: {document_line(d.documents[document - 1])}.")


@app.command("list")
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
        status=parse_status(status) if status else None,
        overdue=overdue,
        procedure=procedure,
        date_from=parse_day(date_from, "--from") if date_from else None,
        date_to=parse_day(date_to, "--to") if date_to else None,
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
            f"{s.code:<24} {s.status.label:<22} {fmt_moment(s.received_at):<17} {fmt_moment(s.due_at):<17} "
            f"{'QUÁ HẠN ' if s.overdue else ''}{s.applicant_name} — {s.procedure_name[:50]}"
        )
    if page.total is not None:
        say(f"{page.total}{'+' if page.total_capped else ''} hồ sơ.")


@app.command("transition")
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
    due = parse_when(new_due, "--new-due")
    services = open_ctx(db, config)
    dossiers = services.dossiers
    if to.strip().lower() in ("apology", "xin-loi"):
        if due is None:
            raise BadInput("Xin lỗi, hẹn lại: cần --new-due.", field="new_due")
        d = dossiers.apologise(code, due, reason, officer)
    else:
        target = parse_status(to)
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
        say(f"Hồ sơ {d.code}: {d.status.label}; hẹn trả {fmt_moment(d.due_at)}.")
