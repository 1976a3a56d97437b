"""`onestop init` (set up a workstation without the wizard) and `onestop demo` (a sample commune)."""

from __future__ import annotations

from typing import Annotated

import typer

from onestop.cli.common import (
    ConfigOpt,
    DbOpt,
    config_option,
    db_option,
    fail,
    read_password_stdin,
    resolve_config,
    resolve_db,
    say,
)
from onestop.cli.tui import run_tui

app = typer.Typer()


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
    from onestop.config import parse_settings
    from onestop.printing import ReceiptsRenderer
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
    config_path = resolve_config(config)
    db_path = resolve_db(db)
    services = initialise(
        db_path,
        config_path,
        settings,
        admin_user=admin,
        admin_name=admin_name,
        password=password,
        renderer=ReceiptsRenderer(),
    )
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
    db_path = db_option(db) or demo_dir / "onestop.db"
    config_path = config_option(config) or demo_dir / "config.toml"
    summary = build_demo(db_path, config_path, dossiers=dossiers, progress=say)
    say(summary)
    if not no_tui:
        run_tui(db_path, config_path, demo_hint=summary)
