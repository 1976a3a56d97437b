"""`onestop login USER` / `onestop logout`: the officer's command-line session (see `onestop.session`)."""

from __future__ import annotations

from typing import Annotated

import typer

from onestop.cli.common import (
    ConfigOpt,
    DbOpt,
    JsonOpt,
    emit_json,
    fail,
    open_ctx,
    read_password_stdin,
    resolve_db,
    say,
)

app = typer.Typer()


@app.command()
def login(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập của cán bộ.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Đọc mật khẩu từ stdin.")] = False,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Đăng nhập cho các lệnh tiếp theo (phiên của người dùng máy này trên CSDL này; 15 phút không dùng thì hết)."""
    import sys

    from onestop.domain import now_vn
    from onestop.session import IDLE
    from onestop.session import login as open_session

    if password_stdin:
        password = read_password_stdin()
    else:
        if not sys.stdin.isatty():
            fail("Không có terminal để hỏi mật khẩu: dùng --password-stdin.")
        password = typer.prompt("Mật khẩu", hide_input=True)
    services = open_ctx(db, config)
    officer = open_session(services.officers, resolve_db(db), username, password, now=now_vn())
    if json_out:
        emit_json({"officer": officer.username, "role": officer.role.value, "idle_minutes": IDLE.seconds // 60})
    say(
        f"Đã đăng nhập: {officer.full_name} ({officer.username}, {officer.role.label}). Phiên kết thúc sau "
        f"{IDLE.seconds // 60} phút không dùng hoặc khi chạy 'onestop logout'."
    )


@app.command()
def logout(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Kết thúc phiên đăng nhập trên máy này."""
    from onestop.domain import now_vn
    from onestop.session import logout as end_session

    who = end_session(resolve_db(db), now=now_vn())
    say(f"Đã đăng xuất {who}." if who else "Không có phiên đăng nhập nào đang mở.")


@app.command()
def whoami(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Cán bộ của phiên đăng nhập hiện tại (mã thoát 4 nếu chưa đăng nhập)."""
    from onestop.domain import now_vn
    from onestop.session import NEED_LOGIN, current

    session = current(resolve_db(db), now=now_vn(), touch=False)
    if session is None:
        fail(NEED_LOGIN, 4)
    print(session.officer)
