"""Counter forms render every field with exact Vietnamese text, wrap long values, and carry decodable codes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.ttfonts import TTFontFile

from onestop.domain import VN_TZ, DocumentLine, FormKind, PaymentLine, Person, ReturnVia, Status, StatusEvent
from receipts.render import (
    COPY_LABELS,
    format_long_date,
    format_time,
    lookup_payload,
    render_book,
    render_form,
    timeliness,
    warm_up,
)
from receipts.sample import sample_book_request, sample_form_request
from receipts.styles import FONT_DIR, FONT_FILES

CODE = "H56.14-261120-010007"
A4_PT = (595.28, 841.89)
A5_PT = (419.53, 595.28)


# ---------------------------------------------------------------- helpers


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """NFC with every run of whitespace (including no-break spaces) collapsed to one space."""
    return " ".join(nfc(text).split())


def pages_text(pdf: bytes) -> list[str]:
    return [squash(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def all_text(pdf: bytes) -> str:
    return " ".join(pages_text(pdf))


def assert_in_order(text: str, expected: list[str]) -> None:
    """Every expected snippet occurs in `text`, each after the previous one."""
    position = 0
    for snippet in expected:
        found = text.find(squash(snippet), position)
        assert found >= 0, f"missing (or out of order): {snippet!r}\n--- text ---\n{text}"
        position = found + len(squash(snippet))


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    warm_up()


HEADER = [
    "UBND XÃ QUẢNG PHÚ",
    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ QUẢNG PHÚ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
]


# ---------------------------------------------------------------- font


def vietnamese_letters() -> set[str]:
    """The 134 Vietnamese letters that are not plain ASCII: 66 accented vowels in both cases, plus đ and Đ."""
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
    letters = {nfc(v + t) for v in vowels for t in tones}
    letters |= {x.upper() for x in letters}
    letters |= {"đ", "Đ"}
    return {x for x in letters if not x.isascii()}


def test_vietnamese_alphabet_has_134_non_ascii_letters() -> None:
    letters = vietnamese_letters()
    assert len(letters) == 134
    assert all(len(x) == 1 for x in letters), "every letter must be one precomposed NFC code point"


@pytest.mark.parametrize("file_name", sorted(FONT_FILES.values()))
def test_shipped_font_covers_every_vietnamese_letter(file_name: str) -> None:
    path = FONT_DIR / file_name
    assert path.read_bytes()[:4] == b"\x00\x01\x00\x00", "not a TrueType font"
    cmap = TTFontFile(str(path)).charToGlyph
    wanted = vietnamese_letters() | set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    missing = sorted(ch for ch in wanted if ord(ch) not in cmap or cmap[ord(ch)] == 0)
    assert not missing, f"{file_name} lacks {missing}"
    assert all(ord(ch) in cmap for ch in "“”–—…→·"), "typographic punctuation used by the forms"


def test_font_licence_ships_with_the_fonts() -> None:
    licence = (FONT_DIR / "LICENSE.txt").read_text(encoding="utf-8")
    assert "SIL" in licence and "Open Font License" in licence.replace("OPEN FONT LICENSE", "Open Font License")


# ---------------------------------------------------------------- receipt (§2.3)


def test_receipt_prints_every_field_in_order() -> None:
    req = sample_form_request()
    pdf = render_form(req)
    assert pdf.startswith(b"%PDF-")
    assert page_sizes(pdf) == [pytest.approx(A4_PT, abs=1)]
    text = all_text(pdf)
    assert_in_order(
        text,
        [
            *HEADER[:2],
            "Số: 07/TTPVHCC",
            "Quảng Phú, ngày 20 tháng 11 năm 2026",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            f"Mã hồ sơ: {CODE}",
            "Mã tra cứu: 7KQ2",
            "Đơn vị tiếp nhận: Trung tâm Phục vụ hành chính công xã Quảng Phú",
            "Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức: Đặng Thị Ánh",
            "Số định danh cá nhân/tổ chức: 038190012345",
            "Địa chỉ: Thôn Phú Thọ, Xã Quảng Phú, Tỉnh Thanh Hóa",
            "Số điện thoại: 0912345678",
            "Email: dang.thi.anh@example.vn",
            "Nội dung yêu cầu giải quyết: Thủ tục đăng ký khai sinh",
            "Thành phần hồ sơ nộp gồm:",
            "1 Tờ khai đăng ký khai sinh (theo mẫu) Bản chính 1",
            "2 Giấy chứng sinh Bản chính 1",
            "3 Giấy tờ tùy thân của người đi đăng ký Xuất trình 1",
            "4 Giấy chứng nhận kết hôn của cha mẹ Bản sao 2",
            "Số lượng hồ sơ: 1 (bộ)",
            "Thời gian giải quyết hồ sơ theo quy định là: Trong ngày",
            "Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 20/11/2026",
            "Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 20/11/2026",
            "Đăng ký nhận kết quả tại: Tại Bộ phận Một cửa",
            "Phí, lệ phí: 0 đồng (Miễn, giảm: Đăng ký khai sinh đúng hạn)",
            "Vào Sổ theo dõi hồ sơ, Quyển số 01/2026, Số thứ tự 152",
            "NGƯỜI NỘP HỒ SƠ",
            "(Ký và ghi rõ họ tên)",
            "Đặng Thị Ánh",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "(Ký và ghi rõ họ tên)",
            "Nguyễn Văn Hùng",
            "Luật Bảo vệ dữ liệu cá nhân năm 2025",
            "chỉ được sử dụng để giải quyết thủ tục hành chính này",
            "không chia sẻ",
        ],
    )
    for line in HEADER[2:]:
        assert line in text
    assert "ủy quyền" not in text, "no authorisation block without a representative"
    assert "Liên 1" not in text and "Liên 2" not in text


def test_receipt_with_representative_prints_the_authorised_person_and_signs_as_them() -> None:
    text = all_text(render_form(sample_form_request(representative=True)))
    assert_in_order(
        text,
        [
            "Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức: Đặng Thị Ánh",
            "Người được ủy quyền: Lê Văn Đức; Số định danh cá nhân: 038088004321",
            "Địa chỉ: Thôn Phú Lợi, Xã Quảng Phú, Tỉnh Thanh Hóa",
            "Số điện thoại: 0987654321",
            "Email: le.van.duc@example.vn",
            "Giấy tờ ủy quyền: Văn bản ủy quyền số 15/2026/UQ ngày 19/11/2026",
            "Nội dung yêu cầu giải quyết",
            "NGƯỜI NỘP HỒ SƠ",
            "Lê Văn Đức",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "Nguyễn Văn Hùng",
        ],
    )


def test_representative_receipt_still_fits_one_a4_page() -> None:
    assert len(page_sizes(render_form(sample_form_request(representative=True)))) == 1


def test_receipt_post_return_fee_and_missing_values() -> None:
    req = sample_form_request()
    dossier = replace(
        req.dossier,
        return_via=ReturnVia.POST,
        return_address="Số 5 đường Lê Lợi, Xã Quảng Phú, Tỉnh Thanh Hóa",
        payments=(PaymentLine(8000), PaymentLine(12000, label="Phí")),
        applicant=replace(req.dossier.applicant, email=""),
        book_volume="",
        book_number=None,
        sets_count=2,
    )
    text = all_text(render_form(replace(req, dossier=dossier)))
    assert (
        "Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích; địa chỉ nhận kết quả: "
        "Số 5 đường Lê Lợi, Xã Quảng Phú, Tỉnh Thanh Hóa" in text
    )
    assert "Phí, lệ phí: 20.000 đồng" in text and "Miễn" not in text
    assert "Số lượng hồ sơ: 2 (bộ)" in text
    assert "Email: ……………" in text
    assert "Quyển số ……………, Số thứ tự ……………" in text


def test_receipt_without_appointment_says_so() -> None:
    req = sample_form_request()
    text = all_text(render_form(replace(req, dossier=replace(req.dossier, due_at=None))))
    assert "Thời gian trả kết quả giải quyết hồ sơ: Trả kết quả ngay sau khi giải quyết xong" in text


def test_text_is_drawn_in_nfc_even_from_nfd_input() -> None:
    req = sample_form_request()
    nfd_name = unicodedata.normalize("NFD", "Đặng Thị Ánh Nguyệt")
    applicant = replace(req.dossier.applicant, full_name=nfd_name)
    raw = " ".join(
        p.extract_text()
        for p in PdfReader(
            io.BytesIO(render_form(replace(req, dossier=replace(req.dossier, applicant=applicant))))
        ).pages
    )
    assert "Đặng Thị Ánh Nguyệt" in raw  # literal NFC, extracted without normalising
    assert nfd_name not in raw


def test_markup_characters_in_user_text_are_printed_literally() -> None:
    req = sample_form_request()
    applicant = replace(req.dossier.applicant, full_name="Trần <b>An</b> & Bình")
    text = all_text(render_form(replace(req, dossier=replace(req.dossier, applicant=applicant))))
    assert "Trần <b>An</b> & Bình" in text


def test_long_name_and_address_wrap_inside_the_page() -> None:
    req = sample_form_request(long=True, representative=True)
    name, address = req.dossier.applicant.full_name, req.dossier.applicant.address
    assert len(name) >= 120 and len(address) >= 300
    pdf = render_form(req)
    assert 1 <= len(page_sizes(pdf)) <= 2
    text = all_text(pdf)
    assert f"Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức: {squash(name)}" in text
    assert f"Địa chỉ: {squash(address)}" in text
    for word in (name + " " + address).split():
        assert word in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "Luật Bảo vệ dữ liệu cá nhân" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("page_size", ["A4", "A5"])
def test_no_word_crosses_the_margins(tmp_path: Path, page_size: str) -> None:
    """Long values wrap: every word's box stays between the left (30 mm) and right (15 mm) margins."""
    pdf_path = tmp_path / "long.pdf"
    pdf_path.write_bytes(
        render_form(sample_form_request(long=True, representative=True, page_size=page_size, copies=2))
    )
    html = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    page_w = float(re.search(r'<page width="([\d.]+)"', html).group(1))  # type: ignore[union-attr]
    left, right = (30 * mm, 15 * mm) if page_size == "A4" else (18 * mm, 10 * mm)
    boxes = [
        (float(a), float(b), w) for a, b, w in re.findall(r'xMin="([\d.]+)"[^>]*xMax="([\d.]+)"[^>]*>([^<]*)<', html)
    ]
    assert len(boxes) > 100
    outside = [(w, a, b) for a, b, w in boxes if a < left - 1 or b > page_w - right + 1]
    assert not outside, outside[:5]


