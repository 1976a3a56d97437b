"""Shared fixtures: a real migrated SQLite file per test, a workstation config, and officers of each role."""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.pop("NO_COLOR", None)  # NO_COLOR breaks Textual snapshots

ADMIN_PASSWORD = "matkhau-admin"
OFFICER_PASSWORD = "matkhau-canbo"
LEADER_PASSWORD = "matkhau-lanhdao"
PASSWORDS = {"admin": ADMIN_PASSWORD, "canbo": OFFICER_PASSWORD, "lanhdao": LEADER_PASSWORD}


# ---------------------------------------------------------------- running in parallel (pytest-xdist)
#
# `.ci/run` runs the suite on two workers (`-n 2 --dist loadgroup`); the README's plain `python -m pytest` runs it in
# one process. What the workers would otherwise share: the PostgreSQL database named by ONESTOP_TEST_PG_URL (each
# worker gets its own, created here) and the CUPS queue, whose printed files are found by name (those tests run on one
# worker, in the group below). Ports are always taken with port 0, files always under each test's tmp_path.

SERIAL_GROUPS = {
    "cups": ("tests/receipts/test_printing.py", "tests/receipts/test_cli_print.py"),
}


def _worker() -> str | None:
    return os.environ.get("PYTEST_XDIST_WORKER")


def pytest_configure(config: pytest.Config) -> None:
    url = os.environ.get("ONESTOP_TEST_PG_URL")
    worker = _worker()
    if url and worker:
        os.environ["ONESTOP_TEST_PG_URL"] = _worker_database(url, worker)


def _worker_database(url: str, worker: str) -> str:
    """`…/onestop_test` → `…/onestop_test_gw0`, created when missing; the shared URL if that cannot be done."""
    import re

    base, _, name = url.rpartition("/")
    own = f"{name}_{worker}"
    if not re.fullmatch(r"[A-Za-z0-9_]+", own):
        return url
    try:
        import psycopg

        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own,)).fetchone() is None:
                conn.execute(f'CREATE DATABASE "{own}"')
    except Exception:  # no server or no right to create one: the tests skip or fail on the URL as given
        return url
    return f"{base}/{own}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        for group, files in SERIAL_GROUPS.items():
            if path in files:
                item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(autouse=True)
def private_session_dir(tmp_path_factory, monkeypatch):
    """Command-line sessions (`onestop login`) of each test live in its own folder, never in the user's."""
    monkeypatch.setenv("ONESTOP_SESSION_DIR", str(tmp_path_factory.mktemp("sessions")))


def officer_named(args) -> str | None:  # type: ignore[no-untyped-def]
    """The value of `--officer` in a command line, if any."""
    args = list(args)
    for index, arg in enumerate(args):
        if arg == "--officer" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--officer="):
            return arg.split("=", 1)[1]
    return None


def login_for(db_path: Path, args, passwords: dict[str, str] | None = None) -> None:  # type: ignore[no-untyped-def]
    """Before a CLI run naming `--officer X`: make sure a command-line session for X is open on `db_path`, as
    `onestop login X` would (the officer must know the password; the tests' officers are in PASSWORDS)."""
    from onestop.domain import now_vn
    from onestop.session import current, login

    name = officer_named(args)
    known = {**PASSWORDS, **(passwords or {})}
    if not name or name not in known or not Path(db_path).exists():
        return
    import sqlite3

    try:
        session = current(Path(db_path), now=now_vn(), touch=False)
    except sqlite3.OperationalError:
        session = None
    if session is not None and session.officer == name:
        return
    from db.engine import make_engine
    from onestop.services.officers import OfficerService

    # make_engine, not open_database: the latter reads the file's header with a plain open()/close(), and closing any
    # descriptor of the file drops every POSIX lock this process holds on it (the test's own open services), after
    # which another process may fold and delete the WAL under them.
    engine = make_engine(Path(db_path))
    try:
        officers = OfficerService(engine)
        try:
            login(officers, Path(db_path), name, known[name], now=now_vn())
        except Exception:  # an unknown or locked account: the command itself will say so
            pass
    finally:
        engine.dispose()


