"""What makes screens open fast stays right: the loading screen is the first frame, the footer is rebuilt only when
its keys change (and then shows the new ones), fixed-width tables get the widths auto-width ones would, and the
declaration form reads the field widgets it has now. No test here measures a time."""

from __future__ import annotations

from tests.conftest import OFFICER_PASSWORD
from tests.ui.conftest import workers_done

SIZE = (120, 40)


async def test_the_loading_screen_is_the_first_frame_and_stops_animating(tmp_path, services, db_path, config_path):
    """Started without services the app's bottom screen is the loading screen (painted in the very first frame,
    no screen pushed); the paths are resolved by the start-up worker; once open its indicator is gone."""
    from textual.widgets import LoadingIndicator

    from screens.app import LoadingScreen, OneStopApp
    from screens.login import LoginScreen

    services.close()
    app = OneStopApp(None, db_path=db_path, config_path=config_path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen_stack[0], LoadingScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert len(app.screen_stack) == 2
        assert not app.screen_stack[0].query(LoadingIndicator)
        assert app.db_path == db_path and app.config_path == config_path


async def test_default_paths_are_resolved_after_the_first_frame(tmp_path, monkeypatch, services, db_path, config_path):
    """`onestop` with no --db/--config: the environment's paths, read by the worker, open the same database."""
    from screens.app import OneStopApp
    from screens.login import LoginScreen

    services.close()
    monkeypatch.setenv("ONESTOP_DB", str(db_path))
    monkeypatch.setenv("ONESTOP_CONFIG", str(config_path))
    app = OneStopApp(None, db_path=None, config_path=None)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.db_path == db_path and app.config_path == config_path
        app.screen.query_one("#login-username").value = "canbo"
        await pilot.press("enter")
        app.screen.query_one("#login-password").value = OFFICER_PASSWORD
        await pilot.press("enter")
        await workers_done(app)
        await pilot.pause()
        assert app.logged_in


def footer_keys(screen) -> list[tuple[str, str]]:
    from textual.widgets._footer import FooterKey

    return [(k.key, k.description) for k in screen.query(FooterKey)]


async def test_footer_is_rebuilt_only_when_its_keys_change(app, make_dossier, fixed_clock):
    """Moving the focus between the search box and a filter (same keys): the footer's widgets stay the same
    objects. Moving to the results (Enter becomes the list's): the footer is rebuilt with the keys now live."""
    from textual.widgets._footer import FooterKey

    from screens.search import SearchScreen

    make_dossier(received_at=fixed_clock())
    async with app.run_test(size=SIZE) as pilot:
        await workers_done(app)
        await pilot.press("f3")
        await workers_done(app)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        before = list(screen.query(FooterKey))
        assert ("pagedown", "Trang sau") in footer_keys(screen)
        screen.query_one("#search-from").focus()
        await pilot.pause()
        screen.query_one("#search-box").focus()
        await pilot.pause()
        assert list(screen.query(FooterKey)) == before  # the very same widgets: nothing was rebuilt
        app.bind("f8", "bell", description="Thử phím")  # a new key: the footer must show it
        screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert ("f8", "Thử phím") in footer_keys(screen)


async def test_fixed_width_columns_match_what_auto_width_would_give(app):
    """`set_columns` + `fill` size each column to its longest cell or its label, as DataTable's auto width does
    (plain and styled text, Vietnamese letters), without measuring by rendering."""
    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from screens.widgets.table import CounterTable

    rows = [
        ("a", ("H56.14-261123-010001", "Đặng Thị Ánh", Text("Đang xử lý · QUÁ HẠN", style="bold red"), "7")),
        ("b", ("H56.14-261123-010002", "Nguyễn Văn Bình Minh", Text("Mới"), "12345")),
    ]

    class Two(App[None]):
        def compose(self) -> ComposeResult:
            yield CounterTable(id="fixed")
            yield DataTable(id="auto")

    two = Two()
    async with two.run_test(size=SIZE) as pilot:
        fixed, auto = two.query_one("#fixed", CounterTable), two.query_one("#auto", DataTable)
        labels = ("Mã hồ sơ", "Người nộp", "Trạng thái", "Số")
        fixed.set_columns(labels)
        auto.add_columns(*labels)
        fixed.fill(rows)
        for key, cells in rows:
            auto.add_row(*cells, key=key)
        await pilot.pause()
        assert fixed.row_count == auto.row_count == 2
        assert [c.get_render_width(fixed) for c in fixed.ordered_columns] == [
            c.get_render_width(auto) for c in auto.ordered_columns
        ]
        assert fixed.virtual_size == auto.virtual_size
        fixed.fill(rows[:1])  # refilled: the widths follow the rows now shown
        await pilot.pause()
        assert fixed.ordered_columns[1].width == len("Đặng Thị Ánh")
        assert fixed.get_row_at(0)[0] == "H56.14-261123-010001"
