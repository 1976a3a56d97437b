"""F7: the procedure catalog — what to bring, fees, deadlines and where each rule comes from."""

from __future__ import annotations

import re
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


# Provenance written into the catalog's notes for whoever checks the data; officers see the facts without it.
PROVENANCE_RE = re.compile(
    r"\s*\(chưa kiểm chứng nguồn\)"
    r"|\s*\(cần kiểm tra lại[^)]*\)"
    r"|\s*[—-]\s*cần kiểm tra lại"
    r"|(?<=[.!?])\s*Cần kiểm tra lại[^.]*\."
    r"|\s*[;,]\s*việc áp dụng [^.;]* là giả định",
    re.IGNORECASE,
)


def officer_note(note: str) -> str:
    """A catalog note as an officer reads it: the facts and legal references, no provenance markers."""
    text = PROVENANCE_RE.sub("", note)
    text = re.sub(r"\s+([.;,)])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def procedure_details(p: Procedure, *, provenance: bool = False) -> str:
    """Rich markup describing one procedure (shared with the intake screen); `provenance` (admins) adds the
    catalog's own notes on where each fact comes from."""
    note = (lambda text: text) if provenance else officer_note
    lines = [
        f"[b]{escape(p.code)} — {escape(p.name)}[/b]",
        f"Lĩnh vực: {escape(p.field)}",
        f"Thời hạn: {escape(p.deadline_text)}"
        + (f" (nhận sau {p.cutoff:%H:%M} tính từ ngày làm việc tiếp theo)" if p.cutoff else ""),
        f"Lệ phí: {fmt_money(p.fee_vnd)}",
        f"Mức độ trực tuyến: {escape(p.online_level or 'chưa rõ')}",
    ]
    if p.fee_note and note(p.fee_note):
        lines.append(f"[dim]{escape(note(p.fee_note))}[/dim]")
    lines.append("[b]Thành phần hồ sơ:[/b]")
    for i, d in enumerate(p.documents, 1):
        lines.append(f"  {i}. {escape(d.name)} — {d.kind.label} × {d.count}")
    if p.exemptions:
        lines.append("[b]Miễn lệ phí:[/b] " + "; ".join(escape(e.label) for e in p.exemptions))
    if p.processing_note and note(p.processing_note):
        lines.append(f"[b]Ghi chú:[/b] {escape(note(p.processing_note))}")
    if provenance and p.source:
        lines.append(f"[dim]Nguồn (chỉ quản trị xem): {escape(p.source)}[/dim]")
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
            self.query_one("#catalog-details", Static).update(self.details(self.procedures[0]))
        else:
            self.query_one("#catalog-details", Static).update("Không có thủ tục nào khớp.")

    def details(self, p: Procedure) -> str:
        """Officers read the facts; an administrator also sees where each one comes from."""
        return procedure_details(p, provenance=self.onestop.officer.role.rank >= 3)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = max(0, min(options.option_count - 1, (options.highlighted or 0) + step))

    @on(OptionList.OptionHighlighted)
    def show_details(self, event: OptionList.OptionHighlighted) -> None:
        p = next((p for p in self.procedures if p.code == event.option.id), None)
        if p is not None:
            self.query_one("#catalog-details", Static).update(self.details(p))