def test_two_copies_are_labelled_citizen_and_office() -> None:
    pdf = render_form(sample_form_request(copies=2))
    texts = pages_text(pdf)
    assert len(texts) == 2
    assert COPY_LABELS == ("Liên 1: Giao người nộp", "Liên 2: Lưu tại Bộ phận Một cửa")
    assert COPY_LABELS[0] in texts[0] and COPY_LABELS[1] not in texts[0]
    assert COPY_LABELS[1] in texts[1] and COPY_LABELS[0] not in texts[1]
    for text in texts:
        assert f"Mã hồ sơ: {CODE}" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text


def test_multi_page_copies_keep_their_label_and_number_pages_per_copy() -> None:
    # more than fits one page even at the smallest fitting type size (see FIT_STEPS): each copy takes two pages
    req = sample_form_request(long=True, representative=True, copies=2)
    extra = tuple(DocumentLine(f"Giấy tờ bổ sung số {i} theo yêu cầu của cơ quan giải quyết") for i in range(10))
    req = replace(req, dossier=replace(req.dossier, documents=req.dossier.documents + extra))
    texts = pages_text(render_form(req))
    assert len(texts) == 4
    assert [COPY_LABELS[0] in t for t in texts] == [True, True, False, False]
    assert [COPY_LABELS[1] in t for t in texts] == [False, False, True, True]
    # the margin decoration is drawn last: label, then the page number from the copy's second page on
    assert texts[0].endswith(COPY_LABELS[0]) and texts[1].endswith(f"{COPY_LABELS[0]} 2")
    assert texts[2].endswith(COPY_LABELS[1]) and texts[3].endswith(f"{COPY_LABELS[1]} 2")


