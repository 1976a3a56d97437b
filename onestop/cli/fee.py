"""`onestop fee …`: the fee receipt series, paper receipts written while the payment system was down, reconciliation."""

from __future__ import annotations

from typing import Annotated

import typer

from onestop.cli.common import ConfigOpt, DbOpt, JsonOpt, OfficerOpt, emit_json, open_ctx, say

app = typer.Typer(help="Biên lai thu phí, lệ phí.", no_args_is_help=True)


@app.command("series")
def fee_series(
    symbol: Annotated[str | None, typer.Option("--symbol", help="Ký hiệu biên lai, ví dụ AA/26P.")] = None,
    book: Annotated[str, typer.Option("--book", help="Quyển số.")] = "01",
    next_number: Annotated[int, typer.Option("--next", help="Số biên lai tiếp theo.")] = 1,
    officer: OfficerOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Xem (không có --symbol) hoặc đặt ký hiệu, quyển số và số tiếp theo của biên lai (lãnh đạo)."""
    services = open_ctx(db, config)
    if symbol is None:
        current = services.fee_receipts.series()
    else:
        current = services.fee_receipts.set_series(symbol, book, next_number, actor=officer or "")
    data = {"symbol": current.symbol, "book": current.book, "next": current.next_number} if current else None
    if json_out:
        emit_json(data)
        return
    if current is None:
        say("Chưa đặt ký hiệu biên lai: hồ sơ có lệ phí chưa được cấp số biên lai (`onestop fee series --symbol …`).")
        return
    print(f"Ký hiệu {current.symbol}, quyển {current.book}, số tiếp theo {current.next_number}")


@app.command("paper")
def fee_paper(
    code: Annotated[str, typer.Argument(help="Mã hồ sơ.")],
    number: Annotated[str, typer.Option("--number", help="Số biên lai giấy đã viết tay.")],
    officer: OfficerOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Ghi số biên lai giấy khi hệ thống thu phí của tỉnh không hoạt động, để đối soát sau."""
    services = open_ctx(db, config)
    r = services.fee_receipts.record_paper(code, number, actor=officer or "")
    say(f"Đã ghi biên lai giấy số {r.paper_number} cho hồ sơ {r.dossier_code}.")


@app.command("unreconciled")
def fee_unreconciled(json_out: JsonOpt = False, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Các biên lai giấy chưa có số biên lai điện tử (cần đối soát)."""
    services = open_ctx(db, config)
    rows = services.fee_receipts.unreconciled()
    if json_out:
        emit_json([{"code": r.dossier_code, "paper_number": r.paper_number} for r in rows])
        return
    for r in rows:
        print(f"{r.dossier_code}  biên lai giấy {r.paper_number}")
    say(f"{len(rows)} biên lai giấy chưa đối soát.")
