"""Property-based tests: hostile ID numbers, scans, names, dates, config files and CLI arguments.

Every bad input must end as a `OneStopError` (a Vietnamese message), never another exception, and must change
nothing in the database. Example counts stay modest so the suite stays fast.
"""

from __future__ import annotations

import os
import string
import tomllib
import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from onestop.errors import ConfigError, OneStopError
from tests.trust.conftest import row_counts, run_cli

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

HOSTILE_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",))
CONTROL = st.sampled_from(["\x00", "\x07", "\x1b[31m", "\u200b", "\u202e", "\ufeff", "\r\n", "\t", "\x7f"])
EMOJI = st.sampled_from(["😀", "👨‍👩‍👧", "🇻🇳", "\U0001f9d1\u200d\U0001f33e"])
VIET = st.sampled_from(["Nguyễn", "Đặng", "Thị", "Ánh", "Hoàng", "Lê", "Ngọc", "Phương", "Đức", "Thọ"])


@st.composite
def hostile_text(draw, max_size: int = 200):  # type: ignore[no-untyped-def]
    parts = draw(
        st.lists(
            st.one_of(
                VIET,
                CONTROL,
                EMOJI,
                st.text(HOSTILE_CHARS, max_size=20),
                VIET.map(lambda s: unicodedata.normalize("NFD", s)),
                st.sampled_from(
                    [
                        "\u0301\u0301\u0301",
                        "a\u0323\u0306",
                        "'; DROP TABLE x;--",
                        "%s",
                        "{0}",
                        "\\",
                        "|",
                        '"',
                        "NEAR",
                        "*",
                    ]
                ),
            ),
            max_size=12,
        )
    )
    return "".join(parts)[:max_size]


def attempt(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Call `fn`; return the result or the `OneStopError`; any other exception fails the test."""
    try:
        return fn(*args, **kwargs)
    except OneStopError as err:
        assert err.message and isinstance(err.message, str)
        assert unicodedata.is_normalized("NFC", err.message)
        return err


# ---------------------------------------------------------------- identity parsing


@FAST
@given(text=st.one_of(hostile_text(), st.text(string.digits + " .-", max_size=20)))
@example(text="0381900123456")
@example(text="038190012345\x00")
def test_id_numbers(text: str) -> None:
    from onestop import identity

    result = attempt(identity.validate_id_number, text, date(1990, 5, 17), "Nữ")
    if not isinstance(result, OneStopError):
        assert len(result) == 12 and result.isdigit()


@FAST
@given(scan=st.one_of(hostile_text(400), st.lists(hostile_text(40), max_size=9).map("|".join)))
@example(scan="038190012345|123456789|Đặng Thị Ánh|17051990|Nữ|Thôn Đông Hải|01012021")
@example(scan="|" * 10_000)
@example(scan="038190012345|" + "A" * 10_000)
def test_scan_strings(scan: str) -> None:
    from onestop import identity

    result = attempt(identity.parse_qr, scan, today=date(2026, 11, 23))
    if not isinstance(result, OneStopError):
        assert unicodedata.is_normalized("NFC", result.full_name)


@FAST
@given(
    name=st.one_of(
        hostile_text(),
        st.just("Ánh" * 3334),
        st.tuples(hostile_text(40), st.integers(100, 400))
        .map(lambda t: (t[0] or "a") * t[1])
        .map(lambda s: (s * (10_000 // max(len(s), 1) + 1))[:10_000]),
    )
)
def test_names(name: str) -> None:
    from onestop import identity

    result = attempt(identity.validate_name, name)
    if not isinstance(result, OneStopError):
        assert unicodedata.is_normalized("NFC", result) and 0 < len(result) <= 100
        assert not any(unicodedata.category(ch) in ("Cc", "Cf", "So") for ch in result)


@FAST
@given(
    text=st.one_of(
        hostile_text(30),
        st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
        st.tuples(st.integers(-5, 40), st.integers(-5, 15), st.integers(0, 99999)).map(
            lambda t: f"{t[0]}/{t[1]}/{t[2]}"
        ),
    )
)
def test_dates(text: str) -> None:
    from onestop import identity

    result = attempt(identity.parse_birth_date, text, today=date(2026, 11, 23))
    if not isinstance(result, OneStopError):
        assert date(1900, 1, 1) <= result <= date(2026, 11, 23)


# ---------------------------------------------------------------- intake: bad drafts change nothing


@SLOW
@given(
    name=hostile_text(),
    id_number=st.one_of(hostile_text(20), st.from_regex(r"\A0[0-9]{11}\Z")),
    address=hostile_text(600),
    phone=hostile_text(30),
)
def test_intake_bad_input_changes_nothing(services, db_path, name, id_number, address, phone) -> None:
    from onestop.domain import DocKind, DocumentLine, IntakeDraft, Person

    before = row_counts(db_path)
    draft = IntakeDraft(
        procedure_code="2.001035",
        documents=(DocumentLine("Tờ khai", DocKind.ORIGINAL, 1),),
        applicant=Person(
            full_name=name, id_number=id_number, birth_date=date(1990, 5, 17), gender="Nữ", address=address, phone=phone
        ),
    )
    result = attempt(services.intake.save, draft, "canbo")
    after = row_counts(db_path)
    if isinstance(result, OneStopError):
        assert after == before
    else:
        assert after["dossier"] == before["dossier"] + 1
        assert unicodedata.is_normalized("NFC", result.applicant.full_name)


# ---------------------------------------------------------------- config files


TOML_PIECES = st.sampled_from(
    [
        "[commune]\n",
        'name = "Xã Quảng Phú"\n',
        'agency_code = "H56.14"\n',
        'province = "Thanh Hóa"\n',
        'counter = "01"\n',
        "counter = 1\n",
        'agency_code = "h56 14"\n',
        "[office_hours]\n",
        'morning = "07:00-11:30"\n',
        'morning = "25:00-26:00"\n',
        'afternoon = "11:00-10:00"\n',
        "[security]\n",
        "retention_days = 5\n",
        "backup_keep = true\n",
        "[printing]\n",
        "copies = 9\n",
        'page_size = "Letter"\n',
        "[sync]\n",
        'url = "ftp://x"\n',
        "interval_s = -1\n",
        "commune = 3\n",
        "[[commune]]\n",
        "= =\n",
        'name = """\n',
        "\x00",
        "\ufeff",
        "ÿ",
        "[rules]\n",
        'supplement_clock = "x"\n',
    ]
)


