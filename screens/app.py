"""OneStopApp: the counter application shell (start-up, login, global keys, idle lock, sync badge).

Only Textual is imported before the first paint; the database and services open in a thread worker after
mount so the officer sees a screen immediately.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.containers import Center, Vertical
from textual.message import Message
from textual.notifications import Notify, SeverityLevel
from textual.screen import Screen
from textual.widgets import Label, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from screens.common import KeepsDraft, LargePrint, SyncAware, report_failure
from screens.widgets.footer import CounterFooter

if TYPE_CHECKING:
    from onestop.domain import Officer
    from onestop.services import Services
    from onestop.sync.service import SyncReport, SyncStatus

KEY_HOLD_LIMIT = 3.0
"""Seconds at most that keys are held while the focus moves (`hold_keys`): a safety net, a hold normally ends within
a frame or two."""
SUPERSEDING_TITLES = frozenset({"Giấy tiếp nhận", "In phiếu", "Đồng bộ"})
"""Notifications whose newest one says all: an older one with the same title is removed when it arrives."""

ACTIONS_NEEDING_LOGIN = {
    "back",
    "help",
    "intake",
    "search",
    "home",
    "sync",
    "reports",
    "catalog",
    "large_print",
    "lock",
    "officers",
}


class LoadingScreen(Screen[None]):
    """Painted at once while the database opens in the background: the app's first (bottom) screen, so that it
    is in the very first frame; everything after it is pushed on top."""

    def __init__(self, hint: str = "") -> None:
        super().__init__()
        self.hint = hint

    _loaded = False

    def compose(self) -> ComposeResult:
        with Center(id="loading-box"):
            yield Label("onestop — Bộ phận Một cửa", id="loading-title")
            yield Label("Đang mở cơ sở dữ liệu…", id="loading-text")

    def on_mount(self) -> None:
        # The footer and the spinner come a frame later: the first frame is only the words above, as cheap to
        # paint as a one-label app (the bench's first-paint floor).
        self.call_after_refresh(self._mount_rest)

    def _mount_rest(self) -> None:
        if not self._loaded:
            self.query_one("#loading-box").mount(LoadingIndicator())
        self.mount(CounterFooter())

    def loaded(self) -> None:
        """The database is open: nothing to wait for any more (the indicator would keep animating underneath)."""
        self._loaded = True
        self.query(LoadingIndicator).remove()


class FatalErrorScreen(Screen[None]):
    """A configuration or database problem the officer cannot fix here, explained in Vietnamese."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text, self.message = title, message

    def compose(self) -> ComposeResult:
        with Vertical(id="fatal-box"):
            yield Label(self.title_text, id="fatal-title")
            yield Static(self.message, id="fatal-message")
            yield Static("Hãy báo cán bộ phụ trách công nghệ thông tin. Nhấn Ctrl+Q để thoát.", id="fatal-hint")
        yield CounterFooter()