def test_a5_receipt_is_a5_and_complete() -> None:
    pdf = render_form(sample_form_request(page_size="A5"))
    sizes = page_sizes(pdf)
    assert sizes[0] == pytest.approx(A5_PT, abs=1)
    assert len(sizes) == 1
    text = all_text(pdf)
    for snippet in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {CODE}",
        "Đặng Thị Ánh",
        "NGƯỜI NỘP HỒ SƠ",
        "Nguyễn Văn Hùng",
        "Quảng Phú, ngày 20 tháng 11 năm 2026",
    ):
        assert snippet in text


def test_rendering_is_deterministic() -> None:
    req = sample_form_request()
    assert render_form(req) == render_form(req)


def test_lookup_payload_uses_the_office_url_or_code_and_key() -> None:
    req = sample_form_request()
    assert lookup_payload(req.office, req.dossier) == (
        "https://motcua.example.gov.vn/tra-cuu?ma=H56.14-261120-010007&k=7KQ2"
    )
    assert lookup_payload(replace(req.office, lookup_url=""), req.dossier) == f"{CODE}|7KQ2"
    with_query = replace(req.office, lookup_url="https://x.example.vn/tc?lang=vi")
    assert lookup_payload(with_query, req.dossier).endswith("?lang=vi&ma=H56.14-261120-010007&k=7KQ2")


