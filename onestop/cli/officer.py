"""`onestop officer …`: officer accounts."""

from __future__ import annotations

from typing import Annotated

import typer

from onestop.cli.common import (
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

app = typer.Typer(help="Tài khoản cán bộ.", no_args_is_help=True)


@app.command("add")
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


@app.command("list")
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


@app.command("unlock")
def officer_unlock(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập bị khóa do nhập sai mật khẩu.")],
    actor: OfficerOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Mở khóa tài khoản bị khóa sau 5 lần nhập sai mật khẩu (quản trị)."""
    services = open_ctx(db, config)
    services.officers.unlock(username, actor=actor)
    say(f"Đã mở khóa tài khoản {username.strip().lower()}.")
