"""Counter-day CLI leftovers of issue 15: Vietnamese statuses in `dossier list`, a procedure named instead of
coded, the positional year of `calendar holidays`, progress while `onestop demo` builds, and gender/address
required by the procedures whose catalog entry says so."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import sample_declaration
from tests.trust.conftest import run_cli


def test_dossier_list_prints_statuses_in_vietnamese_and_json_keeps_codes(cli, make_dossier) -> None:
    d = make_dossier()
    text = cli("dossier", "list")
    assert text.code == 0, text.output
    line = next(ln for ln in text.stdout.splitlines() if d.code in ln)
    assert "Được tiếp nhận" in line and "received" not in line
    data = json.loads(cli("dossier", "list", "--json").stdout)
    assert [i["status"] for i in data["items"]] == ["received"]


def test_intake_with_a_procedure_name_lists_the_matching_codes(cli) -> None:
    done = cli(
        "intake", "--procedure", "khai sinh", "--id-number", "038190012345", "--name", "Đặng Thị Ánh",
        "--dob", "17/05/1990", "--gender", "Nữ", "--address", "Thôn Đông Hải", "--officer", "canbo",
    )  # fmt: skip
    assert done.code == 2, done.output
    assert "1.001193" in done.stderr and "1.000689" in done.stderr
    # the ordinary birth registration is offered first
    assert done.stderr.index("1.001193") < done.stderr.index("1.000689")
    nothing = cli(
        "intake", "--procedure", "zzzz qqqq", "--id-number", "038190012345", "--name", "Đặng Thị Ánh",
        "--dob", "17/05/1990", "--officer", "canbo",
    )  # fmt: skip
    assert nothing.code != 0 and "ZZZZ QQQQ" in nothing.stderr


def test_calendar_holidays_takes_the_year_as_an_argument(services, db_path, config_path) -> None:
    args = ["--db", str(db_path), "--config", str(config_path)]
    positional = run_cli(["calendar", "holidays", "2027", "--json", *args])
    assert positional.code == 0, positional.output
    option = run_cli(["calendar", "holidays", "--year", "2027", "--json", *args])
    assert option.code == 0 and json.loads(positional.stdout) == json.loads(option.stdout)
    assert all(d["date"].startswith("2027-") for d in json.loads(positional.stdout))
    assert run_cli(["calendar", "holidays", *args]).code == 2
    text = run_cli(["calendar", "holidays", "2027", *args])
    assert "Tết Nguyên đán  [Bộ luật Lao động 2019]" in text.stdout and "statutory" not in text.stdout, text.output


def test_demo_reports_progress_while_it_builds(tmp_path: Path) -> None:
    db, config = tmp_path / "demo" / "onestop.db", tmp_path / "demo" / "config.toml"
    done = run_cli(["demo", "--dossiers", "12", "--no-tui", "--db", str(db), "--config", str(config)])
    assert done.code == 0, done.output
    lines = done.stderr.splitlines()
    assert any(ln.startswith("Đang khởi tạo") for ln in lines)
    assert "Đang tạo xã mẫu… 12/12 hồ sơ" in lines
    assert lines.index("Đang tạo xã mẫu… 12/12 hồ sơ") < next(i for i, ln in enumerate(lines) if "Xã mẫu:" in ln)


def test_birth_registration_needs_gender_and_address(cli, services, applicant, db_path) -> None:
    from dataclasses import replace

    from onestop.domain import DocKind, DocumentLine, IntakeDraft
    from onestop.errors import BadInput

    assert services.catalog.applicant_requires("1.001193") == ("gender", "address")
    assert services.catalog.applicant_requires("2.000815") == ()
    docs = (DocumentLine("Tờ khai (theo mẫu)", DocKind.ORIGINAL, 1),)
    for field, label in (("gender", "giới tính"), ("address", "địa chỉ")):
        draft = IntakeDraft(procedure_code="1.001193", applicant=replace(applicant, **{field: ""}), documents=docs)
        with pytest.raises(BadInput) as caught:
            services.intake.save(draft, "canbo")
        assert caught.value.field == field and label in caught.value.message
    # a procedure whose entry does not say so still takes a person without them
    services.intake.save(
        IntakeDraft(procedure_code="2.001035", applicant=replace(applicant, gender="", address=""), documents=docs),
        "canbo",
    )

    def count_rows(db: Path, table: str) -> int:
        with sqlite3.connect(db) as conn:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    before = count_rows(db_path, "dossier")
    typed = ["--id-number", "038190012345", "--name", "Đặng Thị Ánh", "--dob", "17/05/1990", "--officer", "canbo"]
    no_address = cli("intake", "--procedure", "1.001193", *typed, "--gender", "Nữ")
    assert no_address.code == 2 and "Cần nhập địa chỉ của người nộp" in no_address.stderr
    no_gender = cli("intake", "--procedure", "1.001193", *typed, "--address", "Thôn Đông Hải")
    assert no_gender.code == 2 and "Cần nhập giới tính của người nộp" in no_gender.stderr
    assert count_rows(db_path, "dossier") == before
    tokhai = db_path.parent / "tokhai.json"  # birth registration is received with its tờ khai
    tokhai.write_text(json.dumps(sample_declaration("1.001193"), ensure_ascii=False), encoding="utf-8")
    done = cli(
        "intake",
        "--procedure",
        "1.001193",
        *typed,
        "--gender",
        "Nữ",
        "--address",
        "Thôn Đông Hải",
        "--declaration",
        str(tokhai),
    )
    assert done.code == 0, done.output


def test_copy_certification_on_the_command_line_is_priced_by_pages_and_copies(cli, services) -> None:
    """The tiered copy fee (2.000 đ a page, 1.000 đ from page 3, at most 200.000 đ a copy) from --pages/--copies,
    as the TUI's fee step computes it; without a page count (or --fee) nothing is written."""
    person = ("--id-number", "038190012345", "--name", "Đặng Thị Ánh", "--dob", "17/05/1990", "--officer", "canbo")

    def count() -> int:
        return len(json.loads(cli("dossier", "list", "--json").stdout)["items"])

    before = count()
    refused = cli("intake", "--procedure", "2.000815", *person)
    assert refused.code == 2 and "--pages" in refused.stderr, refused.output
    flat = cli("intake", "--procedure", "1.001193", "--pages", "3", *person)
    assert flat.code == 2 and "không tính lệ phí theo trang" in flat.stderr, flat.output
    assert count() == before
    done = cli("intake", "--procedure", "2.000815", "--pages", "5", "--copies", "2", "--json", *person)
    assert done.code == 0, done.output
    assert json.loads(done.stdout)["fee_vnd"] == 2 * (2 * 2_000 + 3 * 1_000)
    capped = cli("intake", "--procedure", "2.000815", "--pages", "400", "--json", *person)
    assert json.loads(capped.stdout)["fee_vnd"] == 200_000
    typed = cli("intake", "--procedure", "2.000815", "--fee", "5000", "--json", *person)
    assert json.loads(typed.stdout)["fee_vnd"] == 5_000


def test_login_with_the_database_named_before_the_command_opens_a_session_for_that_database(
    services, db_path, config_path
) -> None:
    """`onestop --db X login canbo` said "Đã đăng nhập" but kept the session for the default database: every
    command after it on X said "cần cán bộ đăng nhập" (exit 4)."""
    from tests.conftest import OFFICER_PASSWORD

    before = ["--db", str(db_path), "--config", str(config_path)]
    done = run_cli([*before, "login", "canbo", "--password-stdin"], f"{OFFICER_PASSWORD}\n")
    assert done.code == 0, done.output
    who = run_cli([*before, "whoami"])
    assert who.code == 0 and who.stdout.strip() == "canbo", who.output
    assert run_cli(["whoami", "--db", str(db_path), "--config", str(config_path)]).stdout.strip() == "canbo"
    out = run_cli([*before, "logout"])
    assert out.code == 0 and "canbo" in out.stderr, out.output
    assert run_cli([*before, "whoami"]).code == 4
