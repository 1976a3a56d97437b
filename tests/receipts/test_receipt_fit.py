"""Issue 15, receipt items: each copy fits its page with the longest realistic content, the "Số" says which book,
the QR holds a lookup link that decodes back, the control sheet names officers, fee receipts and report signatures."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from onestop.domain import VN_TZ, FormKind, MonthlyReport, MonthlyRow, PaymentLine, Status, StatusEvent
from receipts.codes import lookup_payload
from receipts.render import FIT_STEPS, fitted_styles, render_book, render_form
from receipts.report_pdf import render_monthly
from receipts.sample import (
    LONGEST_ADDRESS,
    LONGEST_DOCUMENTS,
    LONGEST_NAME,
    LONGEST_PERSON,
    SAMPLE_LEADER,
    sample_book_request,
    sample_form_request,
    sample_office,
)
from receipts.styles import geometry_for

CODE = "H56.14-261120-010007"


def squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def pages_text(pdf: bytes) -> list[str]:
    return [squash(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]


# ---------------------------------------------------------------- one page per copy


@pytest.mark.parametrize("page_size", ["A4", "A5"])
@pytest.mark.parametrize("copies", [1, 2])
def test_longest_realistic_receipt_is_one_page_per_copy(page_size: str, copies: int) -> None:
    """Four long documents, a representative, a company name and a post-merger address: exactly one page a copy."""
    req = sample_form_request(longest=True, copies=copies, page_size=page_size)
    assert len(req.dossier.documents) == 4 and req.dossier.representative is not None
    texts = pages_text(render_form(req))
    assert len(texts) == copies
    for text in texts:
        for snippet in (
            "Mẫu số 01",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            f"Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức: {LONGEST_NAME}",
            f"Người được ủy quyền: {LONGEST_PERSON}",
            f"Địa chỉ: {squash(LONGEST_ADDRESS)}",
            *(squash(doc.name) for doc in LONGEST_DOCUMENTS),
            "NGƯỜI NỘP HỒ SƠ",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "Nguyễn Văn Hùng",
            "không chia sẻ, cung cấp cho bên thứ ba hay sử dụng vào mục đích khác.",
        ):
            assert snippet in text, (snippet, text)


def test_the_old_receipt_with_a_representative_keeps_its_normal_size() -> None:
    """Fitting shrinks only what overflows: a plain receipt prints at the page's own type size."""
    geo = geometry_for("A4")
    plain = fitted_styles(sample_form_request(), geo)
    assert plain is not None and plain.scale == geo.scale
    longest = fitted_styles(sample_form_request(longest=True), geo)
    assert longest is not None and geo.scale * FIT_STEPS[-1] <= longest.scale < geo.scale


@pytest.mark.parametrize("kind", [k for k in FormKind if k.official_number and k is not FormKind.BOOK])
@pytest.mark.parametrize("page_size", ["A4", "A5"])
def test_every_form_with_the_longest_content_is_one_page_per_copy(kind: FormKind, page_size: str) -> None:
    texts = pages_text(render_form(sample_form_request(kind, longest=True, copies=2, page_size=page_size)))
    assert len(texts) == 2
    assert all(kind.title in t and kind.form_label in t for t in texts)


# ---------------------------------------------------------------- Số and the tracking book


def test_receipt_number_names_its_book() -> None:
    text = pages_text(render_form(sample_form_request()))[0]
    assert "Số: 07/TTPVHCC Số thứ tự trong sổ lĩnh vực Hộ tịch, quyển 01/2026" in text
    assert "Vào Sổ theo dõi hồ sơ, Quyển số 01/2026, Số thứ tự 152 (sổ lĩnh vực Hộ tịch)." in text


def test_two_receipts_with_the_same_number_in_different_books_say_so() -> None:
    req = replace(sample_form_request(), number="1")
    other_field = replace(req.dossier, procedure=replace(req.dossier.procedure, field="Chứng thực"))
    first = pages_text(render_form(req))[0]
    second = pages_text(render_form(replace(req, dossier=other_field)))[0]
    assert "Số: 01/TTPVHCC" in first and "Số: 01/TTPVHCC" in second
    assert "sổ lĩnh vực Hộ tịch" in first and "sổ lĩnh vực Chứng thực" in second
    assert "Chứng thực" not in first


def test_receipt_without_a_number_names_no_book() -> None:
    req = replace(sample_form_request(), number="")
    text = pages_text(render_form(req))[0]
    assert "Số: ……/TTPVHCC" in text and "Số thứ tự trong" not in text


# ---------------------------------------------------------------- fee receipt number


