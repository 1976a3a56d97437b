"""Failures between the counter and the province: 500s, timeouts, lost replies, server restarts, a killed client.

After each: every local dossier exists upstream exactly once with the same data, and the outbox is empty.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import timedelta

import httpx

from onestop.domain import Status, now_vn
from tests.sync.conftest import ProcessServer, assert_mirrored, make_counter, outbox_states


def later(hours: float = 2) -> object:
    return now_vn() + timedelta(hours=hours)


def test_server_500s_are_retried_with_backoff(counter01, province, receive):
    for _ in range(3):
        receive(counter01)
    province.faults.fail_next = 1
    report = counter01.sync.run_once()
    assert not report.online and report.retry == 6
    items = counter01.sync.items(state="retry_wait")
    assert len(items) == 6 and all(i.next_attempt_at > now_vn() for i in items)
    assert "mã 500" in items[0].last_error
    # not due yet, and the server still failing: a periodic run leaves them alone (once the server answers again,
    # a run resets the backoff and sends at once: tests/trust/test_sync_recovery.py)
    province.faults.fail_next = 1
    assert counter01.sync.run_once().pushed == 0
    report = counter01.sync.run_once(now=later())
    assert report.complete and report.applied == 6
    assert_mirrored(counter01, province.store)


def test_timeout_then_retry_applies_once(counter01, province, receive):
    counter01.settings = replace(counter01.settings, sync=replace(counter01.settings.sync, timeout_s=0.5))
    counter01.sync.close()
    d = receive(counter01)
    province.faults.delay_s, province.faults.delay_next = 1.5, 1
    report = counter01.sync.run_once()
    assert not report.online and "thời gian chờ" in report.message
    # the delayed request is still applied upstream: the retry below must find it there
    deadline = time.monotonic() + 30
    while not province.store.dump()["dossiers"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [x["uuid"] for x in province.store.dump()["dossiers"]] == [d.uuid]
    report = counter01.sync.run_once(now=later())
    assert report.complete
    assert (report.duplicates, report.applied) == (2, 0)  # both items already upstream: recognised, not re-applied
    assert len(province.store.events(d.uuid)) == 1
    assert_mirrored(counter01, province.store)


def test_reply_lost_after_commit_is_a_duplicate(counter01, province, receive):
    for _ in range(4):
        receive(counter01)
    province.faults.drop_next = 1
    report = counter01.sync.run_once()
    assert not report.online and outbox_states(counter01) == {"retry_wait": 8}
    assert province.store.dump()["totals"]["applied_keys"] == 8  # committed upstream, reply lost
    report = counter01.sync.run_once(now=later())
    assert report.complete and report.duplicates == 8 and report.applied == 0
    dump = province.store.dump()
    assert dump["totals"]["dossiers"] == 4 and dump["totals"]["events"] == 4
    assert_mirrored(counter01, province.store)


def _admin(url: str, token: str, path: str, body: dict) -> None:
    httpx.post(url + path, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=5).raise_for_status()


def test_server_restarted_mid_sync(tmp_path, server_db, receive):
    from onestop.province.store import ProvinceStore

    store = ProvinceStore(server_db)
    admin = store.issue_token(role="admin")
    server = ProcessServer(server_db).start()
    svc = make_counter(tmp_path, "01", server.url, store.issue_token(agency_code="H56.14", counter_code="01"))
    svc.settings = replace(svc.settings, sync=replace(svc.settings.sync, batch_size=5))
    try:
        for _ in range(10):
            receive(svc)
        _admin(server.url, admin, "/v1/admin/faults", {"delay_next": 2, "delay_s": 1.0})
        result = {}
        worker = threading.Thread(target=lambda: result.update(r=svc.sync.run_once()))
        worker.start()
        deadline = (
            time.monotonic() + 60
        )  # the first batch went through (the counter recorded it), the second is in flight
        while outbox_states(svc).get("synced", 0) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        server.kill()
        worker.join(timeout=30)
        assert result["r"].online is False
        assert 0 < result["r"].applied < 20
        server.start()
        report = svc.sync.run_once(now=later())
        assert report.complete, report
        assert_mirrored(svc, store)
        assert store.dump()["totals"]["events"] == 10
    finally:
        server.kill()
        svc.sync.close()
        svc.close()
        store.close()


def test_client_killed_mid_sync_resumes(tmp_path, province, receive):
    from onestop.config import write_settings

    svc = make_counter(tmp_path, "01", province.url, province.token("01"))
    try:
        for _ in range(5):
            receive(svc)
        config = tmp_path / "counter01.toml"
        write_settings(svc.settings, config)
        province.faults.delay_s, province.faults.delay_next = 2.0, 1
        env = dict(os.environ, ONESTOP_SYNC_URL="", ONESTOP_SYNC_TOKEN="")
        proc = subprocess.Popen(
            [sys.executable, "-m", "onestop", "sync", "--once", "--db", str(svc.db_path), "--config", str(config)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while outbox_states(svc).get("sending", 0) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert outbox_states(svc).get("sending") == 10  # marked and committed before the HTTP call
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        time.sleep(2.5)  # whether the server applied the dead client's request or not, nothing may double
        assert outbox_states(svc) == {"sending": 10}
        report = svc.sync.run_once()
        assert report.complete and report.applied + report.duplicates == 10, report
        assert_mirrored(svc, province.store)
    finally:
        svc.sync.close()
        svc.close()


def test_cli_sync_exit_codes(tmp_path, province, receive):
    from onestop.config import write_settings
    from tests.sync.conftest import free_port

    svc = make_counter(tmp_path, "01", province.url, province.token("01"))
    try:
        receive(svc)
        config = tmp_path / "c.toml"
        write_settings(svc.settings, config)
        env = dict(os.environ, ONESTOP_SYNC_URL="", ONESTOP_SYNC_TOKEN="")
        base = [sys.executable, "-m", "onestop", "sync", "--once", "--db", str(svc.db_path), "--config", str(config)]
        down = subprocess.run(
            base + ["--server", f"http://127.0.0.1:{free_port()}"], env=env, capture_output=True, text=True, timeout=60
        )
        assert down.returncode == 5 and "Mất kết nối" in down.stderr
        up = subprocess.run(base + ["--json"], env=env, capture_output=True, text=True, timeout=60)
        assert up.returncode == 0, up.stderr
        import json

        data = json.loads(up.stdout)
        assert data["complete"] and data["status"]["pending"] == 0
        assert_mirrored(svc, province.store)
    finally:
        svc.sync.close()
        svc.close()


def test_bad_token_is_refused_without_losing_items(tmp_path, province, receive):
    svc = make_counter(tmp_path, "01", province.url, "sai-ma")
    try:
        receive(svc)
        report = svc.sync.run_once()
        assert report.online and not report.complete and "token" in report.message
        assert outbox_states(svc) == {"queued": 2}
        svc.settings = replace(svc.settings, sync=replace(svc.settings.sync, token=province.token("01")))
        assert svc.sync.run_once().complete
        assert svc.dossiers.peek(svc.sync.items()[0].dossier_code).status is Status.RECEIVED
    finally:
        svc.sync.close()
        svc.close()
