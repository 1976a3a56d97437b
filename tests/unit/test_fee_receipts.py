"""Fee receipts: the next number of the configured series on each paid dossier; paper receipts to reconcile."""

from __future__ import annotations

import json

import pytest

from onestop.errors import BadInput, Conflict, PermissionDenied
from tests.trust.conftest import run_cli


def test_series_numbers_each_paid_dossier(services, make_dossier) -> None:
    unnumbered = make_dossier()  # no series yet: nothing invented
    assert services.dossiers.peek(unnumbered.code).payments[0].receipt_number == ""
    with pytest.raises(PermissionDenied):
        services.fee_receipts.set_series("AA/26P", "01", 120, actor="canbo")
    services.fee_receipts.set_series("AA/26P", "01", 120, actor="lanhdao")
    first, second = make_dossier(), make_dossier()
    assert first.payments[0].receipt_number == "Ký hiệu AA/26P, quyển 01, số 0000120"
    assert services.dossiers.peek(second.code).payments[0].receipt_number == "Ký hiệu AA/26P, quyển 01, số 0000121"
    free = make_dossier("1.001193")  # no fee, no receipt, no number used
    assert free.payments[0].receipt_number == ""
    assert services.fee_receipts.series().next_number == 122
    with services.engine.connect() as conn:
        payload = conn.exec_driver_sql(
            "SELECT payload FROM outbox_item WHERE kind = 'dossier.upsert' AND dossier_code = ?", (first.code,)
        ).scalar_one()
    assert json.loads(payload)["DanhSachLePhi"][0]["BienLai"] == "Ký hiệu AA/26P, quyển 01, số 0000120"


def test_paper_receipt_and_reconciliation(services, make_dossier, db_path, config_path) -> None:
    d = make_dossier()
    with pytest.raises(BadInput):
        services.fee_receipts.record_paper(d.code, " ", actor="canbo")
    with pytest.raises(Conflict):
        services.fee_receipts.record_paper(make_dossier("1.001193").code, "0042", actor="canbo")
    services.fee_receipts.record_paper(d.code, "0042", actor="canbo")
    assert services.dossiers.peek(d.code).payments[0].receipt_number == "Biên lai giấy số 0042"
    assert [(r.dossier_code, r.paper_number) for r in services.fee_receipts.unreconciled()] == [(d.code, "0042")]

    def cli(*args: str):  # type: ignore[no-untyped-def]
        from tests.conftest import login_for

        login_for(db_path, args)  # the officer named by --officer logs in first (`onestop login`)
        return run_cli([*args, "--db", str(db_path), "--config", str(config_path)], "")

    listed = cli("fee", "unreconciled", "--json")
    assert listed.code == 0 and json.loads(listed.stdout) == [{"code": d.code, "paper_number": "0042"}]
    assert cli("fee", "series", "--symbol", "BB/26P", "--officer", "canbo").code != 0
    assert cli("fee", "series", "--symbol", "BB/26P", "--book", "02", "--officer", "lanhdao").code == 0
    shown = json.loads(cli("fee", "series", "--json", "--officer", "lanhdao").stdout)
    assert shown == {"symbol": "BB/26P", "book": "02", "next": 1}
    assert cli("fee", "paper", d.code, "--number", "0043", "--officer", "canbo").code == 0
    assert json.loads(cli("dossier", "show", d.code, "--json").stdout)["payments"][0]["receipt_number"] == (
        "Biên lai giấy số 0043"
    )
