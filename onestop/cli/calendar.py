"""`onestop calendar …`: working days, holidays and appointment dates."""

from __future__ import annotations

from typing import Annotated

import typer

from onestop.cli.common import ConfigOpt, DbOpt, JsonOpt, OfficerOpt, emit_json, open_ctx, parse_day, say
from onestop.formats import date_vn

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
    from onestop.domain import now_vn
    from onestop.formats import datetime_long, parse_datetime
    from onestop.plausible import check_stored_time

    received_at = check_stored_time(
        parse_datetime(received, field="--received"), now_vn(), label="--received", field="--received"
    )
    services = open_ctx(db, config)
    p = services.catalog.get(procedure)
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
    say(f"{datetime_long(preview.due_at)} — {preview.explanation}")


@app.command("holidays")
def calendar_holidays(
    year_arg: Annotated[int | None, typer.Argument(metavar="[NĂM]", min=1900, max=2200, show_default=False)] = None,
    year_opt: Annotated[
        int | None, typer.Option("--year", min=1900, max=2200, help="Năm (hoặc ghi năm ngay sau lệnh).")
    ] = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Các ngày nghỉ lễ, nghỉ bù và ngày làm bù của một năm (`calendar holidays 2027` hoặc `--year 2027`)."""
    from onestop.calendar.holidays import STATUTORY_SOURCE
    from onestop.cli.common import fail

    if year_arg is not None and year_opt is not None and year_arg != year_opt:
        fail(f"Hai năm khác nhau: {year_arg} và --year {year_opt}; chỉ ghi một năm.")
    year = year_arg if year_arg is not None else year_opt
    if year is None:
        fail("Cần năm: onestop calendar holidays 2027 (hoặc --year 2027).")
    services = open_ctx(db, config)
    days = services.calendar.holidays(year)
    status = services.calendar.year_status(year)
    if json_out:
        emit_json(
            [
                {
                    "date": d.day.isoformat(),
                    "kind": d.kind,
                    "reason": d.reason,
                    "source": d.source,
                    "estimated": d.estimated,
                    "to_confirm": d.to_confirm,
                }
                for d in days
            ]
        )
        return
    if status.estimated:
        say(f"Lịch năm {year} là DỰ KIẾN (chưa có thông báo chính thức); ngày đánh dấu * là tính theo luật.")
    for d in days:
        flags = ("*" if d.estimated else "") + (" (chờ lãnh đạo xác nhận)" if d.to_confirm else "")
        source = "Bộ luật Lao động 2019" if d.source == STATUTORY_SOURCE else d.source  # JSON keeps the code
        print(f"{date_vn(d.day)}{flags}  {'nghỉ' if d.kind == 'off' else 'làm việc'}  {d.reason}  [{source}]")
    warning = services.calendar.notice_warning()
    if warning:
        say(warning)


@app.command("check")
def calendar_check(
    year: Annotated[int, typer.Option("--year", min=2000, max=2099)],
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """So lịch đang dùng với gói `holidays` (ý kiến thứ hai): liệt kê mọi ngày hai bên khác nhau, kèm nguồn."""
    from onestop.calendar import lunar_label
    from onestop.formats import date_vn, weekday_vn

    services = open_ctx(db, config)
    found = services.calendar.check(year)

    def kind(working: bool) -> str:
        return "làm việc" if working else "nghỉ"

    if json_out:
        emit_json(
            [
                {
                    "date": d.day.isoformat(),
                    "loaded": {"working": d.loaded_working, "reason": d.loaded_reason, "source": d.loaded_source},
                    "library": {"working": d.library_working, "name": d.library_name, "source": d.library_source},
                }
                for d in found
            ]
        )
        return
    if not found:
        say(f"Năm {year}: lịch đang dùng và gói holidays khớp nhau.")
        return
    say(f"Năm {year}: {len(found)} ngày khác nhau — lãnh đạo xem và quyết định (`calendar set`).")
    for d in found:
        print(
            f"{weekday_vn(d.day)} {date_vn(d.day)} ({lunar_label(d.day)}): "
            f"đang dùng {kind(d.loaded_working)} — {d.loaded_reason} [{d.loaded_source}]; "
            f"{d.library_source}: {kind(d.library_working)} — {d.library_name}"
        )


@app.command("notice")
def calendar_notice(
    year: Annotated[int, typer.Option("--year", min=2000, max=2099)],
    reference: Annotated[str, typer.Option("--reference", help="Số, ngày của thông báo lịch nghỉ chính thức.")],
    actor: OfficerOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Ghi nhận đã có thông báo lịch nghỉ chính thức của một năm (lãnh đạo; nhập từng ngày bằng `calendar set`)."""
    from onestop.domain import Role

    services = open_ctx(db, config)
    who = services.officers.require(actor, Role.LEADER).username
    status = services.calendar.enter_notice(year, reference, actor=who)
    say(f"Lịch năm {year} theo {status.reference}: không còn là dự kiến.")


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
    say(f"Đã đặt {date_vn(result.day)}: {'nghỉ' if result.kind == 'off' else 'làm việc'} — {result.reason}")
