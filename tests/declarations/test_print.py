"""The printed tờ khai: `onestop receipt CODE --form declaration`, checked by the PDF's extracted text."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from tests.declarations.conftest import FILLED, run
from tests.declarations.test_service import draft


def pdf_text(path) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(open(path, "rb").read()))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages), len(reader.pages)


@pytest.mark.parametrize("procedure", sorted(FILLED))
def test_printed_declaration_has_the_official_layout(services, applicant, db_path, config_path, tmp_path, procedure):
    form, values = FILLED[procedure]
    d = services.intake.save(draft(applicant, procedure, dict(values)), "canbo")
    out = tmp_path / f"{form}.pdf"
    done = run(
        db_path,
        config_path,
        "receipt",
        d.code,
        "--form",
        "declaration",
        "--out",
        str(out),
        "--officer",
        "canbo",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["form"] == "declaration"
    text, pages = pdf_text(out)
    assert pages == 1, f"{form} printed on {pages} pages"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Kính gửi: Ủy ban nhân dân xã Quảng Phú" in text
    assert "Làm tại: Xã Quảng Phú, ngày 20 tháng 11 năm 2026" in text
    assert "(Ký, ghi rõ họ, chữ đệm, tên)" in text
    if procedure == "1.001193":
        assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in text
        assert "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:" in text
        assert "Người được khai sinh" in text and "Lê Minh Khang" in text and "15/03/2026" in text
        assert "Họ, chữ đệm, tên người mẹ: Đặng Thị Ánh" in text and "Lê Văn Dũng" in text
        assert "Dân tộc: Kinh" in text and "Quốc tịch: Việt Nam" in text
        assert "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật" in text
        assert "Đề nghị cấp bản sao: Có [X]" in text and "02 bản" in text
        assert "Người yêu cầu" in text
    if procedure == "1.000656":
        assert "TỜ KHAI ĐĂNG KÝ KHAI TỬ" in text and "Nguyễn Văn Tư" in text and "Nguyên nhân chết: Già yếu" in text
    if procedure == "1.000894":
        assert "TỜ KHAI ĐĂNG KÝ KẾT HÔN" in text and "Bên nữ" in text and "Bên nam" in text
        assert "Trịnh Quốc Bảo" in text and "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật" in text
    if procedure == "2.000635":
        assert "Tôi cam đoan" not in text  # UNSOURCED for this form: not printed


def test_receipt_declaration_refused_without_a_declaration(services, make_dossier, db_path, config_path):
    d = make_dossier()
    done = run(db_path, config_path, "receipt", d.code, "--form", "declaration", "--officer", "canbo")
    assert done.returncode == 2 and "không có tờ khai điện tử" in done.stderr
