"""A representative on the command line: `onestop intake --rep-…` (and the same keys in `--batch` lines) records the
person submitting on the applicant's behalf and their authorisation paper, as the intake screen's Ctrl+R block does,
with the same checks and messages; `dossier show` and the receipt show them."""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from onestop import identity
from onestop.errors import BadInput

PERSON = ("--id-number", "038190012345", "--name", "Đặng Thị Ánh", "--dob", "17/05/1990", "--officer", "canbo")
CERT = "2.001035"  # Chứng thực giao dịch: a flat catalog fee, no tờ khai
REP = {
    "--rep-id-number": "038085001234",
    "--rep-name": "lê văn bình",
    "--rep-dob": "02/03/1985",
    "--rep-gender": "Nam",
    "--rep-address": "Thôn Phú Lợi, Xã Quảng Phú, Tỉnh Thanh Hóa",
    "--rep-phone": "0987654321",
    "--rep-email": "le.van.binh@example.vn",
    "--rep-authorisation": "Giấy ủy quyền số 5/2026/UQ ngày 01/11/2026",
}
REP_SCAN = "001090123456|012345678|NGUYỄN VĂN AN|01011990|Nam|Thôn 3, Xã Quảng Phú, Tỉnh Thanh Hóa|15042021"


def rep_args(**changes: str | None) -> list[str]:
    """REP as command-line arguments; `changes` (keyed `rep_dob`, …) replace a value, None leaves the option out."""
    values = dict(REP)
    for key, value in changes.items():
        values["--" + key.replace("_", "-")] = value
    return [part for option, value in values.items() if value is not None for part in (option, value)]


def count_rows(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def stored(db: Path, code: str) -> tuple[str, str]:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT representative_json, authorisation_doc FROM dossier WHERE code = ?", (code,)
        ).fetchone()
    return row[0], row[1]


def pdf_text(path: Path) -> str:
    pages = PdfReader(str(path)).pages
    return " ".join(unicodedata.normalize("NFC", " ".join(p.extract_text() or "" for p in pages)).split())


def representative_part(receipt: str) -> str:
    """The receipt's text from the representative's line to the request (fields 6 of BRIEF §2.3)."""
    start = receipt.index("Người được ủy quyền")
    return receipt[start : receipt.index("Nội dung yêu cầu giải quyết", start)]


def test_intake_records_the_representative_shows_it_and_prints_it_on_the_receipt(
    cli, services, db_path, tmp_path
) -> None:
    done = cli("intake", "--procedure", CERT, *PERSON, *rep_args(), "--json")
    assert done.code == 0, done.output
    code = json.loads(done.stdout)["code"]

    shown = json.loads(cli("dossier", "show", code, "--json").stdout)
    assert shown["representative"] == {
        "full_name": "Lê Văn Bình",  # normalised as the screen's block normalises it
        "id_number": "038085001234",
        "birth_date": "1985-03-02",
        "gender": "Nam",
        "address": "Thôn Phú Lợi, Xã Quảng Phú, Tỉnh Thanh Hóa",
        "phone": "0987654321",
        "email": "le.van.binh@example.vn",
        "cancelled_id_number": "",
    }
    assert shown["authorisation_doc"] == "Giấy ủy quyền số 5/2026/UQ ngày 01/11/2026"
    assert shown["applicant"]["full_name"] == "Đặng Thị Ánh"
    with sqlite3.connect(db_path) as conn:  # what goes upstream, in the intake's own transaction
        (payload,) = conn.execute("SELECT payload FROM outbox_item WHERE dossier_code = ?", (code,)).fetchone()
    upstream = json.loads(payload)
    assert (upstream["NguoiNopThay"]["HoTen"], upstream["NguoiNopThay"]["SoDinhDanh"]) == (
        "Lê Văn Bình",
        "038085001234",
    )
    assert upstream["GiayUyQuyen"] == "Giấy ủy quyền số 5/2026/UQ ngày 01/11/2026"

    human = cli("dossier", "show", code)
    assert human.code == 0, human.output
    lines = human.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Người nộp:"))
    assert lines[at + 1] == "Người nộp thay (được ủy quyền): Lê Văn Bình  CCCD 038085001234  ĐT 0987654321"
    assert lines[at + 2] == "Giấy ủy quyền: Giấy ủy quyền số 5/2026/UQ ngày 01/11/2026"

    out = tmp_path / "receipt.pdf"
    printed = cli("receipt", code, "--out", str(out), "--officer", "canbo")
    assert printed.code == 0, printed.output
    text = pdf_text(out)
    for line in (
        "Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức: Đặng Thị Ánh",
        "Người được ủy quyền: Lê Văn Bình; Số định danh cá nhân: 038085001234",
        "Thôn Phú Lợi, Xã Quảng Phú, Tỉnh Thanh Hóa",
        "0987654321",
        "le.van.binh@example.vn",
        "Giấy tờ ủy quyền: Giấy ủy quyền số 5/2026/UQ ngày 01/11/2026",
    ):
        assert line in text, line
    signatures = text[text.index("NGƯỜI NỘP HỒ SƠ") :]
    assert "Lê Văn Bình" in signatures  # the submitter who signs is the representative (BRIEF §2.3)


