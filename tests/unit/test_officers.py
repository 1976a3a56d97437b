"""Officer accounts: argon2 hashes, login, roles that nest."""

from __future__ import annotations

import pytest

from onestop.domain import Role
from onestop.errors import BadInput, Conflict, NotFound, PermissionDenied
from tests.conftest import OFFICER_PASSWORD


def test_login_and_hash(services) -> None:
    assert services.officers.authenticate("canbo", OFFICER_PASSWORD).role is Role.OFFICER
    with pytest.raises(BadInput, match="Sai tên đăng nhập hoặc mật khẩu"):
        services.officers.authenticate("canbo", "wrong-password")
    with pytest.raises(BadInput, match="Sai tên đăng nhập hoặc mật khẩu"):
        services.officers.authenticate("nobody", "whatever1")
    with services.engine.connect() as conn:
        digest = conn.exec_driver_sql("SELECT password_hash FROM officer WHERE username='canbo'").scalar_one()
    assert digest.startswith("$argon2") and OFFICER_PASSWORD not in digest


def test_roles_nest(services) -> None:
    assert services.officers.require("admin", Role.LEADER).username == "admin"
    assert services.officers.require("lanhdao", Role.OFFICER)
    with pytest.raises(PermissionDenied):
        services.officers.require("canbo", Role.LEADER)
    with pytest.raises(NotFound):
        services.officers.require("ghost")
    with pytest.raises(BadInput):
        services.officers.require(None)


def test_bad_accounts_refused(services) -> None:
    with pytest.raises(Conflict):
        services.officers.add("canbo", "Người Khác", Role.OFFICER, "12345678")
    with pytest.raises(BadInput):
        services.officers.add("Cán Bộ", "X", Role.OFFICER, "12345678")
    with pytest.raises(BadInput):
        services.officers.add("canbo9", "X", Role.OFFICER, "short")
    services.officers.set_active("canbo", False, actor="admin")
    with pytest.raises(BadInput):
        services.officers.authenticate("canbo", OFFICER_PASSWORD)
    with pytest.raises(PermissionDenied):
        services.officers.require("canbo")