@FAST
@given(
    doc=st.one_of(
        st.lists(TOML_PIECES, max_size=14).map("".join).map(str.encode),
        st.binary(max_size=300),
        st.lists(TOML_PIECES, max_size=14).map("".join).map(lambda s: s.encode("utf-16")),
    )
)
def test_config_files(tmp_path_factory, doc: bytes) -> None:
    from onestop.config import Settings, load_settings

    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    path.write_bytes(doc)
    try:
        result = load_settings(path)
    except ConfigError as err:
        assert err.message
        return
    assert isinstance(result, Settings)
    assert len(result.office.counter_code) == 2


def test_config_valid_document_round_trips(tmp_path, settings) -> None:
    from onestop.config import load_settings, write_settings

    path = tmp_path / "config.toml"
    write_settings(settings, path)
    assert load_settings(path).office == settings.office
    assert tomllib.loads(path.read_text(encoding="utf-8"))["commune"]["name"] == "Xã Quảng Phú"


# ---------------------------------------------------------------- CLI arguments


CLI_WORDS = st.sampled_from(
    [
        "intake",
        "--procedure",
        "2.001035",
        "9.999999",
        "--id-number",
        "038190012345",
        "--name",
        "Đặng Thị Ánh",
        "--dob",
        "17/05/1990",
        "31/02/1990",
        "--officer",
        "canbo",
        "ghost",
        "--qr",
        "--doc",
        "A:copy:x",
        "--json",
        "catalog",
        "show",
        "list",
        "import",
        "calendar",
        "due",
        "--received",
        "not-a-date",
        "set",
        "off",
        "audit",
        "export",
        "--out",
        "purge",
        "--dry-run",
        "citizen",
        "backup",
        "restore",
        "nonexistent.osbak",
        "--yes",
        "officer",
        "add",
        "--role",
        "king",
        "--limit",
        "-3",
        "dossier",
        "show",
        "--fee",
        "-1",
        "😀",
        "",
        "\x1b[2J",
        "--",
        "--help",
        "0001-01-01T00:00",
        "9999-12-31T23:59",
        "0001-01-01",
        "9999-12-31",
        "--due",
        "--due-reason",
        "--from",
        "--to",
        "report",
        "book",
        "monthly",
        "--month",
        "9999-12",
    ]
)
NON_UTF8 = st.binary(min_size=1, max_size=12).map(os.fsdecode)
"""Arguments as a shell passes bytes that are not UTF-8 (Python keeps them as lone surrogates)."""


