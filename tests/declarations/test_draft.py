"""A half-filled declaration survives Esc (and the draft written while typing survives a killed process)."""

from __future__ import annotations

from tests.declarations.test_pilot_intake import SIZE, start, type_into
from tests.ui.conftest import app, fixed_clock, officer, wait_until  # noqa: F401


async def test_half_filled_declaration_survives_escape(app, services):  # noqa: F811
    from screens.home import HomeScreen
    from screens.intake.declaration import DeclarationStep

    async with app.run_test(size=SIZE) as pilot:
        screen, form = await start(app, pilot, "1.001193")
        await type_into(pilot, form, "HoTenKS", "Lê Minh Khang")
        await type_into(pilot, form, "NgaySinhChon", "01112026")
        # written while typing (0.8 s after it stops), before any step change: what a killed process would leave

        def kept() -> dict:
            return ((services.intake.load_draft("canbo") or {}).get("declaration") or {}).get("values") or {}

        await wait_until(pilot, lambda: kept().get("NgaySinhChon"), what="the typed tờ khai in the draft")
        assert kept()["HoTenKS"] == "Lê Minh Khang"
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        draft = services.intake.load_draft("canbo")
        assert draft["declaration"]["form"] == "to-khai-khai-sinh"
        assert draft["declaration"]["values"]["NgaySinhChon"] == "01/11/2026"
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        resumed = app.screen.step_of(DeclarationStep).form
        while not resumed.ready:
            await pilot.pause()
        await pilot.pause()
        assert resumed.raw("HoTenKS") == "Lê Minh Khang" and resumed.raw("NgaySinhChon") == "01/11/2026"
