"""`onestop province bench`: many counters pushing at once through the real protocol, against a real server process.

The server runs as `onestop province serve` in a subprocess (its own interpreter, as in production); each counter is
a `SyncClient` (the counter's own HTTP client) in a thread, bound to its own agency and token, pushing frozen
`dossier.upsert` then `dossier.event` items in batches, and re-sending a share of its batches as if the reply had
been lost. The same run first measures one counter alone, then N together, and checks on both sides:

- counter side: every key answered `applied` exactly once, every re-send answered `duplicate`;
- server side: per agency exactly M dossiers, one step each, 2·M applied keys and 2·M feed changes;
- the feed: a reader of every agency (counter 99, pulling while the writers push and once more after) sees every
  change of its agency exactly once, nothing of any other agency, in order per dossier.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid as uuidlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onestop.province.store import ProvinceStore
from onestop.sync.client import SyncClient


@dataclass
class Side:
    """What one counter saw."""

    applied: dict[str, int] = field(default_factory=dict)
    resend_not_duplicate: int = 0
    other: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    items: int = 0


def _items(agency: str, counter: str, dossiers: int, day: str) -> list[dict[str, Any]]:
    ups, steps = [], []
    for i in range(1, dossiers + 1):
        uuid = str(uuidlib.uuid4())
        code = f"{agency}-{day}-{counter}{i:04d}"
        ups.append(
            {
                "key": f"dossier:{uuid}:v1",
                "kind": "dossier.upsert",
                "dossier_uuid": uuid,
                "dossier_code": code,
                "payload": {
                    "Uuid": uuid,
                    "MaHoSo": code,
                    "PhienBan": 1,
                    "MaDinhDanhDonVi": agency,
                    "MaQuay": counter,
                    "MaTTHC": "1.001193",
                    "TenTTHC": "Thủ tục đăng ký khai sinh",
                    "ChuHoSo": f"Nguyễn Văn Thử {i}",
                    "ChuHoSoChiTiet": {"HoTen": f"Nguyễn Văn Thử {i}", "SoDinhDanh": f"0380{i:08d}"},
                    "KenhThucHien": 1,
                    "NgayTiepNhan": f"20{day}080000",
                    "NgayHenTra": f"20{day}170000",
                    "TrangThaiHoSo": 2,
                    "TaiLieuNop": [{"TenTaiLieu": "Tờ khai", "LoaiBan": "original", "SoLuong": 1, "TepDinhKem": []}],
                    "DanhSachLePhi": [],
                },
            }
        )
        steps.append(
            {
                "key": f"event:{uuid}:2",
                "kind": "dossier.event",
                "dossier_uuid": uuid,
                "dossier_code": code,
                "payload": {
                    "Uuid": uuid,
                    "MaHoSo": code,
                    "BuocSo": 2,
                    "NguoiXuLy": "Cán bộ một cửa",
                    "ThoiDiemXuLy": f"20{day}090000",
                    "TrangThaiTruoc": 2,
                    "TrangThai": 4,
                    "NoiDungXuLy": "Chuyển phòng chuyên môn",
                },
            }
        )
    return ups + steps


def _push_all(
    client: SyncClient, items: list[dict[str, Any]], batch: int, resend: float, seed: int, side: Side
) -> None:
    rng = random.Random(seed)
    for start in range(0, len(items), batch):
        chunk = items[start : start + batch]
        t0 = time.perf_counter()
        results = client.push(chunk)
        side.latencies.append(time.perf_counter() - t0)
        side.items += len(chunk)
        for r in results:
            if r["status"] == "applied":
                side.applied[r["key"]] = side.applied.get(r["key"], 0) + 1
            else:
                side.other.append(f"{r['key']}: {r['status']} {r.get('message', '')[:120]}")
        if rng.random() < resend:  # the reply "was lost": the counter sends the same batch again
            again = client.push(chunk)
            side.resend_not_duplicate += sum(r["status"] != "duplicate" for r in again)


def _client(url: str, token: str) -> SyncClient:
    from onestop.config import SyncSettings

    return SyncClient(SyncSettings(url=url, token=token, timeout_s=300.0))


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] if s else 0.0


def _round(url: str, agencies: list[str], tokens: dict[str, str], dossiers: int, batch: int, resend: float) -> dict:
    """`agencies` are writers, "AGENCY/CC" (a counter of an agency)."""
    day = time.strftime("%y%m%d")
    work = {a: _items(a.split("/")[0], a.split("/")[1], dossiers, day) for a in agencies}
    sides = {a: Side() for a in agencies}
    clients = {a: _client(url, tokens[a]) for a in agencies}
    start = threading.Barrier(len(agencies) + 1)

    def run(a: str, seed: int) -> None:
        start.wait()
        _push_all(clients[a], work[a], batch, resend, seed, sides[a])

    threads = [threading.Thread(target=run, args=(a, i), daemon=True) for i, a in enumerate(agencies)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    for c in clients.values():
        c.close()
    items = sum(s.items for s in sides.values())
    lat = [x for s in sides.values() for x in s.latencies]
    rate = items / elapsed
    keys = {i["key"] for a in agencies for i in work[a]}
    applied = {k: n for s in sides.values() for k, n in s.applied.items()}
    return {
        "counters": len(agencies),
        "items": items,
        "seconds": round(elapsed, 2),
        "items_per_s": round(rate),
        "batch_p50_ms": round(_pct(lat, 0.5) * 1000),
        "batch_p95_ms": round(_pct(lat, 0.95) * 1000),
        "littles_law_ms": round(len(agencies) * batch / rate * 1000),
        "client_lost": len(keys - set(applied)),
        "client_duplicated": sum(n - 1 for n in applied.values() if n > 1)
        + sum(s.resend_not_duplicate for s in sides.values()),
        "refused": [m for s in sides.values() for m in s.other][:5],
        "_work": work,
    }


def _server_check(store: ProvinceStore, writers: list[str], dossiers: int) -> dict[str, int]:
    """`dossiers` per writer; writers of one agency add up."""
    expected: dict[str, int] = {}
    for w in writers:
        expected[w.split("/")[0]] = expected.get(w.split("/")[0], 0) + dossiers
    agencies = sorted(expected)
    import sqlalchemy as sa

    from onestop.province.schema import applied_key_t, change_t, dossier_t, event_t

    lost = dup = 0
    with store.engine.connect() as conn:
        per = {
            a: n
            for a, n in conn.execute(
                sa.select(dossier_t.c.agency_code, sa.func.count())
                .where(dossier_t.c.agency_code.in_(agencies))
                .group_by(dossier_t.c.agency_code)
            )
        }
        keys: dict[str, int] = dict(
            conn.execute(
                sa.select(applied_key_t.c.agency_code, sa.func.count())
                .where(applied_key_t.c.agency_code.in_(agencies))
                .group_by(applied_key_t.c.agency_code)
            ).all()
        )
        changes: dict[str, int] = dict(
            conn.execute(
                sa.select(change_t.c.agency_code, sa.func.count())
                .where(change_t.c.agency_code.in_(agencies))
                .group_by(change_t.c.agency_code)
            ).all()
        )
        steps: dict[str, int] = dict(
            conn.execute(
                sa.select(dossier_t.c.agency_code, sa.func.count())
                .select_from(event_t.join(dossier_t, dossier_t.c.uuid == event_t.c.dossier_uuid))
                .where(dossier_t.c.agency_code.in_(agencies))
                .group_by(dossier_t.c.agency_code)
            ).all()
        )
    for a in agencies:
        m = expected[a]
        for got, want in (
            (per.get(a, 0), m),
            (steps.get(a, 0), m),
            (keys.get(a, 0), 2 * m),
            (changes.get(a, 0), 2 * m),
        ):
            lost += max(0, want - got)
            dup += max(0, got - want)
    return {"server_lost": lost, "server_duplicated": dup}


class _Reader:
    """Counter 99 of one agency pulling the feed; remembers every change it was given."""

    def __init__(self, url: str, token: str) -> None:
        self.client = _client(url, token)
        self.cursor = ""
        self.seen: list[dict[str, Any]] = []

    def pull(self) -> None:
        more = True
        while more:
            items, self.cursor, more = self.client.changes(self.cursor, 1000)
            self.seen += items


def _feed_check(readers: dict[str, _Reader], work: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Exactly once, nothing foreign, in order per dossier (upsert's snapshot before the step's)."""
    incomplete = foreign = dup = disorder = 0
    for a, reader in readers.items():
        reader.pull()
        mine = {i["dossier_uuid"] for i in work[a]}
        by_dossier: dict[str, list[dict[str, Any]]] = {}
        for c in reader.seen:
            if c["kind"] != "dossier":
                continue
            if c["dossier_uuid"] not in mine:
                foreign += 1
                continue
            by_dossier.setdefault(c["dossier_uuid"], []).append(c)
        seqs = [c["seq"] for c in reader.seen]
        dup += len(seqs) - len(set(seqs))
        for uuid in mine:
            got = by_dossier.get(uuid, [])
            reasons = [c["data"].get("LyDo") for c in got]
            if sorted(reasons) != ["event", "upsert"]:
                incomplete += 1
            elif reasons != ["upsert", "event"] or [c["seq"] for c in got] != sorted(c["seq"] for c in got):
                disorder += 1
        reader.client.close()
    return {
        "feed_incomplete_dossiers": incomplete,
        "feed_foreign": foreign,
        "feed_duplicated": dup,
        "feed_out_of_order": disorder,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(db_url: str, port: int, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "onestop", "province", "serve", "--db", db_url, "--port", str(port)]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    env = dict(os.environ)
    if os.environ.get("ONESTOP_BENCH_SERVER_SRC"):  # compare with another checkout's server (same protocol)
        env["PYTHONPATH"] = os.environ["ONESTOP_BENCH_SERVER_SRC"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((proc.stderr.read() if proc.stderr else b"").decode(errors="replace")[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("province server did not start")


def run(
    counters: int,
    dossiers: int,
    *,
    db_url: str | None = None,
    batch: int = 100,
    resend: float = 0.2,
    workers: int = 1,
    per_agency: int = 1,
    say: Any = print,
) -> dict[str, Any]:
    """One counter alone, then `counters` together (each its own agency), same server, same run."""
    tmp = None
    if not db_url:
        tmp = tempfile.mkdtemp(prefix="onestop-province-bench-")
        db_url = str(Path(tmp) / "province.db")
    run_id = uuidlib.uuid4().hex[:6].upper()
    solo = [f"BENCH{run_id}.000/01"]
    many = [f"BENCH{run_id}.{1 + i // per_agency:03d}/{1 + i % per_agency:02d}" for i in range(counters)]
    agencies = sorted({w.split("/")[0] for w in many})
    store = ProvinceStore(db_url)
    tokens = {w: store.issue_token(agency_code=w.split("/")[0], counter_code=w.split("/")[1]) for w in solo + many}
    readers_tokens = {a: store.issue_token(agency_code=a, counter_code="99") for a in agencies}
    port = _free_port()
    proc = _start_server(db_url, port, workers)
    url = f"http://127.0.0.1:{port}"
    try:
        warm = _round(url, solo, tokens, min(dossiers, 50), batch, 0.0)  # connections, caches, JIT of the planner
        del warm
        solo[0] = f"BENCH{run_id}.S00/01"
        tokens[solo[0]] = store.issue_token(agency_code=solo[0].split("/")[0], counter_code="01")
        # one counter alone pushes as many dossiers as ten counters do together: a steady rate, not a warm-up blip
        one = _round(url, solo, tokens, dossiers * min(counters, 10), batch, resend)
        say(f"1 quầy: {one['items_per_s']} mục/s, lô p50 {one['batch_p50_ms']} ms, p95 {one['batch_p95_ms']} ms")
        readers = {a: _Reader(url, readers_tokens[a]) for a in agencies}
        stop = threading.Event()

        def poll() -> None:  # a few readers pull while the writers push: the cursor must not skip anything
            while not stop.is_set():
                for a in agencies[:5]:
                    readers[a].pull()

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        together = _round(url, many, tokens, dossiers, batch, resend)
        stop.set()
        poller.join()
        say(
            f"{counters} quầy: {together['items_per_s']} mục/s, lô p50 {together['batch_p50_ms']} ms, "
            f"p95 {together['batch_p95_ms']} ms (Little: {together['littles_law_ms']} ms)"
        )
        checks = _server_check(store, many, dossiers)
        solo_check = _server_check(store, solo, dossiers * min(counters, 10))
        checks = {k: v + solo_check[k] for k, v in checks.items()}
        work = together.pop("_work")
        by_agency: dict[str, list[dict[str, Any]]] = {}
        for w, items in work.items():
            by_agency.setdefault(w.split("/")[0], []).extend(items)
        checks.update(_feed_check(readers, by_agency))
        one.pop("_work")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        store.close()
    storage = "sqlite" if db_url.startswith("sqlite") or "://" not in db_url else "postgresql"
    result = {
        "storage": storage,
        "batch": batch,
        "resend": resend,
        "workers": workers,
        "counters_per_agency": per_agency,
        "one_counter": one,
        "many_counters": together,
        "ratio": round(together["items_per_s"] / max(one["items_per_s"], 1), 3),
        "p95_over_littles_law": round(together["batch_p95_ms"] / max(together["littles_law_ms"], 1), 2),
        "lost": one["client_lost"] + together["client_lost"] + checks["server_lost"],
        "duplicated": one["client_duplicated"] + together["client_duplicated"] + checks["server_duplicated"],
        **checks,
    }
    if tmp:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return result


if __name__ == "__main__":  # python -m onestop.province.bench N M [URL]
    args = sys.argv[1:]
    out = run(
        int(args[0]),
        int(args[1]),
        db_url=args[2] if len(args) > 2 else None,
        workers=int(os.environ.get("W", "1")),
        per_agency=int(os.environ.get("PER_AGENCY", "1")),
    )
    print(json.dumps(out, ensure_ascii=False, indent=1))
