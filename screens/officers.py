"""Officers (administrators): who has an account, their role, and whose account is locked by failed logins."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Label, Static

from screens.common import OneStopScreen


class OfficersScreen(OneStopScreen):
    """The list of accounts; `u` unlocks the highlighted account after too many wrong passwords (admin only)."""

    BINDINGS = [
        Binding(
            "u", "unlock", "Mở khóa", tooltip="Mở khóa tài khoản bị khóa do nhập sai mật khẩu", id="officers.unlock"
        ),
        Binding("r", "reload", "Tải lại", tooltip="Tải lại danh sách", id="officers.reload"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="officers-box"):
            yield Label("CÁN BỘ", id="officers-title")
            yield DataTable(id="officers-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="officers-message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#officers-table", DataTable)
        table.add_columns("Tên đăng nhập", "Họ tên", "Vai trò", "Trạng thái")
        self.action_reload()

    def action_reload(self) -> None:
        app = self.onestop
        officers = app.services.officers.list()
        locked = app.services.officers.locked_usernames()
        table = self.query_one("#officers-table", DataTable)
        table.clear()
        for o in officers:
            state = "đang khóa (sai mật khẩu)" if o.username in locked else ("hoạt động" if o.active else "ngừng")
            table.add_row(o.username, o.full_name, o.role.label, state, key=o.username)

    def action_unlock(self) -> None:
        from onestop.errors import OneStopError

        app = self.onestop
        table = self.query_one("#officers-table", DataTable)
        message = self.query_one("#officers-message", Static)
        if table.row_count == 0:
            return
        username = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        try:
            app.services.officers.unlock(username, actor=app.officer.username)
        except OneStopError as err:
            message.update(err.message)
            return
        message.update(f"Đã mở khóa tài khoản {username}.")
        self.action_reload()
