"""Issue 14's leftovers on the command line: `intake --paper-receipt` (the fee step's "Thu phí của tỉnh lỗi: biên
lai giấy") and the papers reused from an earlier dossier in `dossier show`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

PERSON = ("--id-number", "038190012345", "--name", "Đặng Thị Ánh", "--dob", "17/05/1990", "--officer", "canbo")
CERT = "2.001035"  # Chứng thực giao dịch: a flat catalog fee, no tờ khai
BIRTH = "1.001193"  # Đăng ký khai sinh: no fee


def count_rows(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_intake_records_a_paper_receipt_and_uses_no_number_of_the_series(cli, services) -> None:
    services.fee_receipts.set_series("AA/26P", "01", 7, actor="lanhdao")
    done = cli("intake", "--procedure", CERT, *PERSON, "--paper-receipt", " BL 15 ", "--json")
    assert done.code == 0, done.output
    result = json.loads(done.stdout)
    assert result["receipt_number"] == "Biên lai giấy số BL 15"
    assert services.fee_receipts.series().next_number == 7  # no electronic number used up
    shown = cli("dossier", "show", result["code"], "--json")
    assert json.loads(shown.stdout)["payments"][0]["receipt_number"] == "Biên lai giấy số BL 15"
    human = cli("intake", "--procedure", CERT, *PERSON, "--paper-receipt", "BL 16")
    assert human.code == 0, human.output
    assert "Biên lai giấy số BL 16" in human.stderr
    listed = json.loads(cli("fee", "unreconciled", "--json").stdout)
    assert listed == [
        {"code": result["code"], "paper_number": "BL 15"},
        {"code": human.stdout.strip(), "paper_number": "BL 16"},
    ]
    # the provincial system is back: the next dossier takes the series' number where it was
    back = json.loads(cli("intake", "--procedure", CERT, *PERSON, "--json").stdout)
    assert back["receipt_number"] == "Ký hiệu AA/26P, quyển 01, số 0000007"
    assert "Biên lai: Ký hiệu AA/26P, quyển 01, số 0000008" in cli("intake", "--procedure", CERT, *PERSON).stderr


def test_a_paper_receipt_without_a_fee_or_without_a_number_is_refused_with_nothing_written(
    cli, services, db_path
) -> None:
    before = count_rows(db_path, "dossier")
    exempt = cli("intake", "--procedure", CERT, *PERSON, "--exemption", "Người có công", "--paper-receipt", "BL 15")
    assert exempt.code == 2 and "không thu lệ phí nên không có biên lai giấy" in exempt.stderr, exempt.output
    blank = cli("intake", "--procedure", CERT, *PERSON, "--paper-receipt", "  ")
    assert blank.code == 2 and "--paper-receipt: cần số biên lai giấy" in blank.stderr, blank.output
    long = cli("intake", "--procedure", CERT, *PERSON, "--paper-receipt", "9" * 41)
    assert long.code == 2, long.output
    assert count_rows(db_path, "dossier") == before and count_rows(db_path, "fee_receipt") == 0
    assert "Traceback" not in exempt.output + blank.output + long.output


def test_batch_lines_take_a_paper_receipt(cli, services, db_path, tmp_path) -> None:
    person = {"id_number": "038190012345", "name": "Đặng Thị Ánh", "dob": "17/05/1990"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        "\n".join(
            json.dumps(line, ensure_ascii=False)
            for line in (
                {"procedure": CERT, **person, "paper_receipt": "BL 20"},
                {"procedure": CERT, **person, "fee": 0, "paper-receipt": "BL 21"},
                {"procedure": CERT, **person, "paper_receipt": 22.5},
            )
        ),
        encoding="utf-8",
    )
    refused = cli("intake", "--batch", str(bad), "--officer", "canbo", "--json")
    assert refused.code == 2, refused.output
    assert [(r["line"], r["field"]) for r in json.loads(refused.stdout)["results"]] == [
        (2, "paper_receipt"),
        (3, "paper_receipt"),
    ]
    assert count_rows(db_path, "dossier") == 0
    good = tmp_path / "good.jsonl"
    good.write_text(
        json.dumps({"procedure": CERT, **person, "paper_receipt": "BL 20"}, ensure_ascii=False)
        + "\n"
        + json.dumps({"procedure": CERT, **person}, ensure_ascii=False),
        encoding="utf-8",
    )
    done = cli("intake", "--batch", str(good), "--officer", "canbo", "--json")
    assert done.code == 0, done.output
    results = json.loads(done.stdout)["results"]
    assert results[0]["receipt_number"] == "Biên lai giấy số BL 20"
    assert results[1]["receipt_number"] is None  # no series configured: no number invented
    assert [r.paper_number for r in services.fee_receipts.unreconciled()] == ["BL 20"]


@pytest.fixture
def birth_papers(services, make_dossier, tmp_path):
    """Receives birth registrations of the citizen with the procedure's first two papers (`changes` go to the
    draft); `scanned=True` attaches a scan (to-khai-cu.pdf) to the first. Its `names` are the two papers' names."""
    from onestop.domain import DocKind, DocumentLine

    names = [d.name for d in services.catalog.get(BIRTH).documents][:2]
    scan = tmp_path / "to-khai-cu.pdf"
    scan.write_bytes(b"%PDF-1.4 the earlier scanned declaration")

    def _make(*, scanned: bool = False, **changes):
        papers = tuple(DocumentLine(name, DocKind.ORIGINAL, 1) for name in names)
        return make_dossier(BIRTH, documents=papers, attachments=((0, str(scan)),) if scanned else (), **changes)

    _make.names = names
    return _make


