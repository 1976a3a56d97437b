"""The catalog: shipped list intact, type-ahead folding, versioned imports that never rewrite old dossiers."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from onestop.errors import BadInput, NotFound
from tests.conftest import new_contract_version


def test_shipped_catalog_has_all_procedures_nfc(services) -> None:
    procedures = services.catalog.list()
    assert len(procedures) == 34
    birth = services.catalog.get("1.001193")
    assert birth.name == "Thủ tục đăng ký khai sinh"
    assert birth.cutoff is not None and birth.deadline_text == "Trong ngày"
    assert all(unicodedata.is_normalized("NFC", p.name) for p in procedures)
    assert all(p.source for p in procedures)  # every entry keeps its source note


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("khai sinh", "1.001193"),
        ("chung thuc ban sao", "2.000815"),
        ("2.000815", "2.000815"),
        ("KẾT HÔN", "1.000894"),
        ("ho tich trich luc", "2.000635"),
    ],
)
def test_type_ahead_ignores_accents_and_case(services, query, code) -> None:
    assert code in [p.code for p in services.catalog.search(query)[:3]]


def test_import_creates_new_version_and_old_dossier_keeps_its_rules(services, make_dossier, tmp_path: Path) -> None:
    before = make_dossier("2.001035")
    path = new_contract_version(tmp_path)
    version = services.catalog.import_file(path, actor="admin")
    assert version > before.procedure.version
    assert services.catalog.get("2.001035").fee_vnd == 60000
    old = services.catalog.get("2.001035", version=before.procedure.version)
    assert old.fee_vnd == 50000 and old.deadline_amount == 2
    with pytest.raises(BadInput, match="không còn hiệu lực"):
        services.catalog.get("1.001193")  # not in the new full list
    assert services.intake  # the saved dossier still points at the old version
    from db.engine import session_scope
    from onestop.services.records import find_row, to_domain

    with session_scope(services.engine) as s:
        assert to_domain(s, find_row(s, before.code)).procedure.fee_vnd == 50000


def test_csv_import_and_bad_files(services, tmp_path: Path) -> None:
    csv_path = tmp_path / "tinh.csv"
    csv_path.write_text(
        "code,name,field,deadline_amount,deadline_unit,cutoff,fee_vnd,documents\n"
        "2.000815,Chứng thực bản sao,Chứng thực,0,same_day,15:00,2000,Bản chính:original:1\n",
        encoding="utf-8",
    )
    services.catalog.import_file(csv_path, actor="admin", merge=True)
    assert services.catalog.get("2.000815").name == "Chứng thực bản sao"
    assert services.catalog.get("1.001193")  # merge keeps the others
    for content, message in (
        ("{", "JSON"),
        ("[]", "không có thủ tục"),
        ('[{"code": "x y", "name": "a"}]', "mã thủ tục"),
        ('[{"code": "1.1", "name": "a", "fee_vnd": "abc"}]', "lệ phí"),
    ):
        bad = tmp_path / "bad.json"
        bad.write_text(content, encoding="utf-8")
        with pytest.raises(BadInput, match=message):
            services.catalog.import_file(bad, actor="admin")
    with pytest.raises(NotFound):
        services.catalog.import_file(tmp_path / "missing.json", actor="admin")
    with pytest.raises(NotFound):
        services.catalog.get("9.999999")


def test_khai_sinh_ranks_the_ordinary_birth_registration_first(services):
    """Issue 15: 'khai sinh' put 'khai sinh kết hợp nhận cha, mẹ, con' first; the ordinary one is the tightest match."""
    codes = [p.code for p in services.catalog.search("khai sinh")]
    assert codes[0] == "1.001193"
    assert set(codes[1:]) >= {"1.000689", "1.004884"}
    assert services.catalog.search("dang ky khai sinh")[0].code == "1.001193"
    assert services.catalog.search("1.000689")[0].code == "1.000689"


def test_the_search_learns_what_this_counter_receives_most(services, make_dossier):
    """A counter that mostly re-registers births (đăng ký lại khai sinh) finds that one first."""
    assert services.catalog.search("khai sinh")[0].code == "1.001193"
    for _ in range(3):
        make_dossier("1.004884", fee_vnd=0)
    make_dossier("1.001193")
    assert services.catalog.search("khai sinh")[0].code == "1.004884"
    assert services.catalog.search("dang ky khai sinh")[0].code == "1.001193"  # an exact name still wins
