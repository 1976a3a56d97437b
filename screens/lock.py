"""The lock screen: hides the counter (the typed-in draft stays underneath) until the officer's password."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from screens.common import AppAccess

if TYPE_CHECKING:
    from onestop.domain import Officer


class LockScreen(AppAccess, ModalScreen[bool]):
    """Opaque over everything; dismissed with True once `OfficerService.authenticate` accepts the password."""

    DEFAULT_CSS = """
    LockScreen { align: center middle; background: $background; }
    LockScreen #lock-box { width: 60; height: auto; border: thick $warning; padding: 1 2; background: $surface; }
    LockScreen #lock-title { text-style: bold; color: $warning; }
    """
    AUTO_FOCUS = "#lock-password"
    BINDINGS = [
        Binding("escape", "noop", "", show=False, id="lock.escape"),
        Binding(
            "ctrl+o", "switch_officer", "Đổi cán bộ", tooltip="Đăng xuất, để cán bộ khác đăng nhập", id="lock.switch"
        ),
    ]

    def __init__(self, officer: Officer) -> None:
        super().__init__()
        self.officer = officer

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            yield Label("QUẦY ĐÃ KHÓA", id="lock-title")
            yield Label(f"Cán bộ: {self.officer.full_name} ({self.officer.username})")
            yield Static("Nhập mật khẩu để mở khóa (dữ liệu đang nhập được giữ nguyên):")  # wraps in the box
            yield Input(id="lock-password", password=True, max_length=200)
            yield Static("", id="lock-error", classes="field-error")
        yield Footer()

    def action_noop(self) -> None:
        """Esc does not unlock."""

    def action_switch_officer(self) -> None:
        """Leave the lock for the login screen (the draft was saved when the counter locked)."""
        self.dismiss(False)

    @on(Input.Submitted, "#lock-password")
    def unlock(self, event: Input.Submitted) -> None:
        from onestop.errors import BadInput, OneStopError

        try:
            self.onestop.services.officers.authenticate(self.officer.username, event.value)
        except BadInput:  # the name is known here: only the password can be wrong
            self.query_one("#lock-error", Static).update("Sai mật khẩu. Nhập lại mật khẩu để mở khóa.")
            event.input.value = ""
            return
        except OneStopError as err:
            self.query_one("#lock-error", Static).update(err.message)
            event.input.value = ""
            return
        self.dismiss(True)
