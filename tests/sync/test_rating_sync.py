"""A satisfaction rating reaches the provincial server as DanhGiaHaiLong in a newer dossier.upsert."""

from __future__ import annotations

from onestop.domain import Status
from tests.sync.conftest import assert_mirrored


def test_rating_goes_upstream(counter01, province, receive):
    d = receive(counter01)
    counter01.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo")
    counter01.dossiers.result_ready(d.code, "canbo")
    counter01.sync.run_once()
    counter01.ratings.rate(d.code, 3, actor="canbo", reason="Phải đi lại nhiều lần", comment="Chờ lâu", via="paper")
    report = counter01.sync.run_once()
    assert report.complete and report.rejected == 0 and report.conflicts == 0, report
    up = {x["uuid"]: x for x in province.store.dump(with_payload=True)["dossiers"]}[d.uuid]
    rating = up["payload"]["DanhGiaHaiLong"]
    assert rating["DanhGia"] == 3 and rating["KhongDanhGia"] == 0
    assert rating["LyDo"] == "Phải đi lại nhiều lần" and rating["NoiDungDanhGia"] == "Chờ lâu"
    assert rating["HinhThucDanhGia"] == "paper" and len(rating["ThoiGianDanhGia"]) == 14
    assert up["payload"]["PhienBan"] >= 2
    assert up["status"] == Status.RESULT_READY.national_code  # an upsert never changes the status
    assert_mirrored(counter01, province.store)
