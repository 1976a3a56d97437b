"""A paper receipt recorded at intake while the provincial payment system is down (IntakeDraft.paper_receipt)."""

from __future__ import annotations

import pytest

from onestop.errors import BadInput


def test_paper_receipt_takes_no_number_from_the_series(services, make_dossier) -> None:
    services.fee_receipts.set_series("AA/26P", "01", 7, actor="lanhdao")
    d = make_dossier("2.000815", fee_vnd=2000, paper_receipt="  BL 15 ")
    assert d.payments[0].receipt_number == "Biên lai giấy số BL 15"
    assert services.dossiers.peek(d.code).payments[0].receipt_number == "Biên lai giấy số BL 15"
    assert services.fee_receipts.series().next_number == 7
    e = make_dossier("2.000815", fee_vnd=2000)  # the system is back: the series goes on where it was
    assert e.payments[0].receipt_number == "Ký hiệu AA/26P, quyển 01, số 0000007"


def test_a_paper_receipt_without_a_fee_is_refused_and_nothing_is_written(services, make_dossier) -> None:
    with pytest.raises(BadInput) as refused:
        make_dossier("1.001193", fee_vnd=0, paper_receipt="BL 15")
    assert refused.value.field == "paper_receipt"
    with services.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM dossier").scalar_one() == 0