class OneStopApp(App[None]):
    """The counter application; `services` and `officer` are set once the database is open and someone logs in."""

    TITLE = "onestop — Bộ phận Một cửa"
    CSS_PATH = "app.tcss"
    # every screen carries -narrow below 110 columns (100×30, 80×24) for its .tcss to lay out by priority
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = {lambda: _counter_commands()}
    BINDINGS = [
        Binding("f1", "help", "Trợ giúp", tooltip="Mọi phím của màn hình này", id="app.help"),
        Binding("f2", "intake", "Tiếp nhận", tooltip="Tiếp nhận hồ sơ mới", id="app.intake"),
        Binding("f3", "search", "Tìm", tooltip="Tìm hồ sơ", id="app.search"),
        Binding("slash", "search", "Tìm", show=False, tooltip="Tìm hồ sơ", id="app.search-slash"),
        Binding("f4", "home", "Trang chính", tooltip="Hàng đợi công việc", id="app.home"),
        Binding("f5", "sync", "Đồng bộ", tooltip="Đồng bộ ngay với hệ thống tỉnh", id="app.sync"),
        Binding("f6", "reports", "Báo cáo", tooltip="Thống kê và sổ theo dõi", id="app.reports"),
        Binding("f7", "catalog", "Danh mục", tooltip="Danh mục thủ tục", id="app.catalog"),
        Binding("f9", "large_print", "Chữ lớn", tooltip="Màn hình chữ lớn cho công dân", id="app.large-print"),
        Binding("f10", "lock", "Khóa", tooltip="Khóa quầy", id="app.lock"),
        Binding("ctrl+l", "lock", "Khóa", show=False, tooltip="Khóa quầy", id="app.lock-ctrl"),
        Binding("escape", "back", "Quay lại", tooltip="Quay lại (bản nháp được giữ)", id="app.back"),
        Binding("ctrl+q", "quit", "Thoát", priority=True, tooltip="Thoát chương trình", id="app.quit"),
        Binding("f11", "officers", "Cán bộ", show=False, tooltip="Tài khoản cán bộ (quản trị)", id="app.officers"),
        Binding("f12", "logout", "Đăng xuất", show=False, tooltip="Đăng xuất / đổi cán bộ", id="app.logout"),
        # declared here so Textual does not add its own English one ("palette", "Open the command palette")
        Binding(
            "ctrl+p",
            "command_palette",
            "Bảng lệnh",
            show=False,
            priority=True,
            tooltip="Bảng lệnh (tìm mọi chức năng)",
            id="app.palette",
        ),
    ]

    class ServicesOpened(Message):
        """The start-up worker opened the database (or found no configuration: `services` is None)."""

        def __init__(self, services: Services | None) -> None:
            super().__init__()
            self.services = services

    class SyncBadge(Message):
        """A fresh reading of the outbox for the status bar."""

        def __init__(self, text: str, late: bool, status: SyncStatus | None) -> None:
            super().__init__()
            self.text, self.late, self.status = text, late, status

    class SyncDone(Message):
        """A sync run finished; `quiet` runs (the periodic one) speak only when something needs the officer."""

        def __init__(self, report: SyncReport, quiet: bool) -> None:
            super().__init__()
            self.report, self.quiet = report, quiet

    def __init__(
        self,
        services: Services | None = None,
        *,
        officer: Officer | None = None,
        demo_hint: str = "",
        db_path: Path | None = None,
        config_path: Path | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self._services = services
        self._officer = officer
        self.demo_hint = demo_hint
        self.db_path, self.config_path = db_path, config_path
        self.clock = clock
        """Injected clock (tests, snapshots); None means the real time in Asia/Ho_Chi_Minh."""
        self.sync_text = "Đồng bộ: —"
        self.sync_late = False
        self.sync_status: SyncStatus | None = None
        """The last value returned by `services.sync.status()`."""
        self.locked = False
        self._last_activity = time.monotonic()
        self._timers_started = False
        self.keys_read = 0
        """Keys read from the terminal and passed on so far (a held key counts when it goes through): a screen tells
        whether anything was typed since a moment."""
        self._held_keys: list[Any] | None = None
        """Keys read while the focus moves after an Enter or a step change (`hold_keys`); None when keys go straight
        through."""
        self._key_holds = 0
        """`hold_keys` calls not yet matched by a `release_keys_later`: the keys go through when none is left."""
        self._hold_serial = 0
        """Which holding spell `hold_keys` tokens belong to (a spell ended by `KEY_HOLD_LIMIT` makes its tokens stale)."""

    @property
    def services(self) -> Services:
        """The service container; only screens shown after the database opened use it."""
        if self._services is None:
            raise RuntimeError("the database is not open yet")
        return self._services

    @property
    def has_services(self) -> bool:
        return self._services is not None

    @property
    def officer(self) -> Officer:
        """The officer at the counter; only screens shown after login use it."""
        if self._officer is None:
            raise RuntimeError("nobody is logged in")
        return self._officer

    @property
    def logged_in(self) -> bool:
        return self._officer is not None

    # ------------------------------------------------------------------ start-up

    def now(self) -> datetime:
        """The counter's current time (the injected clock when there is one)."""
        from onestop.domain import now_vn

        return self.clock() if self.clock else now_vn()

    def get_default_screen(self) -> Screen[Any]:
        """Starting without services: the loading screen is the first screen, painted in the first frame."""
        return LoadingScreen() if self._services is None else super().get_default_screen()

    def on_mount(self) -> None:
        self.set_interval(5, self._check_idle)
        if self._services is None:
            # Start loading only once the loading screen is painted: the imports would compete for the GIL.
            self.call_after_refresh(self._open_services)
        elif self._officer is None:
            self._show_login()
        else:
            self.login_as(self._officer)

    @work(thread=True, exclusive=True, group="startup", exit_on_error=False, description="Mở cơ sở dữ liệu")
    def _open_services(self) -> None:
        from onestop.config import resolve_config_path, resolve_db_path

        # resolved here rather than before the first frame: onestop.config is not needed to paint it
        self.db_path, self.config_path = resolve_db_path(self.db_path), resolve_config_path(self.config_path)
        if not self.config_path.exists():
            self.post_message(self.ServicesOpened(None))
            return
        from onestop.config import load_settings
        from onestop.printing import ReceiptsRenderer
        from onestop.services import open_services

        services = open_services(self.db_path, load_settings(self.config_path), renderer=ReceiptsRenderer())
        self.post_message(self.ServicesOpened(services))

    @on(ServicesOpened)
    def _services_ready(self, message: ServicesOpened) -> None:
        for screen in self.screen_stack[:1]:
            if isinstance(screen, LoadingScreen):
                screen.loaded()
        if message.services is None:
            self._show_setup()
        else:
            self.services_opened(message.services)

    def services_opened(self, services: Services) -> None:
        """Called once the database is open (after start-up or the setup wizard)."""
        self._services = services
        self._show_login()
        self._housekeeping()

    @work(thread=True, exclusive=True, group="housekeeping", exit_on_error=False, description="Sao lưu hằng ngày")
    def _housekeeping(self) -> None:
        """Daily backup (with rotation) and font warm-up, off the UI thread; failures are told, never fatal."""
        from onestop.errors import OneStopError

        try:
            self.services.backup.maybe_daily_backup(actor="workstation")
        except OneStopError as err:
            self.notify(err.message, title="Sao lưu", severity="warning")
        from receipts.render import warm_up

        warm_up()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The app's workers: start-up problems end on the fatal screen, sync problems are told, never fatal."""
        worker = event.worker
        if worker.group == "sync" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            self.refresh_sync_status()
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        from onestop.errors import OneStopError

        error = worker.error
        if worker.group == "startup":
            if isinstance(error, OneStopError):
                self.show_fatal(error.title, error.message)
            else:
                self.log_unexpected(error)
                self.show_fatal(
                    "Lỗi không mong đợi",
                    f"Không mở được cơ sở dữ liệu ({type(error).__name__}). Chi tiết đã ghi vào nhật ký.",
                )
        elif worker.group == "sync":
            quiet = worker.name == "periodic"
            severity: SeverityLevel = "warning" if quiet else "error"
            if isinstance(error, OneStopError):
                self.notify(error.message, title=error.title, severity=severity, timeout=8)
            else:
                self.notify(self._unexpected_sync_error(error), title="Đồng bộ", severity=severity, timeout=10)
        elif worker.group == "housekeeping":
            self.log_unexpected(error)  # the font warm-up: printing reports its own problems when used
        elif worker.group == "sync-status":
            self.log_unexpected(error)  # a broken badge must never take the counter down
        else:
            report_failure(self, error, what=worker.description)

    def log_unexpected(self, error: BaseException) -> Path:
        """Write the traceback to the private log beside the database; the officer is told in plain words."""
        from onestop.crashlog import report_unexpected

        folder = self._services.data_dir if self._services is not None else (self.db_path or Path(".")).parent
        log = folder / "logs" / "onestop.log"
        report_unexpected(error, log, quiet=True)
        return log

    def _show_login(self) -> None:
        from screens.login import LoginScreen

        self._replace_top(LoginScreen())

    def _show_setup(self) -> None:
        from screens.setup import SetupScreen

        self._replace_top(SetupScreen())

    def show_fatal(self, title: str, message: str) -> None:
        self._replace_top(FatalErrorScreen(title, message))

    def _replace_top(self, screen: Screen[Any]) -> None:
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def login_as(self, officer: Officer) -> None:
        """Start the officer's session on the home screen."""
        from screens.home import HomeScreen

        self._officer = officer
        self._last_activity = time.monotonic()
        self._replace_top(HomeScreen())
        self.refresh_sync_status()
        # Everything alive now (services, SQLAlchemy, ReportLab, the screens) lives for the session: moving it out
        # of the collector's reach turns 100–300 ms full-collection pauses into a few ms during intake.
        self.call_after_refresh(gc.freeze)
        if not self._timers_started:  # once per app, even across logins after a lock
            self._timers_started = True
            self.set_interval(60, self.refresh_sync_status)
            # always, even unconfigured: a sync URL/token written into the config later works on the next tick
            self.set_interval(self.services.settings.sync.interval_s, self._sync_background)
        if self.demo_hint:
            self.notify(self.demo_hint, title="Dữ liệu mẫu", timeout=10)
        from onestop.domain import Role

        if officer.role is Role.LEADER:  # issue 14: next year's holidays still estimated, days to confirm
            self._calendar_warnings()

    def _calendar_warnings(self) -> None:
        today = self.now().date()
        calendar = self.services.calendar
        warning = calendar.notice_warning(today)
        pending = [d for d in calendar.to_confirm() if d.day >= today]
        if pending:
            days = ", ".join(f"{d.day:%d/%m/%Y} ({d.reason})" for d in pending[:3])
            warning += f"{' ' if warning else ''}Ngày nghỉ chờ lãnh đạo xác nhận: {days} — dùng `calendar set`."
        if warning:
            self.notify(warning, title="Lịch nghỉ lễ", severity="warning", timeout=15)

    def on_unmount(self) -> None:
        if self._services is not None:
            self._services.close()

    # ------------------------------------------------------------------ notifications

    def _on_notify(self, event: Notify) -> None:
        """A printing outcome replaces the older ones with the same title: an old 'chưa in được' must not stay
        above the newer answer (Textual keeps every toast until its own timeout)."""
        if event.notification.title in SUPERSEDING_TITLES:
            for older in [n for n in self._notifications if n.title == event.notification.title]:
                self._unnotify(older, refresh=False)
        super()._on_notify(event)

    # ------------------------------------------------------------------ activity and lock

    async def on_event(self, event: Any) -> None:
        from textual import events

        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self._last_activity = time.monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._held_keys is not None:
                self._held_keys.append(event)
                return
            self.keys_read += 1
        await super().on_event(event)

    # ------------------------------------------------------------------ keys typed while the focus moves

    def hold_keys(self) -> int:
        """Keep the keys that arrive from now on until `release_keys_later` lets them through.

        Textual hands each key to the widget focused when the key is read, while a move of the focus (`Widget.focus`)
        waits its turn in the app's queue: under load an officer's Enter and the next key arrive together and the next
        key lands in the field being left (Backspace right after Enter took a digit off the ID number). Holds nest:
        each `hold_keys` is matched by one `release_keys_later` given the token it returned, and the keys go through
        after the last of them, or `KEY_HOLD_LIMIT` seconds after the hold began (a safety net: the keyboard never
        stays dead)."""
        if self._held_keys is None:
            self._held_keys = []
            self._hold_serial += 1
            self.set_timer(KEY_HOLD_LIMIT, partial(self._end_hold, self._hold_serial))
        self._key_holds += 1
        return self._hold_serial

    def release_keys_later(self, token: int) -> None:
        """End the hold `token` came from: once the focus moves queued so far have been made, and no other hold is
        left, the held keys go through in order (to the new field)."""
        self.call_later(self._release_keys, token)

    @property
    def holding_keys(self) -> bool:
        return self._held_keys is not None

    async def _end_hold(self, serial: int) -> None:
        if serial == self._hold_serial and self._held_keys is not None:
            self._key_holds = 1
            await self._release_keys(serial)

    async def _release_keys(self, token: int) -> None:
        if token != self._hold_serial or self._held_keys is None:  # that spell already ended
            return
        self._key_holds -= 1
        if self._key_holds > 0:
            return
        self._key_holds = 0
        self._hold_serial += 1  # tokens of the ended spell are stale from now on
        held, self._held_keys = self._held_keys, None
        for key in held:  # in order; a held Enter or PgDn may hold the rest again
            if self._held_keys is not None:
                self._held_keys.append(key)
            else:
                self.keys_read += 1
                await super().on_event(key)

    def _check_idle(self) -> None:
        if not self.logged_in or self.locked or not self.has_services:
            return
        limit = self.services.settings.security.idle_lock_minutes * 60
        if time.monotonic() - self._last_activity > limit:
            self.action_lock()

    async def action_quit(self) -> None:
        """Ctrl+Q: with an intake typed in, ask first (the draft is kept either way, F2 brings it back)."""
        from screens.dialogs import ConfirmDialog
        from screens.intake import IntakeScreen

        intake = next((s for s in self.screen_stack if isinstance(s, IntakeScreen) and s.draft_state()), None)
        if intake is None or self.locked or isinstance(self.screen, ConfirmDialog):
            if intake is not None:
                intake.save_draft_now()
            self.exit()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                intake.save_draft_now()
                self.exit()

        self.push_screen(
            ConfirmDialog(
                "Đang nhập dở một hồ sơ. Thoát chương trình? Bản nháp được giữ: lần sau nhấn F2 để nhập tiếp.",
                title="Thoát",
                yes="Thoát (Y)",
                no="Ở lại (N)",
            ),
            answered,
        )

    def action_lock(self) -> None:
        """Hide the counter behind the officer's password; whatever was typed stays underneath."""
        from screens.lock import LockScreen

        if not self.logged_in or self.locked:
            return
        if isinstance(self.screen, KeepsDraft):
            self.screen.save_draft_now()
        self.locked = True
        self.push_screen(LockScreen(self.officer), callback=self._unlocked)

    def _unlocked(self, unlocked: Any) -> None:
        self.locked = False
        self._last_activity = time.monotonic()
        if unlocked is False:  # "switch officer" from the lock screen
            self.action_logout()

    def action_logout(self) -> None:
        """End the officer's session without quitting: back to the login screen for the next officer."""
        if not self.logged_in:
            return
        if self.locked:  # the lock screen is dismissed first; its callback comes back here
            self.screen.dismiss(False)
            return
        if isinstance(self.screen, KeepsDraft):
            self.screen.save_draft_now()
        self.services.audit.log(self.officer.username, "logout")
        self._officer = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self._show_login()

    def action_officers(self) -> None:
        from screens.officers import OfficersScreen

        if not isinstance(self.screen, OfficersScreen):
            self.push_screen(OfficersScreen())

    # ------------------------------------------------------------------ global actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ACTIONS_NEEDING_LOGIN and (not self.logged_in or self.locked):
            return False
        if action == "reports" and not self._is_leader():  # every report needs the leader role
            return False
        if action == "officers" and not (self.logged_in and self.officer.role.rank >= 3):
            return False
        if action == "logout" and not self.logged_in:
            return False
        if action == "large_print" and not isinstance(self.screen, LargePrint):
            return False  # only screens with a citizen-facing large view offer F9
        return True

    def _is_leader(self) -> bool:
        return self.logged_in and self.officer.role.rank >= 2

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_intake(self) -> None:
        from screens.intake import IntakeScreen

        if isinstance(self.screen, IntakeScreen) and not self.screen.saved_code:
            return
        for screen in self.screen_stack:
            if isinstance(screen, IntakeScreen) and not screen.saved_code:
                self._pop_to(screen)
                return
        self.push_screen(IntakeScreen())

    def action_home(self) -> None:
        from screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                self._pop_to(screen)
                screen.reload()
                self.refresh_sync_status()
                return

    def _pop_to(self, target: Screen[Any]) -> None:
        while self.screen is not target and len(self.screen_stack) > 2:
            self.pop_screen()

    async def action_back(self) -> None:
        from screens.home import HomeScreen

        if len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()

    def action_search(self) -> None:
        from screens.search import SearchScreen

        if isinstance(self.screen, SearchScreen):
            self.screen.focus_box()
        else:
            self.push_screen(SearchScreen())

    def action_reports(self) -> None:
        from screens.reports import ReportsScreen

        if not isinstance(self.screen, ReportsScreen):
            self.push_screen(ReportsScreen())

    def action_catalog(self) -> None:
        from screens.catalog import CatalogScreen

        if not isinstance(self.screen, CatalogScreen):
            self.push_screen(CatalogScreen())

    def action_large_print(self) -> None:
        if isinstance(self.screen, LargePrint):
            self.screen.toggle_large_print()
        else:
            self.notify("Màn hình này không có chế độ chữ lớn.", severity="warning")

    def open_dossier(self, code: str) -> None:
        """Open a dossier's detail screen."""
        from screens.dossier import DossierScreen

        self.push_screen(DossierScreen(code))

    def open_sync_screen(self) -> None:
        from screens.sync_screen import SyncScreen

        if not isinstance(self.screen, SyncScreen):
            self.push_screen(SyncScreen())

    def open_audit_screen(self) -> None:
        from screens.audit import AuditScreen

        if not isinstance(self.screen, AuditScreen):
            self.push_screen(AuditScreen())

    # ------------------------------------------------------------------ sync

    def action_sync(self) -> None:
        self.notify("Đang đồng bộ…", timeout=3)
        self._sync_now()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False, description="Đồng bộ ngay")
    def _sync_now(self) -> None:
        actor = self._officer.username if self._officer is not None else "system"
        report = self.services.sync.run_once(force=True, actor=actor)  # the officer asked: skip backoff waits
        self.post_message(self.SyncDone(report, quiet=False))

    @work(
        thread=True, exclusive=True, group="sync", name="periodic", exit_on_error=False, description="Đồng bộ định kỳ"
    )
    def _sync_background(self) -> None:
        """The periodic push/pull (the workstation's own work, audited as such); quiet unless something needs the
        officer (rejections, conflicts). The config file's [sync] is re-read first: a new URL/token needs no restart."""
        self.reload_sync_settings()
        if not self.services.settings.with_sync().sync.url:
            return
        self.post_message(self.SyncDone(self.services.sync.run_once(actor="workstation"), quiet=True))

    @on(SyncDone)
    def _sync_done(self, message: SyncDone) -> None:
        report = message.report
        if not message.quiet:
            self.notify(summarise_sync(report), title="Đồng bộ")
        elif report.rejected or report.conflicts:
            self.notify(summarise_sync(report), title="Đồng bộ", severity="warning", timeout=10)

    def _unexpected_sync_error(self, exc: BaseException) -> str:
        """Log the traceback privately; tell the officer in plain words that nothing was lost."""
        log = self.log_unexpected(exc)
        return (
            f"Đồng bộ gặp lỗi không mong đợi ({type(exc).__name__}); hồ sơ vẫn an toàn trên máy và sẽ được gửi "
            f"lại lần sau. Chi tiết cho bộ phận kỹ thuật: {log}"
        )

    def reload_sync_settings(self) -> bool:
        """Re-read the config file's [sync] section when the file changed (URL, token, CA): no restart needed."""
        from dataclasses import replace

        from onestop.config import load_settings
        from onestop.errors import OneStopError

        path = self.config_path
        if path is None or self.services is None:
            return False
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return False
        if stamp == getattr(self, "_config_stamp", None):
            return False
        first = getattr(self, "_config_stamp", None) is None
        self._config_stamp = stamp
        if first:
            return False
        try:
            fresh = load_settings(path)
        except OneStopError as err:
            self.notify(err.message, title="Cấu hình", severity="warning", timeout=8)
            return False
        if fresh.sync == self.services.settings.sync:
            return False
        self.services.settings = replace(self.services.settings, sync=fresh.sync)
        return True

    @work(thread=True, exclusive=True, group="sync-status", exit_on_error=False, description="Trạng thái đồng bộ")
    def refresh_sync_status(self) -> None:
        """Read the outbox state in the background and repaint the badge."""
        from screens.widgets.status_bar import describe_sync

        status = self.services.sync.status(now=self.now()) if self._services is not None else None
        warn = self.services.settings.sync.backlog_warn_days if self._services is not None else 2
        text, late = describe_sync(status, self.now(), warn)
        self.post_message(self.SyncBadge(text, late, status))

    @on(SyncBadge)
    def _apply_sync_badge(self, message: SyncBadge) -> None:
        from screens.widgets.status_bar import StatusBar

        self.sync_text, self.sync_late, self.sync_status = message.text, message.late, message.status
        for bar in self.screen.query(StatusBar):
            bar.refresh_badge()
        if isinstance(self.screen, SyncAware):
            self.screen.sync_status_changed()

    # ------------------------------------------------------------------ palette

    def action_command_palette(self) -> None:
        """Ctrl+P with a Vietnamese search box."""
        from screens.palette import CounterPalette

        if self.use_command_palette and not CounterPalette.is_open(cast("App[object]", self)):
            self.push_screen(
                CounterPalette(id="--command-palette", placeholder="Gõ tên chức năng (không dấu cũng được)…")
            )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # Textual's own (Keys, Maximize, Screenshot, Theme, Quit) are English and not counter work: ours only, named
        # in Vietnamese only (typed without diacritics, they are found too: the palette folds both sides)
        yield SystemCommand("Thoát chương trình", "Thoát (Ctrl+Q)", self.action_quit)
        if not self.logged_in:
            return
        yield SystemCommand("Phím tắt", "Mọi phím của màn hình này (F1)", self.action_help)
        yield SystemCommand("Tiếp nhận hồ sơ mới", "Mở màn hình tiếp nhận (F2)", self.action_intake)
        yield SystemCommand("Hàng đợi công việc", "Về trang chính (F4)", self.action_home)
        yield SystemCommand("Tìm hồ sơ", "Tìm theo mã, tên, số định danh (F3)", self.action_search)
        yield SystemCommand("Đồng bộ ngay", "Gửi hàng đợi lên hệ thống tỉnh (F5)", self.action_sync)
        if self._is_leader():
            yield SystemCommand("Báo cáo", "Thống kê tháng, sổ theo dõi (F6)", self.action_reports)
        yield SystemCommand("Danh mục thủ tục", "Giấy tờ, lệ phí, thời hạn (F7)", self.action_catalog)
        yield SystemCommand(
            "Hàng đợi đồng bộ",
            "Các mục chờ gửi và lý do",
            self.open_sync_screen,
        )
        yield SystemCommand("Khóa quầy", "Khóa màn hình (F10)", self.action_lock)
        if self._is_leader():  # leaders and admins
            yield SystemCommand(
                "Nhật ký truy cập",
                "Ai đã xem, tạo, sửa, in, xuất hồ sơ nào và khi nào",
                self.open_audit_screen,
            )