# ---------------------------------------------------------------- other forms (§2.4–2.7)


def test_supplement_form() -> None:
    text = all_text(render_form(sample_form_request(FormKind.SUPPLEMENT)))
    assert_in_order(
        text,
        [
            *HEADER[:2],
            "Số: 03/PBS-TTPVHCC",
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "Hồ sơ của: Đặng Thị Ánh",
            f"Mã hồ sơ: {CODE}",
            "Nội dung yêu cầu giải quyết: Thủ tục đăng ký khai sinh",
            "Địa chỉ: Thôn Phú Thọ, Xã Quảng Phú, Tỉnh Thanh Hóa",
            "Số điện thoại: 0912345678",
            "Email: dang.thi.anh@example.vn",
            "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
            "1. Bổ sung bản sao Giấy chứng nhận kết hôn của cha mẹ trẻ (có chứng thực).",
            "2. Ghi đầy đủ mục “Nơi sinh” trong Tờ khai đăng ký khai sinh.",
            "Lý do: Tờ khai còn thiếu thông tin về nơi sinh của trẻ.",
            "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với Phạm Thị Thủy "
            "số điện thoại 0237 3861 235 để được hướng dẫn.",
            "NGƯỜI HƯỚNG DẪN",
            "Nguyễn Văn Hùng",
        ],
    )
    assert "NGƯỜI NỘP HỒ SƠ" not in text


def test_rejection_form() -> None:
    text = all_text(render_form(sample_form_request(FormKind.REJECTION)))
    assert_in_order(
        text,
        [
            *HEADER[:2],
            "Số: 02/PTC-TTPVHCC",
            "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            "Đơn vị tiếp nhận: Trung tâm Phục vụ hành chính công xã Quảng Phú",
            "Tiếp nhận hồ sơ của: Đặng Thị Ánh",
            "Số định danh cá nhân/tổ chức: 038190012345",
            "Địa chỉ: Thôn Phú Thọ, Xã Quảng Phú, Tỉnh Thanh Hóa",
            "Số điện thoại: 0912345678",
            "Email: dang.thi.anh@example.vn",
            f"Mã hồ sơ (nếu có): {CODE}",
            "Nội dung yêu cầu giải quyết: Thủ tục đăng ký khai sinh",
            "Qua xem xét, Bộ phận Tiếp nhận và Trả kết quả thông báo không tiếp nhận, giải quyết hồ sơ này với lý do "
            "cụ thể như sau: Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã Quảng Phú.",
            "NGƯỜI NỘP HỒ SƠ",
            "Đặng Thị Ánh",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            "Nguyễn Văn Hùng",
        ],
    )


