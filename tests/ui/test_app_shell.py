"""The application shell: start-up, setup wizard, login, lock, help, catalog, home queues, global keys."""

from __future__ import annotations

from tests.conftest import OFFICER_PASSWORD
from tests.ui.conftest import SCAN, workers_done

SIZE = (120, 40)


async def test_login_failure_then_success(services, fixed_clock):
    from screens.app import make_app
    from screens.home import HomeScreen
    from screens.login import LoginScreen

    app = make_app(services, clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("f2")  # nothing happens before login
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        app.screen.query_one("#login-username").value = "canbo"
        await pilot.press("enter")
        app.screen.query_one("#login-password").value = "sai-mat-khau"
        await pilot.press("enter")
        await workers_done(app)
        await pilot.pause()
        assert "Sai tên đăng nhập hoặc mật khẩu" in str(app.screen.query_one("#login-error").render())
        assert not app.logged_in
        app.screen.query_one("#login-password").value = OFFICER_PASSWORD
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.officer.username == "canbo"


async def test_lock_and_unlock_keep_the_typed_draft(app, services):
    from screens.intake import IntakeScreen
    from screens.lock import LockScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        intake = app.screen
        intake.query_one("#proc-query").value = "1.001193"
        await pilot.press("enter")
        await pilot.pause()
        intake.query_one("#id_number").value = SCAN
        await pilot.press("enter", "f10")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert services.intake.load_draft("canbo")["inputs"]["full_name"] == "Đặng Thị Ánh"
        await pilot.press("f2", "escape")  # neither leaves the lock
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        app.screen.query_one("#lock-password").value = "sai"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert "Sai" in str(app.screen.query_one("#lock-error").render())
        app.screen.query_one("#lock-password").value = OFFICER_PASSWORD
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is intake and isinstance(intake, IntakeScreen)
        assert intake.query_one("#full_name").value == "Đặng Thị Ánh"
        assert not app.locked


async def test_idle_timeout_locks_the_counter(app, services):
    from screens.lock import LockScreen

    async with app.run_test(size=SIZE) as pilot:
        app._last_activity -= services.settings.security.idle_lock_minutes * 60 + 1
        app._check_idle()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)


async def test_help_lists_the_keys_of_the_screen_underneath(app):
    from screens.help import HelpScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table")
        keys = [table.get_row_at(i)[0] for i in range(table.row_count)]
        for expected in ("PgDn", "Ctrl+S", "Ctrl+R", "F2", "F3 ", "F10", "Esc"):
            assert any(k.startswith(expected.strip()) for k in keys), expected
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_every_app_binding_has_a_description_and_an_id():
    from screens.app import OneStopApp
    from screens.home import HomeScreen
    from screens.intake import IntakeScreen

    for cls in (OneStopApp, HomeScreen, IntakeScreen):
        for binding in cls.BINDINGS:
            assert binding.description and binding.id, (cls.__name__, binding.key)


async def test_catalog_browser_filters_without_accents(app):
    from screens.catalog import CatalogScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen)
        app.screen.query_one("#catalog-filter").value = "chung thuc ban sao"
        await pilot.pause()
        details = str(app.screen.query_one("#catalog-details").render())
        assert "2.000815" in details and "Thành phần hồ sơ" in details
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CatalogScreen)


async def test_home_shows_queue_counts_and_lists(app, make_dossier, fixed_clock):
    make_dossier(received_at=fixed_clock())
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        home = app.screen
        assert home.counts["received_today"] == 1
        assert home.query_one("#home-table").row_count == 1
        assert "Chờ gửi" in app.sync_text or "chờ gửi" in app.sync_text or app.sync_text == "Đồng bộ: —"


async def test_setup_wizard_creates_the_workstation(tmp_path):
    from screens.app import OneStopApp
    from screens.login import LoginScreen
    from screens.setup import SetupScreen

    config_path = tmp_path / "config.toml"
    app = OneStopApp(None, db_path=tmp_path / "o.db", config_path=config_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        values = {
            "setup-commune": "Xã Quảng Phú",
            "setup-agency": "h56.14",
            "setup-province": "Thanh Hóa",
            "setup-counter": "1",
            "setup-admin": "admin",
            "setup-admin-name": "Quản Trị",
            "setup-password": "matkhau-dai",
            "setup-password2": "matkhau-dai",
        }
        for input_id, value in values.items():
            app.screen.query_one(f"#{input_id}").value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "2 chữ số" in str(app.screen.query_one("#setup-counter-error").render())
        app.screen.query_one("#setup-counter").value = "01"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
    assert config_path.exists()
    assert not app.has_services or app.services.settings.office.agency_code == "H56.14"


async def test_broken_config_shows_a_readable_error(tmp_path):
    from screens.app import FatalErrorScreen, OneStopApp

    config_path = tmp_path / "config.toml"
    config_path.write_text("[commune\nname = 1", encoding="utf-8")
    app = OneStopApp(None, db_path=tmp_path / "o.db", config_path=config_path)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FatalErrorScreen)
        assert "TOML" in str(app.screen.query_one("#fatal-message").render())


