"""Forms service: a committed dossier's receipt is archived as PDF, every print is logged, a bad printer loses nothing."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from onestop.domain import FormKind
from onestop.errors import PrinterUnavailable
from onestop.printing import ReceiptsRenderer
from onestop.services import Services


def install(services: Services) -> Services:
    """The same services with the real form renderer (the fixture's have none)."""
    return Services(services.engine, services.settings, services.db_path, ReceiptsRenderer())


def _text(path) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(str(path)).pages)


def test_receipt_is_archived_and_logged(services, make_dossier) -> None:
    services = install(services)
    d = make_dossier()
    outcome = services.forms.issue_receipt(d.code, "canbo", print_it=False)
    assert outcome.pdf_path.exists() and outcome.pdf_path.stat().st_mode & 0o777 == 0o600
    text = " ".join(_text(outcome.pdf_path).split())
    assert d.code in text and "Đặng Thị Ánh" in text and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    with services.engine.connect() as conn:
        forms = conn.exec_driver_sql("SELECT form, status, officer FROM printed_form").fetchall()
        audit = [r[0] for r in conn.exec_driver_sql("SELECT action FROM audit_entry WHERE dossier_code = ?", (d.code,))]
    assert forms == [("receipt", "archived", "canbo")]
    assert "form.render" in audit


def test_failed_print_keeps_dossier_and_pdf(services, make_dossier) -> None:
    services = install(services)
    d = make_dossier()
    outcome = services.forms.issue(d.code, FormKind.RECEIPT, officer="canbo", printer="KHONG-CO-MAY-IN")
    assert not outcome.printed and outcome.pdf_path.exists() and outcome.message
    with services.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT status FROM printed_form").scalar_one() == "failed"
        assert conn.exec_driver_sql("SELECT count(*) FROM dossier").scalar_one() == 1


def test_other_forms_carry_the_reason(services, make_dossier) -> None:
    services = install(services)
    d = make_dossier()
    outcome = services.forms.issue(
        d.code, FormKind.REJECTION, officer="canbo", print_it=False, reason="Hồ sơ không thuộc thẩm quyền của xã"
    )
    assert "Hồ sơ không thuộc thẩm quyền của xã" in " ".join(_text(outcome.pdf_path).split())


def test_without_renderer_the_officer_is_told(services, make_dossier) -> None:
    d = make_dossier()
    with pytest.raises(PrinterUnavailable):
        services.forms.issue_receipt(d.code, "canbo")
