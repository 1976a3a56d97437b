"""`onestop sync`: push the outbox to the provincial system and pull changes (CONTRACT.md)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from onestop.cli.common import ConfigOpt, DbOpt, JsonOpt, emit_json, fail, load, open_with, say

if TYPE_CHECKING:
    from onestop.sync.service import SyncStatus

app = typer.Typer()


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

    settings = load(config)
    if server:
        if not server.startswith(("http://", "https://")) and "+http" not in server:
            fail("--server phải bắt đầu bằng http:// hoặc https://.")
        import httpx

        try:
            httpx.URL(server.split("+", 1)[-1] if "+http" in server else server).host  # noqa: B018
        except (httpx.InvalidURL, ValueError):
            fail("--server: địa chỉ máy chủ không hợp lệ (ví dụ http://127.0.0.1:8700).")
        settings = replace(settings, sync=replace(settings.with_sync().sync, url=server))
    services = open_with(db, settings)
    svc = services.sync
    report = svc.run_once(force=True, actor="workstation")
    rounds = 1
    while not once and not report.complete and report.online is False and rounds < 3:
        time.sleep(2.0 * rounds)
        report = svc.run_once(force=True, actor="workstation")
        rounds += 1
    svc.close()
    if json_out:
        emit_json(report.to_json() | {"status": _status_json(svc.status())})
    say(report.message)
    if not report.complete:
        raise typer.Exit(5)


def _status_json(st: SyncStatus) -> dict[str, Any]:
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
