"""A Tab right after a QR scan: the scan put the cursor on "Điện thoại" (the first field a card does not fill), where the
officer's habitual Tab means to go; it must not skip to "Email", whether it came during the scan's move or after it.
The same rule as the ID digits' burst (its auto-advance to the name): the very next Tab after the cursor moved by
itself stays; any other Tab moves on as usual."""

from __future__ import annotations

import pytest

from tests.ui.conftest import SCAN, wait_until
from tests.ui.test_intake import choose_procedure, open_intake

SIZE = (120, 40)


def burst(app, text: str, *, end: str = "enter") -> None:
    """A keyboard-wedge scanner's keys, queued at once as the terminal hands them over, with its end key."""
    from textual import events
    from textual.keys import _character_to_key

    for char in text:
        app.post_message(events.Key(_character_to_key(char), char))
    if end:
        app.post_message(events.Key(end, None))


def press(app, *keys: str) -> None:
    from textual import events

    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def on_applicant(app, pilot):
    screen = await open_intake(app, pilot)
    await choose_procedure(pilot, screen, "1.001193")
    assert app.focused.id == "id_number"
    return screen


def filled(screen) -> bool:
    return screen.query_one("#full_name").value == "Đặng Thị Ánh"


async def test_a_qr_burst_ending_in_enter_is_read(app):
    """The scanner's whole burst and its Enter reach the app together (a busy machine, a fast scanner): Enter used to
    be handled before the burst had reached the field, so the scan was never read and its text stayed in the ID."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_applicant(app, pilot)
        burst(app, SCAN)
        await wait_until(pilot, lambda: filled(screen) or "|" in screen.query_one("#id_number").value, what="typed")
        await wait_until(pilot, lambda: filled(screen) and not app.holding_keys, timeout=5, what="scanned")
        assert screen.query_one("#id_number").value == "038190012345"
        assert app.focused.id == "phone"


@pytest.mark.parametrize("when", ["during", "after"])
async def test_a_tab_right_after_a_qr_scan_stays_on_the_phone(app, when):
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_applicant(app, pilot)
        screen.query_one("#id_number").value = SCAN  # the burst is in the field
        await pilot.pause()
        if when == "during":  # the officer's Tab typed while the scan was read: it reaches the app with the Enter
            press(app, "enter", "tab")
        else:  # typed once the cursor is on the phone
            await pilot.press("enter")
            await wait_until(pilot, lambda: app.focused.id == "phone", what="on the phone")
            await pilot.press("tab")
        await wait_until(pilot, lambda: filled(screen) and not getattr(app, "holding_keys", False), what="scanned")
        assert app.focused.id == "phone", "the Tab after the scan skipped the phone"
        await pilot.press(*"0912345678")
        await pilot.press("tab")  # after typing, Tab moves on as always
        await pilot.pause()
        assert app.focused.id == "email"
        assert screen.query_one("#phone").value == "0912345678"
        assert screen.query_one("#email").value == ""


async def test_two_tabs_after_a_qr_scan_leave_the_phone_empty(app):
    """An officer who means to skip the phone (a citizen without one) presses Tab once more."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_applicant(app, pilot)
        screen.query_one("#id_number").value = SCAN
        await pilot.pause()
        press(app, "enter", "tab", "tab")
        await wait_until(pilot, lambda: filled(screen) and not getattr(app, "holding_keys", False), what="scanned")
        await pilot.pause()
        assert app.focused.id == "email"
        assert screen.query_one("#phone").value == ""


async def test_letters_typed_with_a_tab_go_to_the_next_field(app):
    """Tab and the letters after it reach the app together: they belong to the field Tab leads to."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_applicant(app, pilot)
        screen.query_one("#phone").focus()
        await pilot.pause()
        press(app, *"0912", "tab", *"an@x.vn")
        await wait_until(pilot, lambda: "@" in screen.query_one("#email").value + screen.query_one("#phone").value)
        await wait_until(pilot, lambda: not getattr(app, "holding_keys", False))
        assert screen.query_one("#phone").value == "0912"
        assert screen.query_one("#email").value == "an@x.vn"


async def test_a_qr_scan_ended_by_tab_is_read_like_one_ended_by_enter(app):
    """A scanner set to end its burst with Tab: the card fills the block and the cursor goes to the phone, once."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_applicant(app, pilot)
        burst(app, SCAN, end="tab")
        press(app, "tab")  # and the officer's habitual Tab
        await wait_until(pilot, lambda: filled(screen) or app.focused.id != "id_number", what="moved")
        await wait_until(pilot, lambda: not getattr(app, "holding_keys", False))
        await pilot.pause()
        assert screen.query_one("#id_number").value == "038190012345"
        assert screen.query_one("#birth_date").value == "17/05/1990"
        assert app.focused.id == "phone"
