"""DossierScreen through Pilot: all data shown, only legal actions live, actions via modals change the dossier."""

from __future__ import annotations

from datetime import timedelta


async def open_dossier(app, pilot, messages, code):
    """Open the dossier as the app does (so the message hook sees the new screen) and wait for its load worker."""
    from screens.dossier import DossierScreen

    await app.workers.wait_for_complete()
    since = messages.mark()
    app.call_later(app.open_dossier, code)
    await messages.wait_for_worker(pilot, "dossier-load", since=since)
    await pilot.pause()
    assert isinstance(app.screen, DossierScreen)
    return app.screen


async def acted(messages, pilot, since):
    """The `Acted` message of the action started after `since` (its dossier is the service's result)."""
    from screens.dossier import DossierScreen

    message = await messages.wait_for(DossierScreen.Acted, pilot, since=since)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return message


def live_keys(screen) -> set[str]:
    return {
        b.binding.key for b in screen.app.active_bindings.values() if b.enabled and b.binding.action.startswith("act(")
    }


async def test_shows_everything_and_legal_keys(app, messages, services, make_dossier):
    d = make_dossier()
    async with app.run_test(size=(140, 50), message_hook=messages) as pilot:
        screen = await open_dossier(app, pilot, messages, d.code)
        head = str(screen.query_one("#dossier-head").render())
        assert d.code in head and "Được tiếp nhận" in head
        assert "Đặng Thị Ánh" in str(screen.query_one("#dossier-applicant").render())
        assert screen.query_one("#dossier-timeline").row_count == 1
        assert screen.query_one("#dossier-documents").row_count == 1
        assert live_keys(screen) == {"s", "c", "f", "r", "w", "t", "x", "k"}
        assert any(e.action == "dossier.view" for e in services.audit.entries(dossier_code=d.code))


