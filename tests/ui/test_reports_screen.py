"""ReportsScreen through Pilot: the month table, month paging, exports into the archive, leaders only."""

from __future__ import annotations

import asyncio

import pytest


@pytest.fixture
def leader_app(services, fixed_clock):
    from screens.app import make_app

    return make_app(services, officer=services.officers.get("lanhdao"), clock=fixed_clock)


async def open_reports(app, pilot):
    from screens.reports import ReportsScreen

    await app.workers.wait_for_complete()
    screen = ReportsScreen()
    await app.push_screen(screen)
    await asyncio.wait_for(screen.loaded.wait(), 10)
    await pilot.pause()
    return screen


async def press_and_wait(screen, pilot, key):
    screen.loaded.clear()
    await pilot.press(key)
    await asyncio.wait_for(screen.loaded.wait(), 10)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_month_table_chart_and_exports(leader_app, services, make_dossier, fixed_clock):
    from textual.widgets import DataTable

    make_dossier(received_at=fixed_clock())
    make_dossier("1.001193", received_at=fixed_clock())
    async with leader_app.run_test(size=(160, 45)) as pilot:
        screen = await open_reports(leader_app, pilot)
        month = screen.month
        assert screen.report.month == month
        assert screen.report.total.received == 2
        assert screen.query_one(DataTable).row_count == 3  # two procedures + total
        assert len(screen.series) == 12 and screen.series[-1][1] == 2
        await press_and_wait(screen, pilot, "c")
        assert screen.last_export and screen.last_export.suffix == ".csv" and screen.last_export.exists()
        assert str(services.archive_dir) in str(screen.last_export)
        await press_and_wait(screen, pilot, "p")
        assert screen.last_export.suffix == ".pdf" and screen.last_export.read_bytes().startswith(b"%PDF")
        await press_and_wait(screen, pilot, "pageup")
        assert screen.month != month and screen.report.total.received == 0


async def test_officer_cannot_see_reports(app):
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_reports(app, pilot)
        assert screen.report is None and "Lãnh đạo" in screen.error