def _counter_commands() -> type[Provider]:
    from screens.palette import CounterCommands

    return CounterCommands


def summarise_sync(report: SyncReport) -> str:
    """A one-line Vietnamese summary of a sync run."""
    if report.message:  # the sync service's own words say what actually happened (sent, or not and why)
        return report.message
    text = f"Đã gửi {report.pushed} mục, nhận về {report.pulled} mục"
    text += f", {report.rejected} mục bị từ chối." if report.rejected else "."
    return f"{text} {report.message}".strip()


def make_app(
    services: Services | None,
    *,
    officer: Officer | None = None,
    demo_hint: str = "",
    clock: Callable[[], datetime] | None = None,
) -> OneStopApp:
    """The one factory used by the CLI and the tests; with an officer the app opens on the home screen."""
    return OneStopApp(services, officer=officer, demo_hint=demo_hint, clock=clock)


def run(db_path: Path | None, config_path: Path | None, demo_hint: str = "") -> None:
    """Start the TUI on a database and config (called by `onestop` / `onestop demo`); None means the default
    (`--db`/`$ONESTOP_DB`/data dir, as `onestop.config` resolves it, off the UI thread after the first frame)."""
    OneStopApp(
        None,
        demo_hint=demo_hint,
        db_path=Path(db_path) if db_path is not None else None,
        config_path=Path(config_path) if config_path is not None else None,
    ).run()
