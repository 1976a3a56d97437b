"""The QĐ 766 scorecard screen (F6 → k): figures per field, month paging, exports into the archive."""

from __future__ import annotations

from tests.ui.test_reports_screen import leader_app, open_reports  # noqa: F401  (fixture, helper)


async def test_kpi_screen(leader_app, messages, services, make_dossier, fixed_clock):  # noqa: F811
    from textual.widgets import DataTable

    from screens.kpi import KpiScreen

    d = make_dossier(received_at=fixed_clock())
    make_dossier("1.001193", received_at=fixed_clock())
    services.ratings.rate(d.code, 1, actor="canbo")
    async with leader_app.run_test(size=(120, 40), message_hook=messages) as pilot:
        await open_reports(leader_app, pilot, messages)
        since = messages.mark()
        await pilot.press("k")
        loaded = await messages.wait_for(KpiScreen.Loaded, pilot, since=since)
        await pilot.pause()
        screen = leader_app.screen
        assert isinstance(screen, KpiScreen) and loaded.report.month == "2026-11"
        table = screen.query_one("#kpi-table", DataTable)
        assert [str(c.label) for c in table.columns.values()][:2] == ["Chỉ số", "Tất cả"]
        assert table.get_row_at(0)[:2] == ["Hồ sơ tiếp nhận", "2"]
        assert "Xu hướng 12 tháng" in str(screen.query_one("#kpi-trend").render())
        since = messages.mark()
        await pilot.press("pageup")
        assert (await messages.wait_for(KpiScreen.Loaded, pilot, since=since)).report.month == "2026-10"
        since = messages.mark()
        await pilot.press("x")
        exported = await messages.wait_for(KpiScreen.Exported, pilot, since=since)
        assert exported.path.name == "kpi-2026-10.xlsx" and exported.path.is_file()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(leader_app.screen, KpiScreen)
