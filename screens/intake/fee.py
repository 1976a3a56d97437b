"""Step 4: fee (or exemption) and how it is paid, the channel, and how the result goes back to the citizen.

A procedure with a per-page fee (copy certification: onestop/data/fee_rules.toml) asks for the original's pages and
the copies and pre-fills the computed fee, showing how it was computed. The receipt number comes from the configured
series at saving; while the provincial payment system is down the officer records the paper receipt's number instead.
A no-paper procedure (Chỉ thị 24/CT-TTg) is steered to assisted online filing, with the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, OptionList, RadioButton, RadioSet, Static

from screens.intake.base import IntakeStep
from screens.intake_logic import CHANNELS, FEE_METHODS, RETURNS, parse_fee
from screens.widgets.wrapping import WrappingCheckbox, WrappingRadioButton  # long labels wrap at 80 columns

if TYPE_CHECKING:
    from onestop.domain import Dossier, Procedure
    from onestop.fees import FeeQuote, PerPageRule

ONLINE_CHANNEL = next(i for i, (key, _) in enumerate(CHANNELS) if key == "online")


class FeeStep(IntakeStep):
    """Two columns: pages/copies, fee, exemption, payment method, receipt | channel, consent, e-ID, return channel."""

    DEFAULT_CSS = """
    FeeStep { layout: horizontal; }
    FeeStep .fee-col { overflow-x: hidden; }
    FeeStep #fee-tier { height: auto; display: none; }
    FeeStep #fee-tier.-shown { display: block; }
    FeeStep .fee-row { height: 1; margin-top: 1; }
    FeeStep .fee-row Label { width: 20; }
    FeeStep .fee-row Input { width: 12; }
    FeeStep #fee-how { height: auto; color: $text-muted; }
    FeeStep #fee-how.-edited { color: $warning; }
    FeeStep #receipt-series { height: auto; margin-top: 1; }
    FeeStep #paper-row { height: auto; display: none; }
    FeeStep #paper-row.-shown { display: block; }
    FeeStep.-free #receipt-series, FeeStep.-free #paper-toggle, FeeStep.-free #paper-row { display: none; }
    FeeStep #fee-no-paper { height: auto; border: round $warning; padding: 0 1; display: none; }
    FeeStep #fee-no-paper.-shown { display: block; }
    /* The boxes' "tall" left border draws nothing, so a box shows one cell in from its column's edge: the headings,
       hints and flat fields sit one cell in too, every line of a column on one left edge (the second column's heading
       stood one cell left of the box under it). Padding, not margin, for what fills the column's width. */
    FeeStep .fee-col > Label, FeeStep .fee-col > Static { padding-left: 1; }
    FeeStep .fee-col > Input, FeeStep #fee-tier, FeeStep #paper-row { margin-left: 1; }
    """

    KEY = "fee"
    LABEL = "Lệ phí, kênh, nhận KQ"
    FIELDS = frozenset(
        {"fee", "fee_method", "exemption", "consent", "return_address", "sets_count", "paper_receipt", "fee-pages"}
    )
    FIRST_FOCUS = "#fee"

    def __init__(self) -> None:
        super().__init__()
        self.rule: PerPageRule | None = None
        """The procedure's per-page fee rule (None: a flat catalog fee)."""
        self.no_paper = ""
        """Why this procedure is filed online without paper (Chỉ thị 24/CT-TTg), or ""."""
        self._prefilled = ""
        """The fee last written from the rule: replaced on a new quote unless the officer typed another."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="fee-col"):
            with Vertical(id="fee-tier"):
                yield Label("Lệ phí tính theo trang (chứng thực bản sao)", classes="section-title")
                with Horizontal(classes="fee-row"):
                    yield Label("Số trang bản chính")
                    yield Input(id="fee-pages", restrict=r"[0-9]*", max_length=5, compact=True)
                with Horizontal(classes="fee-row"):
                    yield Label("Số bản chứng thực")
                    yield Input("1", id="fee-copies", restrict=r"[0-9]*", max_length=4, compact=True)
                yield Static("", id="fee-pages-error", classes="field-error")
            yield Label("Lệ phí (đồng) — Enter: sang bước sau", classes="section-title")
            yield Input(id="fee", restrict=r"[0-9.]*", compact=True)
            yield Static("", id="fee-how")
            yield Static("", id="fee-error", classes="field-error")
            yield Label("Miễn lệ phí", classes="section-title")
            yield OptionList(id="exemption")
            yield Label("Hình thức thu", classes="section-title")
            yield RadioSet(
                *[WrappingRadioButton(label, value=i == 0) for i, (_, label) in enumerate(FEE_METHODS)], id="fee_method"
            )
            yield Static("", id="receipt-series")
            yield WrappingCheckbox("Thu phí của tỉnh lỗi: biên lai giấy", id="paper-toggle")
            with Vertical(id="paper-row"):
                yield Label("Số biên lai giấy đã viết cho công dân")
                yield Input(id="paper_receipt", max_length=40, compact=True)
                yield Static("", id="paper_receipt-error", classes="field-error")
        with VerticalScroll(classes="fee-col"):
            yield Static("", id="fee-no-paper")
            yield Label("Kênh tiếp nhận", classes="section-title")
            yield RadioSet(
                *[WrappingRadioButton(label, value=i == 0) for i, (_, label) in enumerate(CHANNELS)], id="channel"
            )
            yield WrappingCheckbox("Công dân đồng ý cho nộp trực tuyến thay", id="consent")
            yield WrappingCheckbox("Có tài khoản định danh điện tử (VNeID)", id="eid")
            yield Static("", id="consent-error", classes="field-error")
            yield Label("Nhận kết quả", classes="section-title")
            yield RadioSet(
                *[WrappingRadioButton(label, value=i == 0) for i, (_, label) in enumerate(RETURNS)], id="return_via"
            )
            yield Label("Địa chỉ nhận kết quả qua bưu chính")
            yield Input(id="return_address", compact=True)
            yield Static("", id="return_address-error", classes="field-error")

    # ------------------------------------------------------------------ typed accessors

    @property
    def fee_input(self) -> Input:
        return self.query_one("#fee", Input)

    @property
    def pages(self) -> Input:
        return self.query_one("#fee-pages", Input)

    @property
    def copies(self) -> Input:
        return self.query_one("#fee-copies", Input)

    @property
    def return_address(self) -> Input:
        return self.query_one("#return_address", Input)

    @property
    def paper_toggle(self) -> Checkbox:
        return self.query_one("#paper-toggle", Checkbox)

    @property
    def paper_receipt(self) -> Input:
        return self.query_one("#paper_receipt", Input)

    def choice(self, radio_id: str) -> int:
        """The chosen index of a RadioSet (or of the exemption list, whose highlight is the choice)."""
        if radio_id == "exemption":
            return self.query_one("#exemption", OptionList).highlighted or 0
        radio = self.query_one(f"#{radio_id}", RadioSet)
        return radio.pressed_index if radio.pressed_index >= 0 else 0

    def fee(self) -> tuple[int | None, str]:
        """(fee in đồng, error message)."""
        return parse_fee(self.fee_input.value, self.intake.procedure, self.choice("exemption"))

    def quote(self) -> tuple[FeeQuote | None, str]:
        """The per-page fee for the pages and copies typed (None and why not); (None, "") for a flat fee."""
        from onestop.errors import BadInput
        from onestop.fees import quote

        procedure = self.intake.procedure
        if self.rule is None or procedure is None:
            return None, ""
        if not self.pages.value.strip():
            return None, "Nhập số trang của bản chính để tính lệ phí."
        try:
            return quote(procedure.code, int(self.pages.value), int(self.copies.value or "0")), ""
        except BadInput as err:
            return None, err.message

    def channel(self) -> str:
        return CHANNELS[self.choice("channel")][0]

    def return_via(self) -> str:
        return RETURNS[self.choice("return_via")][0]

    def paper_number(self) -> str:
        """The paper receipt's number when the officer wrote one (and there is a fee to receipt)."""
        return self.paper_receipt.value.strip() if self.paper_toggle.value and self.fee()[0] else ""

    # ------------------------------------------------------------------ reacting

    def procedure_changed(self, procedure: Procedure) -> None:
        from onestop.catalog_flags import no_paper_reason
        from onestop.fees import rule_for

        self.rule = rule_for(procedure.code)
        self.query_one("#fee-tier").set_class(self.rule is not None, "-shown")
        self.pages.value, self.copies.value, self._prefilled = "", "1", ""
        flat = procedure.fee_vnd is not None and self.rule is None
        self.fee_input.value = str(procedure.fee_vnd) if flat else ""
        self.build_exemptions(0)
        was_no_paper, self.no_paper = self.no_paper, no_paper_reason(procedure.code)
        banner = self.query_one("#fee-no-paper", Static)
        banner.update(  # the whole reason is on the documents step; here what to do about it
            "NỘP TRỰC TUYẾN CÓ HỖ TRỢ — thủ tục không nhận hồ sơ giấy (Chỉ thị 24/CT-TTg): cán bộ nộp trực tuyến "
            "thay công dân. Hỏi và đánh dấu sự đồng ý của công dân (Space), và tài khoản VNeID nếu có."
            if self.no_paper
            else ""
        )
        banner.set_class(bool(self.no_paper), "-shown")
        channels = list(self.query_one("#channel", RadioSet).query(RadioButton))
        if self.no_paper:  # steered to assisted online filing
            channels[ONLINE_CHANNEL].value = True
        elif was_no_paper:  # another procedure chosen instead: back to the counter's usual paper filing
            channels[0].value = True
        self.show_how()

    def enter(self) -> None:
        self.show_series()
        self.show_how()

    def place_cursor(self) -> None:
        if self.rule is not None and not self.pages.value.strip():  # ask for the pages first, once laid out
            self.call_after_refresh(self._focus_pages)
        else:
            super().place_cursor()

    def _focus_pages(self) -> None:
        if self.intake.current_step is self:
            self.pages.focus()
            self.intake.cursor_placed(self)

    def show_series(self) -> None:
        """Which receipt the fee gets: the series' next number, a paper receipt, or a missing series (nothing
        about receipts when there is no fee to collect)."""
        from onestop.formats import fee_receipt
        from onestop.services.fee_receipts import NUMBER_WIDTH

        self.set_class(self.fee()[0] == 0, "-free")
        series = self.onestop.services.fee_receipts.series()
        if self.paper_toggle.value:
            text = "Biên lai giấy: không cấp số điện tử; đối soát khi hệ thống hoạt động lại."
        elif series is None:
            text = "Biên lai: chưa đặt ký hiệu biên lai (lãnh đạo đặt bằng «onestop fee series»)."
        else:
            text = "Biên lai tiếp theo: " + fee_receipt(
                series.symbol, series.book, series.next_number, "", NUMBER_WIDTH
            )
        self.query_one("#receipt-series", Static).update(text)

    def show_how(self) -> None:
        """How the fee was computed (per-page rule), and whether the officer changed it."""
        from screens.common import fmt_money

        how = self.query_one("#fee-how", Static)
        edited = False
        if self.rule is None:
            text = ""
        elif self.choice("exemption") > 0:
            text = "Miễn lệ phí."
        else:
            q, message = self.quote()
            if q is None:
                text = message
            else:
                text = f"Cách tính: {q.explanation}"
                fee, _ = self.fee()
                if fee is not None and fee != q.amount:
                    edited = True
                    text += f"\nLệ phí đã sửa tay: {fmt_money(fee)} (theo quy tắc: {fmt_money(q.amount)})."
        how.update(text)
        how.set_class(edited, "-edited")

    @on(Input.Changed, "#fee-pages, #fee-copies")
    def pages_changed(self) -> None:
        """A new quote pre-fills the fee, unless the officer typed a fee of their own."""
        q, _ = self.quote()
        if q is not None and self.fee_input.value.strip() in ("", self._prefilled):
            self._prefilled = str(q.amount)
            self.fee_input.value = self._prefilled
        self.intake.set_error("fee-pages", "")
        self.show_how()

    @on(Input.Changed, "#fee")
    def fee_changed(self) -> None:
        self.show_how()
        self.set_class(self.fee()[0] == 0, "-free")

    def build_exemptions(self, pressed: int) -> None:
        """The exemption choices of the selected procedure; the highlighted line is the choice."""
        procedure = self.intake.procedure
        options = self.query_one("#exemption", OptionList)
        options.clear_options()
        labels = ["Không miễn"] + [e.label for e in (procedure.exemptions if procedure else ())]
        options.add_options(labels)
        options.highlighted = max(0, min(pressed, len(labels) - 1))

    @on(OptionList.OptionSelected, "#exemption")
    def exemption_chosen(self) -> None:
        self.show_how()
        self.query_one("#fee_method", RadioSet).focus()

    @on(OptionList.OptionHighlighted, "#exemption")
    def exemption_highlighted(self) -> None:
        self.show_how()
        self.set_class(self.fee()[0] == 0, "-free")

    @on(Checkbox.Changed, "#paper-toggle")
    def paper_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#paper-row").set_class(event.value, "-shown")
        self.show_series()
        if event.value and self.intake.current_step is self and not self.intake.restoring:
            self.call_after_refresh(self.paper_receipt.focus)  # once the row is laid out, so it scrolls into view

    @on(RadioSet.Changed, "#return_via")
    def return_channel_changed(self, event: RadioSet.Changed) -> None:
        if RETURNS[event.index][0] == "post" and not self.return_address.value.strip():
            from screens.intake.applicant import ApplicantStep

            self.return_address.value = self.intake.step_of(ApplicantStep).applicant.value("address")

    def submitted(self, field: Input) -> None:
        if field.id == "fee-pages":
            self.copies.focus()
        elif field.id == "fee-copies":
            self.fee_input.focus()
        else:
            self.intake.action_next_step()

    # ------------------------------------------------------------------ the step

    def check(self) -> bool:
        _, message = self.fee()
        self.intake.set_error("fee", message)
        pages_message = self.quote()[1] if self.choice("exemption") == 0 else ""
        self.intake.set_error("fee-pages", pages_message)
        paper_missing = self.paper_toggle.value and bool(self.fee()[0]) and not self.paper_receipt.value.strip()
        self.intake.set_error(
            "paper_receipt", "Hệ thống thu phí không hoạt động: cần số biên lai giấy đã viết." if paper_missing else ""
        )
        offline = self.no_paper and self.channel() != "online"
        consent_missing = self.channel() == "online" and not self.query_one("#consent", Checkbox).value
        if offline:
            consent_message = (
                "Thủ tục không nhận hồ sơ giấy (Chỉ thị 24/CT-TTg): chọn «Nộp trực tuyến thay công dân» "
                "và ghi nhận sự đồng ý của công dân."
            )
        elif consent_missing:
            consent_message = "Nộp trực tuyến thay công dân: cần ghi nhận sự đồng ý của công dân."
        else:
            consent_message = ""
        self.intake.set_error("consent", consent_message)
        address_missing = self.return_via() == "post" and not self.return_address.value.strip()
        self.intake.set_error(
            "return_address", "Trả kết quả qua bưu chính: cần địa chỉ nhận." if address_missing else ""
        )
        if pages_message:
            self.pages.focus()
        elif message:
            self.fee_input.focus()
        elif paper_missing:
            self.paper_receipt.focus()
            self.call_after_refresh(self.query_one("#paper-row").scroll_visible)  # with its message under it
        elif offline:
            self.query_one("#channel", RadioSet).focus()
        elif consent_missing:
            self.query_one("#consent", Checkbox).focus()
        elif address_missing:
            self.return_address.focus()
        return not (message or pages_message or paper_missing or consent_message or address_missing)

    def fill_draft(self, values: dict[str, Any]) -> None:
        from onestop.domain import Channel, ReturnVia

        exemption_index = self.choice("exemption")
        exemptions = self.intake.procedure.exemptions if self.intake.procedure else ()
        values["fee_vnd"] = self.fee()[0]
        values["exemption"] = exemptions[exemption_index - 1].label if 0 < exemption_index <= len(exemptions) else ""
        values["fee_method"] = FEE_METHODS[self.choice("fee_method")][0]
        values["paper_receipt"] = self.paper_number()
        values["channel"] = Channel(self.channel())
        values["return_via"] = ReturnVia(self.return_via())
        values["return_address"] = self.return_address.value
        values["consent_recorded"] = self.query_one("#consent", Checkbox).value
        values["has_eid_account"] = self.query_one("#eid", Checkbox).value

    def save_state(self, state: dict[str, Any]) -> None:
        state.setdefault("radios", {})["exemption"] = self.choice("exemption")
        state["fee_prefilled"] = self._prefilled

    def restore_state(self, data: dict[str, Any]) -> None:
        if self.intake.procedure is not None:
            self.build_exemptions(max(0, int((data.get("radios") or {}).get("exemption", 0) or 0)))
        self._prefilled = str(data.get("fee_prefilled") or "")

    def review_line(self) -> str:
        from screens.common import fmt_money

        fee = f"Lệ phí: {fmt_money(self.fee()[0])}"
        q, _ = self.quote()
        if q is not None and self.fee()[0] == q.amount:
            fee += f" ({q.pages} trang × {q.copies} bản)"
        if self.paper_number():
            fee += f" · biên lai giấy số {self.paper_number()}"
        return (
            f"{fee} · Kênh: {CHANNELS[self.choice('channel')][1]}"
            f" · Nhận kết quả: {RETURNS[self.choice('return_via')][1]}"
        )

    def done_line(self, dossier: Dossier) -> str:
        """The receipt line of the saved view: the number from the series, the paper receipt, or why there is none."""
        paid = [p for p in dossier.payments if p.amount_vnd > 0]
        if not paid:
            return ""
        text = paid[0].receipt_number
        if text:
            return text if text.startswith("Biên lai") else f"Biên lai: {text}"
        return "Chưa cấp số biên lai: chưa đặt ký hiệu biên lai (lãnh đạo đặt bằng «onestop fee series»)."
