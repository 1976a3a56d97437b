"""The sync screen: every outbox item with its state, attempts, next attempt and the server's reason.

Keys: R retry the highlighted item, A retry everything waiting or rejected, L keep the counter's version of a
conflict, U keep the province's version, F5 sync now (the app's key), T show all / only unsent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, Static

from screens.common import OneStopScreen, fmt_short
from screens.widgets.columns import Col
from screens.widgets.table import CounterTable

if TYPE_CHECKING:
    from onestop.sync.service import OutboxView, SyncService, SyncStatus

STATE_STYLE = {
    "rejected": "bold red",
    "conflict": "bold magenta",
    "retry_wait": "yellow",
    "sending": "cyan",
    "queued": "",
    "synced": "green",
    "discarded": "dim",
}

COLUMNS = (
    Col("Số"),
    Col("Mã hồ sơ"),
    Col("Loại", give=4, floor=8),
    Col("Trạng thái"),
    Col("Lần gửi", give=2, drop=True),
    Col("Gửi lại lúc", give=1, drop=True),
    Col("Lý do / phản hồi", give=3, floor=20),
)
"""On a narrow terminal the attempts and the next attempt drop (the box below the list says both for the highlighted
item), then the reason is cut with "…" (the box shows it whole), then the kind; number, code and state stay."""
REASON_MAX = 90


class SyncScreen(OneStopScreen):
    """Outbox items and what the provincial system said about them; officer actions to retry or resolve."""

    DEFAULT_CSS = """
    SyncScreen .section-title { margin-left: 1; }
    SyncScreen #sync-summary { height: auto; margin: 0 1; }
    SyncScreen #sync-table { height: 1fr; width: 100%; }
    SyncScreen #sync-detail { height: auto; min-height: 3; margin: 0 1; border: round $primary; padding: 0 1; }
    """
    HELP_TITLE = "Đồng bộ với hệ thống tỉnh"
    AUTO_FOCUS = "#sync-table"
    BINDINGS = [
        Binding("r", "retry", "Gửi lại", tooltip="Gửi lại mục đang chọn (sau khi đã sửa lỗi)", id="sync.retry"),
        Binding(
            "a",
            "retry_all",
            "Gửi lại tất cả",
            tooltip="Gửi lại mọi mục chờ gửi lại hoặc bị từ chối",
            id="sync.retry-all",
        ),
        Binding(
            "l", "resolve('local')", "Giữ của quầy", tooltip="Xung đột: gửi lại dữ liệu của quầy", id="sync.keep-local"
        ),
        Binding(
            "u",
            "resolve('upstream')",
            "Giữ của tỉnh",
            tooltip="Xung đột: nhận dữ liệu của hệ thống tỉnh",
            id="sync.keep-upstream",
        ),
        Binding(
            "t", "toggle_all", "Tất cả/chưa gửi", tooltip="Hiện mọi mục hoặc chỉ các mục chưa đồng bộ", id="sync.toggle"
        ),
    ]

    class Loaded(Message):
        """The outbox as the worker read it."""

        def __init__(self, status: SyncStatus, items: list[OutboxView]) -> None:
            super().__init__()
            self.status, self.items = status, items

    class Done(Message):
        """An officer's action on the outbox finished; `text` tells what it did."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self) -> None:
        super().__init__()
        self.items: list[OutboxView] = []
        self.rows: list[tuple[str, tuple[Any, ...]]] = []
        """Every item's cells in full; the table shows them fitted to its width (see COLUMNS)."""
        self.show_all = True

    def compose(self) -> ComposeResult:
        yield Label("ĐỒNG BỘ VỚI HỆ THỐNG TỈNH", classes="section-title")
        yield Static("Đang đọc hàng đợi…", id="sync-summary")
        yield CounterTable(id="sync-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="sync-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(CounterTable).set_columns(c.label for c in COLUMNS)
        self.reload()

    @property
    def sync(self) -> SyncService:
        return self.onestop.services.sync

    @property
    def actor(self) -> str:
        return self.onestop.officer.username

    # ------------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, group="sync-screen", exit_on_error=False, description="Đọc hàng đợi")
    def reload(self) -> None:
        status = self.sync.status()
        items = (
            self.sync.items(limit=200)
            if self.show_all
            else [i for i in self.sync.items(limit=200) if i.state not in ("synced", "discarded")]
        )
        self.post_message(self.Loaded(status, items))

    def sync_status_changed(self) -> None:
        """Called by the app after each sync run: refresh the list."""
        self.reload()

    @on(Loaded)
    def _fill(self, message: Loaded) -> None:
        status, items = message.status, message.items
        self.items = items
        self.query_one("#sync-summary", Static).update(self._summary(status))
        rows = []
        for i in items:
            reason = i.last_error or ""
            if i.upstream_status:
                reason = f"Tỉnh: «{i.upstream_status}». {reason}"
            cells = (
                str(i.id),
                i.dossier_code or "—",
                i.kind_label,
                Text(i.state_label, style=STATE_STYLE.get(i.state, "")),
                str(i.attempts),
                fmt_short(i.next_attempt_at) if i.state == "retry_wait" else "—",
                reason if len(reason) <= REASON_MAX else reason[: REASON_MAX - 1] + "…",
            )
            rows.append((str(i.id), cells))
        self.rows = rows
        self._show_rows()
        self._show_detail()

    def _show_rows(self) -> None:
        """Fill the table from `rows`, the columns fitted to its width; the highlighted row stays highlighted."""
        self.query_one(CounterTable).fill_fitted(COLUMNS, self.rows, self.app.size.width, keep_cursor=True)

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_rows)

    @staticmethod
    def _summary(st: SyncStatus) -> str:
        counts = st.counts
        parts = [st.message]
        parts.append(
            f"Đã đồng bộ: {counts.get('synced', 0)} · chờ gửi: {counts.get('queued', 0)} · "
            f"chờ gửi lại: {counts.get('retry_wait', 0)} · bị từ chối: {counts.get('rejected', 0)} · "
            f"xung đột: {counts.get('conflict', 0)}"
        )
        if st.oldest_unsent_at:
            parts.append(f"Mục chưa gửi cũ nhất: {fmt_short(st.oldest_unsent_at)}")
        parts.append(f"Lần đồng bộ thành công gần nhất: {fmt_short(st.last_success_at)}")
        if st.last_error:
            parts.append(f"Lỗi gần nhất: {st.last_error}")
        return "\n".join(parts)

    def _current(self) -> Any | None:
        table = self.query_one(DataTable)
        if not self.items or table.cursor_row < 0 or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        item = self._current()
        detail = self.query_one("#sync-detail", Static)
        if item is None:
            detail.update("Không có mục nào.")
            return
        lines = [
            f"Mục số {item.id} — {item.kind_label} — hồ sơ {item.dossier_code or '—'} — {item.state_label}",
            f"Tạo lúc {fmt_short(item.created_at)}; gửi lần cuối {fmt_short(item.sent_at)}; số lần gửi {item.attempts}"
            + (f"; gửi lại lúc {fmt_short(item.next_attempt_at)}" if item.state == "retry_wait" else ""),
        ]
        if item.last_error:
            lines.append(f"Lý do: {item.last_error}")
        if item.state == "conflict":
            lines.append(
                "Xung đột: nhấn L để giữ dữ liệu của quầy (gửi lại, ghi đè tỉnh), U để nhận dữ liệu của hệ thống tỉnh."
            )
        elif item.state == "rejected":
            lines.append("Bị từ chối: sửa theo lý do trên rồi nhấn R để gửi lại.")
        detail.update("\n".join(lines))

    # ------------------------------------------------------------------ actions

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.reload()

    def action_retry(self) -> None:
        item = self._current()
        if item is None or item.state in ("synced", "discarded"):
            self.notify("Mục này đã đồng bộ xong.", severity="warning")
            return
        self._act("retry", item.id)

    def action_retry_all(self) -> None:
        self._act("retry_all", None)

    def action_resolve(self, keep: str) -> None:
        item = self._current()
        if item is None or item.state != "conflict":
            self.notify("Chọn một mục đang xung đột để giải quyết.", severity="warning")
            return
        self._act("resolve", item.id, keep)

    @work(thread=True, exclusive=True, group="sync-action", exit_on_error=False, description="Xử lý hàng đợi")
    def _act(self, what: str, item_id: int | None, keep: str = "") -> None:
        if what == "retry":
            assert item_id is not None
            self.sync.retry(item_id, self.actor)
            message = f"Đã xếp lại mục số {item_id} để gửi ở lượt đồng bộ tới (F5 để gửi ngay)."
        elif what == "retry_all":
            n = self.sync.retry_all(self.actor)
            message = f"Đã xếp lại {n} mục để gửi (F5 để gửi ngay)."
        else:
            assert item_id is not None
            self.sync.resolve_conflict(item_id, keep, self.actor)
            message = (
                "Đã chọn giữ dữ liệu của quầy; mục sẽ được gửi lại."
                if keep == "local"
                else "Đã nhận dữ liệu của hệ thống tỉnh."
            )
        self.post_message(self.Done(message))

    @on(Done)
    def _done(self, message: Done) -> None:
        self.notify(message.text, title="Đồng bộ")
        self.reload()
        self.onestop.refresh_sync_status()
