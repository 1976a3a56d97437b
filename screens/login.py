"""Officer login: username then password; Enter advances; errors in Vietnamese from the officer service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Footer, Input, Label, Static
from textual.worker import Worker

from screens.common import OneStopScreen

if TYPE_CHECKING:
    from onestop.domain import Officer


class LoginScreen(OneStopScreen):
    """Who is at the counter; the session starts on the home screen."""

    CSS_PATH = "login.tcss"
    AUTO_FOCUS = "#login-username"
    BINDINGS = [
        Binding("ctrl+s", "login", "Đăng nhập", tooltip="Đăng nhập", id="login.submit"),
        # priority: handled as each key arrives, not after the keys already queued behind it. A fast burst
        # ("canbo⇥matkhau⏎", a password manager) otherwise delivers the password to the username field.
        Binding("tab", "field(1)", "Ô sau", show=False, priority=True, tooltip="Sang ô kế tiếp", id="login.next"),
        Binding("shift+tab", "field(-1)", "Ô trước", show=False, priority=True, tooltip="Về ô trước", id="login.prev"),
        Binding(
            "enter", "enter", "Tiếp", show=False, priority=True, tooltip="Sang ô mật khẩu / đăng nhập", id="login.enter"
        ),
    ]

    class Authenticated(Message):
        """The officer service accepted the password."""

        def __init__(self, officer: Officer) -> None:
            super().__init__()
            self.officer = officer

    def compose(self) -> ComposeResult:
        app = self.onestop
        office = app.services.settings.office if app.has_services else None
        with Vertical(id="login-box"):
            yield Label("ĐĂNG NHẬP", id="login-title")
            if office:
                yield Label(f"{office.commune_name} — quầy {office.counter_code}", classes="muted")
            yield Label("Tên đăng nhập")
            yield Input(id="login-username", max_length=50)
            yield Label("Mật khẩu")
            yield Input(id="login-password", password=True, max_length=200)
            yield Static("", id="login-error", classes="field-error")
            yield Button("Đăng nhập (Enter)", variant="primary", id="login-button")
        yield Footer()

    def action_field(self, step: int) -> None:
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_enter(self) -> None:
        """Enter on the username moves to the password at once (like Tab); anywhere else it logs in once the field
        has taken the keys typed before the Enter (they may still be queued to it)."""
        focused = self.focused
        if focused is self.query_one("#login-username", Input):
            self.set_focus(self.query_one("#login-password", Input))  # now: `focus()` would wait its turn
        elif focused is not None:
            focused.call_later(self.action_login)
        else:
            self.action_login()

    @on(Input.Submitted, "#login-username")
    def go_to_password(self) -> None:
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    @on(Button.Pressed, "#login-button")
    def action_login(self) -> None:
        username = self.query_one("#login-username", Input).value
        password = self.query_one("#login-password", Input).value
        error = self.query_one("#login-error", Static)
        if not username.strip():
            error.update("Chưa nhập tên đăng nhập.")
            self.query_one("#login-username", Input).focus()
            return
        if not password:
            error.update("Chưa nhập mật khẩu.")
            self.query_one("#login-password", Input).focus()
            return
        error.update("Đang kiểm tra…")
        self._authenticate(username, password)

    @work(thread=True, exclusive=True, group="login", exit_on_error=False, description="Đăng nhập")
    def _authenticate(self, username: str, password: str) -> None:
        self.post_message(self.Authenticated(self.onestop.services.officers.authenticate(username, password)))

    @on(Authenticated)
    def _authenticated(self, message: Authenticated) -> None:
        self.onestop.login_as(message.officer)

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        from onestop.errors import OneStopError

        if isinstance(error, OneStopError):  # a wrong password is said under the field, not in a toast
            self._failed(error.message)
        else:
            super().worker_failed(worker, error)

    def _failed(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)
        password = self.query_one("#login-password", Input)
        password.value = ""
        password.focus()
