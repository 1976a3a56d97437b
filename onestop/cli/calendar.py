"""`onestop calendar …`: working days, holidays and appointment dates."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from onestop.cli.common import ConfigOpt, DbOpt, JsonOpt, OfficerOpt, emit_json, fail, open_ctx, parse_day, say

app = typer.Typer(help="Lịch làm việc, ngày nghỉ lễ và ngày hẹn trả.", no_args_is_help=True)


@app.command("due")
def calendar_due(
    procedure: Annotated[str, typer.Option("--procedure", help="Mã thủ tục.")],
    received: Annotated[str, typer.Option("--received", help="Thời điểm tiếp nhận ISO, ví dụ 2026-02-13T09:00.")],
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """In ngày giờ hẹn trả cho hồ sơ tiếp nhận vào thời điểm đã cho."""
    from onestop.calendar import format_vn_datetime
    from onestop.domain import VN_TZ

    received_at = _parse_iso(received, "--received")
    services = open_ctx(db, config)
    p = services.catalog.get(procedure)
    received_at = received_at.astimezone(VN_TZ) if received_at.tzinfo else received_at.replace(tzinfo=VN_TZ)
    preview = services.calendar.due(p, received_at)
    if json_out:
        emit_json(
            {
                "procedure": p.code,
                "received_at": received_at.isoformat(),
                "due_at": preview.due_at.isoformat() if preview.due_at else None,
                "explanation": preview.explanation,
            }
        )
        return
    print(preview.due_at.isoformat() if preview.due_at else "")
    say(f"{format_vn_datetime(preview.due_at) if preview.due_at else '—'} — {preview.explanation}")


def _parse_iso(value: str, option: str) -> datetime:
    from onestop.domain import now_vn
    from onestop.plausible import check_stored_time

    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(f"{option}: thời điểm không hợp lệ (dùng dạng 2026-02-13T09:00).")
    return check_stored_time(parsed, now_vn(), label=option, field=option)


@app.command("holidays")
def calendar_holidays(
    year: Annotated[int, typer.Option("--year", min=1900, max=2200)],
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Các ngày nghỉ lễ, nghỉ bù và ngày làm bù của một năm."""
    services = open_ctx(db, config)
    days = services.calendar.holidays(year)
    if json_out:
        emit_json([{"date": d.day.isoformat(), "kind": d.kind, "reason": d.reason, "source": d.source} for d in days])
        return
    for d in days:
        print(f"{d.day:%d/%m/%Y}  {'nghỉ' if d.kind == 'off' else 'làm việc'}  {d.reason}")


@app.command("set")
def calendar_set(
    day: Annotated[str, typer.Argument(help="Ngày (YYYY-MM-DD hoặc dd/MM/yyyy).")],
    kind: Annotated[str, typer.Argument(help="off (nghỉ) | work (làm bù)")],
    reason: Annotated[str, typer.Option("--reason", help="Căn cứ, ví dụ số thông báo.")] = "",
    actor: OfficerOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Đánh dấu một ngày nghỉ hoặc ngày làm bù (lãnh đạo)."""
    from onestop.domain import Role

    parsed = parse_day(day, "DATE")
    services = open_ctx(db, config)
    who = services.officers.require(actor, Role.LEADER).username
    result = services.calendar.set_day(parsed, kind, reason, actor=who)
    say(f"Đã đặt {result.day:%d/%m/%Y}: {'nghỉ' if result.kind == 'off' else 'làm việc'} — {result.reason}")
