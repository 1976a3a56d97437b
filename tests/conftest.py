"""Shared fixtures: a real migrated SQLite file per test, a workstation config, and officers of each role."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.pop("NO_COLOR", None)  # NO_COLOR breaks Textual snapshots

ADMIN_PASSWORD = "matkhau-admin"
OFFICER_PASSWORD = "matkhau-canbo"
LEADER_PASSWORD = "matkhau-lanhdao"
PASSWORDS = {"admin": ADMIN_PASSWORD, "canbo": OFFICER_PASSWORD, "lanhdao": LEADER_PASSWORD}


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


@pytest.fixture
def services(db_path: Path, settings, renderer):
    """Services on a fresh, migrated database with the shipped catalog and three officers."""
    from onestop.domain import Role
    from onestop.services import open_services

    svc = open_services(db_path, settings, renderer=renderer)
    svc.officers.add("admin", "Quản Trị Viên", Role.ADMIN, ADMIN_PASSWORD)
    svc.officers.add("canbo", "Nguyễn Thị Lan", Role.OFFICER, OFFICER_PASSWORD)
    svc.officers.add("lanhdao", "Trần Văn Hùng", Role.LEADER, LEADER_PASSWORD)
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
            documents=(DocumentLine("Tờ khai (theo mẫu)", DocKind.ORIGINAL, 1),),
            **changes,
        )
        return services.intake.save(draft, officer)

    return _make
