"""The provincial server refuses before it reads: no token → 401 and a too-large body → 413 without taking the body
into memory; malformed items are `rejected` with the field named (or the request is 422), never a 500; tokens can
be listed, revoked and expire; API docs only with a flag; owner-only files; no payload values in the log."""

from __future__ import annotations

import json
import logging
import os
import socket
import stat
import subprocess
import sys

import httpx
import psutil
import pytest

from tests.sync.test_isolation import A, event, upsert


def raw_request(port: int, head: str, body_chunks, *, timeout: float = 10.0) -> tuple[int, bytes, int]:
    """Send a request by hand; returns (status, reply, body bytes we managed to send before the reply)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sent = 0
    try:
        s.sendall(head.encode())
        for chunk in body_chunks:
            try:
                s.sendall(chunk)
                sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        s.settimeout(timeout)
        reply = b""
        while True:  # the refusal carries `connection: close`: read to the end
            try:
                part = s.recv(65536)
            except ConnectionResetError:
                break
            if not part:
                break
            reply += part
    finally:
        s.close()
    return int(reply.split(b" ", 2)[1]), reply, sent


def rss() -> int:
    return psutil.Process().memory_info().rss


def test_unauthenticated_300mb_body_is_refused_before_it_is_read(province):
    before = rss()
    head = (
        "POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer not-a-token\r\n"
        f"Content-Type: application/json\r\nContent-Length: {300 * 1024 * 1024}\r\n\r\n"
    )
    status, reply, _sent = raw_request(province.port, head, [b'{"items": [' + b" " * 65536])
    assert status == 401 and b"connection: close" in reply.lower()
    assert rss() - before < 50 * 1024 * 1024


def test_declared_oversized_body_is_413_before_reading(province):
    token = province.token("01")
    head = (
        f"POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {9 * 1024 * 1024}\r\n\r\n"
    )
    status, reply, _ = raw_request(province.port, head, [b"{"])
    assert status == 413 and "quá lớn".encode() in reply


def test_streamed_oversized_body_is_413(province):
    """No Content-Length (chunked): counted as it arrives, refused the moment it passes 8 MB."""
    token = province.token("01")
    big = "x" * (60 * 1024 * 1024)  # the 60 MB ChuHoSo of the attack

    def body():
        yield b'{"items": [{"key": "k", "kind": "dossier.upsert", "payload": {"ChuHoSo": "'
        for i in range(0, len(big), 1 << 20):
            yield big[i : i + (1 << 20)].encode()
        yield b'"}}]}'

    with httpx.Client(base_url=province.url, timeout=30) as http:
        try:
            r = http.post("/v1/push", content=body(), headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 413
        except (httpx.RemoteProtocolError, httpx.WriteError, httpx.ReadError):
            pass  # the server answered 413 and closed while we were still writing: refused all the same
    assert province.store.dump()["totals"]["dossiers"] == 0


def test_malformed_items_are_rejected_with_the_field_named_never_500(province):
    token = province.token("01")
    auth = {"Authorization": f"Bearer {token}"}
    good = upsert(A, "01")
    uuid, code = good["payload"]["Uuid"], good["payload"]["MaHoSo"]
    cases = [
        (dict(upsert(A, "01"), payload=dict(upsert(A, "01")["payload"], PhienBan="x")), "PhienBan"),
        (dict(event(uuid, code, 4, 2), payload=dict(event(uuid, code, 4, 2)["payload"], BuocSo="x")), "BuocSo"),
        (dict(event(uuid, code, 4, 2), payload=dict(event(uuid, code, 4, 2)["payload"], BuocSo=10**20)), "BuocSo"),
        ({"key": "a1", "kind": "audit.append", "payload": {"entries": [{"id": "abc"}]}}, "entries[0].id"),
        ({"key": "a2", "kind": "audit.append", "payload": {"entries": [{"id": 1}, {"id": 1}]}}, "entries[1].id"),
        (dict(upsert(A, "01"), payload=dict(upsert(A, "01")["payload"], MaHoSo={"x": 1})), "MaHoSo"),
        (dict(upsert(A, "01"), payload=dict(upsert(A, "01")["payload"], ChuHoSo="A" * 300)), "ChuHoSo"),
        (dict(upsert(A, "01"), payload=dict(upsert(A, "01")["payload"], GhiChu="x" * 5000)), "GhiChu"),
        (dict(upsert(A, "01"), payload=dict(upsert(A, "01")["payload"], GhiChu="a\x00b")), "GhiChu"),
        ({"key": "k9", "kind": "no.such.kind", "payload": {}}, "kind"),
    ]
    with httpx.Client(base_url=province.url, timeout=30, headers=auth) as http:
        assert http.post("/v1/push", json={"items": [good]}).json()["results"][0]["status"] == "applied"
        r = http.post("/v1/push", json={"items": [dict(c, dossier_uuid="") for c, _ in cases]})
        assert r.status_code == 200, r.text
        for (_, field), res in zip(cases, r.json()["results"], strict=True):
            assert res["status"] == "rejected" and field in res["message"], (field, res)
        # a lone surrogate (valid JSON, invalid Unicode) in a payload and in a key
        lone = json.dumps({"items": [dict(upsert(A, "01"), key="s1")]}).replace("Nguy", "\\ud800Nguy", 1)
        r = http.post("/v1/push", content=lone, headers={"Content-Type": "application/json"})
        assert r.status_code == 200 and r.json()["results"][0]["status"] == "rejected", r.text
        lone_key = json.dumps({"items": [dict(upsert(A, "01"), key="KEY")]}).replace("KEY", "\\udc80")
        assert http.post("/v1/push", content=lone_key, headers={"Content-Type": "application/json"}).status_code == 422
        # request shapes: 422, not 500
        for body in ({"items": "x"}, {"items": [{"key": 5}]}, {"items": [1, 2]}, [], {"items": [None]}):
            assert http.post("/v1/push", json=body).status_code == 422, body
        assert (
            http.post("/v1/push", content=b"{not json", headers={"Content-Type": "application/json"}).status_code == 422
        )
        # cursors: a 20-digit number or garbage is a 400 with a message, not a 500
        for cursor in ("9" * 20, "v2.x.1", "v2.1", "-1", "１２"):
            r = http.get("/v1/changes", params={"cursor": cursor})
            assert r.status_code == 400 and "cursor" in r.json()["detail"], (cursor, r.text)
        assert http.get("/v1/changes", params={"cursor": "x" * 100}).status_code == 422
    assert province.store.dump()["totals"]["dossiers"] == 1


def test_revoked_and_expired_tokens_are_401_at_once(province):

    from onestop.province.schema import token_t

    token_id, token = province.store.issue(agency_code=A, counter_code="01")
    soon_id, soon = province.store.issue(agency_code=A, counter_code="02", expires_days=30)
    with httpx.Client(base_url=province.url, timeout=10) as http:
        for t in (token, soon):
            assert http.get("/v1/changes", headers={"Authorization": f"Bearer {t}"}).status_code == 200
        assert province.store.revoke_token(token_id)
        r = http.get("/v1/changes", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401 and "thu hồi" in r.json()["detail"]
        with province.store.engine.begin() as conn:
            conn.execute(token_t.update().where(token_t.c.id == soon_id).values(expires_at="2020-01-01T00:00:00+07:00"))
        assert http.get("/v1/changes", headers={"Authorization": f"Bearer {soon}"}).status_code == 401
    listed = {t["id"]: t for t in province.store.tokens()}
    assert listed[token_id]["revoked"] and listed[token_id]["last_used_at"]
    assert not province.store.revoke_token(99999)


def test_api_docs_only_with_the_flag(tmp_path):
    from tests.sync.conftest import ThreadServer

    plain = ThreadServer(str(tmp_path / "a.db")).start()
    try:
        with httpx.Client(base_url=plain.url, timeout=10) as http:
            for path in ("/docs", "/redoc", "/openapi.json"):
                assert http.get(path).status_code in (401, 404), path
            token = plain.token("01")
            for path in ("/docs", "/redoc", "/openapi.json"):
                assert http.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 404, path
            assert http.get("/v1/health").status_code == 200
    finally:
        plain.stop()
        plain.store.close()
    from onestop.province.main import create_app

    documented = ThreadServer(str(tmp_path / "b.db"))
    documented.app = create_app(documented.store, docs=True)
    documented.start()
    try:
        with httpx.Client(base_url=documented.url, timeout=10) as http:
            assert http.get("/docs").status_code == 200 and http.get("/openapi.json").status_code == 200
    finally:
        documented.stop()
        documented.store.close()


def test_server_files_are_owner_only(tmp_path):
    from onestop.province.store import ProvinceStore

    path = tmp_path / "new-dir" / "province.db"
    store = ProvinceStore(str(path))
    try:
        store.issue_token(agency_code=A, counter_code="01")
    finally:
        store.close()
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    for p in path.parent.iterdir():
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o600, p


def test_log_carries_keys_and_codes_never_payload_values(province, caplog):
    caplog.set_level(logging.DEBUG, logger="onestop")
    token = province.token("01")
    item = upsert(A, "01", ChuHoSo="Đặng Thị Riêng Tư", SoDienThoai="0988777666")
    bad = upsert(A, "01", ChuHoSo="Đặng Thị Riêng Tư" * 30)
    with httpx.Client(base_url=province.url, timeout=10, headers={"Authorization": f"Bearer {token}"}) as http:
        assert http.post("/v1/push", json={"items": [item, bad]}).status_code == 200
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert bad["key"] in text and "rejected" in text
    assert "Riêng Tư" not in text and "0988777666" not in text


def _cli(*args: str, env_home) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOME=str(env_home), XDG_DATA_HOME=str(env_home / "data"), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "onestop", "province", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_token_cli_issue_list_revoke(tmp_path, province):
    db = str(tmp_path / "cli-province.db")
    issued = _cli(
        "token", "--counter", "01", "--agency-code", "H56.14", "--expires", "30", "--db", db, env_home=tmp_path
    )
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.split()[-1]
    assert len(token) > 30
    listed = _cli("token", "--list", "--json", "--db", db, env_home=tmp_path)
    assert listed.returncode == 0 and token not in listed.stdout
    rows = json.loads(listed.stdout)["tokens"]
    assert rows[0]["agency_code"] == "H56.14" and rows[0]["counter_code"] == "01" and rows[0]["expires_at"]
    assert set(rows[0]) >= {"id", "issued_at", "expires_at", "last_used_at"}
    table = _cli("token", "--list", "--db", db, env_home=tmp_path)
    assert "H56.14" in table.stdout and token not in table.stdout
    revoked = _cli("token", "--revoke", str(rows[0]["id"]), "--db", db, env_home=tmp_path)
    assert revoked.returncode == 0 and "thu hồi" in revoked.stdout + revoked.stderr
    assert _cli("token", "--revoke", "999", "--db", db, env_home=tmp_path).returncode == 2
    assert _cli("token", "--counter", "1", "--agency-code", "H56.14", "--db", db, env_home=tmp_path).returncode == 2


@pytest.mark.parametrize("path", ["/v1/push", "/v1/files/" + "0" * 64, "/v1/admin/dump"])
def test_every_guarded_path_needs_a_token(province, path):
    with httpx.Client(base_url=province.url, timeout=10) as http:
        assert http.request("POST" if "push" in path else "GET", path, json={}).status_code == 401


def test_database_down_is_503_with_retry_after_and_back_without_restart(province, tmp_path):
    """PostgreSQL restarting (here: the store's engine pointed at nothing) → 503 + Retry-After, never 500; when the
    database is back the same server answers again."""
    import sqlalchemy as sa

    token = province.token("01")
    auth = {"Authorization": f"Bearer {token}"}
    real = province.store.engine
    if province.store.is_sqlite:
        down = sa.create_engine(f"sqlite:///{tmp_path}/no/such/dir/x.db")
    else:
        down = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none", connect_args={"connect_timeout": 2})
    with httpx.Client(base_url=province.url, timeout=30, headers=auth) as http:
        province.store.engine = down
        try:
            for method, path, body in (
                ("GET", "/v1/changes", None),
                ("POST", "/v1/push", {"items": [upsert(A, "01")]}),
            ):
                r = http.request(method, path, json=body)
                assert r.status_code == 503 and r.headers.get("retry-after") == "30", r.text
        finally:
            province.store.engine = real
            down.dispose()
        assert http.post("/v1/push", json={"items": [upsert(A, "01")]}).json()["results"][0]["status"] == "applied"


def test_payload_bounds_hold_on_the_fast_path_and_the_walk():
    """Every bound is enforced whether the payload is small enough for the quick check or needs the full walk."""
    from onestop.province.models import item_problem

    base = {
        "Uuid": "12345678-1234-1234-1234-123456789012",
        "MaHoSo": "H56.14-260101-010001",
        "MaTTHC": "1.001193",
        "ChuHoSo": "Nguyễn Văn An",
        "TrangThaiHoSo": 2,
    }
    assert item_problem("dossier.upsert", base) is None
    deep: dict = {"v": 1}
    for _ in range(9):
        deep = {"x": deep}
    for extra, field in (
        ({"GhiChu": ["a"] * 501}, "GhiChu"),
        ({"GhiChu": "x" * 4001}, "GhiChu"),
        ({"GhiChu": "a\x00b"}, "GhiChu"),
        ({"GhiChu": "a\ud800"}, "GhiChu"),
        ({"GhiChu": deep}, "GhiChu"),
        ({"Sâu\ud800": 1}, "payload"),  # an invalid key: the whole payload is named
    ):
        problem = item_problem("dossier.upsert", base | extra)
        assert problem is not None and field in problem, (extra.keys(), problem)
    assert item_problem("dossier.upsert", base | {"GhiChu": ["a"] * 499}) is None