async def test_an_unknown_dossier_code_is_reported_not_crashed(app):
    """Opening a code that does not exist shows the service's Vietnamese message; the counter keeps running."""
    from screens.dossier import DossierScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")  # an officer has no reports: nothing opens
        await pilot.pause()
        assert len(app.screen_stack) == 2
        app.open_dossier("H56.14-261123-010001")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, DossierScreen) and "Không tìm thấy" in app.screen.error


async def test_home_queues_refresh_when_returning_from_a_dossier(app, make_dossier, fixed_clock):
    """Esc back to the home screen re-reads the counts: an action taken meanwhile must not leave them stale."""
    first = make_dossier(received_at=fixed_clock())
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        home = app.screen
        assert home.counts["received_today"] == 1
        app.open_dossier(first.code)
        await pilot.pause()
        await app.workers.wait_for_complete()
        make_dossier(received_at=fixed_clock())  # meanwhile (e.g. the action just taken) the queues changed
        await pilot.press("escape")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is home
        assert home.counts["received_today"] == 2
        assert home.query_one("#home-table").row_count == 2


async def test_reports_key_is_offered_to_leaders_only(app, services, fixed_clock):
    """F6 leads an officer to a dead end (every report needs the leader role): it is not offered to them."""
    from screens.app import make_app
    from screens.reports import ReportsScreen

    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "reports" not in {b.binding.action for b in app.screen.active_bindings.values()}
        await pilot.press("f6")
        await pilot.pause()
        assert not isinstance(app.screen, ReportsScreen)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert not any(t.startswith("reports") for t in commands)
    leader = make_app(services, officer=services.officers.get("lanhdao"), clock=fixed_clock)
    async with leader.run_test(size=SIZE) as pilot:
        await leader.workers.wait_for_complete()
        await pilot.pause()
        assert "reports" in {b.binding.action for b in leader.screen.active_bindings.values()}
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(leader.screen, ReportsScreen)


async def test_help_is_vietnamese_and_lists_only_keys_the_officer_has(app):
    """F1 on the catalog: no Textual built-ins in English ('Focus Next', 'Copy selected text'), no F6 for an officer."""
    from screens.help import HelpScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table")
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        texts = " ".join(str(r[1]) for r in rows)
        for english in ("Focus", "Copy", "selected"):
            assert english not in texts, texts
        keys = [str(r[0]) for r in rows]
        assert "F6" not in keys
        assert "UP" not in keys


async def test_large_print_key_only_where_a_screen_has_it(app):
    """F9 is offered on the intake (review for the citizen), not on the home screen where it only said 'not here'."""
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "large_print" not in {b.binding.action for b in app.screen.active_bindings.values()}
        await pilot.press("f2")
        await pilot.pause()
        assert "large_print" in {b.binding.action for b in app.screen.active_bindings.values()}


async def test_lock_screen_instruction_is_not_cut_off(app):
    """The whole instruction (the draft is kept) is readable inside the lock box at 120×40."""
    from screens.lock import LockScreen

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        box = app.screen.query_one("#lock-box")
        for widget in box.children:
            text = str(widget.render()) if not hasattr(widget, "value") else ""
            if "mở khóa" in text:
                assert widget.content_region.right <= box.content_region.right
                assert widget.content_size.width * widget.content_size.height >= len(text), "instruction cut off"
                break
        else:
            raise AssertionError("no unlock instruction on the lock screen")


async def test_command_palette_speaks_vietnamese(app):
    """Ctrl+P: its footer label, its search box and its commands are Vietnamese; Textual's English built-ins
    (Keys, Maximize, Screenshot, Theme, Quit) are not offered to the officer."""
    from textual.command import CommandInput, CommandPalette

    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        palette_key = app.screen.active_bindings["ctrl+p"].binding
        assert palette_key.description != "palette" and palette_key.tooltip != "Open the command palette"
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert not {"Keys", "Maximize", "Screenshot", "Theme", "Quit"} & set(titles), titles
        assert any(t.startswith("Đồng bộ") for t in titles) and any("thoát" in t.lower() for t in titles)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        assert "Search" not in app.screen.query_one(CommandInput).placeholder
        await pilot.press("escape")
        await pilot.pause()
        assert not CommandPalette.is_open(app)
