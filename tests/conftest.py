"""Shared fixtures: a real migrated SQLite file per test, a workstation config, and officers of each role."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.pop("NO_COLOR", None)  # NO_COLOR breaks Textual snapshots

ADMIN_PASSWORD = "matkhau-admin"
OFFICER_PASSWORD = "matkhau-canbo"
LEADER_PASSWORD = "matkhau-lanhdao"


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


@pytest.fixture
def make_dossier(services, applicant):
    """Receive a dossier through the real intake service."""
    from onestop.domain import DocKind, DocumentLine, IntakeDraft

    def _make(procedure: str = "2.001035", *, officer: str = "canbo", **changes):
        draft = IntakeDraft(
            procedure_code=procedure,
            applicant=changes.pop("applicant", applicant),
            documents=(DocumentLine("Tờ khai (theo mẫu)", DocKind.ORIGINAL, 1),),
            **changes,
        )
        return services.intake.save(draft, officer)

    return _make
