"""Satisfaction ratings: stored with the dossier, audited, queued for the province, and the CLI `dossier rate`."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from db import models
from db.engine import session_scope
from onestop.errors import BadInput
from tests.trust.conftest import run_cli


def _cli(db_path, config_path, *args: str):  # type: ignore[no-untyped-def]
    from tests.conftest import login_for

    login_for(db_path, args)  # the officer named by --officer logs in first (`onestop login`)
    return run_cli([*args, "--db", str(db_path), "--config", str(config_path)], "")


def _upserts(services, uuid: str) -> list[dict]:
    with session_scope(services.engine) as s:
        rows = s.exec(
            select(models.OutboxItem)
            .where(models.OutboxItem.dossier_uuid == uuid, models.OutboxItem.kind == "dossier.upsert")
            .order_by(models.OutboxItem.id)
        ).all()
        return [json.loads(r.payload) for r in rows]


def test_rate_stores_audits_and_queues(services, make_dossier) -> None:
    d = make_dossier()
    assert _upserts(services, d.uuid)[0]["DanhGiaHaiLong"] is None
    r = services.ratings.rate(d.code, 2, actor="canbo", comment="Cán bộ nhiệt tình", reason="ignored when satisfied")
    assert (r.level, r.label, r.reason, r.comment, r.via) == (2, "Hài lòng", "", "Cán bộ nhiệt tình", "screen")
    assert services.dossiers.peek(d.code).rating == r
    payloads = _upserts(services, d.uuid)
    assert len(payloads) == 2 and payloads[-1]["PhienBan"] == 2
    assert payloads[-1]["DanhGiaHaiLong"]["DanhGia"] == 2
    declined = services.ratings.rate(d.code, None, actor="canbo", declined=True)
    assert declined.label == "Không đánh giá" and declined.level is None and not declined.satisfied
    assert _upserts(services, d.uuid)[-1]["DanhGiaHaiLong"]["KhongDanhGia"] == 1
    details = [e.detail for e in services.audit.entries(dossier_code=d.code) if e.action == "dossier.rate"]
    assert sorted(details) == ["Hài lòng (screen)", "thay đánh giá; Không đánh giá (screen)"]  # newest first


@pytest.mark.parametrize("level", [0, 4, -1])
def test_bad_level_writes_nothing(services, make_dossier, level) -> None:
    d = make_dossier()
    with pytest.raises(BadInput):
        services.ratings.rate(d.code, level, actor="canbo")
    assert services.dossiers.peek(d.code).rating is None
    assert len(_upserts(services, d.uuid)) == 1


def test_cli_dossier_rate(services, make_dossier, db_path, config_path) -> None:
    d = make_dossier()
    bad = _cli(db_path, config_path, "dossier", "rate", d.code, "--level", "4", "--officer", "canbo")
    assert bad.code == 2 and "Mức đánh giá" in bad.output
    missing = _cli(db_path, config_path, "dossier", "rate", d.code, "--officer", "canbo")
    assert missing.code == 2
    assert services.dossiers.peek(d.code).rating is None
    ok = _cli(
        db_path,
        config_path,
        "dossier",
        "rate",
        d.code,
        "--level",
        "1",
        "--comment",
        "Nhanh gọn",
        "--officer",
        "canbo",
        "--json",
    )
    assert ok.code == 0, ok.output
    data = json.loads(ok.stdout)
    assert (
        data["level"] == 1 and data["label"] == "Rất hài lòng" and data["via"] == "cli" and data["officer"] == "canbo"
    )
    paper = _cli(
        db_path,
        config_path,
        "dossier",
        "rate",
        d.code,
        "--level",
        "3",
        "--reason",
        "Chờ lâu",
        "--paper",
        "--officer",
        "canbo",
    )
    assert paper.code == 0 and "Không hài lòng" in paper.output
    shown = json.loads(_cli(db_path, config_path, "dossier", "show", d.code, "--json").stdout)
    assert (
        shown["rating"]["level"] == 3 and shown["rating"]["reason"] == "Chờ lâu" and shown["rating"]["via"] == "paper"
    )
    text = _cli(db_path, config_path, "dossier", "show", d.code)
    assert "Đánh giá: Không hài lòng — Chờ lâu" in text.stdout
    assert _cli(db_path, config_path, "dossier", "rate", "KHONG-CO", "--level", "1", "--officer", "canbo").code == 3