def run_process(
    db_path: Path, config_path: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`onestop ARGS --db … --config …` as a real process (`python -m onestop`), without the caller's ONESTOP_*
    settings except the session folder; the officer named by --officer logs in first (`onestop login`)."""
    login_for(db_path, args)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONESTOP_") or k == "ONESTOP_SESSION_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "onestop", *args, "--db", str(db_path), "--config", str(config_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        input=stdin,
    )


# ---------------------------------------------------------------- the command line, in this process

# One citizen's intake on the command line (add `--officer X` and what the test needs).
INTAKE_ARGS = (
    "intake",
    "--procedure",
    "2.001035",
    "--id-number",
    "038190012345",
    "--name",
    "Đặng Thị Ánh",
    "--dob",
    "17/05/1990",
    "--gender",
    "Nữ",
)


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(args: list[str], stdin: str = "") -> CliResult:
    """Run `onestop.cli.main` in this process exactly as the console script does; returns exit code and streams."""
    from onestop.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_argv, old_stdin = sys.argv, sys.stdin
    sys.argv, sys.stdin = ["onestop", *args], io.StringIO(stdin)
    code = 0
    old_umask = os.umask(0o022)  # a new process starts with the login's umask; `main` must tighten it itself
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv, sys.stdin = old_argv, old_stdin
        os.umask(old_umask)
        gc.collect()  # a one-shot process would have closed its engine by exiting
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli(services, db_path: Path, config_path: Path):
    """The CLI in-process on the `services` fixture's database and config (officers admin, lanhdao, canbo exist);
    the officer named by --officer logs in first, as at a real counter."""

    def _run(*args: str, stdin: str = "") -> CliResult:
        login_for(db_path, args)
        return run_cli([*args, "--db", str(db_path), "--config", str(config_path)], stdin)

    return _run


def init_commune(db: Path, config: Path, *, admin: str = "admin", password: str = ADMIN_PASSWORD) -> CliResult:
    """`onestop init` the tests' commune (Xã Quảng Phú, H56.14, counter 01) on `db` and `config`, as an officer
    would type it; asserts it succeeded."""
    result = run_cli(
        [
            "init",
            "--commune",
            "Xã Quảng Phú",
            "--agency-code",
            "H56.14",
            "--province",
            "Thanh Hóa",
            "--counter",
            "01",
            "--admin",
            admin,
            "--password-stdin",
            "--db",
            str(db),
            "--config",
            str(config),
        ],
        f"{password}\n",
    )
    assert result.code == 0, result.output
    return result


@pytest.fixture
def commune(tmp_path: Path) -> tuple[Path, Path]:
    """A commune set up through `onestop init` (administrator admin / ADMIN_PASSWORD): its database and config."""
    db, config = tmp_path / "data" / "onestop.db", tmp_path / "config.toml"
    init_commune(db, config)
    return db, config


@pytest.fixture
def settings():
    from onestop.config import parse_settings

    return parse_settings(
        {
            "commune": {
                "name": "Xã Quảng Phú",
                "agency_code": "H56.14",
                "province": "Thanh Hóa",
                "counter": "01",
                "address": "Thôn Phú Lâm, Xã Quảng Phú, Tỉnh Thanh Hóa",
                "phone": "0237 3812 345",
            },
        }
    )


@pytest.fixture
def config_path(tmp_path: Path, settings) -> Path:
    from onestop.config import write_settings

    path = tmp_path / "config.toml"
    write_settings(settings, path)
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "onestop.db"


@pytest.fixture
def renderer():
    """The form renderer `services` is built with: none for the core's own tests (the TUI's tests pass the real one)."""
    return None


_TEMPLATES: dict[str, Path] = {}


def seeded_template(settings, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """A database made once per test process (and per distinct settings) exactly as `services` used to make it for
    every test: migrated, seeded (catalog, calendar, profile) and with the three officers (argon2 hashes are slow on
    purpose). Each test gets its own copy."""
    import hashlib

    key = hashlib.sha256(repr(settings).encode()).hexdigest()[:16]
    if key not in _TEMPLATES:
        from onestop.domain import Role
        from onestop.services import open_services

        path = tmp_path_factory.mktemp(f"template-{key}") / "onestop.db"
        svc = open_services(path, settings)
        svc.officers.add("admin", "Quản Trị Viên", Role.ADMIN, ADMIN_PASSWORD)
        svc.officers.add("canbo", "Nguyễn Thị Lan", Role.OFFICER, OFFICER_PASSWORD)
        svc.officers.add("lanhdao", "Trần Văn Hùng", Role.LEADER, LEADER_PASSWORD)
        svc.close()
        _TEMPLATES[key] = path
    return _TEMPLATES[key]


@pytest.fixture
def services(db_path: Path, settings, renderer, tmp_path_factory):
    """Services on a fresh, migrated database with the shipped catalog and three officers (a copy of the template)."""
    import shutil

    from onestop.services import open_services

    template = seeded_template(settings, tmp_path_factory)
    db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for suffix in ("", "-wal"):  # the template is closed: its WAL is folded back, but copy one if it is there
        if Path(f"{template}{suffix}").exists():
            shutil.copy2(f"{template}{suffix}", f"{db_path}{suffix}")
    svc = open_services(db_path, settings, renderer=renderer)
    yield svc
    svc.close()


@pytest.fixture
def applicant():
    from datetime import date

    from onestop.domain import Person

    return Person(
        full_name="Đặng Thị Ánh",
        id_number="038190012345",
        birth_date=date(1990, 5, 17),
        gender="Nữ",
        address="Thôn Đông Hải, Xã Quảng Phú, Tỉnh Thanh Hóa",
        phone="0912345678",
    )


def sample_declaration(procedure: str, received_at=None):
    """A valid tờ khai for a procedure that has a form (None otherwise): a dossier of such a procedure is not
    received without one; tests about something else receive it with this."""
    from onestop.declarations.samples import sample
    from onestop.domain import now_vn

    return sample(procedure, (received_at or now_vn()).date())


@pytest.fixture
def make_dossier(services, applicant):
    """Receive a dossier through the real intake service."""
    from onestop.domain import DocKind, DocumentLine, IntakeDraft

    def _make(procedure: str = "2.001035", *, officer: str = "canbo", **changes):
        changes.setdefault("declaration", sample_declaration(procedure, changes.get("received_at")))
        draft = IntakeDraft(
            procedure_code=procedure,
            applicant=changes.pop("applicant", applicant),
            documents=changes.pop("documents", (DocumentLine("Tờ khai (theo mẫu)", DocKind.ORIGINAL, 1),)),
            **changes,
        )
        return services.intake.save(draft, officer)

    return _make


def new_contract_version(tmp_path: Path) -> Path:
    """A provincial catalog file with a new version of 2.001035 (copy certification of a contract): new name, fee
    60,000 đ, one working day."""
    return contract_catalog(tmp_path, name="Chứng thực giao dịch (bản mới)", days=1, fee=60000)


def contract_catalog(tmp_path: Path, *, name: str, days: int, fee: int) -> Path:
    """A provincial catalog file (`tinh.json`) holding only 2.001035, copy certification of a contract."""
    doc = {
        "procedures": [
            {
                "code": "2.001035",
                "name": name,
                "field": "Chứng thực",
                "deadline": {"amount": days, "unit": "working_days"},
                "fee_vnd": fee,
                "documents": [],
            }
        ]
    }
    path = tmp_path / "tinh.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path
