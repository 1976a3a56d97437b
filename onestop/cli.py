"""The `onestop` command line (CONTRACT.md): the same services as the TUI, never a second implementation.

Heavy libraries (SQLModel, ReportLab, httpx, Textual) are imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from onestop.cli_common import (
    ConfigOpt,
    DbOpt,
    JsonOpt,
    OfficerOpt,
    emit_json,
    fail,
    open_ctx,
    read_password_stdin,
    say,
)

app = typer.Typer(
    name="onestop",
    help="onestop — phần mềm Bộ phận Một cửa cấp xã: tiếp nhận hồ sơ, in phiếu, theo dõi, đồng bộ.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
officer_app = typer.Typer(help="Tài khoản cán bộ.", no_args_is_help=True)
catalog_app = typer.Typer(help="Danh mục thủ tục hành chính.", no_args_is_help=True)
calendar_app = typer.Typer(help="Lịch làm việc, ngày nghỉ lễ và ngày hẹn trả.", no_args_is_help=True)
app.add_typer(officer_app, name="officer")
app.add_typer(catalog_app, name="catalog")
app.add_typer(calendar_app, name="calendar")


@app.callback(invoke_without_command=True)
def root(ctx: typer.Context, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Without a command: open the counter application (TUI)."""
    if ctx.invoked_subcommand is None:
        run_tui(db, config)


def run_tui(db: Path | None, config: Path | None, *, demo_hint: str = "") -> None:
    """Start the TUI; the Textual import lives here so that every other command starts fast."""
    from onestop.config import resolve_config_path, resolve_db_path
    from screens.app import run  # imported here on purpose: Textual is only needed for the TUI

    run(db_path=resolve_db_path(db), config_path=resolve_config_path(config), demo_hint=demo_hint)


# ---------------------------------------------------------------- setup