@SLOW
@given(args=st.lists(st.one_of(CLI_WORDS, hostile_text(30), NON_UTF8), min_size=1, max_size=8))
@example(args=["intake", "--received", "0001-01-01T00:00", "--officer", "canbo"])
@example(args=["dossier", "show", os.fsdecode(b"\xff\xfe")])
def test_cli_arguments(services, db_path, config_path, args: list[str]) -> None:
    assume("--help" not in args or args[0] not in ("", "--"))
    before = row_counts(db_path)
    result = run_cli([*args, "--db", str(db_path), "--config", str(config_path)])
    assert "Traceback" not in result.output
    assert result.code in (0, 2, 3, 4), (args, result.code, result.output[-500:])
    if result.code != 0:
        after = row_counts(db_path)
        assert {k: v for k, v in after.items() if k != "audit_entry"} == {
            k: v for k, v in before.items() if k != "audit_entry"
        }
        assert result.stderr.strip(), "a refusal must say why"


@pytest.mark.parametrize(
    "args",
    [
        ["intake", "--procedure", "2.001035", "--qr", "x" * 10_000, "--officer", "canbo"],
        [
            "intake",
            "--procedure",
            "2.001035",
            "--id-number",
            "0" * 10_000,
            "--name",
            "A",
            "--dob",
            "1/1/1990",
            "--officer",
            "canbo",
        ],
        [
            "intake",
            "--procedure",
            "2.001035",
            "--id-number",
            "038190012345",
            "--name",
            "N\u0301" * 5000,
            "--dob",
            "17/05/1990",
            "--gender",
            "Nữ",
            "--officer",
            "canbo",
        ],
        ["dossier", "list", "--search", '"NEAR(a b)" OR * AND -x:'],
        ["catalog", "show", "../../etc/passwd"],
    ],
)
def test_cli_long_and_tricky_arguments(cli, db_path, args) -> None:
    before = row_counts(db_path)
    result = cli(*args)
    assert "Traceback" not in result.output and result.code in (0, 2, 3, 4), result.output[-500:]
    if result.code:
        assert result.stderr.strip()
        assert {k: v for k, v in row_counts(db_path).items() if k != "audit_entry"} == {
            k: v for k, v in before.items() if k != "audit_entry"
        }


# ---------------------------------------------------------------- extreme dates


@SLOW
@given(
    received=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    due=st.one_of(
        st.none(),
        st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    ),
)
@example(received=datetime(1, 1, 2), due=None)
@example(
    received=datetime(9999, 12, 30, 23, 59),
    due=datetime(9999, 12, 30, 23, 59),
)
def test_intake_with_any_date_is_accepted_in_its_window_or_refused(services, db_path, received, due) -> None:
    """Any received/due time: saved only inside the plausible window, else a plain refusal; never an overflow."""
    from onestop.domain import DocKind, DocumentLine, IntakeDraft, Person, now_vn
    from onestop.plausible import EARLIEST_RECORD, LONGEST_AHEAD, to_vn

    before = row_counts(db_path)
    person = Person(
        full_name="Đặng Thị Ánh", id_number="038190012345", birth_date=date(1990, 5, 17), gender="Nữ", address="Thôn"
    )
    draft = IntakeDraft(
        procedure_code="2.001035",
        applicant=person,
        documents=(DocumentLine("Tờ khai", DocKind.ORIGINAL, 1),),
        received_at=received,
        due_override=due,
        due_override_reason="thử" if due else "",
    )
    result = attempt(services.intake.save, draft, "lanhdao")
    if isinstance(result, OneStopError):
        assert row_counts(db_path) == before
        return
    at = to_vn(received)
    assert at.date() >= EARLIEST_RECORD and at <= now_vn() + LONGEST_AHEAD
    assert services.dossiers.get(result.code, actor="lanhdao").code == result.code
