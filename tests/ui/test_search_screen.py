"""SearchScreen through Pilot: folded search, filters, paging, bad input, Enter opens the dossier."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from onestop.domain import VN_TZ, DocKind, DocumentLine, IntakeDraft, Person


def receive(services, person, received_at=None, procedure="2.001035"):
    draft = IntakeDraft(
        procedure_code=procedure,
        applicant=person,
        received_at=received_at,
        documents=(DocumentLine("Tờ khai", DocKind.ORIGINAL, 1),),
    )
    return services.intake.save(draft, "canbo")


ANH = Person(
    full_name="Đặng Thị Ánh",
    id_number="038190012345",
    birth_date=date(1990, 5, 17),
    gender="Nữ",
    address="Thôn Đông Hải",
    phone="0912345678",
)
DUC = Person(
    full_name="Nguyễn Văn Đức",
    id_number="038085001122",
    birth_date=date(1985, 3, 2),
    gender="Nam",
    address="Thôn Phú Lâm",
    phone="0987654321",
)


async def open_search(app, pilot, messages, text=""):
    """Push the search screen from the app (where the message hook is set) and wait for its first page."""
    from screens.search import SearchScreen

    await app.workers.wait_for_complete()
    since = messages.mark()
    screen = SearchScreen(text)
    app.call_later(app.push_screen, screen)
    await messages.wait_for(SearchScreen.Found, pilot, since=since)
    return screen


async def found_after(messages, pilot, change):
    """Do `change` (a key, a typed value) and return the `Found` message of the search it starts."""
    from screens.search import SearchScreen

    since = messages.mark()
    result = change()
    if asyncio.iscoroutine(result):
        await result
    return await messages.wait_for(SearchScreen.Found, pilot, since=since)


async def until(pilot, predicate, timeout: float = 10.0):
    """Pause the pilot until `predicate()` holds (state, not time)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached"
        await pilot.pause(0.02)


async def test_folded_search_and_open(app, services, messages):
    from textual.widgets import DataTable

    anh = receive(services, ANH)
    receive(services, DUC)
    async with app.run_test(size=(140, 40), message_hook=messages) as pilot:
        screen = await open_search(app, pilot, messages, "dang thi anh")
        assert screen.codes == [anh.code]
        assert "Trang 1" in str(screen.query_one("#search-info").render())
        screen.query_one(DataTable).focus()
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        from screens.dossier import DossierScreen

        assert isinstance(app.screen, DossierScreen) and app.screen.code == anh.code


async def test_f3_opens_search_and_typing_debounces(app, services, messages):
    from screens.search import SearchScreen

    duc = receive(services, DUC)
    receive(services, ANH)
    async with app.run_test(size=(140, 40), message_hook=messages) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        screen = app.screen
        await messages.wait_for(SearchScreen.Found, pilot)
        typed = await found_after(
            messages, pilot, lambda: setattr(screen.query_one("#search-box"), "value", "0987654321")
        )
        assert [s.code for s in typed.page.items] == [duc.code]
        assert screen.codes == [duc.code]


async def test_paging_and_symbols(app, services, messages):
    base = datetime(2026, 11, 2, 8, 0, tzinfo=VN_TZ)
    made = {receive(services, ANH, base + timedelta(minutes=i)).code for i in range(105)}
    async with app.run_test(size=(140, 40), message_hook=messages) as pilot:
        screen = await open_search(app, pilot, messages, "anh")
        first = list(screen.codes)
        assert len(first) == 100 and screen.total == 105
        screen.query_one("#search-results").focus()
        page = await found_after(messages, pilot, lambda: pilot.press("pagedown"))
        assert not page.first
        second = list(screen.codes)
        assert len(second) == 5 and not set(first) & set(second)
        assert set(first) | set(second) == made
        assert "Trang 2" in str(screen.query_one("#search-info").render())
        await found_after(messages, pilot, lambda: pilot.press("pageup"))
        assert screen.codes == first
        none = await found_after(
            messages, pilot, lambda: setattr(screen.query_one("#search-box"), "value", "!!! *** (((")
        )
        assert none.page.items == ()
        assert screen.codes == [] and "Không tìm thấy" in str(screen.query_one("#search-info").render())


