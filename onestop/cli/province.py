"""`onestop province …`: the reference provincial server (for training and sync tests), per CONTRACT.md.

A thin Typer layer: the server itself lives in its own package."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from onestop.cli.common import GLOBAL, ConfigOpt, JsonOpt, emit_json, fail, load, say

if TYPE_CHECKING:
    from onestop.province.store import ProvinceStore

app = typer.Typer(help="Máy chủ tỉnh tham chiếu (để tập huấn và kiểm thử đồng bộ).", no_args_is_help=True)

ProvinceDbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Nơi lưu của máy chủ tỉnh: đường dẫn tệp SQLite, sqlite:///… hoặc postgresql://… "
        "(mặc định: province.db trong thư mục dữ liệu).",
        show_default=False,
    ),
]


def _province_db(db: str | None) -> str:
    from onestop.config import data_dir

    if db:
        return db
    if (
        GLOBAL.db is not None
    ):  # a path before the group would lose the `//` of a PostgreSQL URL: say so, never ignore it
        fail("Nơi lưu của máy chủ tỉnh đặt sau lệnh, ví dụ: onestop province serve --db …")
    path = data_dir() / "province.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path)


def _open_store(db: str | None) -> ProvinceStore:
    from onestop.province import require_server_extra

    require_server_extra()
    from onestop.errors import OneStopError
    from onestop.province.store import ProvinceStore

    where = _province_db(db)
    try:
        return ProvinceStore(where)
    except Exception as exc:  # a bad URL, a missing driver, an unreachable PostgreSQL
        raise OneStopError(f"Không mở được nơi lưu của máy chủ tỉnh: {type(exc).__name__}: {str(exc)[:200]}") from exc


@app.command("serve")
def province_serve(
    db: ProvinceDbOpt = None,
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Cổng.", min=1, max=65535)] = 8700,
) -> None:
    """Chạy máy chủ tỉnh tham chiếu (FastAPI + uvicorn)."""
    from onestop.province import require_server_extra, serve

    require_server_extra()
    say(f"Máy chủ tỉnh tham chiếu: http://{host}:{port} (nơi lưu: {_province_db(db)}). Nhấn Ctrl+C để dừng.")
    serve(_province_db(db), host, port)


@app.command("token")
def province_token(
    counter: Annotated[str | None, typer.Option("--counter", help="Mã quầy 2 chữ số.", show_default=False)] = None,
    agency_code: Annotated[
        str | None,
        typer.Option(
            "--agency-code", help="Mã định danh đơn vị (mặc định: theo cấu hình của máy này).", show_default=False
        ),
    ] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Cấp mã quản trị (mô phỏng hoạt động của tỉnh).")] = False,
    db: ProvinceDbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Cấp mã truy cập cho một quầy (in ở từ cuối cùng của đầu ra); máy chủ chỉ lưu bản băm."""
    import re

    if admin:
        store = _open_store(db)
        token = store.issue_token(role="admin")
        store.close()
        say("Đã cấp mã quản trị máy chủ tỉnh.")
        print(f"Mã truy cập: {token}")
        return
    if not counter or not re.fullmatch(r"[0-9]{2}", counter):
        fail("--counter phải gồm đúng 2 chữ số, ví dụ 01.")
    if not agency_code:
        from onestop.errors import ConfigError

        try:
            agency_code = load(config).office.agency_code
        except ConfigError:
            fail("Cần --agency-code (chưa có cấu hình trên máy này).")
    agency_code = agency_code.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]+(\.[A-Z0-9]+)*", agency_code) or len(agency_code) > 35:
        fail("--agency-code không hợp lệ (ví dụ H56.14).")
    store = _open_store(db)
    token = store.issue_token(agency_code=agency_code, counter_code=counter)
    store.close()
    say(
        f"Đã cấp mã truy cập cho quầy {counter} của đơn vị {agency_code}. Ghi vào sync.token hoặc "
        "$ONESTOP_SYNC_TOKEN trên máy của quầy."
    )
    print(f"Mã truy cập: {token}")


@app.command("dump")
def province_dump(
    db: ProvinceDbOpt = None,
    json_out: JsonOpt = False,
    payload: Annotated[bool, typer.Option("--payload", help="Kèm dữ liệu hồ sơ.")] = False,
) -> None:
    """Liệt kê những gì máy chủ tỉnh đang lưu."""
    store = _open_store(db)
    data = store.dump(with_payload=payload)
    store.close()
    if json_out:
        emit_json(data)
        return
    t = data["totals"]
    print(
        f"Hồ sơ: {t['dossiers']} · tiến độ: {t['events']} · khóa đã áp dụng: {t['applied_keys']} · "
        f"thay đổi: {t['changes']} · nhật ký: {t['audit_entries']}"
    )
    for d in data["dossiers"]:
        print(
            f"{d['code']:<26} {d['official_code'] or '-':<20} quầy {d['counter'] or '--'}  "
            f"{d['status_label']:<28} {d['events']} bước  {d['uuid']}"
        )
    sys.stdout.flush()
