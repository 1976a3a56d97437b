"""Push and pull against the real reference server: happy path, two counters, online submissions, ownership."""

from __future__ import annotations

from onestop.domain import Status
from tests.sync.conftest import AGENCY, assert_mirrored, local_dossiers, make_counter, outbox_states


def test_happy_path_push_then_pull(counter01, province, receive):
    d1 = receive(counter01)
    d2 = receive(counter01)
    counter01.dossiers.transition(d1.code, Status.IN_PROGRESS, actor="canbo")
    report = counter01.sync.run_once()
    assert report.online and report.complete, report
    assert report.applied == 5 and report.rejected == 0 and report.conflicts == 0
    assert_mirrored(counter01, province.store)
    assert counter01.dossiers.peek(d2.code).sync_state == "synced"
    assert len(province.store.events(d1.code)) == 2
    # a second run is a no-op
    again = counter01.sync.run_once()
    assert again.pushed == 0 and again.complete
    # the audit log went up too, without personal data
    assert province.store.dump()["totals"]["audit_entries"] > 0


def test_upstream_status_and_official_code_come_back(counter01, province, receive):
    d = receive(counter01)
    counter01.sync.run_once()
    province.store.set_official_code(d.uuid, "H56.14-260115-000777")
    province.store.set_status(d.uuid, Status.IN_PROGRESS.national_code, note="Chuyển phòng chuyên môn")
    report = counter01.sync.run_once()
    assert report.pulled == 2 and report.complete
    local = counter01.dossiers.peek(d.code)
    assert local.official_code == "H56.14-260115-000777"
    assert local.status is Status.IN_PROGRESS
    assert [e.to_status for e in local.events][-1] is Status.IN_PROGRESS
    # searchable by the official code
    found = counter01.dossiers.peek("H56.14-260115-000777")
    assert found.uuid == d.uuid


def test_two_counters_exchange_dossiers(tmp_path, province, receive):
    c1 = make_counter(tmp_path, "01", province.url, province.token("01"))
    c2 = make_counter(tmp_path, "02", province.url, province.token("02"))
    try:
        a = receive(c1)
        b = receive(c2)
        assert c1.sync.run_once().complete
        assert c2.sync.run_once().complete
        assert c1.sync.run_once().complete
        # each sees the other's dossier, with documents, searchable, as an upstream copy
        b_at_1 = c1.dossiers.peek(b.code)
        a_at_2 = c2.dossiers.peek(a.code)
        assert b_at_1.uuid == b.uuid and a_at_2.uuid == a.uuid
        assert len(a_at_2.documents) == 2 and a_at_2.applicant.full_name == a.applicant.full_name
        assert local_dossiers(c2)[a.uuid]["origin"] == "upstream"
        # counter 02 moves counter 01's dossier on; counter 01 learns it
        c2.dossiers.transition(a.code, Status.IN_PROGRESS, actor="canbo")
        assert c2.sync.run_once().complete
        assert c1.sync.run_once().complete
        assert c1.dossiers.peek(a.code).status is Status.IN_PROGRESS
        assert_mirrored(c1, province.store)
        assert_mirrored(c2, province.store)
        assert province.store.dump()["totals"]["dossiers"] == 2
    finally:
        for c in (c1, c2):
            c.sync.close()
            c.close()


def test_online_submission_lands_in_queue_and_is_accepted(counter01, province):
    snap = province.store.submit_online(
        AGENCY,
        {
            "MaTTHC": "2.001035",
            "TenTTHC": "Chứng thực",
            "ChuHoSo": "Lê Văn Bình",
            "ChuHoSoChiTiet": {
                "HoTen": "Lê Văn Bình",
                "SoDinhDanh": "038088001234",
                "NgaySinh": "02031988",
                "GioiTinh": "Nam",
                "DiaChi": "Thôn Yên Bình",
                "SoDienThoai": "0987654321",
            },
            "TaiLieuNop": [{"TenTaiLieu": "Tờ khai", "LoaiBan": "original", "SoLuong": 1}],
        },
    )
    report = counter01.sync.run_once()
    assert report.pulled_inserted == 1
    local = counter01.dossiers.peek(snap["MaHoSo"])
    assert local.status is Status.SUBMITTED and local.applicant.id_number == "038088001234"
    counter01.dossiers.transition(local.code, Status.RECEIVED, actor="canbo")
    assert counter01.sync.run_once().complete
    assert province.store.dump()["dossiers"][0]["status"] == 2


