"""F7: the procedure catalog — what to bring, fees, deadlines and where each rule comes from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.common import OneStopScreen, fmt_money
from screens.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from onestop.domain import Procedure


def procedure_details(p: Procedure) -> str:
    """Rich markup describing one procedure (shared with the intake screen)."""
    lines = [
        f"[b]{escape(p.code)} — {escape(p.name)}[/b]",
        f"Lĩnh vực: {escape(p.field)}",
        f"Thời hạn: {escape(p.deadline_text)}"
        + (f" (nhận sau {p.cutoff:%H:%M} tính từ ngày làm việc tiếp theo)" if p.cutoff else ""),
        f"Lệ phí: {fmt_money(p.fee_vnd)}",
        f"Mức độ trực tuyến: {escape(p.online_level or 'chưa rõ')}",
    ]
    if p.fee_note:
        lines.append(f"[dim]{escape(p.fee_note)}[/dim]")
    lines.append("[b]Thành phần hồ sơ:[/b]")
    for i, d in enumerate(p.documents, 1):
        lines.append(f"  {i}. {escape(d.name)} — {d.kind.label} × {d.count}")
    if p.exemptions:
        lines.append("[b]Miễn lệ phí:[/b] " + "; ".join(escape(e.label) for e in p.exemptions))
    if p.processing_note:
        lines.append(f"[b]Ghi chú:[/b] {escape(p.processing_note)}")
    if p.source:
        lines.append(f"[dim]Nguồn: {escape(p.source)}[/dim]")
    return "\n".join(lines)


class CatalogScreen(OneStopScreen):
    """Type to filter (accents and case ignored), arrows to move, the details follow the highlight."""

    CSS_PATH = "catalog.tcss"
    HELP_TITLE = "Danh mục thủ tục"
    AUTO_FOCUS = "#catalog-filter"
    BINDINGS = [
        Binding("down", "move(1)", "Xuống", show=False, tooltip="Thủ tục kế tiếp", id="catalog.down"),
        Binding("up", "move(-1)", "Lên", show=False, tooltip="Thủ tục trước", id="catalog.up"),
    ]

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Label("DANH MỤC THỦ TỤC HÀNH CHÍNH", classes="section-title")
        yield Input(placeholder="Tìm theo mã, tên, lĩnh vực (không dấu cũng được)", id="catalog-filter")
        with Horizontal(id="catalog-body"):
            yield OptionList(id="catalog-list")
            with VerticalScroll(id="catalog-details-box"):
                yield Static("", id="catalog-details")
        yield Footer()

    procedures: list[Procedure] = []

    def on_mount(self) -> None:
        self.fill("")

    @on(Input.Changed, "#catalog-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def fill(self, query: str) -> None:
        self.procedures = self.onestop.services.catalog.search(query[:200], limit=200)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(f"{p.code}  {p.name}", id=p.code) for p in self.procedures])
        if self.procedures:
            options.highlighted = 0
            self.query_one("#catalog-details", Static).update(procedure_details(self.procedures[0]))
        else:
            self.query_one("#catalog-details", Static).update("Không có thủ tục nào khớp.")

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = max(0, min(options.option_count - 1, (options.highlighted or 0) + step))

    @on(OptionList.OptionHighlighted)
    def show_details(self, event: OptionList.OptionHighlighted) -> None:
        p = next((p for p in self.procedures if p.code == event.option.id), None)
        if p is not None:
            self.query_one("#catalog-details", Static).update(procedure_details(p))
