"""Sync fixtures: the real reference server on 127.0.0.1 (thread or subprocess), counters bound to it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

AGENCY = "H56.14"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


class ThreadServer:
    """uvicorn in a background thread of the test process; stop() ends it within a second."""

    def __init__(self, db_url: str, port: int | None = None) -> None:
        from onestop.province.main import create_app
        from onestop.province.store import ProvinceStore

        self.db_url = db_url
        self.port = port or free_port()
        self.store = ProvinceStore(db_url)
        self.app = create_app(self.store)
        self.thread: threading.Thread | None = None
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def faults(self):  # type: ignore[no-untyped-def]
        return self.app.state.faults

    def start(self) -> ThreadServer:
        import uvicorn

        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="critical", access_log=False, lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        wait_port(self.port)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            self.thread.join(timeout=10)
            self.server = None

    def token(self, counter: str = "01", agency: str = AGENCY) -> str:
        return self.store.issue_token(agency_code=agency, counter_code=counter)


class ProcessServer:
    """`onestop province serve` as a real subprocess (for restarts and kills)."""

    def __init__(self, db_url: str, port: int | None = None) -> None:
        self.db_url = db_url
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ProcessServer:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "onestop", "province", "serve", "--db", self.db_url, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port)
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


def pg_url() -> str | None:
    return os.environ.get("ONESTOP_TEST_PG_URL") or None


def _reset_pg(url: str) -> None:
    import sqlalchemy as sa

    from onestop.province.schema import metadata
    from onestop.province.store import normalise_url

    engine = sa.create_engine(normalise_url(url))
    metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server_db(request, tmp_path: Path) -> str:
    """The reference server's storage: a SQLite file, and PostgreSQL when ONESTOP_TEST_PG_URL is set."""
    if request.param == "sqlite":
        return str(tmp_path / "province.db")
    url = pg_url()
    if not url:
        pytest.skip("ONESTOP_TEST_PG_URL chưa đặt (không có PostgreSQL)")
    _reset_pg(url)
    return url


@pytest.fixture
def province(server_db: str):
    server = ThreadServer(server_db).start()
    yield server
    server.stop()
    server.store.close()


def make_counter(tmp_path: Path, counter: str, url: str, token: str, *, name: str = ""):
    """A workstation (its own SQLite file) for `counter` of the same commune, configured to sync with `url`."""
    from onestop.config import parse_settings
    from onestop.domain import Role
    from onestop.services import open_services

    settings = parse_settings(
        {
            "commune": {"name": "Xã Quảng Phú", "agency_code": AGENCY, "province": "Thanh Hóa", "counter": counter},
            "sync": {"url": url, "token": token, "batch_size": 100},
        }
    )
    db = tmp_path / (name or f"counter{counter}") / "onestop.db"
    svc = open_services(db, settings)
    svc.officers.add("canbo", "Nguyễn Thị Lan", Role.OFFICER, "matkhau-canbo")
    svc.officers.add("lanhdao", "Trần Văn Hùng", Role.LEADER, "matkhau-lanhdao")
    return svc


def point_at(svc, url: str) -> None:
    svc.settings = replace(svc.settings, sync=replace(svc.settings.sync, url=url))


@pytest.fixture
def counter01(tmp_path: Path, province):
    svc = make_counter(tmp_path, "01", province.url, province.token("01"))
    yield svc
    svc.sync.close()
    svc.close()


@pytest.fixture
def receive(applicant):
    """Receive a dossier at a counter through the real intake service."""
    from onestop.domain import DocKind, DocumentLine, IntakeDraft

    def _receive(svc, procedure: str = "2.001035", **changes):
        draft = IntakeDraft(
            procedure_code=procedure,
            applicant=changes.pop("applicant", applicant),
            documents=(
                DocumentLine("Tờ khai (theo mẫu)", DocKind.ORIGINAL, 1),
                DocumentLine("Bản sao giấy khai sinh", DocKind.COPY, 2),
            ),
            **changes,
        )
        return svc.intake.save(draft, "canbo")

    return _receive


def local_dossiers(svc) -> dict[str, dict]:
    """uuid -> {code, status national code, latest upsert payload} for every local dossier of this counter."""
    with svc.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT uuid, code, status, official_code, origin FROM dossier").fetchall()
        upserts = conn.exec_driver_sql(
            "SELECT dossier_uuid, payload FROM outbox_item WHERE kind='dossier.upsert' ORDER BY id"
        ).fetchall()
    from onestop.domain import Status

    latest = {u: json.loads(p) for u, p in upserts}
    return {
        r[0]: {
            "code": r[1],
            "status": Status(r[2]).national_code,
            "official_code": r[3],
            "origin": r[4],
            "payload": latest.get(r[0]),
        }
        for r in rows
    }


def assert_mirrored(svc, store) -> None:
    """Every local dossier exists upstream exactly once with the same data, and the outbox is empty."""
    upstream = {d["uuid"]: d for d in store.dump(with_payload=True)["dossiers"]}
    codes = [d["code"] for d in upstream.values()]
    assert len(codes) == len(set(codes))
    for uuid, local in local_dossiers(svc).items():
        assert uuid in upstream, local["code"]
        up = upstream[uuid]
        assert up["code"] == local["code"]
        assert up["status"] == local["status"], local["code"]
        if local["origin"] == "local":
            assert up["payload"] == local["payload"]
    st = svc.sync.status()
    assert st.pending == 0, svc.sync.items()


def outbox_states(svc) -> dict[str, int]:
    with svc.engine.connect() as conn:
        return dict(conn.exec_driver_sql("SELECT state, count(*) FROM outbox_item GROUP BY state").fetchall())
