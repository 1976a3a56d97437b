"""Issue 14: the counter forms under their official numbers (TT 03/2025 Phụ lục I, BRIEF §11.1), the apology and the
stop notice signed by the configured head of the agency, and the forms offered only when the dossier's state allows."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader

from onestop.domain import VN_TZ, FormKind, Status, StatusEvent
from onestop.form_rules import allowed_forms, form_refusal, is_late
from receipts.render import COPY_LABELS, render_book, render_form
from receipts.sample import SAMPLE_LEADER, sample_book_request, sample_dossier, sample_form_request

OFFICIAL = {
    FormKind.RECEIPT: ("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    FormKind.SUPPLEMENT: ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    FormKind.REJECTION: ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    FormKind.APOLOGY: ("04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
    FormKind.STOP: ("05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
    FormKind.CONTROL: ("06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
    FormKind.BOOK: ("07", "SỔ THEO DÕI HỒ SƠ"),
}
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=VN_TZ)  # before the sample's appointment (16:30 the same day)


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def in_order(text: str, snippets: list[str]) -> bool:
    position = 0
    for snippet in snippets:
        found = text.find(snippet, position)
        if found < 0:
            return False
        position = found + len(snippet)
    return True


# ---------------------------------------------------------------- numbers and titles


def test_every_form_kind_has_its_official_number_and_title() -> None:
    assert {k: (k.official_number, k.title) for k in OFFICIAL} == OFFICIAL
    assert all(k in OFFICIAL or not k.official_number for k in FormKind), "no other paper claims a number"
    assert FormKind.STOP.form_label == "Mẫu số 05"


@pytest.mark.parametrize("kind", [k for k in OFFICIAL if k is not FormKind.BOOK])
@pytest.mark.parametrize("page_size", ["A4", "A5"])
def test_each_copy_of_each_form_carries_its_number_once(kind: FormKind, page_size: str) -> None:
    number, title = OFFICIAL[kind]
    texts = pages_text(render_form(sample_form_request(kind, copies=2, page_size=page_size)))
    assert len(texts) == 2
    for text, label in zip(texts, COPY_LABELS, strict=True):
        assert text.count(f"Mẫu số {number}") == 1, text
        assert "Mẫu số" not in text.replace(f"Mẫu số {number}", ""), "only this form's own number"
        assert title in text and label in text


def test_the_number_is_only_on_the_first_page_of_a_long_copy() -> None:
    from onestop.domain import DocumentLine

    req = sample_form_request(long=True, representative=True, copies=2)
    extra = tuple(DocumentLine(f"Giấy tờ bổ sung số {i} theo yêu cầu của cơ quan giải quyết") for i in range(10))
    req = replace(req, dossier=replace(req.dossier, documents=req.dossier.documents + extra))
    texts = pages_text(render_form(req))
    assert ["Mẫu số 01" in t for t in texts] == [True, False, True, False]


def test_the_tracking_book_is_mau_07_on_its_first_page() -> None:
    texts = pages_text(render_book(sample_book_request(60)))
    assert len(texts) >= 3
    assert "Mẫu số 07" in texts[0] and "SỔ THEO DÕI HỒ SƠ" in texts[0]
    assert not any("Mẫu số" in t for t in texts[1:])


# ---------------------------------------------------------------- the head of the agency signs 04 and 05


@pytest.mark.parametrize("kind", [FormKind.APOLOGY, FormKind.STOP])
def test_apology_and_stop_notice_are_signed_by_the_configured_leader(kind: FormKind) -> None:
    name, title, _ = SAMPLE_LEADER
    req = sample_form_request(kind, leader=True)
    assert req.officer_name == "Nguyễn Văn Hùng" and req.dossier.officer_name == "Nguyễn Văn Hùng"
    text = " ".join(pages_text(render_form(req)))
    assert in_order(text, [OFFICIAL[kind][1], title, "(Ký, ghi rõ họ tên và đóng dấu)", name]), text
    assert "Nguyễn Văn Hùng" not in text, "the counter officer does not sign the agency's letter"
    assert "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ" not in text


def test_leader_signs_under_an_authority_line() -> None:
    req = sample_form_request(FormKind.APOLOGY, leader=True)
    office = replace(req.office, leader_authority="KT. CHỦ TỊCH", leader_title="PHÓ CHỦ TỊCH", leader_name="Hà Văn Sơn")
    text = " ".join(pages_text(render_form(replace(req, office=office))))
    assert in_order(text, ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "(Ký, ghi rõ họ tên và đóng dấu)", "Hà Văn Sơn"]), text


def test_without_a_configured_leader_the_name_is_left_to_write_by_hand() -> None:
    text = " ".join(pages_text(render_form(sample_form_request(FormKind.STOP))))
    assert text.rstrip().endswith("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ (Ký, ghi rõ họ tên và đóng dấu) Mẫu số 05")
    assert "Nguyễn Văn Hùng" not in text


def test_apology_after_a_recorded_extension_names_the_missed_appointment() -> None:
    req = sample_form_request(FormKind.APOLOGY)
    d = req.dossier
    assert d.due_at is not None
    later = d.due_at + timedelta(days=3)
    events = (
        StatusEvent(1, d.received_at, None, Status.RECEIVED, "nvhung", new_due=d.due_at),
        StatusEvent(
            2, d.due_at - timedelta(hours=2), Status.RECEIVED, Status.RECEIVED, "nvhung", "Chờ xác minh", later
        ),
    )
    dossier = replace(d, status=Status.RECEIVED, due_at=later, events=events)
    text = " ".join(pages_text(render_form(replace(req, dossier=dossier, new_due=later))))
    assert "Thời gian hẹn trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 20/11/2026." in text
    assert "sẽ được trả vào: 16 giờ 30 phút, ngày 23/11/2026" in text


# ---------------------------------------------------------------- which forms a state allows


def dossier_in(status: Status, **changes: object):  # type: ignore[no-untyped-def]
    return replace(sample_dossier(), status=status, **changes)  # type: ignore[arg-type]


def test_no_apology_for_a_dossier_that_is_not_late() -> None:
    d = dossier_in(Status.IN_PROGRESS)
    assert not is_late(d, NOW)
    assert "chưa quá hạn" in form_refusal(FormKind.APOLOGY, d, NOW)
    assert FormKind.APOLOGY not in allowed_forms(d, NOW)


def test_apology_for_an_overdue_dossier_or_one_with_a_recorded_apology() -> None:
    d = dossier_in(Status.IN_PROGRESS)
    assert d.due_at is not None
    assert form_refusal(FormKind.APOLOGY, d, d.due_at + timedelta(minutes=1)) == ""
    apology = StatusEvent(9, NOW, Status.IN_PROGRESS, Status.IN_PROGRESS, "nvhung", "Chờ xác minh", NOW + timedelta(3))
    extended = replace(d, due_at=NOW + timedelta(days=3), events=(*d.events, apology))
    assert form_refusal(FormKind.APOLOGY, extended, NOW) == ""


@pytest.mark.parametrize("status", [Status.REJECTED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED])
def test_no_apology_for_a_closed_dossier_even_when_past_due(status: Status) -> None:
    d = dossier_in(status)
    assert d.due_at is not None
    assert form_refusal(FormKind.APOLOGY, d, d.due_at + timedelta(days=5))


def test_no_stop_notice_for_a_rejected_dossier() -> None:
    refusal = form_refusal(FormKind.STOP, dossier_in(Status.REJECTED), NOW)
    assert "không được tiếp nhận" in refusal and "Mẫu số 05" in refusal
    assert FormKind.STOP not in allowed_forms(dossier_in(Status.REJECTED), NOW)


def test_stop_notice_once_stopped_or_withdrawn_only() -> None:
    assert form_refusal(FormKind.STOP, dossier_in(Status.STOPPED), NOW) == ""
    assert form_refusal(FormKind.STOP, dossier_in(Status.WITHDRAWN), NOW) == ""
    assert "Dừng xử lý" in form_refusal(FormKind.STOP, dossier_in(Status.IN_PROGRESS), NOW)


def test_allowed_forms_per_state() -> None:
    k = FormKind
    assert allowed_forms(dossier_in(Status.RECEIVED), NOW) == (k.RECEIPT, k.SUPPLEMENT, k.REJECTION, k.CONTROL)
    assert allowed_forms(dossier_in(Status.REJECTED), NOW) == (k.REJECTION,)
    assert allowed_forms(dossier_in(Status.STOPPED), NOW) == (k.RECEIPT, k.STOP, k.CONTROL)
    assert allowed_forms(dossier_in(Status.RETURNED), NOW) == (k.RECEIPT, k.CONTROL)
    assert allowed_forms(dossier_in(Status.SUBMITTED), NOW) == (k.SUPPLEMENT, k.REJECTION)
    assert all(
        not form_refusal(kind, dossier_in(Status.RECEIVED), NOW)
        for kind in allowed_forms(dossier_in(Status.RECEIVED), NOW)
    )
    for message in (form_refusal(kind, dossier_in(Status.REJECTED), NOW) for kind in k if kind is not k.REJECTION):
        assert message and message == unicodedata.normalize("NFC", message)
