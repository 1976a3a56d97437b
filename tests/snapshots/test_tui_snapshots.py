"""Snapshots of the home, intake and review screens (fixed clock, fixed dossier codes)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.ui.conftest import SCAN, fill_declaration, fixed_clock, renderer  # noqa: F401, F811  (fixtures)

SIZE = (120, 40)


@pytest.fixture
def counter_app(services, fixed_clock, make_dossier):  # noqa: F811
    from screens.app import make_app

    make_dossier(received_at=fixed_clock())
    with services.engine.begin() as conn:  # the outbox stamps real time; freeze it like everything else shown
        conn.exec_driver_sql(
            "UPDATE outbox_item SET created_at = ?", ((fixed_clock() - timedelta(minutes=25)).isoformat(),)
        )
    return make_app(services, officer=services.officers.get("canbo"), clock=fixed_clock)


async def settle(pilot) -> None:
    """Every worker done and every message it posted (e.g. `HomeScreen.Loaded`) handled, twice over: a handled
    message may start another worker (the home queues reload when the screen resumes)."""
    from textual.widgets import Input

    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


async def to_applicant(pilot) -> None:
    await settle(pilot)
    await pilot.press("f2")
    await pilot.pause()
    screen = pilot.app.screen
    screen.query_one("#proc-query").value = "1.001193"
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    screen.query_one("#id_number").value = SCAN
    await pilot.press("enter")
    screen.query_one("#phone").value = "0912345678"
    await settle(pilot)


class TestHomeScreen:
    def test_home(self, snap_compare, counter_app):
        assert snap_compare(counter_app, terminal_size=SIZE, run_before=settle)


class TestIntakeScreen:
    def test_applicant_step_after_scan(self, snap_compare, counter_app):
        assert snap_compare(counter_app, terminal_size=SIZE, run_before=to_applicant)

    def test_review_step(self, snap_compare, counter_app):
        async def to_review(pilot) -> None:
            await to_applicant(pilot)
            await fill_declaration(pilot, pilot.app.screen)  # birth registration is received with its tờ khai
            await pilot.press("pagedown", "pagedown", "enter", "enter", "enter")
            await settle(pilot)

        assert snap_compare(counter_app, terminal_size=SIZE, run_before=to_review)

    def test_large_print_review(self, snap_compare, counter_app):
        async def to_large(pilot) -> None:
            await to_applicant(pilot)
            await fill_declaration(pilot, pilot.app.screen)
            await pilot.press("f9")
            await settle(pilot)

        assert snap_compare(counter_app, terminal_size=SIZE, run_before=to_large)
