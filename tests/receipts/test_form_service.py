"""The forms service and `onestop receipt --form X` refuse a form the dossier's state does not allow (Vietnamese
message, exit 2, nothing archived), sign Mẫu 04/05 with the configured leader and number the receipt by its book."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from onestop.domain import FormKind
from onestop.errors import BadInput, ConfigError
from tests.receipts.cli_helpers import onestop, receive

LEADER = {"name": "Lê Minh Tuấn", "title": "Chủ tịch", "authority": ""}
COMMUNE = {"name": "Xã Quảng Phú", "agency_code": "H56.14", "province": "Thanh Hóa", "counter": "01"}


@pytest.fixture
def renderer():
    """The services of this module draw real PDFs."""
    from onestop.printing import ReceiptsRenderer

    return ReceiptsRenderer()


@pytest.fixture
def settings():
    from onestop.config import parse_settings

    return parse_settings({"commune": {**COMMUNE, "phone": "0237 3812 345"}, "leader": LEADER})


def text_of(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "") for page in PdfReader(str(path)).pages).split())


def archived(services) -> int:  # type: ignore[no-untyped-def]
    with services.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM printed_form").scalar_one())


def test_apology_is_refused_for_a_dossier_that_is_not_late(services, make_dossier) -> None:
    d = make_dossier()
    with pytest.raises(BadInput) as refused:
        services.forms.issue(d.code, FormKind.APOLOGY, officer="canbo", print_it=False)
    assert "chưa quá hạn" in refused.value.message and refused.value.exit_code == 2
    assert archived(services) == 0


def test_recorded_apology_prints_signed_by_the_leader_with_the_new_date(services, make_dossier) -> None:
    d = make_dossier()
    new_due = d.due_at + timedelta(days=3)
    services.dossiers.apologise(d.code, new_due, "Chờ xác minh của cơ quan cấp trên", "canbo")
    outcome = services.forms.issue(d.code, FormKind.APOLOGY, officer="canbo", print_it=False)
    text = text_of(outcome.pdf_path)
    assert "Mẫu số 04" in text and "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert "Lý do: Chờ xác minh của cơ quan cấp trên" in text
    assert f"{new_due:%H} giờ {new_due:%M} phút, ngày {new_due:%d/%m/%Y}" in text
    assert "CHỦ TỊCH" in text and "Lê Minh Tuấn" in text
    assert "Nguyễn Thị Lan" not in text, "the counter officer (canbo) does not sign the apology"


def test_stop_notice_is_refused_for_a_rejected_dossier_and_signed_by_the_leader_once_stopped(
    services, make_dossier
) -> None:
    rejected, stopped = make_dossier(), make_dossier()
    services.dossiers.reject(rejected.code, "Không thuộc thẩm quyền", "canbo")
    with pytest.raises(BadInput, match="không được tiếp nhận"):
        services.forms.issue(rejected.code, FormKind.STOP, officer="canbo", print_it=False)
    services.dossiers.stop(stopped.code, "Người nộp đề nghị dừng", "canbo")
    text = text_of(services.forms.issue(stopped.code, FormKind.STOP, officer="canbo", print_it=False).pdf_path)
    assert "Mẫu số 05" in text and "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and "Lê Minh Tuấn" in text
    assert "Lý do: Người nộp đề nghị dừng" in text and "Nguyễn Thị Lan" not in text
    assert archived(services) == 1


def test_control_sheet_names_officers_and_receipt_number_names_its_book(services, make_dossier) -> None:
    d = make_dossier()
    services.dossiers.transition(d.code, d.status.__class__("in_progress"), actor="lanhdao")
    control = text_of(services.forms.issue(d.code, FormKind.CONTROL, officer="canbo", print_it=False).pdf_path)
    assert "Cán bộ: Nguyễn Thị Lan" in control and "Cán bộ: Trần Văn Hùng" in control
    assert "Cán bộ: canbo" not in control and "Cán bộ: lanhdao" not in control
    receipt = text_of(services.forms.issue_receipt(d.code, "canbo", print_it=False).pdf_path)
    field = d.procedure.field
    assert f"Số: {d.book_number:02d}/TTPVHCC" in receipt
    assert f"Số thứ tự trong sổ lĩnh vực {field}, quyển {d.book_volume}" in receipt


# ---------------------------------------------------------------- config keys


def test_leader_and_lookup_url_config_is_validated_in_vietnamese() -> None:
    from onestop.config import DEFAULT_LOOKUP_URL, parse_settings, settings_to_toml

    ok = parse_settings({"commune": COMMUNE, "leader": {**LEADER, "authority": "kt. chủ tịch"}})
    assert (ok.office.leader_name, ok.office.leader_title, ok.office.leader_authority) == (
        "Lê Minh Tuấn",
        "CHỦ TỊCH",
        "KT. CHỦ TỊCH",
    )
    assert ok.office.lookup_url == DEFAULT_LOOKUP_URL
    assert 'name = "Lê Minh Tuấn"' in settings_to_toml(ok)
    assert parse_settings({"commune": {**COMMUNE, "lookup_url": ""}}).office.lookup_url == ""
    bad = [
        ({"leader": {"name": "Lê Minh Tuấn"}}, "leader.title", "thiếu khóa"),
        ({"leader": {"title": "Chủ tịch"}}, "leader.name", "thiếu khóa"),
        ({"leader": {**LEADER, "authority": "Thay mặt"}}, "leader.authority", "TM., KT."),
        ({"leader": {**LEADER, "name": "12345"}}, "leader.name", "họ và tên"),
        ({"commune": {**COMMUNE, "lookup_url": "motcua.gov.vn/tra cuu"}}, "commune.lookup_url", "http"),
    ]
    for extra, key, words in bad:
        with pytest.raises(ConfigError) as error:
            parse_settings({"commune": COMMUNE, **extra})
        assert error.value.field == key and words in error.value.message, error.value.message


# ---------------------------------------------------------------- the command line


def test_cli_refuses_a_form_the_state_does_not_allow_with_exit_2(workstation: dict[str, str]) -> None:
    env = workstation
    code = receive(env)
    refused = onestop(env, "receipt", code, "--form", "apology", "--officer", "admin")
    assert refused.returncode == 2, refused.stderr
    assert "chưa quá hạn" in refused.stderr and "Traceback" not in refused.stderr
    done = onestop(
        env, "dossier", "transition", code, "--to", "rejected", "--reason", "Sai thẩm quyền", "--officer", "admin"
    )
    assert done.returncode == 0, done.stderr
    stop = onestop(env, "receipt", code, "--form", "stop", "--officer", "admin")
    assert stop.returncode == 2 and "không được tiếp nhận" in stop.stderr
    rejection = onestop(env, "receipt", code, "--form", "rejection", "--officer", "admin", "--json")
    assert rejection.returncode == 0, rejection.stderr
    text = text_of(Path(json.loads(rejection.stdout)["pdf"]))
    assert "Mẫu số 03" in text and "Sai thẩm quyền" in text
    assert os.path.exists(json.loads(rejection.stdout)["pdf"])


def test_report_pdfs_are_signed_by_their_preparer_and_the_leader(services, make_dossier, tmp_path: Path) -> None:
    d = make_dossier()
    day = d.received_at.date()
    reports = services.reports
    month = reports.monthly(f"{day:%Y-%m}", actor="lanhdao")
    assert month.prepared_by == "Trần Văn Hùng"
    monthly = text_of(reports.write_monthly(month, "pdf", tmp_path / "m.pdf", actor="lanhdao"))
    assert "NGƯỜI LẬP BIỂU (Ký và ghi rõ họ tên) Trần Văn Hùng" in monthly
    assert "CHỦ TỊCH (Ký, ghi rõ họ tên và đóng dấu) Lê Minh Tuấn" in monthly
    dossiers = reports.book(day, day, actor="lanhdao")
    book = text_of(reports.write_book(dossiers, day, day, tmp_path / "s.pdf", actor="lanhdao"))
    assert "Mẫu số 07" in book and d.code in book
    assert "NGƯỜI LẬP SỔ (Ký và ghi rõ họ tên) Trần Văn Hùng" in book and "Lê Minh Tuấn" in book
    assert "Quảng Phú, ngày" in book
