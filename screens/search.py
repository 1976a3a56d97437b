"""Search: one box (code, official code, ID number, phone, name, procedure; no accents needed) plus filters.

Results come a page at a time (≤ 100 rows) from `services.search.search`, run in a thread worker after a short
debounce; PageDown/PageUp swap pages using the service's keyset cursor. Enter opens the dossier.
"""

from __future__ import annotations

import asyncio
import time
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Input, Label, Select
from textual.worker import Worker

from screens.common import OneStopScreen, error_text, fmt_date, fmt_short
from screens.widgets.columns import Col, Forms, procedure_label
from screens.widgets.footer import CounterFooter
from screens.widgets.status_bar import StatusBar
from screens.widgets.table import CounterTable

if TYPE_CHECKING:
    from onestop.domain import SearchPage
    from onestop.services import Services

PAGE_SIZE = 100
COLUMNS = (
    Col("Mã hồ sơ"),
    Col("Người nộp", give=7, floor=14),
    Col("Trạng thái", give=8, floor=12),
    Col("Hẹn trả", give=5, floor=10),
    Col("Thủ tục", give=4, floor=10, drop=True),
    Col("Số định danh", give=3, drop=True),
    Col("Điện thoại", give=2, drop=True),
    Col("Nhận lúc", give=1, drop=True),
)
"""By priority: the code, who, the status and the due date always show; the reception time, phone and ID drop first,
then the procedure is cut with "…", the due date loses its hour, the name is cut with "…", the status says "QH" for
"QUÁ HẠN"; only then does the procedure drop (and the others get back what they gave, the status first)."""
PROCEDURE_MAX = 32
DEBOUNCE_S = 0.15
TITLE = "TÌM HỒ SƠ — mã, mã chính thức, số định danh, điện thoại, họ tên hoặc thủ tục (gõ không dấu cũng được)"
TITLE_SHORT = "TÌM HỒ SƠ — mã, định danh, điện thoại, họ tên, thủ tục (không dấu cũng được)"
SHORT_HEIGHT = 28
"""Below this many lines the filters are drawn compact (no borders)."""
STATUS_OPTIONS = (
    ("Mới đăng ký", "submitted"),
    ("Được tiếp nhận", "received"),
    ("Đang xử lý", "in_progress"),
    ("Yêu cầu bổ sung", "supplement"),
    ("Nghĩa vụ tài chính", "financial"),
    ("Đã xử lý xong", "result_ready"),
    ("Đã trả kết quả", "returned"),
    ("Không được tiếp nhận", "rejected"),
    ("Rút hồ sơ", "withdrawn"),
    ("Dừng xử lý", "stopped"),
)


def parse_day(text: str) -> date | None:
    """dd/mm/yyyy (or yyyy-mm-dd) → date; empty → None; anything else raises ValueError."""
    from onestop.errors import BadInput
    from onestop.formats import parse_date

    if not text.strip():
        return None
    try:
        return parse_date(text, field="date")
    except BadInput:
        raise ValueError(text) from None