def test_apology_form() -> None:
    text = all_text(render_form(sample_form_request(FormKind.APOLOGY)))
    assert_in_order(
        text,
        [
            *HEADER[:2],
            "Số: 01/PXL-TTPVHCC",
            "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            "Kính gửi: Ông/Bà/Tổ chức Đặng Thị Ánh",
            "Ngày 20/11/2026, Trung tâm Phục vụ hành chính công xã Quảng Phú tiếp nhận giải quyết hồ sơ",
            "Thủ tục đăng ký khai sinh",
            "số định danh: 038190012345; mã số hồ sơ: H56.14-261120-010007",
            "Thời gian hẹn trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 20/11/2026",
            "chưa được giải quyết đúng thời hạn",
            "Lý do: Hệ thống Cơ sở dữ liệu hộ tịch điện tử bị gián đoạn",
            "xin lỗi",
            "10 giờ 30 phút, ngày 23/11/2026",
            "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        ],
    )
    # the head of the agency signs (issue 14); with no leader configured the name is left for the signer to write
    assert "Nguyễn Văn Hùng" not in text


def test_stop_notice() -> None:
    text = all_text(render_form(sample_form_request(FormKind.STOP)))
    assert_in_order(
        text,
        [
            *HEADER[:2],
            "Số: 04/TBD-TTPVHCC",
            "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            "Kính gửi: Ông/Bà/Tổ chức Đặng Thị Ánh",
            f"mã hồ sơ: {CODE}",
            "Người đề nghị dừng giải quyết hồ sơ: Đặng Thị Ánh",
            "Lý do: Người yêu cầu đề nghị dừng để bổ sung giấy tờ chứng minh nơi cư trú.",
            "thông báo dừng giải quyết hồ sơ nêu trên",
            "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
        ],
    )


def test_stop_notice_takes_the_reason_from_the_stop_event_when_the_request_has_none() -> None:
    req = replace(sample_form_request(FormKind.STOP), reason="")
    assert "Lý do: Người yêu cầu đề nghị dừng để bổ sung giấy tờ chứng minh nơi cư trú." in all_text(render_form(req))


def test_stop_notice_names_the_representative_who_asked() -> None:
    text = all_text(render_form(sample_form_request(FormKind.STOP, representative=True)))
    assert "Người đề nghị dừng giải quyết hồ sơ: Lê Văn Đức" in text


def test_control_form_lists_every_hand_over_with_its_timeliness() -> None:
    req = sample_form_request(FormKind.CONTROL)
    due = req.dossier.due_at
    assert due is not None
    events = (
        StatusEvent(1, req.dossier.received_at - timedelta(days=1), None, Status.RECEIVED, "nvhung"),
        StatusEvent(
            2,
            due - timedelta(hours=1),
            Status.RECEIVED,
            Status.IN_PROGRESS,
            "tpthuy",
            reason="Chuyển công chức tư pháp",
        ),
        StatusEvent(
            3,
            due + timedelta(days=1),
            Status.IN_PROGRESS,
            Status.RESULT_READY,
            "tpthuy",
            new_due=due + timedelta(days=3),
        ),
    )
    text = all_text(render_form(replace(req, dossier=replace(req.dossier, events=events))))
    assert_in_order(
        text,
        [
            *HEADER[:2],
            "Số: 152/PKS-TTPVHCC",
            "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            f"Mã số hồ sơ: {CODE}",
            "Cơ quan (bộ phận) giải quyết hồ sơ: UBND xã Quảng Phú",
            "Cơ quan phối hợp giải quyết hồ sơ",
            "Ngày nhận: 09 giờ 05 phút, ngày 20/11/2026",
            "Hẹn trả kết quả vào: 16 giờ 30 phút, ngày 20/11/2026",
            "Thời gian giao nhận hồ sơ",
            "Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)",
            "1. Được tiếp nhận",
            "Cán bộ: nvhung",
            "09 giờ 05 phút, ngày 19/11/2026",
            "Trước hạn",
            "2. Đang xử lý",
            "Cán bộ: tpthuy",
            "15 giờ 30 phút, ngày 20/11/2026",
            "Đúng hạn",
            "Chuyển công chức tư pháp",
            "3. Đã xử lý xong",
            "16 giờ 30 phút, ngày 21/11/2026",
            "Quá hạn",
            "Hẹn mới: 16 giờ 30 phút, ngày 23/11/2026",
        ],
    )
    assert text.count("Người giao") == 3


def test_timeliness_rule() -> None:
    due = datetime(2026, 11, 20, 16, 30, tzinfo=VN_TZ)
    assert timeliness(due - timedelta(days=1), due) == "Trước hạn"
    assert timeliness(due - timedelta(hours=3), due) == "Đúng hạn"
    assert timeliness(due, due) == "Đúng hạn"
    assert timeliness(due + timedelta(minutes=1), due) == "Quá hạn"
    assert timeliness(due, None) == ""


def test_render_form_refuses_the_book() -> None:
    req = replace(sample_form_request(), kind=FormKind.BOOK)
    with pytest.raises(ValueError, match="render_book"):
        render_form(req)


@pytest.mark.parametrize("kind", [k for k in FormKind if k not in (FormKind.BOOK, FormKind.DECLARATION)])
def test_every_form_renders_on_a4_and_a5_with_two_copies(kind: FormKind) -> None:
    for page_size, size in (("A4", A4_PT), ("A5", A5_PT)):
        pdf = render_form(sample_form_request(kind, page_size=page_size, copies=2))
        sizes = page_sizes(pdf)
        assert len(sizes) == 2, (kind, page_size)
        assert all(s == pytest.approx(size, abs=1) for s in sizes)
        texts = pages_text(pdf)
        assert COPY_LABELS[0] in texts[0] and COPY_LABELS[1] in texts[1]
        assert kind.title in texts[0] and kind.title in texts[1]


# ---------------------------------------------------------------- dates


def test_dates_follow_decree_30_leading_zeros() -> None:
    assert format_long_date(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert format_long_date(date(2026, 2, 28)) == "ngày 28 tháng 02 năm 2026"
    assert format_long_date(date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"
    assert format_long_date(date(2026, 12, 25)) == "ngày 25 tháng 12 năm 2026"
    utc_evening = datetime(2026, 11, 19, 18, 5, tzinfo=ZoneInfo("UTC"))
    assert format_time(utc_evening) == "01 giờ 05 phút, ngày 20/11/2026"


def test_header_date_uses_issue_date_with_zeros() -> None:
    req = replace(sample_form_request(), issued_at=datetime(2026, 2, 3, 8, 0, tzinfo=VN_TZ), number="")
    text = all_text(render_form(req))
    assert "Quảng Phú, ngày 03 tháng 02 năm 2026" in text
    assert "Số: ……/TTPVHCC" in text


# ---------------------------------------------------------------- tracking book (§2.8)


def test_book_is_landscape_paginated_with_repeated_header_and_page_numbers() -> None:
    req = sample_book_request(60)
    pdf = render_book(req)
    sizes = page_sizes(pdf)
    assert len(sizes) >= 3
    assert all(w > h and (w, h) == pytest.approx((A4_PT[1], A4_PT[0]), abs=1) for w, h in sizes)
    texts = pages_text(pdf)
    for number, text in enumerate(texts, start=1):
        assert f"Trang {number}/{len(texts)}" in text
        for column in (
            "STT",
            "Mã hồ sơ",
            "Tên TTHC",
            "Tên tổ chức, cá nhân",
            "Địa chỉ/SĐT",
            "Cơ quan chủ trì giải quyết",
            "Nhận và trả kết quả",
            "Nhận hồ sơ",
            "Hẹn trả kết quả",
            "Trả kết quả",
            "Phương thức nhận kết quả",
            "Ký nhận",
        ):
            assert column in text, (number, column)
    whole = " ".join(texts)
    assert_in_order(
        whole,
        [
            *HEADER[:2],
            "Số: ……/STD-TTPVHCC",
            "SỔ THEO DÕI HỒ SƠ",
            "Lĩnh vực: Hộ tịch",
            "Từ ngày 01/11/2026 đến ngày 30/11/2026",
        ],
    )
    for dossier in req.dossiers:
        assert dossier.code in whole
        assert dossier.applicant.full_name in whole
    assert "Qua dịch vụ bưu chính công ích" in whole


def test_book_keeps_only_the_field_and_period() -> None:
    req = sample_book_request(6)
    other_field = replace(
        req.dossiers[0], code="H56.14-261103-019998", procedure=replace(req.dossiers[0].procedure, field="Chứng thực")
    )
    too_late = replace(
        req.dossiers[1], code="H56.14-261201-019999", received_at=datetime(2026, 12, 1, 8, 0, tzinfo=VN_TZ)
    )
    text = all_text(render_book(replace(req, dossiers=(*req.dossiers, other_field, too_late))))
    assert "H56.14-261103-019998" not in text and "H56.14-261201-019999" not in text
    assert all(d.code in text for d in req.dossiers)
    everything = all_text(render_book(replace(req, field="", dossiers=(*req.dossiers, other_field))))
    assert "H56.14-261103-019998" in everything and "Tất cả các lĩnh vực" in everything


def test_empty_book_says_so() -> None:
    text = all_text(render_book(replace(sample_book_request(0))))
    assert "Không có hồ sơ trong kỳ." in text and "Trang 1/1" in text


def test_book_wraps_long_names() -> None:
    req = sample_book_request(2)
    long_person = Person(full_name="Nguyễn Thị " + "Phương " * 15 + "Thảo", address="Thôn " + "Đông " * 40)
    dossiers = (replace(req.dossiers[0], applicant=long_person), *req.dossiers[1:])
    text = all_text(render_book(replace(req, dossiers=dossiers)))
    assert squash(long_person.full_name) in text


# ---------------------------------------------------------------- codes (QR, Code128)

needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbarimg (zbar-tools) and pdftoppm (poppler-utils) are needed to decode the codes; CI installs them",
)


def decode(pdf: bytes, tmp_path: Path, symbology: str) -> list[str]:
    """Rasterise page 1 at 200 dpi and return what zbarimg reads for one symbology (stderr dbus noise ignored)."""
    pdf_path = tmp_path / "form.pdf"
    pdf_path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(pdf_path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    png = sorted(tmp_path.glob("page*.png"))[0]
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", f"-S{symbology}.enable", str(png)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return [line for line in done.stdout.splitlines() if line.strip()]


@needs_zbar
@pytest.mark.parametrize("variant", ["plain", "long", "a5", "no-url"])
def test_barcode_and_qr_decode_back(tmp_path: Path, variant: str) -> None:
    req = sample_form_request(
        long=variant == "long", representative=variant == "long", page_size="A5" if variant == "a5" else "A4"
    )
    if variant == "no-url":
        req = replace(req, office=replace(req.office, lookup_url=""))
    pdf = render_form(req)
    for sub in ("bar", "qr"):
        (tmp_path / sub).mkdir()
    assert decode(pdf, tmp_path / "bar", "code128") == [CODE]
    qr = decode(pdf, tmp_path / "qr", "qrcode")
    assert qr == [lookup_payload(req.office, req.dossier)]
    assert CODE in qr[0]


# ---------------------------------------------------------------- speed


def test_a_reprinted_receipt_still_names_the_receiving_officer() -> None:
    req = replace(sample_form_request(), officer_name="Trần Thị Lan")
    text = all_text(render_form(req))
    assert_in_order(text, ["NGƯỜI TIẾP NHẬN HỒ SƠ", "Nguyễn Văn Hùng"])
    assert "Trần Thị Lan" not in text
