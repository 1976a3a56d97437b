"""Officer accounts, argon2 password hashes, login and role checks (roles nest: admin ⊇ leader ⊇ officer)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db import models
from db.engine import session_scope
from onestop.domain import Officer, Role, now_vn
from onestop.errors import BadInput, Conflict, NotFound, PermissionDenied
from onestop.services.audit import record
from onestop.text import clean

if TYPE_CHECKING:
    from argon2 import PasswordHasher

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}$")


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def _to_domain(row: models.Officer) -> Officer:
    return Officer(username=row.username, full_name=row.full_name, role=Role(row.role), active=row.active)


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError as exc:
        raise BadInput("Vai trò phải là officer, leader hoặc admin.", field="role") from exc


class OfficerService:
    """Create, list, authenticate and authorise officers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, username: str, full_name: str, role: Role, password: str, *, actor: str = "system") -> Officer:
        if actor not in ("system", "setup"):
            actor = self.require(actor, Role.ADMIN).username
        username = clean(username).lower()
        if not USERNAME_RE.match(username):
            raise BadInput(
                "Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang (2–50 ký tự).", field="username"
            )
        full_name = clean(full_name)
        if not full_name or len(full_name) > 100:
            raise BadInput("Họ tên cán bộ không được để trống và tối đa 100 ký tự.", field="full_name")
        if len(password) < 8:
            raise BadInput("Mật khẩu phải có ít nhất 8 ký tự.", field="password")
        digest = _hasher().hash(password)
        with session_scope(self.engine, write=True) as s:
            if s.exec(select(models.Officer).where(models.Officer.username == username)).first():
                raise Conflict(f"Tên đăng nhập '{username}' đã tồn tại.", field="username")
            row = models.Officer(
                username=username,
                full_name=full_name,
                role=role.value,
                password_hash=digest,
                active=True,
                created_at=now_vn(),
            )
            s.add(row)
            record(s, actor, "officer.create", detail=f"{username} ({role.value})")
            return _to_domain(row)

    def list(self) -> list[Officer]:
        with session_scope(self.engine) as s:
            return [_to_domain(r) for r in s.exec(select(models.Officer).order_by(col(models.Officer.username)))]

    def count(self) -> int:
        return len(self.list())

    def get(self, username: str) -> Officer:
        with session_scope(self.engine) as s:
            row = s.exec(select(models.Officer).where(models.Officer.username == clean(username).lower())).first()
            if row is None:
                raise NotFound(f"Không có cán bộ '{clean(username)[:50]}'.", field="officer")
            return _to_domain(row)

    def authenticate(self, username: str, password: str) -> Officer:
        """Check a password; the same message for an unknown user and a wrong password."""
        from argon2.exceptions import VerificationError

        with session_scope(self.engine, write=True) as s:
            row = s.exec(select(models.Officer).where(models.Officer.username == clean(username).lower())).first()
            failed_as = clean(username)[:50] or "?"
            if row is not None and row.active:
                try:
                    _hasher().verify(row.password_hash, password)
                except VerificationError:
                    failed_as = row.username
                else:
                    record(s, row.username, "login")
                    return _to_domain(row)
            # committed, not rolled back with an exception: a failed login must stay in the audit log
            record(s, failed_as, "login.failed")
        raise BadInput("Sai tên đăng nhập hoặc mật khẩu.", field="password")

    def require(self, username: str | None, role: Role = Role.OFFICER) -> Officer:
        """The named officer must exist, be active and hold `role` (or a higher one)."""
        if not username:
            raise BadInput("Cần chỉ rõ cán bộ thực hiện (--officer).", field="officer")
        officer = self.get(username)
        if not officer.active:
            raise PermissionDenied(f"Tài khoản cán bộ '{officer.username}' đã bị khóa.")
        if officer.role.rank < role.rank:
            raise PermissionDenied(
                f"Cán bộ '{officer.username}' ({officer.role.label}) không có quyền thực hiện việc này; "
                f"cần vai trò {role.label}."
            )
        return officer

    def set_active(self, username: str, active: bool, *, actor: str) -> None:
        self.require(actor, Role.ADMIN)
        with session_scope(self.engine, write=True) as s:
            row = s.exec(select(models.Officer).where(models.Officer.username == username)).first()
            if row is None:
                raise NotFound(f"Không có cán bộ '{username}'.")
            row.active = active
            s.add(row)
            record(s, actor, "officer.activate" if active else "officer.deactivate", detail=username)
