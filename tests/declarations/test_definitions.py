"""The shipped definitions: Form.io as another reader sees it (formio-data), provenance, lists, dates."""

from __future__ import annotations

import json
from datetime import date, datetime
from importlib import resources

import pytest

from onestop.declarations.definition import parse_definition
from onestop.declarations.lists import choice_list
from onestop.declarations.rules import date_in_words, number_words, parse_date
from onestop.declarations.service import shipped_definitions
from onestop.declarations.values import validate_values
from onestop.domain import VN_TZ
from onestop.errors import BadInput

SHIPPED = sorted(p.name for p in (resources.files("onestop") / "data" / "forms").iterdir() if p.name.endswith(".json"))


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_forms_read_the_same_in_formio_data(name):
    """formio-data (the maintained Python reader of Form.io JSON) recognises every component with its own class and
    sees the same input keys and labels, so the definitions are plain Form.io, not an onestop dialect."""
    from formiodata.builder import Builder
    from formiodata.components.component import Component

    raw = json.loads((resources.files("onestop") / "data" / "forms" / name).read_text(encoding="utf-8"))
    ours = parse_definition(raw)
    builder = Builder(raw)
    theirs = {c.key: c for c in builder.components_path_key.values()}
    for f in ours.fields:
        assert f.key in theirs, f.key
        comp = theirs[f.key]
        assert type(comp) is not Component, f"{f.key}: formio-data fell back to the base component"
        assert comp.label == f.label and bool(comp.required) == f.required


def test_every_field_keeps_its_evidence_and_no_unsourced_row_is_built():
    for defn in shipped_definitions():
        for f in defn.fields:
            assert f.evidence, (defn.name, f.key)
            assert "UNSOURCED" not in f.evidence, (defn.name, f.key)
        assert defn.procedures or defn.name == "to-khai-nhan-cha-me-con"


def test_portal_ids_are_the_keys_where_known():
    birth = next(d for d in shipped_definitions() if d.name == "to-khai-khai-sinh")
    for key in (
        "HoTenKS",
        "NgaySinhChon",
        "GioiTinhKS",
        "DanTocKS",
        "QuocTichKS",
        "HoTenMeKS",
        "NamSinhMeKS",
        "SoDinhDanhMe",
        "HoTenChaKS",
        "CapBanSao",
        "SoLuong",
        "HoVaTenC",
        "QuanHe",
    ):
        assert birth.field(key).portal_id, key
    marriage = next(d for d in shipped_definitions() if d.name == "to-khai-ket-hon")
    assert marriage.field("HoTenBenNam").portal_id and marriage.field("SoLanKetHon_BenNam").type == "number"


def test_lists():
    ethnic = choice_list("dan-toc")
    assert len(ethnic) == 54 and ethnic[0] == ("01", "Kinh") and ethnic[-1] == ("54", "Rơ-măm")
    assert len({label for _, label in ethnic}) == 54
    assert ("VN", "Việt Nam") in choice_list("quoc-tich")
    assert ("MeDe", "Mẹ") in choice_list("quan-he")


def test_dates():
    assert parse_date("15031990") == (date(1990, 3, 15), 1990)
    assert parse_date("5/3/1990") == (date(1990, 3, 5), 1990)
    assert parse_date("1990", year_only=True) == (None, 1990)
    with pytest.raises(ValueError, match="missing"):
        parse_date("29/02/2025")
    with pytest.raises(ValueError, match="format"):
        parse_date("1990")
    assert number_words(2026) == "hai nghìn không trăm hai mươi sáu"
    assert number_words(2015) == "hai nghìn không trăm mười lăm"
    assert number_words(1994) == "một nghìn chín trăm chín mươi tư"
    assert number_words(2001) == "hai nghìn không trăm lẻ một"
    assert number_words(21) == "hai mươi mốt"
    assert date_in_words(date(2026, 3, 15)) == "Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu"


def test_json_logic_conditions():
    marital = next(d for d in shipped_definitions() if d.name == "to-khai-xac-nhan-tinh-trang-hon-nhan")
    base = {"HoVaTenC": "A", "HoVaTenC1": "A", "NgaySinhC1": "01/01/1990", "mucdich": "Kết hôn", "KinhGui": "UBND"}
    now = datetime(2026, 11, 20, 9, tzinfo=VN_TZ)
    single = validate_values(
        marital, dict(base, TinhTrangHonNhanC1="1", voChongHoTen="X"), registered_on=now.date(), now=now
    )
    assert "voChongHoTen" not in single  # hidden by JSON Logic
    married = validate_values(
        marital,
        dict(base, TinhTrangHonNhanC1="Hiện tại đang có vợ/chồng", voChongHoTen="X"),
        registered_on=now.date(),
        now=now,
    )
    assert married["TinhTrangHonNhanC1"] == "2" and married["voChongHoTen"] == "X"
    with pytest.raises(BadInput, match="Mục đích"):
        validate_values(
            marital,
            {k: v for k, v in base.items() if k != "mucdich"} | {"TinhTrangHonNhanC1": "1"},
            registered_on=now.date(),
            now=now,
        )
