"""First run: the setup wizard (commune profile, counter, first administrator) calling `services.setup.initialise`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Button, Footer, Input, Label, Static
from textual.worker import Worker

from screens.common import OneStopScreen

if TYPE_CHECKING:
    from onestop.config import Settings
    from onestop.services import Services

# (input id, label, config error field, placeholder)
FIELDS = (
    ("setup-commune", "Tên xã/phường", "commune.name", "Xã Quảng Phú"),
    ("setup-agency", "Mã định danh cơ quan", "commune.agency_code", "H56.14"),
    ("setup-province", "Tỉnh/thành phố", "commune.province", "Thanh Hóa"),
    ("setup-counter", "Mã quầy (2 chữ số)", "commune.counter", "01"),
    ("setup-admin", "Tên đăng nhập quản trị", "username", "admin"),
    ("setup-admin-name", "Họ tên quản trị", "full_name", "Nguyễn Văn A"),
    ("setup-password", "Mật khẩu (ít nhất 8 ký tự)", "password", ""),
    ("setup-password2", "Nhập lại mật khẩu", "password2", ""),
)


class SetupScreen(OneStopScreen):
    """Shown when no configuration exists; Enter moves field to field, the last Enter sets up the workstation."""

    CSS_PATH = "setup.tcss"
    AUTO_FOCUS = "#setup-commune"
    BINDINGS = [Binding("ctrl+s", "finish", "Thiết lập", tooltip="Ghi cấu hình và tạo tài khoản", id="setup.finish")]

    class Done(Message):
        """The workstation is set up: its database is open."""

        def __init__(self, services: Services) -> None:
            super().__init__()
            self.services = services

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="setup-box"):
            yield Label("THIẾT LẬP MÁY TRẠM LẦN ĐẦU", id="setup-title")
            yield Static("Chưa có tệp cấu hình. Nhập thông tin xã và tài khoản quản trị đầu tiên.", classes="muted")
            for input_id, label, _, placeholder in FIELDS:
                yield Label(label)
                yield Input(placeholder=placeholder, id=input_id, password="password" in input_id, max_length=300)
                yield Static("", id=f"{input_id}-error", classes="field-error")
            yield Button("Thiết lập (Ctrl+S)", variant="primary", id="setup-finish")
        yield Footer()

    def value(self, input_id: str) -> str:
        return self.query_one(f"#{input_id}", Input).value

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        ids = [f[0] for f in FIELDS]
        position = ids.index(event.input.id or "")
        if position + 1 < len(ids):
            self.query_one(f"#{ids[position + 1]}", Input).focus()
        else:
            self.action_finish()

    @on(Button.Pressed, "#setup-finish")
    def action_finish(self) -> None:
        from onestop.config import parse_settings
        from onestop.errors import OneStopError

        for input_id, *_ in FIELDS:
            self.query_one(f"#{input_id}-error", Static).update("")
        if self.value("setup-password") != self.value("setup-password2"):
            self.show_error("password2", "Hai lần nhập mật khẩu không khớp.")
            return
        try:
            settings = parse_settings(
                {
                    "commune": {
                        "name": self.value("setup-commune"),
                        "agency_code": self.value("setup-agency").strip(),
                        "province": self.value("setup-province"),
                        "counter": self.value("setup-counter").strip(),
                    }
                }
            )
        except OneStopError as err:
            self.show_error(err.field or "", err.message)
            return
        self.query_one("#setup-finish", Button).disabled = True
        self._initialise(settings)

    def show_error(self, field: str, message: str) -> None:
        for input_id, _, error_field, _ in FIELDS:
            if error_field == field:
                self.query_one(f"#{input_id}-error", Static).update(message)
                self.query_one(f"#{input_id}", Input).focus()
                return
        self.notify(message, severity="error", title="Thiết lập")

    @work(thread=True, exclusive=True, group="setup", exit_on_error=False, description="Thiết lập máy trạm")
    def _initialise(self, settings: Settings) -> None:
        from onestop.printing import ReceiptsRenderer
        from onestop.services.setup import initialise

        app = self.onestop
        assert app.db_path is not None and app.config_path is not None
        services = initialise(
            app.db_path,
            app.config_path,
            settings,
            admin_user=self.value("setup-admin"),
            admin_name=self.value("setup-admin-name"),
            password=self.value("setup-password"),
            renderer=ReceiptsRenderer(),
        )
        self.post_message(self.Done(services))

    @on(Done)
    def _done(self, message: Done) -> None:
        self.onestop.services_opened(message.services)

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        from onestop.errors import OneStopError

        self.query_one("#setup-finish", Button).disabled = False
        if isinstance(error, OneStopError):  # said beside the field it is about
            self.show_error(error.field or "", error.message)
        else:
            super().worker_failed(worker, error)