async def test_filters_overdue_and_bad_date(app, services, messages):
    from textual.widgets import Checkbox, Input

    old = receive(services, DUC, datetime(2026, 10, 1, 9, 0, tzinfo=VN_TZ))
    receive(services, ANH)
    async with app.run_test(size=(140, 40), message_hook=messages) as pilot:
        screen = await open_search(app, pilot, messages)
        assert len(screen.codes) == 2
        await found_after(
            messages, pilot, lambda: setattr(screen.query_one("#search-overdue", Checkbox), "value", True)
        )
        assert screen.codes == [old.code]
        since = messages.mark()
        screen.query_one("#search-from", Input).value = "32/13/2026"
        await until(pilot, lambda: screen.error)
        assert "Ngày lọc không hợp lệ" in screen.error
        assert not [m for m in messages.messages[since:] if type(m).__name__ == "Found"]  # nothing was searched


async def test_due_date_and_status_are_on_screen_at_120_columns(app, services, messages):
    """What the officer searches for — the code, who, the status and the due date — fits a 120×40 counter screen."""
    from textual.widgets import DataTable

    receive(services, ANH, procedure="2.000815")
    async with app.run_test(size=(120, 40), message_hook=messages) as pilot:
        screen = await open_search(app, pilot, messages, "dang thi anh")
        table = screen.query_one(DataTable)
        assert table.row_count == 1
        right = 0
        needed = {"Mã hồ sơ", "Người nộp", "Trạng thái", "Hẹn trả"}
        seen = set()
        for column in table.ordered_columns:
            right += column.get_render_width(table)
            if str(column.label) in needed:
                seen.add(str(column.label))
                assert right <= table.scrollable_content_region.width, f"{column.label} is cut off"
        assert seen == needed


async def test_results_are_read_again_when_returning_from_a_dossier(app, services, messages):
    """Issue 15: after a dossier (where something may have been done) the list must not be stale."""
    from screens.dossier import DossierScreen
    from screens.search import SearchScreen

    first = receive(services, ANH)
    async with app.run_test(size=(140, 40), message_hook=messages) as pilot:
        screen = await open_search(app, pilot, messages, "dang thi anh")
        assert screen.codes == [first.code]
        screen.query_one("#search-results").focus()
        await pilot.press("enter")
        await messages.wait_for_worker(pilot, "dossier-load")
        assert isinstance(app.screen, DossierScreen)
        second = receive(services, ANH)
        since = messages.mark()
        await pilot.press("escape")
        found = await messages.wait_for(SearchScreen.Found, pilot, since=since)
        assert {s.code for s in found.page.items} == {first.code, second.code}
        assert set(screen.codes) == {first.code, second.code}


async def test_f3_and_slash_on_the_search_screen_go_back_to_the_box(app, services, messages):
    receive(services, ANH)
    async with app.run_test(size=(140, 40), message_hook=messages) as pilot:
        screen = await open_search(app, pilot, messages, "anh")
        for key in ("f3", "slash"):
            screen.query_one("#search-results").focus()
            await pilot.press(key)
            await pilot.pause()
            assert app.focused.id == "search-box", key
        await pilot.press("x")
        await pilot.pause()
        assert screen.query_one("#search-box").value == "x"  # the old text was selected: typing replaces it


async def test_enter_in_the_box_opens_the_top_hit(app, services, messages):
    from screens.dossier import DossierScreen

    duc = receive(services, DUC)
    receive(services, ANH)
    async with app.run_test(size=(140, 40), message_hook=messages) as pilot:
        screen = await open_search(app, pilot, messages)
        box = screen.query_one("#search-box")
        box.focus()
        box.value = "nguyen van duc"
        await pilot.press("enter")
        await messages.wait_for_worker(pilot, "dossier-load")
        assert isinstance(app.screen, DossierScreen) and app.screen.code == duc.code
