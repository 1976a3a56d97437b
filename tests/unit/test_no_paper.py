"""Chỉ thị 24 no-paper services: a per-procedure flag as data; intake takes no paper and files online, saying why."""

from __future__ import annotations

import json

import pytest

from onestop.domain import Channel, DocKind, DocumentLine
from onestop.errors import BadInput
from tests.trust.conftest import run_cli


@pytest.fixture
def listed(tmp_path, monkeypatch):
    import onestop.catalog_flags as flags

    path = tmp_path / "no_paper.toml"
    path.write_text(
        'schema = 1\n[[procedure]]\ncode = "1.001193"\nsource = "QĐ thử nghiệm của tỉnh"\n', encoding="utf-8"
    )
    monkeypatch.setattr(flags, "NO_PAPER_PATH", path)
    return path


def test_shipped_list_is_empty_until_sourced() -> None:
    from onestop.catalog_flags import no_paper_codes

    assert no_paper_codes() == frozenset()  # which commune-level services: UNKNOWN (BRIEF §11.3)


def test_no_paper_procedure_at_intake(services, make_dossier, applicant, listed, db_path, config_path) -> None:
    with pytest.raises(BadInput) as paper:
        make_dossier("1.001193")  # counter channel with a paper tờ khai
    assert paper.value.field == "channel" and "Chỉ thị 24/CT-TTg" in paper.value.message
    with pytest.raises(BadInput) as docs:
        make_dossier("1.001193", channel=Channel.ONLINE, consent_recorded=True)
    assert docs.value.field == "documents"
    from onestop.domain import IntakeDraft
    from tests.conftest import sample_declaration

    d = services.intake.save(
        IntakeDraft(
            procedure_code="1.001193",
            applicant=applicant,
            documents=(DocumentLine("Giấy chứng sinh", DocKind.PRESENT_ONLY, 1),),
            channel=Channel.ONLINE,
            consent_recorded=True,
            has_eid_account=True,
            declaration=sample_declaration("1.001193"),
        ),
        "canbo",
    )
    assert d.channel is Channel.ONLINE and d.documents[0].kind is DocKind.PRESENT_ONLY
    make_dossier("2.001035")  # not listed: paper as before
    shown = run_cli(["catalog", "show", "1.001193", "--db", str(db_path), "--config", str(config_path)], "")
    assert "Chỉ thị 24/CT-TTg" in shown.stdout
    as_json = run_cli(["catalog", "show", "1.001193", "--json", "--db", str(db_path), "--config", str(config_path)], "")
    assert json.loads(as_json.stdout)["no_paper"] is True