def test_a_cli_saved_representative_is_stored_and_printed_as_the_intake_screen_saves_it(
    cli, services, db_path, tmp_path, applicant
) -> None:
    """The intake screen hands the service a draft with `representative` and `authorisation_doc` (ApplicantStep.
    fill_draft); the same representative typed on the command line is stored and printed the same way."""
    from onestop.domain import DocumentLine, IntakeDraft, Person

    papers = tuple(DocumentLine(d.name, d.kind, d.count) for d in services.catalog.get(CERT).documents)
    screen_draft = IntakeDraft(
        procedure_code=CERT,
        applicant=applicant,
        documents=papers,
        representative=Person(
            full_name="Lê Văn Bình",
            id_number="038085001234",
            birth_date=date(1985, 3, 2),
            gender="Nam",
            address="Thôn Phú Lợi, Xã Quảng Phú, Tỉnh Thanh Hóa",
            phone="0987654321",
            email="le.van.binh@example.vn",
        ),
        authorisation_doc="Giấy ủy quyền số 5/2026/UQ ngày 01/11/2026",
    )
    by_screen = services.intake.save(screen_draft, "canbo").code
    done = cli("intake", "--procedure", CERT, *PERSON, *rep_args(), "--json")
    assert done.code == 0, done.output
    by_cli = json.loads(done.stdout)["code"]

    assert stored(db_path, by_cli) == stored(db_path, by_screen)
    receipts = []
    for code in (by_screen, by_cli):
        out = tmp_path / f"{code}.pdf"
        assert cli("receipt", code, "--out", str(out), "--officer", "canbo").code == 0
        receipts.append(representative_part(pdf_text(out)))
    assert receipts[0] == receipts[1]
    assert "Lê Văn Bình" in receipts[1] and "Giấy ủy quyền số 5/2026/UQ" in receipts[1]


def test_a_representative_read_from_the_card_qr(cli, services) -> None:
    done = cli(
        "intake",
        "--procedure",
        CERT,
        *PERSON,
        "--rep-qr",
        REP_SCAN,
        "--rep-phone",
        "0987654321",
        "--rep-authorisation",
        "Giấy ủy quyền số 7",
        "--json",
    )
    assert done.code == 0, done.output
    rep = json.loads(cli("dossier", "show", json.loads(done.stdout)["code"], "--json").stdout)["representative"]
    assert (rep["full_name"], rep["id_number"], rep["birth_date"], rep["phone"]) == (
        "Nguyễn Văn An",
        "001090123456",
        "1990-01-01",
        "0987654321",
    )


