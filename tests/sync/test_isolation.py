"""Agency isolation on the provincial server: the whole table of docs/sync-protocol.md ("Who may do what"), caller ×
target × kind → answer, against the real server on 127.0.0.1 (SQLite, and PostgreSQL when ONESTOP_TEST_PG_URL is
set); and agency B's citizen never appears in any reply to agency A, whatever A sends."""

from __future__ import annotations

import hashlib
import itertools
import json
import uuid as uuidlib

import httpx
import pytest

A, B = "H56.14", "H56.15"
_n = itertools.count(1)

SECRET = {"name": "Hoàng Thị Bí Mật", "id": "038199012345", "phone": "0912000111", "addr": "Thôn Kín, xã Bí Ẩn"}


def upsert(agency: str, counter: str, *, uuid: str | None = None, code: str | None = None, version: int = 1, **extra):
    uuid = uuid or str(uuidlib.uuid4())
    code = code or f"{agency}-261129-{counter}{next(_n):04d}"
    p = {
        "Uuid": uuid,
        "MaHoSo": code,
        "PhienBan": version,
        "MaDinhDanhDonVi": agency,
        "MaQuay": counter,
        "MaTTHC": "2.001035",
        "ChuHoSo": "Nguyễn Văn An",
        "ChuHoSoChiTiet": {"HoTen": "Nguyễn Văn An", "SoDinhDanh": "001090000001"},
        "TrangThaiHoSo": 2,
        "TaiLieuNop": [{"TenTaiLieu": "Tờ khai", "TepDinhKem": []}],
    } | extra
    return {
        "key": f"dossier:{uuid}:v{version}:{next(_n)}",
        "kind": "dossier.upsert",
        "dossier_uuid": uuid,
        "payload": p,
    }


def event(uuid: str, code: str, to: int, before: int | None, step: int = 2, *, key: str | None = None):
    p = {"Uuid": uuid, "MaHoSo": code, "BuocSo": step, "TrangThai": to, "NguoiXuLy": "Cán bộ", "NoiDungXuLy": "x"}
    if before is not None:
        p["TrangThaiTruoc"] = before
    return {
        "key": key or f"event:{uuid}:{step}:{next(_n)}",
        "kind": "dossier.event",
        "dossier_uuid": uuid,
        "payload": p,
    }


class Api:
    """A token's view of the server; every reply body is kept so a test can search all of them."""

    def __init__(self, url: str, token: str, replies: list[str] | None = None) -> None:
        self.http = httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"})
        self.replies = replies if replies is not None else []

    def push(self, *items, force: bool = False) -> list[dict]:
        body = {"items": [dict(i, force=force) for i in items]}
        r = self.http.post("/v1/push", json=body)
        self.replies.append(r.text)
        assert r.status_code == 200, r.text
        return r.json()["results"]

    def one(self, item, force: bool = False) -> dict:
        return self.push(item, force=force)[0]

    def feed(self, cursor: str = "") -> list[dict]:
        out, more = [], True
        while more:
            r = self.http.get("/v1/changes", params={"cursor": cursor, "limit": 1000})
            self.replies.append(r.text)
            assert r.status_code == 200, r.text
            data = r.json()
            out += data["items"]
            cursor, more = data["next_cursor"], data["more"]
        return out


@pytest.fixture
def apis(province):
    replies: list[str] = []
    made = {
        "A01": Api(province.url, province.token("01", agency=A), replies),
        "A02": Api(province.url, province.token("02", agency=A), replies),
        "B01": Api(province.url, province.token("01", agency=B)),
        "admin": Api(province.url, province.store.issue_token(role="admin")),
    }
    made["replies"] = replies  # type: ignore[assignment]
    yield made
    for k, v in made.items():
        if k != "replies":
            v.http.close()


def stored(province, uuid: str) -> dict:
    return next(d for d in province.store.dump(with_payload=True)["dossiers"] if d["uuid"] == uuid)