def test_dossier_show_lists_the_papers_reused_from_an_earlier_dossier(cli, services, birth_papers) -> None:
    names = birth_papers.names
    earlier, later = birth_papers(scanned=True), birth_papers()
    services.digitisation.reuse(later.code, 1, earlier.code, actor="canbo")

    shown = cli("dossier", "show", later.code, "--json")
    assert shown.code == 0, shown.output
    documents = json.loads(shown.stdout)["documents"]
    assert [(d["name"], d["reused_from"], d["attachments"]) for d in documents] == [
        (names[0], earlier.code, ["to-khai-cu.pdf"]),
        (names[1], None, []),
    ]
    original = json.loads(cli("dossier", "show", earlier.code, "--json").stdout)["documents"]
    assert original[0]["reused_from"] is None and original[0]["attachments"] == ["to-khai-cu.pdf"]

    human = cli("dossier", "show", later.code)
    assert human.code == 0, human.output
    lines = human.stdout.splitlines()
    papers_at = lines.index("Giấy tờ:")
    assert lines[papers_at + 1] == f"  1. {names[0]} — Bản chính × 1 · 1 tệp số hóa · dùng lại từ hồ sơ {earlier.code}"
    assert lines[papers_at + 2] == f"  2. {names[1]} — Bản chính × 1"


def test_dossier_reuse_on_the_command_line_does_what_the_documents_step_r_does(
    cli, services, birth_papers, applicant, db_path
) -> None:
    from dataclasses import replace

    earlier, later = birth_papers(scanned=True), birth_papers()
    stranger = birth_papers(applicant=replace(applicant, id_number="038190054321"))

    refused = {
        "out of range": cli("dossier", "reuse", later.code, "3", "--from", earlier.code, "--officer", "canbo"),
        "not digitised": cli("dossier", "reuse", later.code, "2", "--from", earlier.code, "--officer", "canbo"),
        "another citizen": cli("dossier", "reuse", stranger.code, "1", "--from", earlier.code, "--officer", "canbo"),
        "itself": cli("dossier", "reuse", later.code, "1", "--from", later.code, "--officer", "canbo"),
        "unknown": cli("dossier", "reuse", later.code, "1", "--from", "H56.14-000000-000000", "--officer", "canbo"),
    }
    assert {why: r.code for why, r in refused.items()} == {
        "out of range": 2,
        "not digitised": 4,
        "another citizen": 4,
        "itself": 2,
        "unknown": 3,
    }, {why: r.output for why, r in refused.items()}
    assert "có 2 thành phần" in refused["out of range"].stderr
    assert "Traceback" not in "".join(r.output for r in refused.values())
    assert count_rows(db_path, "document_reuse") == 0

    done = cli("dossier", "reuse", later.code, "1", "--from", earlier.code, "--officer", "canbo", "--json")
    assert done.code == 0, done.output
    assert json.loads(done.stdout)["documents"][0]["reused_from"] == earlier.code
    assert services.dossiers.peek(later.code).documents[0].reused_from == earlier.code
    said = cli("dossier", "reuse", later.code, "1", "--from", earlier.code, "--officer", "canbo")
    assert said.code == 0 and f"dùng lại từ hồ sơ {earlier.code}" in said.stderr, said.output
    assert count_rows(db_path, "document_reuse") == 1
    with sqlite3.connect(db_path) as conn:
        audited = conn.execute(
            "SELECT officer, detail FROM audit_entry WHERE action = 'dossier.reuse' AND dossier_code = ?", (later.code,)
        ).fetchall()
    assert audited and set(audited) == {("canbo", f"thành phần 1 từ {earlier.code}")}
    assert services.kpi.report(later.received_at.strftime("%Y-%m")).total.reused_rate == 1 / 3


def test_intake_records_how_the_fee_was_paid(cli, db_path, tmp_path) -> None:
    """The fee step's «Hình thức thu» (cash, transfer, card, online) on the command line and in batch lines."""
    done = cli("intake", "--procedure", CERT, *PERSON, "--fee-method", "transfer", "--json")
    assert done.code == 0, done.output
    shown = json.loads(cli("dossier", "show", json.loads(done.stdout)["code"], "--json").stdout)
    assert [(p["amount_vnd"], p["method"]) for p in shown["payments"]] == [(50_000, "transfer")]
    plain = json.loads(cli("intake", "--procedure", CERT, *PERSON, "--json").stdout)
    assert json.loads(cli("dossier", "show", plain["code"], "--json").stdout)["payments"][0]["method"] == "cash"
    before = count_rows(db_path, "dossier")
    bad = cli("intake", "--procedure", CERT, *PERSON, "--fee-method", "vàng")
    assert bad.code == 2 and "--fee-method phải là cash, transfer, card, online" in bad.stderr, bad.output
    assert count_rows(db_path, "dossier") == before
    batch = tmp_path / "lines.jsonl"
    person = {"id_number": "038190012345", "name": "Đặng Thị Ánh", "dob": "17/05/1990"}
    batch.write_text(json.dumps({"procedure": CERT, **person, "fee-method": "card"}), encoding="utf-8")
    saved = cli("intake", "--batch", str(batch), "--officer", "canbo", "--json")
    assert saved.code == 0, saved.output
    code = json.loads(saved.stdout)["results"][0]["code"]
    assert json.loads(cli("dossier", "show", code, "--json").stdout)["payments"][0]["method"] == "card"
