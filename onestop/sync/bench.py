"""Sync figures for `onestop bench`: push and pull throughput against the reference server on 127.0.0.1, and
UI frame-to-frame p95 while a sync worker runs (measured in a subprocess running a minimal Textual app).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ITEMS = 10_000


def _bench_payloads(services: Any, count: int) -> list[dict[str, Any]]:
    """Frozen dossier.upsert outbox rows for existing synthetic dossiers (wire format of payload.py)."""
    import sqlalchemy as sa

    from db import models
    from db.tables import table_of
    from onestop.domain import Status, now_vn
    from onestop.sync.payload import wire_dt

    office = services.settings.office
    d = table_of(models.Dossier)
    with services.engine.connect() as conn:
        rows = conn.execute(sa.select(d).where(d.c.origin == "bench").order_by(d.c.id).limit(count)).all()
    created = now_vn()
    out = []
    for i in range(count):
        r = rows[i % len(rows)] if rows else None
        uuid = r.uuid if r is not None and i < len(rows) else f"00000000-0000-4000-8000-{i:012d}"
        code = r.code if r is not None and i < len(rows) else f"{office.agency_code}-991231-99{i:06d}"
        payload = {
            "Uuid": uuid,
            "MaHoSo": code,
            "MaHoSoChinhThuc": "",
            "PhienBan": 1,
            "MaDinhDanhDonVi": office.agency_code,
            "MaQuay": office.counter_code,
            "MaTTHC": r.procedure_code if r is not None else "1.001193",
            "PhienBanTTHC": 1,
            "ChuHoSo": r.applicant_name if r is not None else "Nguyễn Văn An",
            "LoaiDoiTuong": 1,
            "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": r.applicant_id_number if r is not None else ""}],
            "SoDienThoai": r.applicant_phone if r is not None else "",
            "KenhThucHien": 1,
            "NgayTiepNhan": wire_dt(r.received_at if r is not None else created),
            "NgayHenTra": wire_dt(r.due_at if r is not None else None),
            "TrangThaiHoSo": Status(r.status).national_code if r is not None else 2,
            "HinhThuc": 0,
            "TaiLieuNop": [{"TenTaiLieu": "Tờ khai", "LoaiBan": "original", "SoLuong": 1, "TepDinhKem": []}],
            "DanhSachLePhi": [],
        }
        out.append(
            {
                "key": f"bench:{uuid}:v1",
                "dossier_uuid": uuid,
                "dossier_code": code,
                "kind": "dossier.upsert",
                "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
                "state": "queued",
                "attempts": 0,
                "last_error": "",
                "server_reply": "",
                "created_at": created,
            }
        )
    return out


def _online_payloads(count: int) -> list[dict[str, Any]]:
    import random

    from onestop.bench import random_person

    rng = random.Random(5)
    out = []
    for _ in range(count):
        p = random_person(rng)
        out.append(
            {
                "MaTTHC": "1.001193",
                "TenTTHC": "Thủ tục đăng ký khai sinh",
                "ChuHoSo": p["full_name"],
                "ChuHoSoChiTiet": {
                    "HoTen": p["full_name"],
                    "SoDinhDanh": p["id_number"],
                    "NgaySinh": p["birth_date"].strftime("%d%m%Y"),
                    "GioiTinh": p["gender"],
                    "DiaChi": p["address"],
                    "SoDienThoai": p["phone"],
                },
                "TaiLieuNop": [{"TenTaiLieu": "Tờ khai đăng ký khai sinh", "LoaiBan": "original", "SoLuong": 1}],
            }
        )
    return out


def bench_figures(ctx: Any) -> dict[str, Any]:
    """`sync_push_items_per_s`, `sync_pull_items_per_s`, `ui_frame_p95_ms_during_sync`."""
    from onestop.province import BackgroundServer

    workdir = Path(tempfile.mkdtemp(prefix="onestop-syncbench-"))
    server = BackgroundServer(str(workdir / "province.db")).start()
    figures: dict[str, Any] = {}
    try:
        figures.update(_push(ctx.services, server))
        figures.update(_pull(ctx.services, server, workdir))
        figures.update(_frames(ctx, server, workdir))
    finally:
        server.stop()
    return figures


def _bind(services: Any, server: Any, counter: str) -> Any:
    token = server.store.issue_token(agency_code=services.settings.office.agency_code, counter_code=counter)
    services.settings = replace(
        services.settings, sync=replace(services.settings.sync, url=server.url, token=token, batch_size=100)
    )
    return services


def _push(services: Any, server: Any) -> dict[str, Any]:
    import sqlalchemy as sa

    from db import models
    from db.tables import table_of

    # synthetic dossiers carry counter 99 in their codes; the server accepts a new dossier only from
    # the counter its code names, so the push runs with counter 99's token
    _bind(services, server, "99")
    rows = _bench_payloads(services, ITEMS)
    with services.engine.begin() as conn:
        conn.execute(sa.insert(table_of(models.OutboxItem)), rows)
    svc = services.sync
    t0 = time.perf_counter()
    report = svc.run_once(force=True)
    elapsed = time.perf_counter() - t0
    svc.close()
    if not report.complete:
        sys.stderr.write(f"[bench] sync push incomplete: {report.message}\n")
        return {}
    return {
        "sync_push_items_per_s": round(report.pushed / elapsed),
        "sync_push_s": round(elapsed, 2),
        "sync_push_items": report.pushed,
    }


def _pull(services: Any, server: Any, workdir: Path) -> dict[str, Any]:
    from onestop.services import open_services

    agency = services.settings.office.agency_code
    # a separate workstation, so the synthetic commune's queues stay as the other figures expect
    counter = open_services(
        workdir / "pull" / "onestop.db",
        replace(services.settings, office=replace(services.settings.office, counter_code="02")),
    )
    _bind(counter, server, "02")
    _skip_to_head(counter, server)  # pull exactly the online submissions below, not counter 01's pushes
    payloads = _online_payloads(ITEMS)
    for start in range(0, ITEMS, 1000):
        server.store.submit_online_many(agency, payloads[start : start + 1000])
    svc = counter.sync
    t0 = time.perf_counter()
    report = svc.run_once(force=True)
    elapsed = time.perf_counter() - t0
    svc.close()
    counter.close()
    if not report.complete or report.pulled_inserted < ITEMS:
        sys.stderr.write(f"[bench] sync pull incomplete: {report.message}\n")
        return {}
    return {
        "sync_pull_items_per_s": round(report.pulled / elapsed),
        "sync_pull_s": round(elapsed, 2),
        "sync_pull_items": report.pulled,
    }


def _skip_to_head(counter: Any, server: Any) -> None:
    import sqlalchemy as sa

    from db import models
    from db.tables import table_of
    from onestop.province.store import change_t

    with server.store.engine.connect() as conn:
        head = conn.execute(sa.select(sa.func.max(change_t.c.seq))).scalar() or 0
    with counter.engine.begin() as conn:
        t = table_of(models.SyncState)
        conn.execute(t.delete())
        conn.execute(t.insert().values(id=1, pull_cursor=str(head), last_error="", audit_cursor=0))


def _frames(ctx: Any, server: Any, workdir: Path) -> dict[str, Any]:
    """Run screens.sync_frames in a subprocess: a Textual app whose worker pushes 2,000 items and pulls 2,000."""
    from onestop.config import write_settings
    from onestop.services import open_services

    settings = replace(ctx.services.settings, office=replace(ctx.services.settings.office, counter_code="03"))
    db = workdir / "frames" / "onestop.db"
    counter = open_services(db, settings)
    _bind(counter, server, "03")
    import sqlalchemy as sa

    from db import models
    from db.tables import table_of

    rows = _bench_payloads(ctx.services, 2000)
    for r in rows:
        r["key"] = r["key"].replace("bench:", "frames:")
    with counter.engine.begin() as conn:
        conn.execute(sa.insert(table_of(models.OutboxItem)), rows)
    _skip_to_head(counter, server)
    server.store.submit_online_many(counter.settings.office.agency_code, _online_payloads(2000))
    write_settings(counter.settings, workdir / "frames" / "config.toml")
    counter.close()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "screens.sync_frames", str(db), str(workdir / "frames" / "config.toml")],
            capture_output=True,
            text=True,
            timeout=300,
        )
    except (subprocess.TimeoutExpired, OSError) as exc:
        sys.stderr.write(f"[bench] ui frames during sync: {exc}\n")
        return {}
    try:
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        sys.stderr.write(f"[bench] ui frames during sync failed: {done.stderr[-500:]}\n")
        return {}
    return {"ui_frame_p95_ms_during_sync": data.get("p95_ms"), "ui_frame_max_ms_during_sync": data.get("max_ms")}