def test_isolation_table(apis, province):
    """Every row of the table in docs/sync-protocol.md; on failure, all wrong rows are listed."""
    a01, a02, b01 = apis["A01"], apis["A02"], apis["B01"]
    mine = upsert(A, "01")
    assert a01.one(mine)["status"] == "applied"
    m_uuid, m_code = mine["payload"]["Uuid"], mine["payload"]["MaHoSo"]
    theirs = upsert(B, "01", ChuHoSo=SECRET["name"])
    assert b01.one(theirs)["status"] == "applied"
    t_uuid, t_code = theirs["payload"]["Uuid"], theirs["payload"]["MaHoSo"]

    rows: list[tuple[str, str, dict | None, bool, str]] = []  # (row, got status, reply, force, expected)

    def row(name: str, api: Api, item: dict, expected: str, *, force: bool = False, upstream: bool | None = None):
        got = api.one(item, force=force)
        ok = got["status"] == expected and (upstream is None or ("upstream" in got) == upstream)
        rows.append((name, got["status"], got, force, expected if ok else f"WRONG, wanted {expected}"))

    # --- dossier.upsert
    row("A01 upsert new, own agency+counter code", a01, upsert(A, "01"), "applied")
    row("A01 upsert new, code of counter 02", a01, upsert(A, "01", code=f"{A}-261129-029999"), "rejected")
    row("A01 upsert new, code of agency B", a01, upsert(A, "01", code=f"{B}-261129-019998"), "rejected")
    row("A01 upsert, MaDinhDanhDonVi = B", a01, upsert(B, "01", code=f"{A}-261129-019997"), "rejected")
    row("A01 upsert own dossier, same counter", a01, upsert(A, "01", uuid=m_uuid, code=m_code, version=2), "applied")
    row(
        "A02 upsert A01's dossier, no force",
        a02,
        upsert(A, "02", uuid=m_uuid, code=m_code, version=3),
        "rejected",
    )
    row(
        "A02 upsert A01's dossier, force",
        a02,
        upsert(A, "02", uuid=m_uuid, code=m_code, version=3),
        "applied",
        force=True,
    )
    for force in (False, True):
        row(
            f"A01 upsert B's dossier (B's uuid+code), force={force}",
            a01,
            upsert(A, "01", uuid=t_uuid, code=t_code),
            "rejected",
            force=force,
            upstream=False,
        )
        row(
            f"A01 upsert B's uuid with an A code, force={force}",
            a01,
            upsert(A, "01", uuid=t_uuid),
            "rejected",
            force=force,
            upstream=False,
        )
    row("A01 upsert new uuid, code of A01's dossier", a01, upsert(A, "01", code=m_code), "conflict", upstream=True)
    # --- dossier.event
    row("A01 step on own dossier, TrangThaiTruoc right", a01, event(m_uuid, m_code, 4, 2), "applied")
    row("A01 step on own dossier, TrangThaiTruoc wrong", a01, event(m_uuid, m_code, 5, 2, 3), "conflict", upstream=True)
    row("A01 step, TrangThaiTruoc wrong, force", a01, event(m_uuid, m_code, 5, 2, 3), "applied", force=True)
    row("A02 step on A01's dossier (same agency)", a02, event(m_uuid, m_code, 4, 5, 4), "applied")
    row("A01 step changing status, no TrangThaiTruoc", a01, event(m_uuid, m_code, 9, None, 5), "rejected")
    row("A01 step keeping status, no TrangThaiTruoc", a01, event(m_uuid, m_code, 4, None, 5), "applied")
    for force in (False, True):
        for before in (2, 7, None):
            row(
                f"A01 step on B's dossier, TrangThaiTruoc={before}, force={force}",
                a01,
                event(t_uuid, t_code, 9, before),
                "rejected",
                force=force,
                upstream=False,
            )
    row("A01 step on an unknown dossier", a01, event(str(uuidlib.uuid4()), f"{A}-261129-010001", 4, 2), "rejected")
    # --- idempotency keys
    reused = upsert(A, "01")
    a01.one(reused)
    row("A01 same key, same payload", a01, reused, "duplicate")
    changed = dict(reused, payload=dict(reused["payload"], ChuHoSo="Khác"))
    row("A01 same key, other payload", a01, changed, "conflict", upstream=True)
    row(
        "A01 reuses B's key with B's payload",
        a01,
        theirs,
        "rejected",
        upstream=False,
    )
    row(
        "A01 reuses B's key for its own dossier",
        a01,
        dict(upsert(A, "01"), key=theirs["key"]),
        "applied",
        upstream=False,
    )

    wrong = [r for r in rows if r[4].startswith("WRONG")]
    assert not wrong, "\n".join(
        f"{r[0]}: got {r[1]} {json.dumps(r[2], ensure_ascii=False)[:300]} — {r[4]}" for r in wrong
    )

    # the forced upsert changed intake data only: ownership stays with counter 01, the status moved only by steps
    m = stored(province, m_uuid)
    assert m["counter"] == "01" and m["agency_code"] == A and m["status"] == 4
    # B's dossier is untouched by everything A sent
    t = stored(province, t_uuid)
    assert t["agency_code"] == B and t["status"] == 2 and t["version"] == 1 and t["events"] == 0
    assert t["payload"]["ChuHoSo"] == SECRET["name"]

    # --- the change feed: each agency only its own (plus province-wide publications)
    province.store.publish("calendar", {"days": []})
    feed_a = apis["A02"].feed()
    assert {c["dossier_uuid"] for c in feed_a if c["kind"] == "dossier"} >= {m_uuid}
    assert all(c["data"].get("MaDinhDanhDonVi", A) == A for c in feed_a if c["kind"] == "dossier")
    assert t_uuid not in {c["dossier_uuid"] for c in feed_a}
    assert [c["kind"] for c in feed_a].count("calendar") == 1
    feed_b = Api(province.url, province.token("02", agency=B)).feed()
    assert {c["dossier_uuid"] for c in feed_b if c["kind"] == "dossier"} == {t_uuid}

    # --- roles
    admin = apis["admin"]
    assert admin.http.post("/v1/push", json={"items": []}).status_code == 403
    assert a01.http.post("/v1/admin/status", json={"ref": t_uuid, "status": 9}).status_code == 403
    assert a01.http.get("/v1/admin/dump").status_code == 403