@app.command()
def init(
    commune: Annotated[str, typer.Option(help='Tên xã/phường, ví dụ "Xã Quảng Phú".')],
    agency_code: Annotated[str, typer.Option("--agency-code", help="Mã định danh cơ quan tiếp nhận, ví dụ H56.14.")],
    province: Annotated[str, typer.Option(help="Tỉnh/thành phố.")],
    counter: Annotated[str, typer.Option(help="Mã quầy 2 chữ số của máy này, ví dụ 01.")],
    admin: Annotated[str, typer.Option(help="Tên đăng nhập quản trị đầu tiên.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Đọc mật khẩu quản trị từ stdin.")] = False,
    admin_name: Annotated[str, typer.Option("--admin-name", help="Họ tên quản trị.")] = "Quản trị hệ thống",
    address: Annotated[str, typer.Option(help="Địa chỉ trụ sở.")] = "",
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Thiết lập máy trạm không tương tác (cấu hình, cơ sở dữ liệu, danh mục, tài khoản quản trị)."""
    from onestop.config import parse_settings, resolve_config_path, resolve_db_path
    from onestop.services.setup import initialise

    if not password_stdin:
        fail("Cần --password-stdin và mật khẩu trên stdin (không truyền mật khẩu trên dòng lệnh).")
    password = read_password_stdin()
    settings = parse_settings(
        {
            "commune": {
                "name": commune,
                "agency_code": agency_code,
                "province": province,
                "counter": counter,
                "address": address,
            }
        }
    )
    config_path = resolve_config_path(config)
    db_path = resolve_db_path(db)
    services = initialise(db_path, config_path, settings, admin_user=admin, admin_name=admin_name, password=password)
    say(f"Đã thiết lập {settings.office.commune_name} (quầy {settings.office.counter_code}).")
    say(f"Cơ sở dữ liệu: {db_path}\nCấu hình: {config_path}")
    services.close()


@app.command()
def demo(
    dossiers: Annotated[int, typer.Option("--dossiers", help="Số hồ sơ mẫu.", min=0, max=200_000)] = 300,
    no_tui: Annotated[bool, typer.Option("--no-tui", help="Chỉ tạo dữ liệu, không mở giao diện.")] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Tạo một xã mẫu (cán bộ, hồ sơ trong năm qua) rồi mở giao diện; dữ liệu demo nằm riêng."""
    from onestop.config import data_dir
    from onestop.demo import build_demo

    demo_dir = data_dir() / "demo"
    db_path = db or demo_dir / "onestop.db"
    config_path = config or demo_dir / "config.toml"
    summary = build_demo(Path(db_path), Path(config_path), dossiers=dossiers)
    say(summary)
    if not no_tui:
        run_tui(Path(db_path), Path(config_path), demo_hint=summary)


# ---------------------------------------------------------------- officers


@officer_app.command("add")
def officer_add(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập.")],
    name: Annotated[str, typer.Option(help="Họ và tên.")],
    role: Annotated[str, typer.Option(help="officer | leader | admin")] = "officer",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Đọc mật khẩu từ stdin.")] = False,
    actor: OfficerOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Thêm tài khoản cán bộ (mật khẩu băm argon2)."""
    from onestop.domain import Role
    from onestop.services.officers import parse_role

    if not password_stdin:
        fail("Cần --password-stdin và mật khẩu trên stdin.")
    password = read_password_stdin()
    services = open_ctx(db, config)
    if actor or services.officers.count():  # only the very first account may be created without an admin
        actor = services.officers.require(actor, Role.ADMIN).username
    officer = services.officers.add(username, name, parse_role(role), password, actor=actor or "setup")
    say(f"Đã thêm cán bộ {officer.username} ({officer.role.label}).")


@officer_app.command("list")
def officer_list(json_out: JsonOpt = False, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Danh sách cán bộ."""
    services = open_ctx(db, config)
    officers = services.officers.list()
    if json_out:
        emit_json(
            [
                {"username": o.username, "full_name": o.full_name, "role": o.role.value, "active": o.active}
                for o in officers
            ]
        )
        return
    for o in officers:
        print(f"{o.username:<20} {o.role.value:<8} {'hoạt động' if o.active else 'đã khóa':<10} {o.full_name}")


# ---------------------------------------------------------------- catalog


def _procedure_json(p) -> dict:  # type: ignore[no-untyped-def]
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
    }


@catalog_app.command("list")
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
        emit_json([_procedure_json(p) for p in procedures])
        return
    for p in procedures:
        fee = "?" if p.fee_vnd is None else f"{p.fee_vnd:,}".replace(",", ".")
        print(f"{p.code:<10} {p.deadline_text:<22} {fee:>9} đ  {p.name}")


@catalog_app.command("show")
def catalog_show(code: str, json_out: JsonOpt = False, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Chi tiết một thủ tục: giấy tờ cần nộp, lệ phí, thời hạn, nguồn."""
    services = open_ctx(db, config)
    p = services.catalog.get(code)
    if json_out:
        emit_json(_procedure_json(p))
        return
    print(
        f"{p.code} — {p.name}\nLĩnh vực: {p.field}\nThời hạn: {p.deadline_text}"
        + (f" (nhận sau {p.cutoff:%H:%M} tính từ ngày làm việc tiếp theo)" if p.cutoff else "")
    )
    print(f"Lệ phí: {'chưa có trong danh mục' if p.fee_vnd is None else f'{p.fee_vnd:,} đ'.replace(',', '.')}")
    if p.fee_note:
        print(f"  {p.fee_note}")
    print("Giấy tờ:")
    for i, d in enumerate(p.documents, 1):
        print(f"  {i}. {d.name} — {d.kind.label} × {d.count}")
    print(f"Nguồn: {p.source}")


@catalog_app.command("import")
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


# ---------------------------------------------------------------- calendar


@calendar_app.command("due")
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
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        fail(f"{option}: thời điểm không hợp lệ (dùng dạng 2026-02-13T09:00).")


@calendar_app.command("holidays")
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


@calendar_app.command("set")
def calendar_set(
    day: Annotated[str, typer.Argument(help="Ngày (YYYY-MM-DD hoặc dd/MM/yyyy).")],
    kind: Annotated[str, typer.Argument(help="off (nghỉ) | work (làm bù)")],
    reason: Annotated[str, typer.Option("--reason", help="Căn cứ, ví dụ số thông báo.")] = "",
    actor: OfficerOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Đánh dấu một ngày nghỉ hoặc ngày làm bù (lãnh đạo)."""
    from onestop.cli_dossier import _parse_day
    from onestop.domain import Role

    parsed = _parse_day(day, "DATE")
    services = open_ctx(db, config)
    who = services.officers.require(actor, Role.LEADER).username
    result = services.calendar.set_day(parsed, kind, reason, actor=who)
    say(f"Đã đặt {result.day:%d/%m/%Y}: {'nghỉ' if result.kind == 'off' else 'làm việc'} — {result.reason}")


# ---------------------------------------------------------------- doctor


@app.command()
def doctor(json_out: JsonOpt = False, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Kiểm tra cơ sở dữ liệu, phiên bản lược đồ, phông chữ, máy in và kết nối máy chủ tỉnh."""
    from onestop.doctor import run_checks

    checks = run_checks(db, config)
    if json_out:
        emit_json([{"check": c.name, "ok": c.ok, "message": c.message} for c in checks])
    else:
        for c in checks:
            label = "OK " if c.ok else ("LƯU Ý" if c.optional else "LỖI")  # optional: offline or no printer
            print(f"[{label}] {c.name}: {c.message}")
    if not all(c.ok or c.optional for c in checks):
        raise typer.Exit(1)


# ---------------------------------------------------------------- sub-command modules


def _register_subcommands() -> None:
    """Each area registers its commands; the modules import only Typer at load time."""
    import importlib

    for module_name in (
        "onestop.cli_intake",
        "onestop.cli_forms",
        "onestop.cli_dossier",
        "onestop.cli_sync",
        "onestop.cli_trust",
        "onestop.bench",
    ):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(app)


_register_subcommands()


def _click_error_types() -> tuple[tuple[type, ...], tuple[type, ...]]:
    """Usage-error classes of click and of the copy of click that Typer vendors (`typer._click`)."""
    import importlib

    usage: list[type] = []
    other: list[type] = []
    for name in ("click.exceptions", "typer._click.exceptions"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        usage.append(module.UsageError)
        other.append(module.ClickException)
    return tuple(usage), tuple(other)


def main() -> None:
    """Console entry point: run the app, turn expected errors into a Vietnamese message and an exit code."""
    from onestop.errors import OneStopError

    try:
        from onestop.entry import tui_only_args

        tui_paths = tui_only_args(sys.argv[1:])
        if tui_paths is not None:  # plain `onestop [--db X] [--config Y]`: skip Typer so the first screen paints fast
            run_tui(*tui_paths)
            sys.exit(0)
        rc = app(standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except OneStopError as exc:
        say(exc.message)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        say("Đã hủy.")
        sys.exit(1)
    except KeyboardInterrupt:
        say("Đã dừng.")
        sys.exit(130)
    except Exception as exc:  # click's usage errors and anything unexpected
        usage_errors, click_errors = _click_error_types()
        if isinstance(exc, usage_errors):
            say(f"Lệnh không hợp lệ: {exc.format_message()}")  # type: ignore[attr-defined]
            sys.exit(2)
        if isinstance(exc, click_errors):
            say(exc.format_message())  # type: ignore[attr-defined]
            sys.exit(2)
        from onestop.crashlog import report_unexpected

        sys.exit(report_unexpected(exc))