def test_fee_receipt_number_is_printed_when_present() -> None:
    req = sample_form_request()
    paid = replace(req.dossier, payments=(PaymentLine(8000, receipt_number="Ký hiệu AA/26P, quyển 01, số 0000120"),))
    text = " ".join(pages_text(render_form(replace(req, dossier=paid))))
    assert "Phí, lệ phí: 8.000 đồng; Biên lai thu: Ký hiệu AA/26P, quyển 01, số 0000120" in text
    paper = replace(req.dossier, payments=(PaymentLine(8000, receipt_number="Biên lai giấy số 0042"),))
    assert "Phí, lệ phí: 8.000 đồng; Biên lai giấy số 0042" in " ".join(
        pages_text(render_form(replace(req, dossier=paper)))
    )
    assert "Biên lai" not in " ".join(pages_text(render_form(req)))


# ---------------------------------------------------------------- control sheet names


def test_control_sheet_prints_officers_full_names_not_logins() -> None:
    req = replace(
        sample_form_request(FormKind.CONTROL),
        officer_names={"nvhung": "Nguyễn Văn Hùng", "tpthuy": "Phạm Thị Thủy"},
    )
    text = " ".join(pages_text(render_form(req)))
    assert "Cán bộ: Nguyễn Văn Hùng" in text and "Cán bộ: Phạm Thị Thủy" in text
    assert "nvhung" not in text and "tpthuy" not in text


# ---------------------------------------------------------------- signature blocks of the reports


def test_monthly_report_pdf_ends_with_a_signature_block() -> None:
    rows = tuple(MonthlyRow("Hộ tịch", f"1.00{i}", "Thủ tục đăng ký khai sinh", 3, 1, 0, 2, 1, 1, 0) for i in range(5))
    report = MonthlyReport(
        sample_office(leader=True),
        "2026-11",
        rows,
        datetime(2026, 12, 1, 8, 0, tzinfo=VN_TZ),
        prepared_by="Nguyễn Văn Hùng",
    )
    text = " ".join(pages_text(render_monthly(report)))
    name, title, _ = SAMPLE_LEADER
    position = text.find("Tổng cộng")
    for snippet in ("Quảng Phú, ngày 01 tháng 12 năm 2026", "NGƯỜI LẬP BIỂU", "Nguyễn Văn Hùng", title, name):
        found = text.find(snippet, position)
        assert found > 0, (snippet, text)
        position = found


def test_tracking_book_ends_with_a_signature_block() -> None:
    req = replace(sample_book_request(60), office=sample_office(leader=True))
    texts = pages_text(render_book(req))
    assert "NGƯỜI LẬP SỔ" in texts[-1] and SAMPLE_LEADER[0] in texts[-1]
    assert not any("NGƯỜI LẬP SỔ" in t for t in texts[:-1])


# ---------------------------------------------------------------- the QR code holds the lookup link

needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbarimg (zbar-tools) and pdftoppm (poppler-utils) are needed to decode the codes; CI installs them",
)


def decode_qr(pdf: bytes, tmp_path: Path) -> list[str]:
    pdf_path = tmp_path / "form.pdf"
    pdf_path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(pdf_path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    png = sorted(tmp_path.glob("page*.png"))[0]
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(png)], capture_output=True, text=True, timeout=60
    )
    return [line for line in done.stdout.splitlines() if line.strip()]


@needs_zbar
@pytest.mark.parametrize("page_size", ["A4", "A5"])
def test_shrunk_receipt_qr_still_decodes_to_the_lookup_link(tmp_path: Path, page_size: str) -> None:
    req = sample_form_request(longest=True, page_size=page_size)
    assert decode_qr(render_form(req), tmp_path) == [
        "https://motcua.example.gov.vn/tra-cuu?ma=H56.14-261120-010007&k=7KQ2"
    ]


@needs_zbar
def test_default_config_puts_the_documented_lookup_page_in_the_qr(tmp_path: Path) -> None:
    from onestop.config import DEFAULT_LOOKUP_URL, parse_settings

    settings = parse_settings(
        {"commune": {"name": "Xã Quảng Phú", "agency_code": "H56.14", "province": "Thanh Hóa", "counter": "01"}}
    )
    assert settings.office.lookup_url == DEFAULT_LOOKUP_URL
    req = sample_form_request()
    req = replace(req, office=replace(req.office, lookup_url=settings.office.lookup_url))
    (link,) = decode_qr(render_form(req), tmp_path)
    assert link == f"{DEFAULT_LOOKUP_URL}?ma={CODE}&k=7KQ2" == lookup_payload(req.office, req.dossier)


def test_stop_event_at_is_shown_as_a_full_name_on_the_control_sheet_too() -> None:
    req = sample_form_request(FormKind.CONTROL)
    stop = StatusEvent(4, req.issued_at + timedelta(hours=1), Status.IN_PROGRESS, Status.STOPPED, "canbo", "Rút")
    req = replace(
        req, dossier=replace(req.dossier, events=(*req.dossier.events, stop)), officer_names={"canbo": "Lê Thị Lan"}
    )
    text = " ".join(pages_text(render_form(req)))
    assert "4. Dừng xử lý Cán bộ: Lê Thị Lan" in text
