"""Officer accounts, argon2 password hashes, login and role checks (roles nest: admin ⊇ leader ⊇ officer)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db import models
from db.engine import session_scope
from onestop.domain import Officer, Role, now_vn
from onestop.errors import BadInput, Conflict, NotFound, OneStopError, PermissionDenied
from onestop.services.audit import record
from onestop.text import clean

_OFFICER = models.Officer.metadata.tables["officer"]
_BY_USERNAME = sa.select(_OFFICER.c.username, _OFFICER.c.full_name, _OFFICER.c.role, _OFFICER.c.active).where(
    _OFFICER.c.username == sa.bindparam("username")
)
if TYPE_CHECKING:
    from argon2 import PasswordHasher


MAX_FAILURES = 5
WINDOW_MINUTES = 15
LOCKED_MESSAGE = (
    (
        "Tài khoản '{user}' đã bị khóa vì nhập sai mật khẩu {n} lần trong {m} phút. Hãy nhờ quản trị mở khóa "
        "(onestop officer unlock {user}, hoặc màn hình Cán bộ)."
    )
    .replace("{n}", str(MAX_FAILURES))
    .replace("{m}", str(WINDOW_MINUTES))
)
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}$")


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


def _to_domain(row: Any) -> Officer:
    """An officer from its ORM row or a Core row of the same columns."""
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
        self.clock: Callable[[], datetime] = now_vn
        """The time used by login throttling (tests move it instead of sleeping)."""

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
        # One Core query on a prepared statement, no ORM session: every save checks its officer through here.
        with self.engine.connect() as conn:
            row = conn.execute(_BY_USERNAME, {"username": clean(username).lower()}).first()
        if row is None:
            raise NotFound(f"Không có cán bộ '{clean(username)[:50]}'.", field="officer")
        return _to_domain(row)

    def authenticate(self, username: str, password: str) -> Officer:
        """Check a password; the same message for an unknown user and a wrong password.

        Throttled per typed username (known or not, so the answer does not reveal which names exist): after a
        failure the next try must wait `delay_after(n)` seconds, and the 5th failure within 15 minutes locks the
        account until an administrator unlocks it. Every failure, refusal and lock is audited.
        """
        from argon2.exceptions import VerificationError

        name = clean(username).lower()[:50] or "?"
        now = self.clock()
        with session_scope(self.engine, write=True) as s:
            throttle = s.get(models.LoginThrottle, name)
            if throttle is not None and throttle.locked_at is not None:
                record(s, name, "login.refused", detail="tài khoản đang bị khóa")
                refusal: OneStopError = PermissionDenied(LOCKED_MESSAGE.format(user=name))
            elif throttle is not None and (wait := self._wait_left(throttle, now)) > 0:
                record(s, name, "login.refused", detail=f"chờ {wait} giây")
                refusal = Conflict(f"Đăng nhập sai nhiều lần: hãy đợi {wait} giây rồi thử lại.", field="password")
            else:
                row = s.exec(select(models.Officer).where(models.Officer.username == name)).first()
                if row is not None and row.active:
                    try:
                        _hasher().verify(row.password_hash, password)
                    except VerificationError:
                        pass
                    else:
                        if throttle is not None:
                            s.delete(throttle)
                        record(s, row.username, "login")
                        return _to_domain(row)
                # committed, not rolled back with an exception: a failed login must stay in the audit log
                record(s, name, "login.failed")
                failures = self._count_failure(s, throttle, name, now)
                if failures >= MAX_FAILURES:
                    record(s, name, "officer.locked", detail=f"{failures} lần sai trong {WINDOW_MINUTES} phút")
                    refusal = PermissionDenied(LOCKED_MESSAGE.format(user=name))
                else:
                    refusal = BadInput("Sai tên đăng nhập hoặc mật khẩu.", field="password")
        raise refusal

    @staticmethod
    def delay_after(failures: int) -> int:
        """Seconds to wait before the next try after `failures` wrong passwords in the window: 0, 2, 4, 8, …"""
        return 0 if failures <= 1 else min(2 ** (failures - 1), 300)

    def _wait_left(self, throttle: models.LoginThrottle, now: datetime) -> int:
        if throttle.last_failure_at is None or throttle.window_start is None:
            return 0
        if now - throttle.window_start > timedelta(minutes=WINDOW_MINUTES):
            return 0
        ready = throttle.last_failure_at + timedelta(seconds=self.delay_after(throttle.failures))
        return max(0, math.ceil((ready - now).total_seconds()))

    @staticmethod
    def _count_failure(s: Session, throttle: models.LoginThrottle | None, name: str, now: datetime) -> int:
        if throttle is None:
            throttle = models.LoginThrottle(username=name, failures=0)
        if throttle.window_start is None or now - throttle.window_start > timedelta(minutes=WINDOW_MINUTES):
            throttle.window_start, throttle.failures = now, 0
        throttle.failures += 1
        throttle.last_failure_at = now
        if throttle.failures >= MAX_FAILURES:
            throttle.locked_at = now
        s.add(throttle)
        return throttle.failures

    def is_locked(self, username: str) -> bool:
        with session_scope(self.engine) as s:
            throttle = s.get(models.LoginThrottle, clean(username).lower())
            return throttle is not None and throttle.locked_at is not None

    def locked_usernames(self) -> set[str]:
        with session_scope(self.engine) as s:
            rows = s.exec(select(models.LoginThrottle).where(col(models.LoginThrottle.locked_at).is_not(None)))
            return {r.username for r in rows}

    def unlock(self, username: str, *, actor: str | None) -> None:
        """Clear the failed-login lock of `username` (administrators only); audited."""
        who = self.require(actor, Role.ADMIN).username
        name = clean(username).lower()
        with session_scope(self.engine, write=True) as s:
            throttle = s.get(models.LoginThrottle, name)
            if throttle is None or throttle.locked_at is None:
                if not s.exec(select(models.Officer).where(models.Officer.username == name)).first():
                    raise NotFound(f"Không có cán bộ '{name[:50]}'.", field="officer")
                raise Conflict(f"Tài khoản '{name}' không bị khóa do đăng nhập sai.", field="officer")
            s.delete(throttle)
            record(s, who, "officer.unlock", detail=name)

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