async def test_supplement_then_received_then_return(app, messages, services, make_dossier):
    from textual.widgets import Input

    d = make_dossier()
    async with app.run_test(size=(140, 50), message_hook=messages) as pilot:
        screen = await open_dossier(app, pilot, messages, d.code)
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#checklist-other", Input).value = "Giấy chứng sinh; Sổ hộ khẩu"
        app.screen.query_one("#checklist-other", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#reason-input", Input).value = "Thiếu giấy tờ"
        since = messages.mark()
        await pilot.press("enter")
        done = await acted(messages, pilot, since)
        assert done.name == "supplement" and done.dossier.status.value == "supplement"
        assert screen.dossier.status.value == "supplement"
        assert "Giấy chứng sinh" in screen.dossier.events[-1].note
        assert live_keys(screen) == {"b", "w", "t", "x"}
        since = messages.mark()
        await pilot.press("b")
        await pilot.pause()
        app.screen.query_one("#checklist").select_all()  # every requested paper arrived
        await pilot.press("ctrl+s")
        assert (await acted(messages, pilot, since)).dossier.status.value == "in_progress"
        assert screen.dossier.status.value == "in_progress"
        since = messages.mark()
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("y")
        assert (await acted(messages, pilot, since)).dossier.status.value == "result_ready"
        assert screen.dossier.status.value == "result_ready"
        assert live_keys(screen) == {"g", "x"}
        await pilot.press("g")
        await pilot.pause()
        assert app.screen.query_one("#return-name", Input).value == "Đặng Thị Ánh"
        since = messages.mark()
        await pilot.press("enter")
        assert (await acted(messages, pilot, since)).dossier.status.value == "returned"
        assert screen.dossier.status.value == "returned"
        assert screen.dossier.collected_id_number == "038190012345"
        assert live_keys(screen) == set()


async def test_reject_needs_reason_and_apology_dialog(app, messages, services, make_dossier):
    from textual.widgets import Input, Static
    from textual.worker import WorkerState

    from screens.dossier import DossierScreen

    d = make_dossier()
    async with app.run_test(size=(140, 50), message_hook=messages) as pilot:
        screen = await open_dossier(app, pilot, messages, d.code)
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#newdue-date", Input).value = "01/01/2020 09:00"
        app.screen.query_one("#newdue-reason", Input).value = "Chờ xác minh"
        since = messages.mark()
        await pilot.press("enter")
        refused = await messages.wait_for_worker(pilot, "dossier-act", since=since)
        assert refused.state is WorkerState.ERROR and not messages.of(DossierScreen.Acted)
        assert screen.dossier.due_at == d.due_at  # a past date is refused by the service, nothing changed
        new_due = (d.due_at + timedelta(days=7)).replace(second=0, microsecond=0)  # typed to the minute
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#newdue-date", Input).value = f"{new_due:%d/%m/%Y %H:%M}"
        app.screen.query_one("#newdue-reason", Input).value = "Chờ xác minh"
        since = messages.mark()
        await pilot.press("enter")
        assert (await acted(messages, pilot, since)).dossier.due_at == new_due
        assert screen.dossier.due_at == new_due and screen.dossier.status.value == "received"
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")  # empty reason
        await pilot.pause()
        assert "Không được để trống" in str(app.screen.query_one("#reason-error", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert services.dossiers.peek(d.code).status.value == "received"


async def test_unknown_code_is_a_message(app, messages):
    async with app.run_test(size=(140, 50), message_hook=messages) as pilot:
        screen = await open_dossier(app, pilot, messages, "H56.14-000000-000000")
        assert "Không tìm thấy" in screen.error
        assert live_keys(screen) == set()


async def test_every_live_action_and_back_fit_in_the_footer_at_120_columns(app, messages, services, make_dossier):
    """At 120×40 each key the status allows (and p, Esc) is visible in the footer, not cut at the right edge."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    from onestop.domain import Status
    from screens.dossier import DossierScreen

    d = make_dossier()
    async with app.run_test(size=(120, 40), message_hook=messages) as pilot:
        screen = await open_dossier(app, pilot, messages, d.code)
        for step in ("received", "in progress"):
            if step == "in progress":
                services.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo")
                since = messages.mark()
                screen.reload()
                loaded = await messages.wait_for(DossierScreen.Loaded, pilot, since=since)
                assert loaded.dossier.status is Status.IN_PROGRESS
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


def test_every_lifecycle_action_has_a_row_in_the_screen_table():
    """The dossier screen's action table is keyed by the lifecycle's actions: none missing, none extra."""
    from onestop.services.lifecycle import ACTIONS
    from screens.dossier import LIFECYCLE

    assert set(LIFECYCLE) == {a.name for a in ACTIONS}


async def test_rating_after_return_and_with_h(app, messages, services, make_dossier):
    from onestop.domain import Status
    from screens.dossier import DossierScreen
    from screens.rating import RatingScreen

    d = make_dossier()
    services.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo")
    services.dossiers.result_ready(d.code, "canbo")
    async with app.run_test(size=(140, 50), message_hook=messages) as pilot:
        screen = await open_dossier(app, pilot, messages, d.code)
        await pilot.press("g")
        await pilot.pause()
        since = messages.mark()
        await pilot.press("enter")
        assert (await acted(messages, pilot, since)).dossier.status.value == "returned"
        assert isinstance(app.screen, RatingScreen)  # the result was handed over: the citizen rates
        await pilot.press("3")
        await pilot.pause()
        assert app.screen.has_class("-reasons")
        since = messages.mark()
        await pilot.press("a")
        await messages.wait_for(DossierScreen.Rated, pilot, since=since)
        await messages.wait_for_worker(pilot, "dossier-load", since=since)
        await pilot.pause()
        rating = services.dossiers.peek(d.code).rating
        assert rating is not None and rating.level == 3 and rating.reason == "Thời gian giải quyết chậm"
        assert rating.via == "screen" and rating.officer == app.officer.username
        assert "Đánh giá của công dân: Không hài lòng" in str(screen.query_one("#dossier-head").render())
        # h opens it again; 1 replaces the rating (both audited).
        await pilot.press("h")
        await pilot.pause()
        since = messages.mark()
        await pilot.press("1")
        await messages.wait_for(DossierScreen.Rated, pilot, since=since)
        await pilot.app.workers.wait_for_complete()
        assert services.dossiers.peek(d.code).rating.label == "Rất hài lòng"
        assert sum(e.action == "dossier.rate" for e in services.audit.entries(dossier_code=d.code)) == 2
        # Esc closes without recording anything.
        await pilot.press("h")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RatingScreen)
        assert services.dossiers.peek(d.code).rating.label == "Rất hài lòng"


async def test_supplement_request_picks_missing_papers_and_receipt_ticks_what_arrived(
    app, messages, services, make_dossier
):
    """Issue 15: the request lists the procedure's papers not received (ticked); receiving ticks each one."""
    from textual.widgets import Input, SelectionList, Static

    d = make_dossier()
    missing = [doc.name for doc in d.procedure.documents if doc.name not in {x.name for x in d.documents}]
    assert missing
    async with app.run_test(size=(140, 50), message_hook=messages) as pilot:
        screen = await open_dossier(app, pilot, messages, d.code)
        await pilot.press("s")
        await pilot.pause()
        picker = app.screen.query_one("#checklist", SelectionList)
        assert picker.selected == missing
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#reason-input", Input).value = "Thiếu giấy tờ"
        since = messages.mark()
        await pilot.press("enter")
        await acted(messages, pilot, since)
        assert all(name in screen.dossier.events[-1].note for name in missing)
        await pilot.press("b")
        await pilot.pause()
        assert app.screen.query_one("#checklist", SelectionList).selected == []
        await pilot.press("ctrl+s")  # nothing ticked: nothing recorded
        await pilot.pause()
        assert "Còn thiếu" in str(app.screen.query_one("#checklist-error", Static).render())
        assert services.dossiers.peek(d.code).status.value == "supplement"
        for _ in missing:
            await pilot.press("space", "down")
        since = messages.mark()
        await pilot.press("ctrl+s")
        done = await acted(messages, pilot, since)
        assert done.dossier.status.value == "in_progress"
        assert "Đã nhận đủ hồ sơ bổ sung" in (done.dossier.events[-1].reason or "")


async def test_the_supplement_checklist_instruction_is_read_whole_at_120_columns(app, messages, make_dossier):
    """The instruction ('… các giấy tờ chưa nhận đã được chọn sẵn):') was cut at the dialog's edge at 120×40."""
    from textual.widgets import Label

    d = make_dossier()
    async with app.run_test(size=(120, 40), message_hook=messages) as pilot:
        await open_dossier(app, pilot, messages, d.code)
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen.query_one(".dialog")
        for label in app.screen.query(Label):
            text = str(label.render())
            lines = label.size.height
            assert lines * label.size.width >= len(text), f"cut: {text!r}"
            assert label.region.right <= dialog.region.right, f"outside the dialog: {text!r}"
        assert any("chọn sẵn" in str(label.render()) for label in app.screen.query(Label))
