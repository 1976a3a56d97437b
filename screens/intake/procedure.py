"""Step 1: the procedure, typed by code or name (accents optional), chosen with ↑/↓ and Enter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.catalog import procedure_details
from screens.common import fmt_money
from screens.intake.base import IntakeStep

if TYPE_CHECKING:
    from onestop.domain import Procedure


class ProcedureStep(IntakeStep):
    """The query box, the matching procedures and the highlighted one's details."""

    KEY = "procedure"
    LABEL = "Thủ tục"
    FIELDS = frozenset({"procedure", "catalog"})
    FIRST_FOCUS = "#proc-query"

    def __init__(self) -> None:
        super().__init__()
        self.procedures: list[Procedure] = []

    def compose(self) -> ComposeResult:
        yield Label("Bước 1 — Thủ tục: gõ mã hoặc tên (không dấu cũng được), ↑/↓ chọn, Enter xác nhận")
        yield Input(placeholder="ví dụ: khai sinh, chung thuc ban sao, 2.000815", id="proc-query")
        yield Static("", id="procedure-error", classes="field-error")
        with Horizontal(id="proc-body"):
            yield OptionList(id="proc-results")
            with VerticalScroll(id="proc-details-box"):
                yield Static("", id="proc-details")

    def on_mount(self) -> None:
        self.fill("")

    @property
    def results(self) -> OptionList:
        return self.query_one("#proc-results", OptionList)

    def fill(self, query: str) -> None:
        self.procedures = self.onestop.services.catalog.search(query[:200], limit=30)
        options = self.results
        options.clear_options()
        options.add_options(
            [
                Option(f"{p.code}  {p.name[:60]} — {p.deadline_text} — {fmt_money(p.fee_vnd)}", id=p.code)
                for p in self.procedures
            ]
        )
        if self.procedures:
            options.highlighted = 0
            self._show_details(0)
            self.intake.set_error("procedure", "")
        else:
            self.intake.set_error(
                "procedure", "Không tìm thấy thủ tục nào khớp; thử gõ mã (ví dụ 1.001193) hoặc tên khác."
            )

    @on(Input.Changed, "#proc-query")
    def query_changed(self, event: Input.Changed) -> None:
        if not self.intake.restoring:
            self.fill(event.value)

    @on(OptionList.OptionHighlighted, "#proc-results")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_details(event.option_index)

    def _show_details(self, index: int) -> None:
        if 0 <= index < len(self.procedures):
            self.query_one("#proc-details", Static).update(procedure_details(self.procedures[index]))

    @on(OptionList.OptionSelected, "#proc-results")
    def selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.intake.choose_procedure(event.option.id)

    def submitted(self, field: Input) -> None:
        options = self.results
        if options.highlighted is None or not self.procedures:
            self.intake.set_error("procedure", "Chưa chọn thủ tục: gõ tên hoặc mã rồi nhấn Enter.")
            return
        code = options.get_option_at_index(options.highlighted).id
        if code:
            self.intake.choose_procedure(code)

    def arrow(self, step: int) -> bool:
        options = self.results
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))
            self._show_details(options.highlighted)
        return True

    def check(self) -> bool:
        if self.intake.procedure is None:
            self.intake.set_error("procedure", "Chưa chọn thủ tục: gõ tên hoặc mã rồi nhấn Enter.")
            return False
        return True

    def fill_draft(self, values: dict[str, object]) -> None:
        assert self.intake.procedure is not None
        values["procedure_code"] = self.intake.procedure.code
