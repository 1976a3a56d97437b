"""Step 4: fee (or exemption) and how it is paid, the channel, and how the result goes back to the citizen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, Input, Label, OptionList, RadioButton, RadioSet, Static

from screens.intake.base import IntakeStep
from screens.intake_logic import CHANNELS, FEE_METHODS, RETURNS, parse_fee

if TYPE_CHECKING:
    from onestop.domain import Procedure


class FeeStep(IntakeStep):
    """Two columns: fee, exemption, payment method | channel, consent, e-ID, return channel and address."""

    DEFAULT_CSS = "FeeStep { layout: horizontal; }"

    KEY = "fee"
    LABEL = "Lệ phí, kênh, nhận KQ"
    FIELDS = frozenset({"fee", "fee_method", "exemption", "consent", "return_address", "sets_count"})
    FIRST_FOCUS = "#fee"

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="fee-col"):
            yield Label("Lệ phí (đồng) — Enter: sang bước sau", classes="section-title")
            yield Input(id="fee", restrict=r"[0-9.]*", compact=True)
            yield Static("", id="fee-error", classes="field-error")
            yield Label("Miễn lệ phí", classes="section-title")
            yield OptionList(id="exemption")
            yield Label("Hình thức thu", classes="section-title")
            yield RadioSet(
                *[RadioButton(label, value=i == 0) for i, (_, label) in enumerate(FEE_METHODS)], id="fee_method"
            )
        with VerticalScroll(classes="fee-col"):
            yield Label("Kênh tiếp nhận", classes="section-title")
            yield RadioSet(*[RadioButton(label, value=i == 0) for i, (_, label) in enumerate(CHANNELS)], id="channel")
            yield Checkbox("Công dân đồng ý để cán bộ nộp trực tuyến thay", id="consent")
            yield Checkbox("Công dân có tài khoản định danh điện tử (VNeID)", id="eid")
            yield Static("", id="consent-error", classes="field-error")
            yield Label("Nhận kết quả", classes="section-title")
            yield RadioSet(*[RadioButton(label, value=i == 0) for i, (_, label) in enumerate(RETURNS)], id="return_via")
            yield Label("Địa chỉ nhận kết quả qua bưu chính")
            yield Input(id="return_address", compact=True)
            yield Static("", id="return_address-error", classes="field-error")

    # ------------------------------------------------------------------ typed accessors

    @property
    def fee_input(self) -> Input:
        return self.query_one("#fee", Input)

    @property
    def return_address(self) -> Input:
        return self.query_one("#return_address", Input)

    def choice(self, radio_id: str) -> int:
        """The chosen index of a RadioSet (or of the exemption list, whose highlight is the choice)."""
        if radio_id == "exemption":
            return self.query_one("#exemption", OptionList).highlighted or 0
        radio = self.query_one(f"#{radio_id}", RadioSet)
        return radio.pressed_index if radio.pressed_index >= 0 else 0

    def fee(self) -> tuple[int | None, str]:
        """(fee in đồng, error message)."""
        return parse_fee(self.fee_input.value, self.intake.procedure, self.choice("exemption"))

    def channel(self) -> str:
        return CHANNELS[self.choice("channel")][0]

    def return_via(self) -> str:
        return RETURNS[self.choice("return_via")][0]

    # ------------------------------------------------------------------ reacting

    def procedure_changed(self, procedure: Procedure) -> None:
        self.fee_input.value = "" if procedure.fee_vnd is None else str(procedure.fee_vnd)
        self.build_exemptions(0)

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
        self.query_one("#fee_method", RadioSet).focus()

    @on(RadioSet.Changed, "#return_via")
    def return_channel_changed(self, event: RadioSet.Changed) -> None:
        if RETURNS[event.index][0] == "post" and not self.return_address.value.strip():
            from screens.intake.applicant import ApplicantStep

            self.return_address.value = self.intake.step_of(ApplicantStep).applicant.value("address")

    def submitted(self, field: Input) -> None:
        self.intake.action_next_step()

    # ------------------------------------------------------------------ the step

    def check(self) -> bool:
        _, message = self.fee()
        self.intake.set_error("fee", message)
        consent_missing = self.channel() == "online" and not self.query_one("#consent", Checkbox).value
        self.intake.set_error(
            "consent", "Nộp trực tuyến thay công dân: cần ghi nhận sự đồng ý của công dân." if consent_missing else ""
        )
        address_missing = self.return_via() == "post" and not self.return_address.value.strip()
        self.intake.set_error(
            "return_address", "Trả kết quả qua bưu chính: cần địa chỉ nhận." if address_missing else ""
        )
        if message:
            self.fee_input.focus()
        elif consent_missing:
            self.query_one("#consent", Checkbox).focus()
        elif address_missing:
            self.return_address.focus()
        return not message and not consent_missing and not address_missing

    def fill_draft(self, values: dict[str, Any]) -> None:
        from onestop.domain import Channel, ReturnVia

        exemption_index = self.choice("exemption")
        exemptions = self.intake.procedure.exemptions if self.intake.procedure else ()
        values["fee_vnd"] = self.fee()[0]
        values["exemption"] = exemptions[exemption_index - 1].label if 0 < exemption_index <= len(exemptions) else ""
        values["fee_method"] = FEE_METHODS[self.choice("fee_method")][0]
        values["channel"] = Channel(self.channel())
        values["return_via"] = ReturnVia(self.return_via())
        values["return_address"] = self.return_address.value
        values["consent_recorded"] = self.query_one("#consent", Checkbox).value
        values["has_eid_account"] = self.query_one("#eid", Checkbox).value

    def save_state(self, state: dict[str, Any]) -> None:
        state.setdefault("radios", {})["exemption"] = self.choice("exemption")

    def restore_state(self, data: dict[str, Any]) -> None:
        if self.intake.procedure is not None:
            self.build_exemptions(max(0, int((data.get("radios") or {}).get("exemption", 0) or 0)))

    def review_line(self) -> str:
        from screens.common import fmt_money

        return (
            f"Lệ phí: {fmt_money(self.fee()[0])} · Kênh: {CHANNELS[self.choice('channel')][1]}"
            f" · Nhận kết quả: {RETURNS[self.choice('return_via')][1]}"
        )
