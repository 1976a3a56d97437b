"""The declaration travels upstream in the dossier payload, is stored by the real reference server, and comes back
down the change feed to another counter (and for a dossier submitted online)."""

from __future__ import annotations

from tests.declarations.conftest import BIRTH, DEATH
from tests.declarations.test_service import draft
from tests.sync.conftest import AGENCY, assert_mirrored, make_counter


def test_declaration_reaches_the_server_and_the_other_counter(tmp_path, province, applicant):
    c1 = make_counter(tmp_path, "01", province.url, province.token("01"))
    c2 = make_counter(tmp_path, "02", province.url, province.token("02"))
    try:
        d = c1.intake.save(draft(applicant, "1.001193", dict(BIRTH)), "canbo")
        assert c1.sync.run_once().complete
        assert_mirrored(c1, province.store)
        upstream = {x["uuid"]: x for x in province.store.dump(with_payload=True)["dossiers"]}[d.uuid]
        tk = upstream["payload"]["ToKhai"]
        assert tk["MaMau"] == "to-khai-khai-sinh" and tk["PhienBan"] == 1
        assert tk["DuLieu"]["HoTenKS"] == "Lê Minh Khang" and tk["DuLieu"]["NgaySinhChon"] == "15/03/2026"
        assert {p["VaiTro"]: p["HoTen"] for p in tk["NguoiDuocKhai"]}["child"] == "Lê Minh Khang"
        # counter 02 pulls it: same declaration, and finds it by the child's name
        assert c2.sync.run_once().complete
        there = c2.dossiers.peek(d.code)
        assert there.declaration is not None
        assert there.declaration.values == d.declaration.values
        assert there.declaration.form == "to-khai-khai-sinh" and there.declaration.version == 1
        assert {i.code for i in c2.search.search("le minh khang").items} == {d.code}
    finally:
        for c in (c1, c2):
            c.sync.close()
            c.close()


def test_online_submission_with_a_declaration_comes_down(counter01, province):
    from onestop.declarations.service import wire
    from onestop.domain import Declaration

    values = dict(DEATH, NgayMat="02/11/2026", HoVaTenC="Nguyễn Văn Hải")
    declaration = Declaration(
        "to-khai-khai-tu",
        1,
        values,
        "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
        ({"person": "deceased", "name": "Nguyễn Văn Tư", "id_number": "038041000111", "birth": "1941"},),
    )
    snap = province.store.submit_online(
        AGENCY,
        {
            "MaTTHC": "1.000656",
            "TenTTHC": "Thủ tục đăng ký khai tử",
            "ChuHoSo": "Nguyễn Văn Hải",
            "ChuHoSoChiTiet": {"HoTen": "Nguyễn Văn Hải", "SoDinhDanh": "038070001234", "NgaySinh": "01011970"},
            "TaiLieuNop": [{"TenTaiLieu": "Tờ khai", "LoaiBan": "original", "SoLuong": 1}],
            "ToKhai": wire(declaration),
        },
    )
    report = counter01.sync.run_once()
    assert report.pulled_inserted == 1
    local = counter01.dossiers.peek(snap["MaHoSo"])
    assert local.declaration is not None and local.declaration.values["HoTen"] == "Nguyễn Văn Tư"
    assert {i.code for i in counter01.search.search("nguyen van tu").items} == {local.code}