def test_rejection_is_visible_and_not_retried(counter01, province, receive):
    d = receive(counter01)
    # a frozen payload the server cannot accept (agency of another commune)
    with counter01.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE outbox_item SET payload = replace(payload, '\"H56.14\"', '\"H99.01\"') "
            "WHERE kind = 'dossier.upsert'"
        )
    report = counter01.sync.run_once()
    assert report.rejected == 1 and not report.complete
    items = counter01.sync.items(state="rejected")
    assert len(items) == 1 and "H99.01" in items[0].last_error
    # the event behind it is held back (ordered per dossier), not sent
    assert outbox_states(counter01) == {"rejected": 1, "queued": 1}
    dossier = counter01.dossiers.peek(d.code)
    assert dossier.sync_state == "rejected" and "H99.01" in dossier.sync_message
    # never retried silently
    again = counter01.sync.run_once(force=True)
    assert again.pushed == 0 and counter01.sync.items(state="rejected")[0].attempts == 1
    # the officer fixes it and re-queues
    with counter01.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE outbox_item SET payload = replace(payload, '\"H99.01\"', '\"H56.14\"') "
            "WHERE kind = 'dossier.upsert'"
        )
    counter01.sync.retry(items[0].id, "canbo")
    assert counter01.sync.run_once().complete
    assert_mirrored(counter01, province.store)


def test_conflict_keep_local_and_keep_upstream(counter01, province, receive):
    a = receive(counter01)
    b = receive(counter01)
    counter01.sync.run_once()
    # upstream moves both on while the counter, offline, moves them too
    province.store.set_status(a.uuid, Status.STOPPED.national_code, note="Dừng")
    province.store.set_status(b.uuid, Status.STOPPED.national_code, note="Dừng")
    counter01.dossiers.transition(a.code, Status.IN_PROGRESS, actor="canbo")
    counter01.dossiers.transition(b.code, Status.IN_PROGRESS, actor="canbo")
    report = counter01.sync.run_once()
    assert report.conflicts == 2 and not report.complete
    conflicts = {i.dossier_code: i for i in counter01.sync.items(state="conflict")}
    assert conflicts[a.code].upstream_status == Status.STOPPED.label
    assert counter01.dossiers.peek(a.code).sync_state == "conflict"
    # never overwritten silently
    assert counter01.dossiers.peek(a.code).status is Status.IN_PROGRESS
    counter01.sync.resolve_conflict(conflicts[a.code].id, "local", "canbo")
    counter01.sync.resolve_conflict(conflicts[b.code].id, "upstream", "canbo")
    assert counter01.dossiers.peek(b.code).status is Status.STOPPED
    report = counter01.sync.run_once()
    assert report.complete, report
    assert_mirrored(counter01, province.store)
    assert counter01.sync.status().counts.get("discarded") == 1


def test_same_key_different_payload_is_a_conflict(counter01, province, receive):
    receive(counter01)
    counter01.sync.run_once()
    with counter01.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE outbox_item SET state='queued', payload=replace(payload, 'Tờ khai', 'Tờ khai 2') "
            "WHERE kind='dossier.upsert'"
        )
    report = counter01.sync.run_once()
    assert report.conflicts == 1
    assert "nội dung khác" in counter01.sync.items(state="conflict")[0].last_error


def test_offline_status_and_unconfigured(tmp_path, receive):
    from tests.sync.conftest import free_port

    svc = make_counter(tmp_path, "01", f"http://127.0.0.1:{free_port()}", "x")
    try:
        receive(svc)
        report = svc.sync.run_once()
        assert not report.online and report.remaining == 2 and "Mất kết nối" in report.message
        st = svc.sync.status()
        assert st.online is False and st.pending == 2 and st.oldest_unsent_at is not None
        assert outbox_states(svc) == {"retry_wait": 2}
        assert svc.dossiers.peek(svc.sync.items()[0].dossier_code).sync_state == "pending"
    finally:
        svc.sync.close()
        svc.close()
