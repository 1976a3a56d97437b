"""Keys typed right after a step change (PgDn, PgUp, Enter) belong to the new step's first field.

On a busy machine the terminal hands over PgDn and the next letters together: Textual gives each key to the widget
focused when the key is read, and the new step's focus waits its turn (the Tờ khai's first field even waits for the
form's layout). The keys used to land in the field being left, on the hidden step. Here they are queued at once,
as the terminal hands them over, without a pause between them.
"""

from __future__ import annotations

import pytest

from tests.ui.conftest import SCAN, wait_until
from tests.ui.test_intake import choose_procedure, open_intake, scan_into
from tests.ui.test_intake_duties import COPY, to_step

SIZE = (120, 40)


def queue_keys(app, *keys: str) -> None:
    """Keys queued at once, as a busy terminal hands them over (no pause, no wait for the app in between)."""
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def on_applicant_with_phone_focused(app, pilot):
    screen = await open_intake(app, pilot)
    await choose_procedure(pilot, screen, "1.001193")  # birth registration: the Tờ khai comes next
    await scan_into(pilot, screen, "id_number", SCAN)
    assert app.focused.id == "phone"
    screen.query_one("#phone").value = "0912345678"
    await pilot.pause()
    return screen


async def test_letters_typed_with_pgdn_go_to_the_to_khai_first_field(app):
    from screens.intake.declaration import DeclarationStep

    async with app.run_test(size=SIZE) as pilot:
        screen = await on_applicant_with_phone_focused(app, pilot)
        form = screen.step_of(DeclarationStep).form
        queue_keys(app, "pagedown", "m", "e")
        phone = screen.query_one("#phone")
        await wait_until(pilot, lambda: form.raw("QuanHe") or phone.value != "0912345678", what="typed anywhere")
        assert screen.query_one("#phone").value == "0912345678", "the letters went into the phone of step 2"
        assert app.focused.id == "decl-QuanHe"
        assert form.raw("QuanHe") == "me"


async def test_letters_typed_with_pgdn_wait_for_a_slowly_built_to_khai(app, monkeypatch):
    """The Tờ khai's form laid out late (a slow machine): the letters wait for its first field, in order."""
    import time

    from screens.intake.declaration import DeclarationStep
    from screens.widgets.declaration_form import DeclarationForm

    built = DeclarationForm.compose

    def slow_compose(self):
        time.sleep(0.3)  # the app's own work made slow, as on a loaded machine (the test itself never sleeps)
        yield from built(self)

    monkeypatch.setattr(DeclarationForm, "compose", slow_compose)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen, "1.001193")
        await scan_into(pilot, screen, "id_number", SCAN)
        step = screen.step_of(DeclarationStep)
        # PgDn before the form (built after the applicant step's frame) is even composed
        queue_keys(app, "0", "9", "1", "2", "3", "4", "5", "6", "7", "8", "pagedown", "c", "h", "a")
        await wait_until(pilot, lambda: screen.current_step is step and not app.holding_keys, what="on the Tờ khai")
        phone = screen.query_one("#phone")
        await wait_until(pilot, lambda: step.form.raw("QuanHe") or phone.value != "0912345678", what="typed anywhere")
        assert phone.value == "0912345678", "the letters went into the phone of step 2"
        assert step.form.raw("QuanHe") == "cha"
        assert app.focused.id == "decl-QuanHe"


async def test_letters_typed_with_pgup_go_to_the_previous_step_first_field(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_applicant_with_phone_focused(app, pilot)
        query, phone = screen.query_one("#proc-query"), screen.query_one("#phone")
        queue_keys(app, "pageup", "k", "h", "a", "i")
        await wait_until(pilot, lambda: screen.step == 0 and not app.holding_keys, what="back on step 1")
        await wait_until(pilot, lambda: query.value.endswith("khai") or phone.value != "0912345678", what="typed")
        assert phone.value == "0912345678", "the letters went into the phone of step 2"
        assert app.focused is query


async def test_digits_typed_with_pgdn_go_to_the_pages_the_fee_step_asks_first(app):
    """Copy certification's fee step asks the pages first (its cursor placed once the row is laid out)."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen, COPY)
        await scan_into(pilot, screen, "id_number", SCAN)
        await to_step(pilot, screen, "documents")
        pages = screen.query_one("#fee-pages")
        queue_keys(app, "pagedown", "1", "2")
        await wait_until(pilot, lambda: screen.current_step.KEY == "fee" and not app.holding_keys, what="on the fee")
        await wait_until(pilot, lambda: pages.value or "12" in screen.query_one("#fee").value, what="typed anywhere")
        assert pages.value == "12"
        assert "12" not in screen.query_one("#fee").value, "the digits went into the fee"
        assert app.focused is pages


@pytest.mark.parametrize("keys", [("pagedown", "pagedown"), ("pagedown", "pageup")])
async def test_step_keys_typed_together_each_take_their_step(app, keys):
    """A PgDn held by the first step change is itself a step change when it goes through: each moves once."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_applicant_with_phone_focused(app, pilot)
        from tests.ui.conftest import fill_declaration

        await fill_declaration(pilot, screen)
        queue_keys(app, *keys)
        expected = 3 if keys[1] == "pagedown" else 1
        await wait_until(pilot, lambda: screen.step == expected and not app.holding_keys, what=f"on step {expected}")
        assert screen.step == expected


async def test_keys_typed_with_the_enter_that_ends_the_to_khai_go_to_the_documents(app):
    """Enter on the tờ khai's last field moves to the documents (the form says it is done, a message that bubbles up to
    its step): the K typed with it changes the first paper's kind, not the field being left."""
    from screens.intake.declaration import DeclarationStep
    from tests.ui.conftest import fill_declaration

    async with app.run_test(size=SIZE) as pilot:
        screen = await on_applicant_with_phone_focused(app, pilot)
        await pilot.press("pagedown")
        step = screen.step_of(DeclarationStep)
        await wait_until(pilot, lambda: screen.current_step is step and step.form.ready and not app.holding_keys)
        await fill_declaration(pilot, screen)
        form = step.form
        last = form.visible_keys()[-1]
        form.focus_field(last)
        await pilot.pause()
        before = form.widget(last).value
        panel = screen.query_one("#docs-panel")
        kind = panel.lines[0].kind
        queue_keys(app, "enter", "k")
        await wait_until(pilot, lambda: form.widget(last).value != before or panel.lines[0].kind != kind, what="k")
        await wait_until(pilot, lambda: not app.holding_keys)
        assert screen.current_step.KEY == "documents"
        assert form.widget(last).value == before, "the K went into the tờ khai's last field"
        assert panel.lines[0].kind != kind


async def test_held_keys_go_through_even_if_a_step_never_places_its_cursor(app, monkeypatch):
    """A safety net: keys are held for KEY_HOLD_LIMIT seconds at most (the keyboard never stays dead)."""
    import screens.app
    from screens.intake.declaration import DeclarationStep

    monkeypatch.setattr(screens.app, "KEY_HOLD_LIMIT", 0.2)
    monkeypatch.setattr(DeclarationStep, "place_cursor", lambda self: None)  # a step that forgets to say so
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_applicant_with_phone_focused(app, pilot)
        queue_keys(app, "pagedown", "z")
        await wait_until(pilot, lambda: not app.holding_keys, what="the keys let through")
        assert screen.current_step is screen.step_of(DeclarationStep)
        await pilot.press("pageup")
        await wait_until(pilot, lambda: screen.step == 1 and not app.holding_keys)
        assert app.focused.id == "id_number"  # the step change after it works as usual
