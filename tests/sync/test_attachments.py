"""Digitised files (số hóa) travel with the dossier: uploaded before it, refused when they do not match, fetched by
the other counters; against the real reference server (SQLite, and PostgreSQL when ONESTOP_TEST_PG_URL is set)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import timedelta

import httpx
import pytest

from onestop.domain import now_vn
from tests.sync.conftest import AGENCY, assert_mirrored, make_counter, outbox_states

SCAN = bytes(range(256)) * 1200 + "Tờ khai đã ký".encode()  # ~300 KB, not valid UTF-8 as a whole


def later(hours: float = 2) -> object:
    return now_vn() + timedelta(hours=hours)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def scan_file(tmp_path):
    path = tmp_path / "scans" / "to-khai-da-ky.pdf"
    path.parent.mkdir()
    path.write_bytes(SCAN)
    return path


@pytest.fixture
def counters(tmp_path, province):
    made = []

    def _make(counter: str):
        svc = make_counter(tmp_path, counter, province.url, province.token(counter))
        made.append(svc)
        return svc

    yield _make
    for svc in made:
        svc.sync.close()
        svc.close()


def local_file(svc, digest: str):
    return svc.files_dir / digest[:2] / digest


def test_attachment_goes_up_and_down_to_another_counter(counters, province, receive, scan_file):
    c1, c2 = counters("01"), counters("02")
    d = receive(c1, attachments=((0, str(scan_file)),))
    digest = d.documents[0].attachments[0].sha256
    assert digest == sha(SCAN)

    report = c1.sync.run_once()
    assert report.complete, report
    assert report.files_uploaded == 1 and report.applied == 2
    assert province.store.get_file(AGENCY, digest) == SCAN
    assert_mirrored(c1, province.store)

    report = c2.sync.run_once()
    assert report.complete, report
    assert report.pulled_inserted == 1 and report.files_downloaded == 1
    path = local_file(c2, digest)
    assert path.read_bytes() == SCAN
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [digest]  # no temp file left behind
    pulled = c2.dossiers.peek(d.code)
    att = pulled.documents[0].attachments[0]
    assert (att.sha256, att.file_name, att.size) == (digest, "to-khai-da-ky.pdf", len(SCAN))
    assert pulled.sync_message == ""
    # nothing left to fetch: the next run makes no file request
    again = c2.sync.run_once()
    assert again.complete and again.files_downloaded == 0


def test_file_endpoints_idempotent_and_checked(province, monkeypatch):
    token = province.token("01")
    other = province.token("01", agency="H99.01")
    auth = {"Authorization": f"Bearer {token}"}
    digest = sha(SCAN)
    with httpx.Client(base_url=province.url, timeout=10) as http:
        assert http.head(f"/v1/files/{digest}", headers=auth).status_code == 404
        first = http.put(f"/v1/files/{digest}", content=SCAN, headers=auth)
        assert first.status_code == 201 and first.json()["created"] is True
        again = http.put(f"/v1/files/{digest}", content=SCAN, headers=auth)
        assert again.status_code == 200 and again.json() == {"sha256": digest, "size": len(SCAN), "created": False}
        assert http.head(f"/v1/files/{digest}", headers=auth).status_code == 200
        got = http.get(f"/v1/files/{digest}", headers=auth)
        assert got.status_code == 200 and got.content == SCAN

        bad = http.put(f"/v1/files/{sha(b'other bytes')}", content=SCAN, headers=auth)
        assert bad.status_code == 400 and "không khớp mã SHA-256" in bad.json()["detail"]
        assert http.head(f"/v1/files/{sha(b'other bytes')}", headers=auth).status_code == 404
        assert http.put("/v1/files/not-a-hash", content=SCAN, headers=auth).status_code == 400
        assert http.put(f"/v1/files/{digest}", content=SCAN).status_code == 401

        # another agency can neither see nor fetch the file without uploading the bytes itself
        other_auth = {"Authorization": f"Bearer {other}"}
        assert http.head(f"/v1/files/{digest}", headers=other_auth).status_code == 404
        assert http.get(f"/v1/files/{digest}", headers=other_auth).status_code == 404

        monkeypatch.setattr("onestop.sync.protocol.MAX_FILE_BYTES", 1000)
        big = http.put(f"/v1/files/{sha(b'x' * 1001)}", content=b"x" * 1001, headers=auth)
        assert big.status_code == 413 and "quá lớn" in big.json()["detail"]
    assert province.store.dump()["totals"]["files"] == 1


def test_server_rejects_upsert_naming_a_file_it_does_not_hold(counter01, province, receive, scan_file):
    d = receive(counter01, attachments=((0, str(scan_file)),))
    with counter01.engine.connect() as conn:
        payload = json.loads(
            conn.exec_driver_sql("SELECT payload FROM outbox_item WHERE kind='dossier.upsert'").scalar()
        )
    reply = httpx.post(
        province.url + "/v1/push",
        headers={"Authorization": f"Bearer {province.token('01')}"},
        json={
            "items": [
                {
                    "key": "k1",
                    "kind": "dossier.upsert",
                    "dossier_uuid": d.uuid,
                    "dossier_code": d.code,
                    "payload": payload,
                }
            ]
        },
        timeout=10,
    ).json()
    result = reply["results"][0]
    assert result["status"] == "rejected"
    assert "chưa có tệp số hóa «to-khai-da-ky.pdf»" in result["message"]
    assert province.store.dump()["totals"]["dossiers"] == 0


def test_missing_local_file_is_a_conflict_and_nothing_goes_up(counter01, province, receive, scan_file):
    d = receive(counter01, attachments=((0, str(scan_file)),))
    plain = receive(counter01)
    local_file(counter01, sha(SCAN)).unlink()

    report = counter01.sync.run_once()
    assert not report.complete and report.conflicts == 1 and report.files_uploaded == 0
    conflict = counter01.sync.items(state="conflict")
    assert len(conflict) == 1 and conflict[0].dossier_code == d.code
    assert "«to-khai-da-ky.pdf»" in conflict[0].last_error and "không tìm thấy" in conflict[0].last_error.lower()
    assert outbox_states(counter01) == {"conflict": 1, "queued": 1, "synced": 2}  # its step waits behind it
    local = counter01.dossiers.peek(d.code)
    assert local.sync_state == "conflict" and "to-khai-da-ky.pdf" in local.sync_message
    dump = province.store.dump()
    assert [x["code"] for x in dump["dossiers"]] == [plain.code]  # the other dossier went up, this one did not
    assert dump["totals"]["files"] == 0

    # the officer restores the scan and keeps the counter's version: now it goes up, file first
    local_file(counter01, sha(SCAN)).write_bytes(SCAN)
    counter01.sync.resolve_conflict(conflict[0].id, "local", "canbo")
    report = counter01.sync.run_once()
    assert report.complete, report
    assert report.files_uploaded == 1 and report.applied == 2
    assert province.store.get_file(AGENCY, sha(SCAN)) == SCAN
    assert_mirrored(counter01, province.store)


def test_changed_local_file_is_a_conflict(counter01, province, receive, scan_file):
    d = receive(counter01, attachments=((0, str(scan_file)),))
    local_file(counter01, sha(SCAN)).write_bytes(SCAN[:-1] + b"!")
    report = counter01.sync.run_once()
    assert report.conflicts == 1 and not report.complete
    item = counter01.sync.items(state="conflict")[0]
    assert item.dossier_code == d.code and "không khớp mã kiểm tra SHA-256" in item.last_error
    assert province.store.dump()["totals"]["dossiers"] == 0


def test_server_500_during_upload_is_retried_and_pushed_once(counter01, province, receive, scan_file):
    d = receive(counter01, attachments=((0, str(scan_file)),))
    province.faults.fail_uploads = 1
    report = counter01.sync.run_once()
    assert not report.online and report.retry == 2 and report.applied == 0
    assert outbox_states(counter01) == {"retry_wait": 2}
    assert "mã 500" in counter01.sync.items(state="retry_wait")[0].last_error
    assert counter01.dossiers.peek(d.code).sync_state == "pending"
    dump = province.store.dump()
    assert dump["totals"]["dossiers"] == 0 and dump["totals"]["files"] == 0

    province.faults.fail_next = 1  # the server still failing (an answering server resets the backoff)
    assert counter01.sync.run_once().pushed == 0  # backoff: not due yet
    report = counter01.sync.run_once(now=later())
    assert report.complete, report
    assert report.files_uploaded == 1 and report.applied == 2 and report.duplicates == 0
    dump = province.store.dump()
    assert dump["totals"]["dossiers"] == 1 and dump["totals"]["events"] == 1 and dump["totals"]["files"] == 1
    assert province.store.get_file(AGENCY, sha(SCAN)) == SCAN
    assert_mirrored(counter01, province.store)


def test_online_submission_files_reach_the_counter_and_failed_downloads_retry(counter01, province):
    digest = sha(SCAN)
    assert province.store.put_file(AGENCY, digest, SCAN) is True
    snap = province.store.submit_online(
        AGENCY,
        {
            "MaTTHC": "2.001035",
            "TenTTHC": "Chứng thực",
            "ChuHoSo": "Lê Văn Bình",
            "ChuHoSoChiTiet": {"HoTen": "Lê Văn Bình", "SoDinhDanh": "038088001234", "NgaySinh": "02031988"},
            "TaiLieuNop": [
                {
                    "TenTaiLieu": "Tờ khai",
                    "LoaiBan": "original",
                    "SoLuong": 1,
                    "TepDinhKem": [
                        {
                            "Sha256": digest,
                            "TenTep": "to-khai-truc-tuyen.pdf",
                            "KieuTep": "application/pdf",
                            "KichThuoc": len(SCAN),
                        }
                    ],
                }
            ],
        },
    )
    # the blob disappears upstream (say, restored from an older backup): the dossier still arrives
    from onestop.province.store import file_blob_t

    with province.store.engine.begin() as conn:
        conn.execute(file_blob_t.delete())
    report = counter01.sync.run_once()
    assert report.pulled_inserted == 1 and report.files_missing == 1 and not report.complete
    assert "tệp số hóa" in report.message
    pulled = counter01.dossiers.peek(snap["MaHoSo"])
    assert pulled.documents[0].attachments[0].file_name == "to-khai-truc-tuyen.pdf"
    assert "Chưa tải được tệp số hóa «to-khai-truc-tuyen.pdf»" in pulled.sync_message
    assert not local_file(counter01, digest).exists()

    province.store.put_file(AGENCY, digest, SCAN)
    report = counter01.sync.run_once()
    assert report.complete and report.files_downloaded == 1, report
    assert local_file(counter01, digest).read_bytes() == SCAN
    assert counter01.dossiers.peek(snap["MaHoSo"]).sync_message == ""
    assert not [p for p in local_file(counter01, digest).parent.iterdir() if p.name.endswith(".part")]


def test_online_submission_naming_an_unknown_file_is_refused(province):
    from onestop.province.store import StoreError

    with pytest.raises(StoreError) as err:
        province.store.submit_online(
            AGENCY,
            {
                "MaTTHC": "2.001035",
                "ChuHoSo": "Lê Văn Bình",
                "TaiLieuNop": [{"TenTaiLieu": "Tờ khai", "TepDinhKem": [{"Sha256": sha(b"nope"), "TenTep": "a.pdf"}]}],
            },
        )
    assert err.value.status == 400 and "chưa có tệp số hóa" in err.value.message


def test_file_write_is_private_and_verified(tmp_path):
    from onestop.sync.files import read_verified, write_atomic

    digest = sha(SCAN)
    assert write_atomic(tmp_path, digest, SCAN[:-1]) is False
    assert not (tmp_path / digest[:2] / digest).exists()
    assert write_atomic(tmp_path, digest, SCAN) is True
    assert read_verified(tmp_path, digest) == ("ok", SCAN)
    assert stat.S_IMODE(os.stat(tmp_path / digest[:2] / digest).st_mode) == 0o600
    assert read_verified(tmp_path, sha(b"x"))[0] == "missing"