class SearchScreen(OneStopScreen):
    """Find dossiers; the result list is paged, never loaded whole."""

    CSS_PATH = "search.tcss"
    BINDINGS = [
        Binding("pagedown", "page(1)", "Trang sau", priority=True, tooltip="Trang kết quả tiếp theo", id="search.next"),
        Binding(
            "pageup",
            "page(-1)",
            "Trang trước",
            priority=True,
            show=False,
            tooltip="Trang kết quả trước",
            id="search.prev",
        ),
        Binding("ctrl+o", "toggle_overdue", "Quá hạn", tooltip="Chỉ hồ sơ quá hạn", id="search.overdue"),
        Binding("ctrl+l", "clear", "Xóa lọc", show=False, tooltip="Xóa ô tìm và bộ lọc", id="search.clear"),
        Binding("escape", "back", "Quay lại", tooltip="Quay lại màn hình trước", id="search.back"),
        Binding("down", "to_results", "Kết quả", show=False, tooltip="Xuống danh sách kết quả", id="search.down"),
    ]

    class Found(Message):
        """One page of results from the search worker (`generation` tells a superseded search from the latest)."""

        def __init__(self, generation: int, page: SearchPage, first: bool) -> None:
            super().__init__()
            self.generation, self.page, self.first = generation, page, first

    def __init__(self, initial: str = "") -> None:
        super().__init__()
        self.initial = initial
        self.cursors: list[str | None] = [None]
        """Keyset cursor of each page seen so far (page n starts after cursors[n])."""
        self.page_index = 0
        self.next_cursor: str | None = None
        self.total: int | None = None
        self.total_capped = False
        self.codes: list[str] = []
        self.rows: list[tuple[str, tuple[Any, ...]]] = []
        """The page's rows in full (every column, nothing cut); what the table shows is fitted from them."""
        self.error = ""
        self._debounce: Timer | None = None
        self._generation = 0
        self._last_criteria: dict[str, Any] | None = None
        self._applied = 0
        """Generation of the search whose rows are on screen."""
        self._open_top = False
        """Enter was pressed in the box before its results arrived: open the top hit when they do."""
        self._covered = False
        self.searches = 0
        """How many searches ran (tests check that opening runs exactly one)."""

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with Vertical(id="search-body"):
            yield Label(TITLE, id="search-title")
            yield Input(
                self.initial,
                placeholder="Ví dụ: dang thi anh, 0912…, H56.14-261123-01…, khai sinh",
                id="search-box",
                max_length=200,
            )
            with Horizontal(id="search-filters"):
                yield Select(STATUS_OPTIONS, prompt="Mọi trạng thái", id="search-status", allow_blank=True)
                yield Input(placeholder="Từ ngày dd/mm/yyyy", id="search-from", max_length=10)
                yield Input(placeholder="Đến ngày dd/mm/yyyy", id="search-to", max_length=10)
                yield Input(placeholder="Mã thủ tục", id="search-procedure", max_length=40)
                yield Checkbox("Quá hạn (Ctrl+O)", id="search-overdue")
            yield Label("", id="search-info")
            yield CounterTable(id="search-results", cursor_type="row", zebra_stripes=True)
        yield CounterFooter()

    def on_mount(self) -> None:
        table = self.query_one(CounterTable)
        # status and due date first: at 120 columns they must not sit past the right edge
        table.set_columns(c.label for c in COLUMNS)
        self.query_one("#search-box", Input).focus()
        self.restart()

    # ------------------------------------------------------------------ running the search

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def schedule(self) -> None:
        """Debounce typing: search ~150 ms after the last change (not at all if nothing really changed)."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        try:
            if self.criteria() == self._last_criteria:
                return
        except ValueError:
            pass
        self._debounce = self.set_timer(DEBOUNCE_S, self.restart)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """Enter in the box opens the top hit (once the results match what is typed); in a filter it searches."""
        if self._debounce is not None:
            self._debounce.stop()
        if event.input.id == "search-box":
            if self._showing_current() and self.codes:
                self.open_dossier(self.codes[0])
                return
            self._open_top = True
        self.restart()
        self.query_one(DataTable).focus()

    def _showing_current(self) -> bool:
        """Whether the rows on screen are the answer to the box and filters as they are now."""
        try:
            return self.criteria() == self._last_criteria and self._applied == self._generation
        except ValueError:
            return False

    def focus_box(self) -> None:
        """F3 or / on this screen: back to the search box, its text selected to type over."""
        box = self.query_one("#search-box", Input)
        box.focus()
        box.select_all()

    def on_screen_suspend(self) -> None:
        self._covered = True

    def on_screen_resume(self) -> None:
        """Back from a dossier: what was done there may have changed the rows, so read the page again."""
        if self._covered:
            self._covered = False
            self._fetch(self.cursors[self.page_index])

    def restart(self) -> None:
        """Start over at page 1 with the current box and filters."""
        self.cursors = [None]
        self.page_index = 0
        self._fetch(None)

    def criteria(self) -> dict[str, Any]:
        status = self.query_one("#search-status", Select).value
        return {
            "text": self.query_one("#search-box", Input).value,
            "status": None if status in (Select.BLANK, Select.NULL, None) else str(status),
            "date_from": parse_day(self.query_one("#search-from", Input).value),
            "date_to": parse_day(self.query_one("#search-to", Input).value),
            "procedure": self.query_one("#search-procedure", Input).value.strip() or None,
            "overdue": self.query_one("#search-overdue", Checkbox).value,
        }

    def _fetch(self, cursor: str | None) -> None:
        self.searches += 1
        try:
            crit = self.criteria()
        except ValueError:
            self._show_error("Ngày lọc không hợp lệ (dùng dd/mm/yyyy).")
            return
        self._last_criteria = dict(crit)
        self._generation += 1
        self._search(self._generation, crit, cursor)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="Tìm hồ sơ")
    def _search(self, generation: int, crit: dict[str, Any], cursor: str | None) -> None:
        app = self.onestop
        text = crit.pop("text")
        page = app.services.search.search(
            text, limit=PAGE_SIZE, after=cursor, with_total=cursor is None, now=app.now(), **crit
        )
        self.post_message(self.Found(generation, page, cursor is None))

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        """A OneStopError carries a Vietnamese message, shown where the results go; anything else also opens the
        error dialog."""
        message = error_text(error, "Không tìm được")
        self._show_error(message)
        super().worker_failed(worker, error)

    def _show_error(self, message: str) -> None:
        self.error = message
        self.query_one("#search-info", Label).update(Text(message, style="bold red"))

    @on(Found)
    def _apply(self, message: Found) -> None:
        if message.generation != self._generation:
            return  # a newer search superseded this one
        page = message.page
        self._applied = message.generation
        self.error = ""
        if message.first:
            self.total, self.total_capped = page.total, page.total_capped
        self.next_cursor = page.next_cursor
        rows = []
        for s in page.items:
            no_result = s.status.is_closed and s.status.value != "returned"  # rejected, withdrawn, stopped
            late = "bold red" if s.overdue else ""
            due = (
                Text("—")
                if no_result
                else Forms((Text(fmt_short(s.due_at), style=late), Text(fmt_date(s.due_at), style=late)))
            )
            status = Forms(
                (Text(s.status.label + " · QUÁ HẠN", style=late), Text(s.status.label + " · QH", style=late))
                if s.overdue
                else (Text(s.status.label),)
            )
            cells = (
                s.code,
                s.applicant_name,
                status,
                due,
                _short(procedure_label(s.procedure_name), PROCEDURE_MAX),
                s.id_number,
                s.phone,
                fmt_short(s.received_at),
            )
            rows.append((s.code, cells))
        self.codes = [code for code, _cells in rows]
        self.rows = rows
        self._show_rows()
        self.query_one("#search-info", Label).update(self.info_text(len(page.items)))
        if self._open_top:
            self._open_top = False
            if self.codes:
                self.open_dossier(self.codes[0])

    def _show_rows(self, keep_cursor: bool = False) -> None:
        """Fill the table from `rows`, its columns fitted to the table's width by priority (see COLUMNS)."""
        self.query_one(CounterTable).fill_fitted(COLUMNS, self.rows, self.app.size.width - 2, keep_cursor=keep_cursor)

    def on_resize(self) -> None:
        self._compact(self.app.size.height < SHORT_HEIGHT)
        title = TITLE if len(TITLE) <= self.app.size.width - 2 else TITLE_SHORT
        self.query_one("#search-title", Label).update(title)
        self.call_after_refresh(self._show_rows, True)

    def _compact(self, short: bool) -> None:
        """A short terminal (24 lines): the filters go borderless, one line each, to leave the results their rows."""
        for widget in self.query_one("#search-filters").children:
            if isinstance(widget, Input | Select | Checkbox):
                widget.compact = short
        self.set_class(short, "-short")

    def info_text(self, shown: int) -> str:
        if self.total == 0 or (shown == 0 and self.page_index == 0):
            return "Không tìm thấy hồ sơ nào."
        total = "" if self.total is None else f" — {self.total}{'+' if self.total_capped else ''} hồ sơ"
        more = " — PageDown: trang sau" if self.next_cursor else ""
        back = " — PageUp: trang trước" if self.page_index else ""
        return f"Trang {self.page_index + 1}{total}{more}{back}"

    # ------------------------------------------------------------------ keys

    def action_page(self, step: int) -> None:
        if step > 0:
            if not self.next_cursor:
                self.notify("Đây là trang cuối.", timeout=2)
                return
            if len(self.cursors) <= self.page_index + 1:
                self.cursors.append(self.next_cursor)
            self.page_index += 1
        else:
            if self.page_index == 0:
                return
            self.page_index -= 1
        self._fetch(self.cursors[self.page_index])

    def action_toggle_overdue(self) -> None:
        box = self.query_one("#search-overdue", Checkbox)
        box.value = not box.value

    def action_clear(self) -> None:
        for selector in ("#search-box", "#search-from", "#search-to", "#search-procedure"):
            self.query_one(selector, Input).value = ""
        self.query_one("#search-status", Select).clear()
        self.query_one("#search-overdue", Checkbox).value = False
        self.query_one("#search-box", Input).focus()

    def action_to_results(self) -> None:
        self.query_one(DataTable).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(DataTable.RowSelected)
    def open_row(self, event: DataTable.RowSelected) -> None:
        code = event.row_key.value
        if code:
            self.open_dossier(str(code))

    def open_dossier(self, code: str) -> None:
        self.onestop.open_dossier(code)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


async def measure_open(services: Services, text: str, runs: int = 5) -> float | None:
    """Median ms from pushing SearchScreen(text) to its first page of results handled (bench `search_open_ms`)."""
    import statistics

    from screens.app import make_app

    officers = [o for o in services.officers.list() if o.active]
    if not officers:
        return None
    found = asyncio.Event()
    timings: list[float] = []

    def hook(message: Message) -> None:
        if isinstance(message, SearchScreen.Found):
            found.set()

    app = make_app(services, officer=officers[0])
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(runs):
            found.clear()
            t0 = time.perf_counter()
            app.call_later(app.push_screen, SearchScreen(text))  # from the app's context, where the hook is set
            await asyncio.wait_for(found.wait(), 30)
            await pilot.pause()
            timings.append((time.perf_counter() - t0) * 1000)
            app.pop_screen()
            await pilot.pause()
    return round(statistics.median(timings), 1)