def test_agency_b_citizen_never_reaches_agency_a(apis, province):
    """Whatever A sends (B's uuid, B's code, B's keys, wrong statuses, force, files, cursors), no reply to A carries
    any of B's citizen's data."""
    a01, b01 = apis["A01"], apis["B01"]
    scan = "Giấy tờ của Hoàng Thị Bí Mật".encode()
    digest = hashlib.sha256(scan).hexdigest()
    assert b01.http.put(f"/v1/files/{digest}", content=scan).status_code == 201
    theirs = upsert(
        B,
        "01",
        ChuHoSo=SECRET["name"],
        ChuHoSoChiTiet={"HoTen": SECRET["name"], "SoDinhDanh": SECRET["id"], "DiaChi": SECRET["addr"]},
        SoDienThoai=SECRET["phone"],
        TaiLieuNop=[{"TenTaiLieu": "Tờ khai", "TepDinhKem": [{"Sha256": digest, "TenTep": "bi-mat.pdf"}]}],
    )
    step = event(theirs["payload"]["Uuid"], theirs["payload"]["MaHoSo"], 4, 2)
    assert [r["status"] for r in b01.push(theirs, step)] == ["applied", "applied"]
    t_uuid, t_code = theirs["payload"]["Uuid"], theirs["payload"]["MaHoSo"]
    online = province.store.submit_online(B, {"MaTTHC": "2.001035", "ChuHoSo": SECRET["name"]})

    attempts = [
        theirs,  # B's key, B's payload
        dict(theirs, key="fresh-key"),
        step,
        dict(step, key="fresh-step"),
        upsert(A, "01", uuid=t_uuid, code=t_code),
        upsert(A, "01", uuid=t_uuid),
        upsert(A, "01", code=t_code),
        upsert(A, "01", uuid=online["Uuid"], code=online["MaHoSo"]),
        upsert(A, "01", code=online["MaHoSo"]),
        event(t_uuid, t_code, 9, 7),
        event(t_uuid, t_code, 9, None),
        event(t_uuid, t_code, 4, 4),
        event(online["Uuid"], online["MaHoSo"], 2, 3),
        upsert(B, "01", uuid=t_uuid, code=t_code),
        upsert(A, "01", TaiLieuNop=[{"TenTaiLieu": "x", "TepDinhKem": [{"Sha256": digest, "TenTep": "y.pdf"}]}]),
    ]
    for item in attempts:
        for force in (False, True):
            a01.push(item, force=force)
    a01.push(*attempts)  # and all in one batch
    a01.replies.append(a01.http.head(f"/v1/files/{digest}").headers.get("x-file-size", ""))
    a01.replies.append(a01.http.get(f"/v1/files/{digest}").text)
    for cursor in ("", "0", "1", "v2.0.0", "v2.0.999999", "999999"):
        a01.feed(cursor)
    a01.replies.append(apis["A02"].http.get("/v1/changes", params={"cursor": ""}).text)

    seen = "\n".join(apis["replies"])
    for value in (*SECRET.values(), "bi-mat.pdf", scan.decode(), digest[:16] + "x"):
        assert value not in seen, value
    assert t_uuid not in "".join(c for c in seen.split('"dossier_uuid"')[1:])  # no feed item about B's dossier
    t = stored(province, t_uuid)
    assert t["status"] == 4 and t["version"] == 1 and t["agency_code"] == B and t["counter"] == "01"


def test_file_reupload_is_no_oracle_across_agencies(apis):
    """Bytes another agency holds: the answer to A is the same as for bytes nobody holds (201, created)."""
    a01, b01 = apis["A01"], apis["B01"]
    held_by_b, fresh = b"held by B only", b"held by nobody"
    assert b01.http.put(f"/v1/files/{hashlib.sha256(held_by_b).hexdigest()}", content=held_by_b).status_code == 201
    one = a01.http.put(f"/v1/files/{hashlib.sha256(held_by_b).hexdigest()}", content=held_by_b)
    two = a01.http.put(f"/v1/files/{hashlib.sha256(fresh).hexdigest()}", content=fresh)
    assert one.status_code == two.status_code == 201
    assert one.json()["created"] is two.json()["created"] is True
    again = a01.http.put(f"/v1/files/{hashlib.sha256(fresh).hexdigest()}", content=fresh)
    assert again.status_code == 200 and again.json()["created"] is False
