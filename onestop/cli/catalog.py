"""`onestop catalog …`: the procedure catalog."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from onestop.catalog_flags import no_paper_reason
from onestop.cli.common import ConfigOpt, DbOpt, JsonOpt, OfficerOpt, emit_json, open_ctx, say
from onestop.formats import money, money_vnd

if TYPE_CHECKING:
    from onestop.domain import Procedure

app = typer.Typer(help="Danh mục thủ tục hành chính.", no_args_is_help=True)


def procedure_json(p: Procedure) -> dict[str, Any]:
    return {
        "code": p.code,
        "version": p.version,
        "name": p.name,
        "field": p.field,
        "deadline": {
            "amount": p.deadline_amount,
            "unit": p.deadline_unit.value,
            "cutoff": p.cutoff.strftime("%H:%M") if p.cutoff else None,
            "text": p.deadline_text,
        },
        "fee_vnd": p.fee_vnd,
        "fee_note": p.fee_note,
        "online_level": p.online_level,
        "exemptions": [{"code": e.code, "label": e.label} for e in p.exemptions],
        "documents": [{"name": d.name, "kind": d.kind.value, "count": d.count} for d in p.documents],
        "processing_note": p.processing_note,
        "source": p.source,
        "sourced": p.sourced,
        "active": p.active,
        "no_paper": bool(no_paper_reason(p.code)),
    }


@app.command("list")
def catalog_list(
    search: Annotated[str, typer.Option("--search", help="Tìm theo mã, tên, lĩnh vực (không dấu cũng được).")] = "",
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Liệt kê thủ tục đang có hiệu lực."""
    services = open_ctx(db, config)
    procedures = services.catalog.search(search, limit=10_000) if search else services.catalog.list()
    if json_out:
        emit_json([procedure_json(p) for p in procedures])
        return
    for p in procedures:
        fee = "?" if p.fee_vnd is None else money(p.fee_vnd)
        print(f"{p.code:<10} {p.deadline_text:<22} {fee:>9} đ  {p.name}")


@app.command("show")
def catalog_show(code: str, json_out: JsonOpt = False, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Chi tiết một thủ tục: giấy tờ cần nộp, lệ phí, thời hạn, nguồn."""
    services = open_ctx(db, config)
    p = services.catalog.get(code)
    if json_out:
        emit_json(procedure_json(p))
        return
    print(
        f"{p.code} — {p.name}\nLĩnh vực: {p.field}\nThời hạn: {p.deadline_text}"
        + (f" (nhận sau {p.cutoff:%H:%M} tính từ ngày làm việc tiếp theo)" if p.cutoff else "")
    )
    print(f"Lệ phí: {money_vnd(p.fee_vnd)}")
    if no_paper_reason(p.code):
        print(no_paper_reason(p.code))
    if p.fee_note:
        print(f"  {p.fee_note}")
    print("Giấy tờ:")
    for i, d in enumerate(p.documents, 1):
        print(f"  {i}. {d.name} — {d.kind.label} × {d.count}")
    print(f"Nguồn: {p.source}")


@app.command("fee")
def catalog_fee(
    code: str,
    pages: Annotated[int, typer.Option("--pages", help="Số trang của bản chính.")] = 1,
    copies: Annotated[int, typer.Option("--copies", help="Số bản cần chứng thực.")] = 1,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Lệ phí theo số trang và số bản (chứng thực bản sao: 2.000 đ/trang, từ trang 3: 1.000 đ, tối đa 200.000 đ/bản)."""
    from onestop.fees import quote

    services = open_ctx(db, config)
    p = services.catalog.get(code)
    q = quote(p.code, pages, copies)
    amount = q.amount if q else p.fee_vnd
    explanation = q.explanation if q else f"mức cố định trong danh mục: {money_vnd(p.fee_vnd)}"
    if json_out:
        emit_json(
            {"procedure": p.code, "pages": pages, "copies": copies, "fee_vnd": amount, "explanation": explanation}
        )
        return
    print(amount if amount is not None else "")
    say(f"{p.code}: {explanation}")


@app.command("import")
def catalog_import(
    file: Annotated[Path, typer.Argument(help="Danh mục do tỉnh công bố (JSON hoặc CSV).")],
    merge: Annotated[bool, typer.Option("--merge", help="Giữ các thủ tục không có trong tệp.")] = False,
    actor: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Nạp danh mục mới thành một phiên bản mới; hồ sơ cũ giữ nguyên quy định đã áp dụng."""
    from onestop.domain import Role

    services = open_ctx(db, config)
    who = services.officers.require(actor, Role.LEADER).username
    version = services.catalog.import_file(file, actor=who, merge=merge)
    count = len(services.catalog.list())
    if json_out:
        emit_json({"version": version, "active_procedures": count})
    say(f"Đã nạp danh mục phiên bản {version}: {count} thủ tục đang có hiệu lực.")
