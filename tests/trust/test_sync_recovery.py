"""Sync recovery: once the province server answers again, waiting items go at once (not after their backoff); the
words say what happened; a missing token is a configuration message; a config change applies without restart."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.sync.conftest import ThreadServer, make_counter, outbox_states
from tests.sync.conftest import receive as receive  # noqa: F401  (the sync tests' intake fixture)


@pytest.fixture
def server_file(tmp_path: Path) -> str:
    return str(tmp_path / "province.db")


def test_waiting_items_go_up_on_the_first_run_after_the_server_returns(tmp_path, server_file, receive) -> None:
    server = ThreadServer(server_file).start()
    token = server.token("01")
    port = server.port
    svc = make_counter(tmp_path, "01", server.url, token)
    try:
        server.stop()  # the province server goes down
        receive(svc)
        first = svc.sync.run_once()
        assert not first.online and outbox_states(svc) == {"retry_wait": 2}
        assert "Chưa gửi được: máy chủ không trả lời" in first.message and "2 mục đang chờ" in first.message
        receive(svc)
        second = svc.sync.run_once(force=True)  # F5 while down: still nothing sent, and it says so
        assert second.applied == 0 and "Chưa gửi được" in second.message and "Đã gửi" not in second.message
        from screens.app import summarise_sync

        assert summarise_sync(second).startswith("Mất kết nối") and "4 mục đang chờ" in summarise_sync(second)
        items = svc.sync.items()
        assert all(i.next_attempt_at is not None for i in items if i.state == "retry_wait")

        server = ThreadServer(server_file, port=port).start()  # back on the same address
        # The periodic run (not forced): items still inside their backoff window must go now all the same.
        back = svc.sync.run_once()
        assert back.online and back.remaining == 0, back.message
        assert back.applied == 4 and outbox_states(svc) == {"synced": 4}
        assert "Đồng bộ xong: đã gửi 4" in back.message
        assert svc.sync.status().message.startswith("Trực tuyến") and svc.sync.status().pending == 0
    finally:
        server.stop()
        server.store.close()
        svc.sync.close()
        svc.close()


def test_no_token_is_a_configuration_message_not_a_network_one(tmp_path, server_file, receive) -> None:
    server = ThreadServer(server_file).start()
    svc = make_counter(tmp_path, "01", server.url, "")
    try:
        receive(svc)
        report = svc.sync.run_once(force=True)
        assert "Chưa cấu hình mã truy cập" in report.message and "Mất kết nối" not in report.message
        assert "chưa cấu hình mã truy cập" in svc.sync.status().message
        assert outbox_states(svc) == {"queued": 2}  # nothing was attempted, no backoff was started
    finally:
        server.stop()
        server.store.close()
        svc.sync.close()
        svc.close()


def test_a_changed_sync_url_and_token_take_effect_without_restart(tmp_path, server_file, receive) -> None:
    from onestop.config import load_settings, write_settings
    from screens.app import make_app

    server = ThreadServer(server_file).start()
    svc = make_counter(tmp_path, "01", "", "")
    config = tmp_path / "config.toml"
    write_settings(svc.settings, config)
    app = make_app(svc)
    app.config_path = config
    try:
        receive(svc)
        assert app.reload_sync_settings() is False  # first look only remembers the file
        settings = load_settings(config)
        write_settings(replace(settings, sync=replace(settings.sync, url=server.url, token=server.token("01"))), config)
        import os

        st = config.stat()
        os.utime(config, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # a distinct mtime even on coarse clocks
        assert app.reload_sync_settings() is True
        report = svc.sync.run_once()
        assert report.online and report.applied == 2, report.message
    finally:
        server.stop()
        server.store.close()
        svc.sync.close()
        svc.close()
