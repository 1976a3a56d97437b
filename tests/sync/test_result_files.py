"""Digitised results (số hóa kết quả) travel upstream: the bytes go up before the dossier that lists them
(content-addressed, idempotent on retry), the reference server keeps them per commune and shows them, another commune
can never read them, and other counters of the commune get them; against the real reference server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import timedelta

import httpx
import pytest

from onestop.domain import Status, now_vn
from tests.sync.conftest import AGENCY, assert_mirrored, make_counter, outbox_states

RESULT = b"%PDF-1.4\n" + bytes(range(256)) * 800 + "Giấy khai sinh (bản chính)".encode()
OTHER_AGENCY = "H99.01"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def counters(tmp_path, province):
    made = []

    def _make(counter: str, agency: str = AGENCY):
        svc = make_counter(
            tmp_path, counter, province.url, province.token(counter, agency=agency), name=agency + counter
        )
        if agency != AGENCY:
            from dataclasses import replace

            svc.settings = replace(svc.settings, office=replace(svc.settings.office, agency_code=agency))
        made.append(svc)
        return svc

    yield _make
    for svc in made:
        svc.sync.close()
        svc.close()


@pytest.fixture
def result_scan(tmp_path):
    path = tmp_path / "scans" / "ket-qua-khai-sinh.pdf"
    path.parent.mkdir()
    path.write_bytes(RESULT)
    return path


def ready_with_result(svc, receive, path):
    d = receive(svc)
    svc.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo")
    svc.dossiers.result_ready(d.code, "canbo")
    return svc.digitisation.attach_result(d.code, path, actor="canbo")


def later(hours: float = 2):
    return now_vn() + timedelta(hours=hours)


def test_result_file_goes_up_first_and_down_to_another_counter(counters, province, receive, result_scan):
    c1, c2 = counters("01"), counters("02")
    d = ready_with_result(c1, receive, result_scan)
    digest = sha(RESULT)
    assert [(a.sha256, a.size) for a in d.result_files] == [(digest, len(RESULT))]

    report = c1.sync.run_once()
    assert report.complete, report
    assert report.files_uploaded == 1
    assert province.store.get_file(AGENCY, digest) == RESULT
    upstream = next(x for x in province.store.dump(with_payload=True)["dossiers"] if x["code"] == d.code)
    assert upstream["payload"]["KetQuaSoHoa"] == [
        {"Sha256": digest, "TenTep": "ket-qua-khai-sinh.pdf", "KieuTep": "application/pdf", "KichThuoc": len(RESULT)}
    ]
    assert_mirrored(c1, province.store)

    # the server shows it, for this commune
    shown = province.store.files(AGENCY)
    assert [(f["dossier_code"], f["kind"], f["name"], f["size"], f["held"]) for f in shown] == [
        (d.code, "result", "ket-qua-khai-sinh.pdf", len(RESULT), True)
    ]

    report = c2.sync.run_once()
    assert report.complete, report
    assert report.files_downloaded == 1
    pulled = c2.dossiers.peek(d.code)
    assert [(a.sha256, a.file_name, a.size) for a in pulled.result_files] == [
        (digest, "ket-qua-khai-sinh.pdf", len(RESULT))
    ]
    assert (c2.files_dir / digest[:2] / digest).read_bytes() == RESULT
    assert c2.sync.run_once().files_downloaded == 0  # nothing more to fetch


def test_upload_failure_then_lost_reply_nothing_lost_or_duplicated(counters, province, receive, result_scan):
    c1 = counters("01")
    d = ready_with_result(c1, receive, result_scan)
    province.faults.fail_uploads = 1
    report = c1.sync.run_once()
    assert not report.online and report.applied == 0
    dump = province.store.dump()
    assert dump["totals"]["dossiers"] == 0 and dump["totals"]["files"] == 0  # the dossier never goes up first
    assert set(outbox_states(c1)) == {"retry_wait"}

    # the file is stored upstream but its reply is lost (the HEAD before it is dropped too): the dossier waits
    province.faults.drop_next = 2
    report = c1.sync.run_once(now=later(2))
    assert not report.online and report.applied == 0
    dump = province.store.dump()
    assert dump["totals"]["files"] == 1 and dump["totals"]["dossiers"] == 0

    # the push is applied upstream and its reply lost: the retry is a duplicate, never a second copy
    province.faults.drop_next = 2
    report = c1.sync.run_once(now=later(4))
    assert not report.online
    assert province.store.dump()["totals"]["dossiers"] == 1
    report = c1.sync.run_once(now=later(8))
    assert report.complete, report
    assert report.duplicates >= 1 and report.files_uploaded == 0  # the bytes were already there
    dump = province.store.dump()
    assert dump["totals"]["files"] == 1 and dump["totals"]["dossiers"] == 1
    assert [f["sha256"] for f in province.store.files(AGENCY)] == [sha(RESULT)]
    assert province.store.get_file(AGENCY, sha(RESULT)) == RESULT
    assert outbox_states(c1) == {"synced": len(c1.sync.items())}
    assert_mirrored(c1, province.store)
    upstream = next(x for x in province.store.dump(with_payload=True)["dossiers"] if x["code"] == d.code)
    assert len(upstream["payload"]["KetQuaSoHoa"]) == 1


def test_another_commune_can_never_read_the_result(counters, province, receive, result_scan):
    c1 = counters("01")
    d = ready_with_result(c1, receive, result_scan)
    assert c1.sync.run_once().complete
    digest = sha(RESULT)
    theirs = {"Authorization": f"Bearer {province.token('01', agency=OTHER_AGENCY)}"}
    ours = {"Authorization": f"Bearer {province.token('03')}"}
    with httpx.Client(base_url=province.url, timeout=10) as http:
        assert http.head(f"/v1/files/{digest}", headers=theirs).status_code == 404
        assert http.get(f"/v1/files/{digest}", headers=theirs).status_code == 404
        assert http.get(f"/v1/files/{digest}", headers=ours).content == RESULT  # a counter of the same commune
        # naming the file in its own dossier does not give the other commune the bytes either
        upsert = json.loads(
            c1.engine.connect()
            .exec_driver_sql(
                "SELECT payload FROM outbox_item WHERE kind='dossier.upsert' AND dossier_code=? ORDER BY id DESC",
                (d.code,),
            )
            .scalar()
        )
        stolen = dict(upsert, Uuid="0b5e9c1e-7d7b-4a4e-9a51-3f1c2d4e5f60", MaHoSo=f"{OTHER_AGENCY}-261123-010001")
        stolen["MaDinhDanhDonVi"] = OTHER_AGENCY
        reply = http.post(
            "/v1/push",
            headers=theirs,
            json={"items": [{"key": "steal", "kind": "dossier.upsert", "payload": stolen}]},
        ).json()["results"][0]
        assert reply["status"] == "rejected" and "chưa có tệp số hóa" in reply["message"]
        assert http.get(f"/v1/files/{digest}", headers=theirs).status_code == 404
    assert province.store.files(OTHER_AGENCY) == []
    assert province.store.get_file(OTHER_AGENCY, digest) is None


def test_province_files_command_shows_them(counters, province, receive, result_scan, tmp_path):
    c1 = counters("01")
    d = ready_with_result(c1, receive, result_scan)
    assert c1.sync.run_once().complete
    province.stop()  # the command opens the server's storage itself
    done = subprocess.run(
        [sys.executable, "-m", "onestop", "province", "files", "--db", province.db_url, "--agency-code", AGENCY],
        capture_output=True,
        text=True,
        check=False,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert d.code in done.stdout and "Kết quả" in done.stdout and "ket-qua-khai-sinh.pdf" in done.stdout
    assert "đã lưu" in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "onestop", "province", "files", "--db", province.db_url, "--agency-code", OTHER_AGENCY],
        capture_output=True,
        text=True,
        check=False,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0 and "Chưa có tệp số hóa" in done.stdout + done.stderr


def test_attach_result_refuses_bad_files_and_writes_nothing(counters, receive, tmp_path, result_scan):
    from onestop.errors import BadInput, Conflict

    c1 = counters("01")
    fresh = receive(c1)
    with pytest.raises(Conflict, match="chưa có kết quả"):
        c1.digitisation.attach_result(fresh.code, result_scan, actor="canbo")
    d = ready_with_result(c1, receive, result_scan)
    empty = tmp_path / "rong.pdf"
    empty.write_bytes(b"")
    with pytest.raises(BadInput, match="rỗng"):
        c1.digitisation.attach_result(d.code, empty, actor="canbo")
    with pytest.raises(BadInput, match="Không tìm thấy"):
        c1.digitisation.attach_result(d.code, tmp_path / "khong-co.pdf", actor="canbo")
    with pytest.raises(Conflict, match="đã được gắn"):
        c1.digitisation.attach_result(d.code, result_scan, actor="canbo")
    assert len(c1.dossiers.peek(d.code).result_files) == 1
    assert c1.dossiers.peek(fresh.code).result_files == ()
