"""Login throttling: a growing delay after wrong passwords, a lock after 5 within 15 minutes (audited), an admin's
unlock; in the TUI the same on the login and lock screens, the officers screen unlocks, and an officer can log out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from onestop.domain import now_vn
from onestop.errors import BadInput, Conflict, NotFound, OneStopError, PermissionDenied
from tests.conftest import ADMIN_PASSWORD, OFFICER_PASSWORD


class Clock:
    def __init__(self) -> None:
        self.now = now_vn()

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(services) -> Clock:
    c = Clock()
    services.officers.clock = c
    return c


def actions(services, officer: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.action for e in reversed(services.audit.entries(officer=officer, limit=100))]


def wrong(services, clock: Clock, user: str = "canbo") -> OneStopError:  # type: ignore[no-untyped-def]
    """One wrong password, after waiting out whatever delay the previous failures imposed."""
    failures = sum(a == "login.failed" for a in actions(services, user))
    clock.advance(services.officers.delay_after(failures))
    with pytest.raises(OneStopError) as caught:
        services.officers.authenticate(user, "sai-mat-khau")
    return caught.value


def test_ten_wrong_passwords_then_the_right_one_is_refused(services, clock) -> None:
    errors = [wrong(services, clock) for _ in range(4)]
    assert all(isinstance(e, BadInput) for e in errors)
    fifth = wrong(services, clock)
    assert isinstance(fifth, PermissionDenied) and "đã bị khóa" in fifth.message and "unlock canbo" in fifth.message
    for _ in range(5):
        clock.advance(3600)
        with pytest.raises(PermissionDenied):
            services.officers.authenticate("canbo", "sai-mat-khau")
    clock.advance(3600)
    with pytest.raises(PermissionDenied):  # the right password does not open a locked account
        services.officers.authenticate("canbo", OFFICER_PASSWORD)
    assert services.officers.is_locked("canbo")
    trail = actions(services, "canbo")
    assert trail.count("login.failed") == 5 and "officer.locked" in trail and trail[-1] == "login.refused"


def test_the_delay_grows_and_a_try_inside_it_is_refused_without_checking(services, clock) -> None:
    assert [services.officers.delay_after(n) for n in range(1, 5)] == [0, 2, 4, 8]
    wrong(services, clock)
    wrong(services, clock)
    with pytest.raises(Conflict, match="hãy đợi 2 giây"):
        services.officers.authenticate("canbo", OFFICER_PASSWORD)  # even the right password must wait
    clock.advance(2)
    assert services.officers.authenticate("canbo", OFFICER_PASSWORD).username == "canbo"
    wrong(services, clock)  # a success resets the count: the next failure has no delay
    clock.advance(0)
    with pytest.raises(BadInput):
        services.officers.authenticate("canbo", "sai-mat-khau")


def test_failures_older_than_15_minutes_do_not_count(services, clock) -> None:
    for _ in range(4):
        wrong(services, clock)
    clock.advance(16 * 60)
    assert isinstance(wrong(services, clock), BadInput)
    assert not services.officers.is_locked("canbo")


def test_unknown_names_are_throttled_alike(services, clock) -> None:
    """The answers for an unknown name and a real one are the same, so guessing cannot list accounts."""
    errors = [wrong(services, clock, "khongco") for _ in range(5)]
    assert [type(e) for e in errors] == [BadInput] * 4 + [PermissionDenied]


def test_only_an_admin_unlocks_and_it_is_audited(services, clock) -> None:
    for _ in range(5):
        wrong(services, clock)
    with pytest.raises(PermissionDenied):
        services.officers.unlock("canbo", actor="lanhdao")
    services.officers.unlock("canbo", actor="admin")
    assert not services.officers.is_locked("canbo")
    assert services.officers.authenticate("canbo", OFFICER_PASSWORD).username == "canbo"
    assert "officer.unlock" in actions(services, "admin")
    with pytest.raises(Conflict):
        services.officers.unlock("canbo", actor="admin")
    with pytest.raises(NotFound):
        services.officers.unlock("khongco", actor="admin")


# ---------------------------------------------------------------- TUI


async def test_tui_login_locks_after_five_and_officers_screen_unlocks(services) -> None:
    from screens.app import OneStopApp, make_app
    from screens.login import LoginScreen
    from screens.officers import OfficersScreen
    from tests.ui.conftest import workers_done

    clock = Clock()
    services.officers.clock = clock
    app: OneStopApp = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)

        async def attempt(user: str, password: str) -> str:
            failures = sum(a == "login.failed" for a in actions(services, user))
            clock.advance(services.officers.delay_after(failures))
            app.screen.query_one("#login-username").value = user
            app.screen.query_one("#login-password").value = password
            app.screen.action_login()
            await workers_done(app)
            await pilot.pause()
            return str(app.screen.query_one("#login-error").render()) if isinstance(app.screen, LoginScreen) else ""

        for _ in range(4):
            assert "Sai tên đăng nhập" in await attempt("canbo", "sai-mat-khau")
        assert "đã bị khóa" in await attempt("canbo", "sai-mat-khau")
        assert "đã bị khóa" in await attempt("canbo", OFFICER_PASSWORD)
        await attempt("admin", ADMIN_PASSWORD)
        assert app.logged_in and app.officer.username == "admin"
        await pilot.press("f11")
        await pilot.pause()
        assert isinstance(app.screen, OfficersScreen)
        table = app.screen.query_one("#officers-table")
        table.move_cursor(row=[str(r.value) for r in table.rows].index("canbo"))
        await pilot.press("u")
        await pilot.pause()
        assert "Đã mở khóa tài khoản canbo" in str(app.screen.query_one("#officers-message").render())
        assert not services.officers.is_locked("canbo")
        await pilot.press("f12")  # log out without quitting
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and not app.logged_in
        await attempt("canbo", OFFICER_PASSWORD)
        assert app.logged_in and app.officer.username == "canbo"
        await pilot.press("f11")  # an officer has no officers screen
        await pilot.pause()
        assert not isinstance(app.screen, OfficersScreen)
    assert "logout" in actions(services, "admin")


async def test_tui_switch_officer_from_the_lock_screen(services) -> None:
    from screens.app import make_app
    from screens.lock import LockScreen
    from screens.login import LoginScreen

    app = make_app(services, officer=services.officers.get("canbo"))

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and not app.logged_in and not app.locked
