"""DossierScreen through Pilot: all data shown, only legal actions live, actions via modals change the dossier."""

from __future__ import annotations

import asyncio
from datetime import timedelta


async def open_dossier(app, pilot, code):
    from screens.dossier import DossierScreen

    await app.workers.wait_for_complete()
    screen = DossierScreen(code)
    await app.push_screen(screen)
    await asyncio.wait_for(screen.loaded.wait(), 10)
    await pilot.pause()
    return screen


async def until_loaded(screen, pilot):
    await asyncio.wait_for(screen.loaded.wait(), 10)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def live_keys(screen) -> set[str]:
    return {
        b.binding.key for b in screen.app.active_bindings.values() if b.enabled and b.binding.action.startswith("act(")
    }


async def test_shows_everything_and_legal_keys(app, services, make_dossier):
    d = make_dossier()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_dossier(app, pilot, d.code)
        head = str(screen.query_one("#dossier-head").render())
        assert d.code in head and "Được tiếp nhận" in head
        assert "Đặng Thị Ánh" in str(screen.query_one("#dossier-applicant").render())
        assert screen.query_one("#dossier-timeline").row_count == 1
        assert screen.query_one("#dossier-documents").row_count == 1
        assert live_keys(screen) == {"s", "c", "f", "r", "w", "t", "x", "k"}
        assert any(e.action == "dossier.view" for e in services.audit.entries(dossier_code=d.code))


async def test_supplement_then_received_then_return(app, services, make_dossier):
    from textual.widgets import Input

    d = make_dossier()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_dossier(app, pilot, d.code)
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#reason-input", Input).value = "Giấy chứng sinh; Sổ hộ khẩu"
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#reason-input", Input).value = "Thiếu giấy tờ"
        screen.loaded.clear()
        await pilot.press("enter")
        await until_loaded(screen, pilot)
        assert screen.dossier.status.value == "supplement"
        assert "Giấy chứng sinh" in screen.dossier.events[-1].note
        assert live_keys(screen) == {"b", "w", "t", "x"}
        screen.loaded.clear()
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("y")
        await until_loaded(screen, pilot)
        assert screen.dossier.status.value == "in_progress"
        screen.loaded.clear()
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("y")
        await until_loaded(screen, pilot)
        assert screen.dossier.status.value == "result_ready"
        assert live_keys(screen) == {"g", "x"}
        await pilot.press("g")
        await pilot.pause()
        assert app.screen.query_one("#return-name", Input).value == "Đặng Thị Ánh"
        screen.loaded.clear()
        await pilot.press("enter")
        await until_loaded(screen, pilot)
        assert screen.dossier.status.value == "returned"
        assert screen.dossier.collected_id_number == "038190012345"
        assert live_keys(screen) == set()


async def test_reject_needs_reason_and_apology_dialog(app, services, make_dossier):
    from textual.widgets import Input, Static

    d = make_dossier()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_dossier(app, pilot, d.code)
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#newdue-date", Input).value = "01/01/2020 09:00"
        app.screen.query_one("#newdue-reason", Input).value = "Chờ xác minh"
        screen.loaded.clear()
        await pilot.press("enter")
        await until_loaded(screen, pilot)
        assert screen.dossier.due_at == d.due_at  # a past date is refused by the service, nothing changed
        new_due = d.due_at + timedelta(days=7)
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#newdue-date", Input).value = f"{new_due:%d/%m/%Y %H:%M}"
        app.screen.query_one("#newdue-reason", Input).value = "Chờ xác minh"
        screen.loaded.clear()
        await pilot.press("enter")
        await until_loaded(screen, pilot)
        assert screen.dossier.due_at == new_due and screen.dossier.status.value == "received"
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")  # empty reason
        await pilot.pause()
        assert "Không được để trống" in str(app.screen.query_one("#reason-error", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert services.dossiers.peek(d.code).status.value == "received"


async def test_unknown_code_is_a_message(app):
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_dossier(app, pilot, "H56.14-000000-000000")
        assert "Không tìm thấy" in screen.error
        assert live_keys(screen) == set()


async def test_every_live_action_and_back_fit_in_the_footer_at_120_columns(app, services, make_dossier):
    """At 120×40 each key the status allows (and p, Esc) is visible in the footer, not cut at the right edge."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    from onestop.domain import Status

    d = make_dossier()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_dossier(app, pilot, d.code)
        for step in ("received", "in progress"):
            if step == "in progress":
                services.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo")
                screen.reload()
                await until_loaded(screen, pilot)
            await pilot.pause()
            keys = list(screen.query_one(Footer).query(FooterKey))
            palette = next(k for k in keys if k.has_class("-command-palette"))
            shown = {k.action: k for k in keys}
            wanted = {
                b.binding.action
                for b in screen.active_bindings.values()
                if b.enabled and b.binding.show and b.node is screen
            }
            assert wanted <= set(shown), (step, wanted - set(shown))
            for action in wanted:
                assert shown[action].region.right <= palette.region.x, f"{step}: {action} cut off"
