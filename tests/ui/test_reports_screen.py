"""ReportsScreen through Pilot: the month table, month paging, exports into the archive, leaders only."""

from __future__ import annotations

import pytest


@pytest.fixture
def leader_app(services, fixed_clock):
    from screens.app import make_app

    return make_app(services, officer=services.officers.get("lanhdao"), clock=fixed_clock)


async def open_reports(app, pilot, messages):
    """Push the reports screen from the app (where the message hook is set) and wait for its load worker."""
    from screens.reports import ReportsScreen

    await app.workers.wait_for_complete()
    since = messages.mark()
    screen = ReportsScreen()
    app.call_later(app.push_screen, screen)
    await messages.wait_for_worker(pilot, "reports", since=since)
    return screen


async def press_and_wait(messages, pilot, key, kind):
    """Press `key` and return the message of `kind` it leads to."""
    since = messages.mark()
    await pilot.press(key)
    message = await messages.wait_for(kind, pilot, since=since)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return message


async def test_month_table_chart_and_exports(leader_app, services, make_dossier, fixed_clock, messages):
    from textual.widgets import DataTable

    from screens.reports import ReportsScreen

    make_dossier(received_at=fixed_clock())
    make_dossier("1.001193", received_at=fixed_clock())
    async with leader_app.run_test(size=(160, 45), message_hook=messages) as pilot:
        screen = await open_reports(leader_app, pilot, messages)
        month = screen.month
        assert screen.report.month == month
        assert screen.report.total.received == 2
        assert screen.query_one(DataTable).row_count == 3  # two procedures + total
        assert len(screen.series) == 12 and screen.series[-1][1] == 2
        exported = await press_and_wait(messages, pilot, "c", ReportsScreen.Exported)
        assert exported.path == screen.last_export
        assert screen.last_export and screen.last_export.suffix == ".csv" and screen.last_export.exists()
        assert str(services.archive_dir) in str(screen.last_export)
        await press_and_wait(messages, pilot, "p", ReportsScreen.Exported)
        assert screen.last_export.suffix == ".pdf" and screen.last_export.read_bytes().startswith(b"%PDF")
        loaded = await press_and_wait(messages, pilot, "pageup", ReportsScreen.Loaded)
        assert loaded.report.month != month
        assert screen.month != month and screen.report.total.received == 0


async def test_officer_cannot_see_reports(app, messages):
    async with app.run_test(size=(160, 45), message_hook=messages) as pilot:
        screen = await open_reports(app, pilot, messages)
        assert screen.report is None and "Lãnh đạo" in screen.error


async def test_procedures_with_the_same_opening_words_stay_apart_at_120_columns(
    leader_app, services, make_dossier, fixed_clock, messages
):
    """Issue 15: four birth/marriage/death procedures all read 'Thủ tục đăng' in a 120-column report."""
    from textual.widgets import DataTable

    codes = ("1.001193", "1.000894", "1.000656", "1.004884")
    for code in codes:
        make_dossier(code, received_at=fixed_clock(), fee_vnd=0)
    async with leader_app.run_test(size=(120, 40), message_hook=messages) as pilot:
        screen = await open_reports(leader_app, pilot, messages)
        await pilot.pause()
        table = screen.query_one(DataTable)
        cells = [str(table.get_row_at(i)[1]) for i in range(table.row_count) if table.get_row_at(i)[1] != "Tổng cộng"]
        names = {cell.split(" ", 1)[1] for cell in cells if cell.split(" ", 1)[0] in codes}
        assert len(names) == len(codes), cells
