"""`onestop sync` and `onestop province …` (the reference provincial server), per CONTRACT.md."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import typer

from onestop.cli_common import ConfigOpt, DbOpt, JsonOpt, emit_json, fail, say

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
    path = data_dir() / "province.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path)


def _open_store(db: str | None):  # type: ignore[no-untyped-def]
    from onestop.sync.server import require_server_extra

    require_server_extra()
    from onestop.errors import OneStopError
    from onestop.sync.server.store import ProvinceStore

    try:
        return ProvinceStore(_province_db(db))
    except Exception as exc:  # a bad URL, a missing driver, an unreachable PostgreSQL
        raise OneStopError(f"Không mở được nơi lưu của máy chủ tỉnh: {type(exc).__name__}: {str(exc)[:200]}") from exc


def register(app: typer.Typer) -> None:
    province_app = typer.Typer(help="Máy chủ tỉnh tham chiếu (để tập huấn và kiểm thử đồng bộ).", no_args_is_help=True)
    app.add_typer(province_app, name="province")

    @app.command()
    def sync(
        server: Annotated[
            str | None,
            typer.Option(
                "--server", help="Địa chỉ máy chủ tỉnh (ghi đè cấu hình và $ONESTOP_SYNC_URL).", show_default=False
            ),
        ] = None,
        once: Annotated[bool, typer.Option("--once", help="Chỉ chạy một lượt, không thử lại khi lỗi mạng.")] = False,
        json_out: JsonOpt = False,
        db: DbOpt = None,
        config: ConfigOpt = None,
    ) -> None:
        """Gửi các mục chờ lên hệ thống tỉnh và nhận thay đổi về; mã thoát 5 nếu chưa đồng bộ hết."""
        from dataclasses import replace

        from onestop.cli_common import open_ctx

        services = open_ctx(db, config)
        if server:
            if not server.startswith(("http://", "https://")) and "+http" not in server:
                fail("--server phải bắt đầu bằng http:// hoặc https://.")
            services.settings = replace(services.settings, sync=replace(services.settings.with_sync().sync, url=server))
        svc = services.sync
        report = svc.run_once(force=True)
        rounds = 1
        while not once and not report.complete and report.online is False and rounds < 3:
            time.sleep(2.0 * rounds)
            report = svc.run_once(force=True)
            rounds += 1
        svc.close()
        if json_out:
            emit_json(report.to_json() | {"status": _status_json(svc.status())})
        say(report.message)
        if not report.complete:
            raise typer.Exit(5)

    @province_app.command("serve")
    def province_serve(
        db: ProvinceDbOpt = None,
        host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="Cổng.", min=1, max=65535)] = 8700,
    ) -> None:
        """Chạy máy chủ tỉnh tham chiếu (FastAPI + uvicorn)."""
        from onestop.sync.server import require_server_extra, serve

        require_server_extra()
        say(f"Máy chủ tỉnh tham chiếu: http://{host}:{port} (nơi lưu: {_province_db(db)}). Nhấn Ctrl+C để dừng.")
        serve(_province_db(db), host, port)

    @province_app.command("token")
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
            from onestop.cli_common import load
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

    @province_app.command("dump")
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


def _status_json(st) -> dict:  # type: ignore[no-untyped-def]
    return {
        "configured": st.configured,
        "online": st.online,
        "pending": st.pending,
        "oldest_unsent_at": st.oldest_unsent_at.isoformat() if st.oldest_unsent_at else None,
        "last_success_at": st.last_success_at.isoformat() if st.last_success_at else None,
        "counts": st.counts,
        "backlog_warning": st.backlog_warning,
        "message": st.message,
    }
