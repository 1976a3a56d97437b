"""The dossier lifecycle: every legal and illegal transition, reasons, clock rules, apology, return, roles."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta

import pytest

from onestop.config import RuleSettings
from onestop.domain import DocKind, DocumentLine, IntakeDraft, Person, Role, Status, now_vn
from onestop.errors import BadInput, Conflict, NotFound, PermissionDenied
from onestop.services.lifecycle import (
    APOLOGY_FROM,
    REASON_REQUIRED,
    TRANSITIONS,
    action_allowed,
    allowed_actions,
)

PERSON = Person(
    full_name="Đặng Thị Ánh",
    id_number="038190012345",
    birth_date=date(1990, 5, 17),
    gender="Nữ",
    address="Thôn Đông Hải",
    phone="0912345678",
)


@pytest.fixture(scope="module")
def svc(tmp_path_factory):
    """One database for the module (the transition table has 100 cases); each case makes its own dossier."""
    from onestop.config import parse_settings
    from onestop.services import open_services

    settings = parse_settings(
        {"commune": {"name": "Xã Quảng Phú", "agency_code": "H56.14", "province": "Thanh Hóa", "counter": "01"}}
    )
    services = open_services(tmp_path_factory.mktemp("lc") / "t.db", settings)
    services.officers.add("canbo", "Nguyễn Thị Lan", Role.OFFICER, "matkhau-canbo")
    services.officers.add("lanhdao", "Trần Văn Hùng", Role.LEADER, "matkhau-lanhdao")
    yield services
    services.close()


def new_dossier(services, procedure: str = "2.001035"):
    draft = IntakeDraft(
        procedure_code=procedure, applicant=PERSON, documents=(DocumentLine("Tờ khai (theo mẫu)", DocKind.ORIGINAL, 1),)
    )
    return services.intake.save(draft, "canbo")


def force_status(services, code: str, status: Status) -> None:
    with services.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE dossier SET status = ? WHERE code = ?", (status.value, code))


def counts(services, code: str) -> tuple[int, int, int, int]:
    with services.engine.connect() as conn:
        q = conn.exec_driver_sql
        events = q(
            "SELECT count(*) FROM status_event e JOIN dossier d ON d.id = e.dossier_id WHERE d.code = ?", (code,)
        ).scalar_one()
        audit = q(
            "SELECT count(*) FROM audit_entry WHERE dossier_code = ? AND action != 'dossier.view'", (code,)
        ).scalar_one()
        outbox = q("SELECT count(*) FROM outbox_item WHERE dossier_code = ?", (code,)).scalar_one()
        version = q("SELECT row_version FROM dossier WHERE code = ?", (code,)).scalar_one()
    return events, audit, outbox, version


def kwargs_for(target: Status) -> dict:
    kw: dict = {"actor": "canbo"}
    if target in REASON_REQUIRED:
        kw["reason"] = "Lý do ghi rõ"
    if target is Status.RETURNED:
        kw["collected_by"] = "Đặng Thị Ánh"
        kw["collected_id"] = "038190012345"
    return kw


PAIRS = list(itertools.product(list(Status), list(Status)))


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_transition_table(svc, current: Status, target: Status):
    d = new_dossier(svc)
    force_status(svc, d.code, current)
    before = counts(svc, d.code)
    if target in TRANSITIONS[current]:
        out = svc.dossiers.transition(d.code, target, **kwargs_for(target))
        assert out.status is target
        ev = out.events[-1]
        assert (ev.seq, ev.from_status, ev.to_status, ev.officer) == (before[0] + 1, current, target, "canbo")
        after = counts(svc, d.code)
        assert after == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1)
        with svc.engine.connect() as conn:
            key = conn.exec_driver_sql(
                "SELECT key FROM outbox_item WHERE dossier_code = ? ORDER BY id DESC LIMIT 1", (d.code,)
            ).scalar_one()
        assert key == f"event:{d.uuid}:{ev.seq}"
    else:
        with pytest.raises(Conflict) as err:
            svc.dossiers.transition(d.code, target, **kwargs_for(target))
        assert err.value.message == f"Không thể chuyển hồ sơ từ «{current.label}» sang «{target.label}»."
        assert err.value.exit_code == 4
        assert counts(svc, d.code) == before
        assert svc.dossiers.peek(d.code).status is current


def test_closed_statuses_lead_nowhere():
    for s in Status:
        assert (not TRANSITIONS[s]) == s.is_closed


def test_refusal_message_exact(svc):
    d = new_dossier(svc)
    force_status(svc, d.code, Status.RETURNED)
    with pytest.raises(Conflict, match="Không thể chuyển hồ sơ từ «Đã trả kết quả» sang «Đang xử lý»."):
        svc.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo")


@pytest.mark.parametrize("target", sorted(REASON_REQUIRED, key=lambda s: s.value))
def test_missing_reason_changes_nothing(svc, target):
    d = new_dossier(svc)
    before = counts(svc, d.code)
    with pytest.raises(BadInput) as err:
        svc.dossiers.transition(d.code, target, actor="canbo", reason="   ")
    assert err.value.field == "reason"
    assert counts(svc, d.code) == before


def test_convenience_actions_need_reason(svc):
    d = new_dossier(svc)
    for call in (
        lambda: svc.dossiers.reject(d.code, "", "canbo"),
        lambda: svc.dossiers.withdraw(d.code, "", "canbo"),
        lambda: svc.dossiers.stop(d.code, "", "canbo"),
        lambda: svc.dossiers.request_supplement(d.code, ["Giấy chứng sinh"], "", "canbo"),
        lambda: svc.dossiers.apologise(d.code, now_vn() + timedelta(days=9), "", "canbo"),
    ):
        with pytest.raises(BadInput):
            call()
    assert svc.dossiers.peek(d.code).status is Status.RECEIVED


def test_unknown_code_and_unknown_officer(svc):
    with pytest.raises(NotFound):
        svc.dossiers.transition("H56.14-000000-000000", Status.IN_PROGRESS, actor="canbo")
    with pytest.raises(NotFound):
        svc.dossiers.get("khong-co", actor="canbo")
    d = new_dossier(svc)
    with pytest.raises(NotFound):
        svc.dossiers.transition(d.code, Status.IN_PROGRESS, actor="ai-do")
    with pytest.raises(BadInput):
        svc.dossiers.transition(d.code, "khong-phai-trang-thai", actor="canbo")


def test_get_is_audited(svc):
    d = new_dossier(svc)
    got = svc.dossiers.get(d.code, actor="canbo")
    assert got.code == d.code and got.applicant.full_name == "Đặng Thị Ánh"
    assert any(e.action == "dossier.view" for e in svc.audit.entries(dossier_code=d.code))


def test_supplement_pauses_and_restart_recomputes(svc):
    svc.settings = replace(svc.settings, rules=RuleSettings(supplement_clock="restart"))
    d = new_dossier(svc)
    out = svc.dossiers.request_supplement(d.code, ["Giấy chứng sinh bản chính", ""], "Thiếu giấy chứng sinh", "canbo")
    assert out.status is Status.SUPPLEMENT
    assert "Giấy chứng sinh bản chính" in out.events[-1].note
    assert not out.is_overdue(now_vn() + timedelta(days=365))  # the clock is paused
    with svc.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT clock_paused_at FROM dossier WHERE code = ?", (d.code,)).scalar_one()
    before = svc.calendar.due(d.procedure, now_vn()).due_at
    back = svc.dossiers.receive_supplement(d.code, "canbo")
    after = svc.calendar.due(d.procedure, now_vn()).due_at
    assert back.status is Status.IN_PROGRESS
    assert back.due_at in (before, after)
    assert "restart" in back.events[-1].note
    with svc.engine.connect() as conn:
        assert (
            conn.exec_driver_sql("SELECT clock_paused_at FROM dossier WHERE code = ?", (d.code,)).scalar_one() is None
        )


def test_supplement_shift_adds_paused_time(svc):
    svc.settings = replace(svc.settings, rules=RuleSettings(supplement_clock="shift"))
    try:
        d = new_dossier(svc)
        svc.dossiers.request_supplement(d.code, ["Bản sao sổ hộ khẩu"], "Thiếu giấy", "canbo")
        paused = now_vn() - timedelta(days=2, hours=3)
        with svc.engine.begin() as conn:
            conn.exec_driver_sql(
                "UPDATE dossier SET clock_paused_at = ? WHERE code = ?", (paused.isoformat(timespec="seconds"), d.code)
            )
        back = svc.dossiers.receive_supplement(d.code, "canbo")
        shift = back.due_at - d.due_at
        assert timedelta(days=2, hours=3) - timedelta(seconds=5) <= shift <= timedelta(days=2, hours=3, seconds=60)
        assert "shift" in back.events[-1].note
        assert back.events[-1].new_due == back.due_at
    finally:
        svc.settings = replace(svc.settings, rules=RuleSettings(supplement_clock="restart"))


def test_apology_keeps_status_and_moves_due(svc):
    d = new_dossier(svc)
    svc.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo")
    new_due = d.due_at + timedelta(days=5)
    before = counts(svc, d.code)
    out = svc.dossiers.apologise(d.code, new_due, "Chờ xác minh của cơ quan khác", "canbo")
    assert out.status is Status.IN_PROGRESS and out.due_at == new_due
    ev = out.events[-1]
    assert ev.from_status is ev.to_status is Status.IN_PROGRESS
    assert ev.new_due == new_due and "xin lỗi, hẹn lại" in ev.note
    assert counts(svc, d.code) == (before[0] + 1, before[1] + 1, before[2] + 1, before[3] + 1)


def test_apology_refuses_past_or_earlier_dates_and_closed(svc):
    d = new_dossier(svc)
    before = counts(svc, d.code)
    with pytest.raises(BadInput):
        svc.dossiers.apologise(d.code, now_vn() - timedelta(hours=1), "Lý do", "canbo")
    assert d.due_at - timedelta(minutes=1) > now_vn()
    with pytest.raises(BadInput, match="sau ngày hẹn cũ"):
        svc.dossiers.apologise(d.code, d.due_at - timedelta(minutes=1), "Lý do", "canbo")
    assert counts(svc, d.code) == before
    force_status(svc, d.code, Status.RETURNED)
    with pytest.raises(Conflict):
        svc.dossiers.apologise(d.code, d.due_at + timedelta(days=3), "Lý do", "canbo")


def test_due_override_needs_leader_and_a_future_date(svc):
    d = new_dossier(svc)
    with pytest.raises(PermissionDenied):
        svc.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo", new_due=now_vn() + timedelta(days=9))
    with pytest.raises(BadInput):
        svc.dossiers.transition(d.code, Status.IN_PROGRESS, actor="lanhdao", new_due=now_vn() - timedelta(days=1))
    assert svc.dossiers.peek(d.code).status is Status.RECEIVED
    target = (now_vn() + timedelta(days=9)).replace(microsecond=0)
    out = svc.dossiers.transition(d.code, Status.IN_PROGRESS, actor="lanhdao", reason="Gia hạn", new_due=target)
    assert out.due_at == target and out.events[-1].new_due == target


def test_return_result_records_who_collected(svc):
    d = new_dossier(svc)
    svc.dossiers.result_ready(d.code, "canbo")
    with pytest.raises(BadInput):
        svc.dossiers.return_result(d.code, collected_by="", actor="canbo")
    with pytest.raises(BadInput):
        svc.dossiers.return_result(d.code, collected_by="Đặng Thị Ánh", collected_id_number="12ab", actor="canbo")
    with pytest.raises(BadInput):
        svc.dossiers.return_result(d.code, collected_by="Đặng Thị Ánh", channel="fax", actor="canbo")
    assert svc.dossiers.peek(d.code).status is Status.RESULT_READY
    out = svc.dossiers.return_result(
        d.code, collected_by="Đặng Thị Ánh", collected_id_number="038190012345", channel="counter", actor="canbo"
    )
    assert out.status is Status.RETURNED and out.returned_at is not None
    assert (out.collected_by, out.collected_id_number) == ("Đặng Thị Ánh", "038190012345")
    assert "Đặng Thị Ánh" in out.events[-1].note


def test_outbox_payload_is_national_code(svc):
    import json

    d = new_dossier(svc)
    svc.dossiers.reject(d.code, "Hồ sơ không thuộc thẩm quyền", "canbo")
    with svc.engine.connect() as conn:
        payload = json.loads(
            conn.exec_driver_sql(
                "SELECT payload FROM outbox_item WHERE dossier_code = ? ORDER BY id DESC LIMIT 1", (d.code,)
            ).scalar_one()
        )
    assert payload["TrangThai"] == 3 and payload["TrangThaiTruoc"] == 2
    assert payload["NoiDungXuLy"] == "Hồ sơ không thuộc thẩm quyền"


def test_official_code_is_searchable(svc):
    d = new_dossier(svc)
    out = svc.dossiers.set_official_code(d.code, "000.00.14.H56-261123-0042", "sync")
    assert out.official_code == "000.00.14.H56-261123-0042"
    assert svc.dossiers.peek("000.00.14.H56-261123-0042").code == d.code
    page = svc.search.search("000.00.14.H56-261123-0042")
    assert [i.code for i in page.items] == [d.code]


def test_allowed_actions_follow_the_table():
    assert [a.name for a in allowed_actions(Status.RETURNED)] == []
    assert {a.name for a in allowed_actions(Status.SUPPLEMENT)} == {
        "supplement_received",
        "withdraw",
        "stop",
        "apology",
    }
    assert {a.name for a in allowed_actions(Status.RESULT_READY)} == {"return", "apology"}
    for s in Status:
        assert action_allowed(s, "apology") == (s in APOLOGY_FROM)
        for a in allowed_actions(s):
            assert a.target is None or a.target in TRANSITIONS[s]