def test_no_representative_option_means_no_representative(cli, services) -> None:
    done = cli("intake", "--procedure", CERT, *PERSON, "--json")
    assert done.code == 0, done.output
    shown = json.loads(cli("dossier", "show", json.loads(done.stdout)["code"], "--json").stdout)
    assert shown["representative"] is None and shown["authorisation_doc"] is None
    assert "Người nộp thay" not in cli("dossier", "show", shown["code"]).stdout


def tui_message(check, *args) -> str:  # type: ignore[no-untyped-def]
    """The message the intake screen's person block shows for a value (it calls the same `identity` checks)."""
    with pytest.raises(BadInput) as refused:
        check(*args)
    return refused.value.message


BAD = {
    "id_number_length": (
        {"rep_id_number": "03808500123"},
        "(--rep-id-number)",
        lambda: tui_message(identity.validate_id_number, "03808500123", date(1985, 3, 2), "Nam"),
    ),
    "id_number_against_birth_and_sex": (
        {"rep_id_number": "038185001234"},  # 4th digit 1: a woman born in the 1900s, not this man
        "(--rep-id-number)",
        lambda: tui_message(identity.validate_id_number, "038185001234", date(1985, 3, 2), "Nam"),
    ),
    "name_with_digits": (
        {"rep_name": "Lê V4n Bình"},
        "(--rep-name)",
        lambda: tui_message(identity.validate_name, "Lê V4n Bình"),
    ),
    "date_that_does_not_exist": (
        {"rep_dob": "31/02/1985"},
        "(--rep-dob)",
        lambda: tui_message(identity.parse_birth_date, "31/02/1985"),
    ),
    "date_in_the_future": (
        {"rep_dob": "02/03/2999"},
        "(--rep-dob)",
        lambda: tui_message(identity.parse_birth_date, "02/03/2999"),
    ),
    "gender": (
        {"rep_gender": "X"},
        "(--rep-gender)",
        lambda: tui_message(identity.normalize_gender, "X"),
    ),
    "phone": (
        {"rep_phone": "09-abc"},
        "(--rep-phone)",
        lambda: tui_message(identity.validate_phone, "09-abc"),
    ),
    "email": (
        {"rep_email": "le.van.binh@"},
        "(--rep-email)",
        lambda: tui_message(identity.validate_email, "le.van.binh@"),
    ),
    "address_too_long": ({"rep_address": "Thôn " * 101}, "(--rep-address)", lambda: "quá dài (tối đa 500 ký tự)"),
    "no_authorisation_paper": (
        {"rep_authorisation": None},
        "--rep-authorisation",
        lambda: "Nộp thay theo ủy quyền: cần ghi giấy tờ ủy quyền",  # the screen's own message
    ),
    "blank_authorisation_paper": (
        {"rep_authorisation": "   "},
        "--rep-authorisation",
        lambda: "Nộp thay theo ủy quyền: cần ghi giấy tờ ủy quyền",
    ),
    "authorisation_paper_too_long": (
        {"rep_authorisation": "Giấy " * 101},
        "--rep-authorisation",
        lambda: "Giấy ủy quyền quá dài (tối đa 500 ký tự)",
    ),
    "no_name": (
        {"rep_name": None},
        "--rep-name",
        lambda: "cần --rep-qr, hoặc đủ --rep-id-number, --rep-name và --rep-dob",
    ),
    "no_id_number": ({"rep_id_number": None}, "thiếu --rep-id-number", lambda: "Nộp thay theo ủy quyền"),
    "bad_card_scan": ({"rep_qr": "not|a|card"}, "(--rep-qr)", lambda: tui_message(identity.parse_qr, "not|a|card")),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_bad_representative_value_exits_2_with_the_screens_message_and_writes_nothing(
    cli, services, db_path, case: str
) -> None:
    from tests.conftest import login_for

    changes, option, expected = BAD[case]
    login_for(db_path, PERSON)  # the officer's session is open before anything is counted
    before = (count_rows(db_path, "dossier"), count_rows(db_path, "audit_entry"), count_rows(db_path, "outbox_item"))
    refused = cli("intake", "--procedure", CERT, *PERSON, *rep_args(**changes))
    assert refused.code == 2, refused.output
    message = expected()
    assert message in refused.stderr, refused.stderr
    assert option in refused.stderr, refused.stderr
    assert "Traceback" not in refused.output and refused.stdout == ""
    assert (
        count_rows(db_path, "dossier"),
        count_rows(db_path, "audit_entry"),
        count_rows(db_path, "outbox_item"),
    ) == before


def test_the_applicant_cannot_be_their_own_representative(cli, services, db_path) -> None:
    themself = rep_args(rep_id_number="038190012345", rep_name="Đặng Thị Ánh", rep_dob="17/05/1990", rep_gender="Nữ")
    refused = cli("intake", "--procedure", CERT, *PERSON, *themself)
    assert refused.code == 2, refused.output
    assert "Người nộp thay trùng số định danh với người yêu cầu" in refused.stderr
    assert count_rows(db_path, "dossier") == 0


def test_an_authorisation_paper_without_a_representative_is_refused(cli, services, db_path) -> None:
    refused = cli("intake", "--procedure", CERT, *PERSON, "--rep-authorisation", "Giấy ủy quyền số 5")
    assert refused.code == 2, refused.output
    assert "--rep-authorisation chỉ dùng khi nộp thay theo ủy quyền" in refused.stderr
    assert count_rows(db_path, "dossier") == 0


def test_a_batch_with_one_bad_representative_line_writes_nothing_and_names_it(cli, services, db_path, tmp_path) -> None:
    person = {"procedure": CERT, "id_number": "038190012345", "name": "Đặng Thị Ánh", "dob": "17/05/1990"}
    rep = {key.removeprefix("--").replace("-", "_"): value for key, value in REP.items()}
    lines = [
        {**person, **rep},
        {**person, **rep, "rep_dob": "31/02/1985"},
        {**person, **{key: "" for key in rep}},  # every column of a spreadsheet, left blank: no representative
        {**person, "rep-qr": REP_SCAN, "rep-authorisation": "Giấy ủy quyền số 7"},  # dashes, as the options
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    refused = cli("intake", "--batch", str(batch), "--officer", "canbo", "--json")
    assert refused.code == 2, refused.output
    result = json.loads(refused.stdout)
    assert result["saved"] == 0
    assert [(r["line"], r["field"]) for r in result["results"]] == [(2, "rep_dob")]
    assert tui_message(identity.parse_birth_date, "31/02/1985") in result["results"][0]["error"]
    assert "Dòng 2: Người được ủy quyền (--rep-dob)" in refused.stderr
    assert count_rows(db_path, "dossier") == 0 and count_rows(db_path, "outbox_item") == 0

    del lines[1]
    batch.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    done = cli("intake", "--batch", str(batch), "--officer", "canbo", "--json")
    assert done.code == 0, done.output
    codes = [r["code"] for r in json.loads(done.stdout)["results"]]
    shown = [json.loads(cli("dossier", "show", code, "--json").stdout) for code in codes]
    assert [(d["representative"] or {}).get("full_name") for d in shown] == ["Lê Văn Bình", None, "Nguyễn Văn An"]
    assert [d["authorisation_doc"] for d in shown] == [REP["--rep-authorisation"], None, "Giấy ủy quyền số 7"]


def test_intake_help_lists_the_representative_options_in_vietnamese(cli) -> None:
    shown = cli("intake", "--help")
    assert shown.code == 0, shown.output
    for option in ("--rep-qr", "--rep-id-number", "--rep-name", "--rep-dob", "--rep-authorisation"):
        assert option in shown.stdout
    assert "người được ủy quyền" in shown.stdout and "bắt buộc khi nộp thay" in " ".join(shown.stdout.split())
