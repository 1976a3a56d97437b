"""F2: receiving a dossier at the counter, keyboard only, in six steps with a draft kept at every step.

Steps: procedure → applicant (QR scan or typed, optional representative) → documents and scanned files →
fee, channel and return → appointment → large-print review and save; then the receipt prints in a worker.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    Digits,
    Footer,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    Static,
)
from textual.widgets.option_list import Option

from screens.catalog import procedure_details
from screens.common import describe_print, fmt_datetime, fmt_money, optional_service
from screens.intake_logic import (
    CHANNELS,
    FEE_METHODS,
    FIELD_STEP,
    RETURNS,
    STEPS,
    build_options,
    parse_due_override,
    parse_fee,
    split_scan,
)
from screens.widgets.documents import DocLine, DocumentsPanel
from screens.widgets.person_form import COMPLETE_DATE_RE, COMPLETE_ID_RE, PersonForm
from screens.widgets.status_bar import StatusBar

PERSON_ORDER = ("id_number", "full_name", "birth_date", "gender", "address", "phone", "email")
AUTO_ADVANCE_DELAY = 0.15  # a keyboard-wedge scanner types faster than this; a person does not


class IntakeScreen(Screen[None]):
    """One intake; `saved_code` is set once the dossier is saved."""

    CSS_PATH = "intake.tcss"
    HELP_TITLE = "Tiếp nhận hồ sơ"
    BINDINGS = [
        Binding("pagedown", "next_step", "Bước sau", tooltip="Sang bước kế tiếp", id="intake.next"),
        Binding("pageup", "prev_step", "Bước trước", tooltip="Về bước trước", id="intake.prev"),
        Binding("ctrl+s", "save", "Lưu", tooltip="Lưu hồ sơ (kiểm tra mọi bước)", id="intake.save"),
        Binding(
            "ctrl+r",
            "toggle_rep",
            "Ủy quyền",
            tooltip="Bật/tắt người nộp thay theo ủy quyền",
            id="intake.representative",
        ),
        Binding("f8", "reprint", "In lại", tooltip="In lại giấy tiếp nhận", id="intake.reprint"),
        Binding("escape", "leave", "Quay lại", tooltip="Về trang chính, giữ bản nháp", id="intake.back"),
        Binding("down", "arrow(1)", "Xuống", show=False, tooltip="Ô hoặc thủ tục kế tiếp", id="intake.down"),
        Binding("up", "arrow(-1)", "Lên", show=False, tooltip="Ô hoặc thủ tục trước", id="intake.up"),
    ]

    def __init__(self, *, offer_draft: bool = True) -> None:
        super().__init__()
        self.step = 0
        self.procedure: Any = None
        self.procedures: list[Any] = []
        self.saved_code = ""
        self.due_preview: Any = None
        self.offer_draft = offer_draft
        self.step_painted_at = 0.0
        """perf_counter() when the current step was last painted (the bench reads it)."""
        self._restoring = False

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static("", id="intake-steps")
        with ContentSwitcher(initial="step-procedure", id="intake-switcher"):
            with Vertical(id="step-procedure"):
                yield Label("Bước 1 — Thủ tục: gõ mã hoặc tên (không dấu cũng được), ↑/↓ chọn, Enter xác nhận")
                yield Input(placeholder="ví dụ: khai sinh, chung thuc ban sao, 2.000815", id="proc-query")
                yield Static("", id="procedure-error", classes="field-error")
                with Horizontal(id="proc-body"):
                    yield OptionList(id="proc-results")
                    with VerticalScroll(id="proc-details-box"):
                        yield Static("", id="proc-details")
            with Horizontal(id="step-applicant"):
                with VerticalScroll(id="applicant-col"):
                    yield Label("Bước 2 — Người nộp (quét QR căn cước vào ô bất kỳ)", classes="section-title")
                    yield PersonForm("", id="applicant-form")
                    yield Static("", id="recall-note", classes="muted")
                with VerticalScroll(id="rep-col"):
                    yield Checkbox("Nộp thay theo ủy quyền (Ctrl+R)", id="rep-toggle")
                    with Vertical(id="rep-block"):
                        yield PersonForm("rep_", id="rep-form")
                        with Horizontal(classes="person-row"):
                            yield Label("Giấy ủy quyền", classes="person-label")
                            yield Input(
                                id="authorisation_doc",
                                compact=True,
                                placeholder="ví dụ: Giấy ủy quyền số 12 ngày 01/11/2026",
                            )
                        yield Static("", id="authorisation_doc-error", classes="field-error")
            with Vertical(id="step-documents"):
                yield DocumentsPanel(id="docs-panel")
            with Horizontal(id="step-fee"):
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
                    yield RadioSet(
                        *[RadioButton(label, value=i == 0) for i, (_, label) in enumerate(CHANNELS)], id="channel"
                    )
                    yield Checkbox("Công dân đồng ý để cán bộ nộp trực tuyến thay", id="consent")
                    yield Checkbox("Công dân có tài khoản định danh điện tử (VNeID)", id="eid")
                    yield Static("", id="consent-error", classes="field-error")
                    yield Label("Nhận kết quả", classes="section-title")
                    yield RadioSet(
                        *[RadioButton(label, value=i == 0) for i, (_, label) in enumerate(RETURNS)], id="return_via"
                    )
                    yield Label("Địa chỉ nhận kết quả qua bưu chính")
                    yield Input(id="return_address", compact=True)
                    yield Static("", id="return_address-error", classes="field-error")
            with Vertical(id="step-due"):
                yield Label("Bước 5 — Ngày hẹn trả kết quả", classes="section-title")
                yield Static("", id="due-preview")
                yield Label("Đổi ngày hẹn (để trống nếu giữ nguyên) — dd/MM/yyyy HH:MM, Enter: tiếp")
                yield Input(id="due_override", compact=True, placeholder="để trống = theo quy định")
                yield Static("", id="due_override-error", classes="field-error")
                yield Label("Lý do đổi ngày hẹn (bắt buộc khi đổi)")
                yield Input(id="due_override_reason", compact=True)
                yield Static("", id="due_override_reason-error", classes="field-error")
            with VerticalScroll(id="step-review"):
                with Vertical(id="review-large"):
                    yield Label("", id="review-name")
                    yield Label("Ngày sinh", classes="review-caption")
                    yield Digits("", id="review-dob")
                    yield Label("Số định danh cá nhân", classes="review-caption")
                    yield Digits("", id="review-id")
                    yield Label("", id="review-procedure")
                    yield Label("Hẹn trả kết quả", classes="review-caption")
                    yield Digits("", id="review-due")
                yield Static("", id="review-details")
                yield Button("Lưu hồ sơ (Ctrl+S)", variant="success", id="save-button")
            with Vertical(id="step-done"):
                yield Label("ĐÃ TIẾP NHẬN HỒ SƠ", id="done-title")
                yield Static("", id="done-code")
                yield Static("", id="done-print")
                yield Label("Enter hoặc F4: về trang chính · F2: tiếp nhận hồ sơ mới · F8: in lại giấy tiếp nhận")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#rep-block").display = False
        self.fill_procedures("")
        self.show_step(0)
        if self.offer_draft:
            self._offer_draft()

    # ------------------------------------------------------------------ services

    @property
    def services(self) -> Any:
        return getattr(self.app, "services", None)

    @property
    def officer_name(self) -> str:
        officer = getattr(self.app, "officer", None)
        return officer.username if officer else ""

    # ------------------------------------------------------------------ steps

    def show_step(self, index: int) -> None:
        """Display step `index`, focus its first field and keep the draft."""
        self.step = index
        step_id = STEPS[index][0] if index < len(STEPS) else "step-done"
        self.query_one(ContentSwitcher).current = step_id
        self.query_one("#intake-steps", Static).update(self._step_bar())
        self._enter_step(index)
        self.call_after_refresh(self._painted)
        if not self._restoring and not self.saved_code:
            self._save_draft_in_background()

    def _painted(self) -> None:
        self.step_painted_at = time.perf_counter()

    def _step_bar(self) -> str:
        parts = []
        for i, (_, label) in enumerate(STEPS):
            text = f" {i + 1}. {label} "
            parts.append(f"[reverse b]{text}[/]" if i == self.step else text)
        return "›".join(parts) + "  PgDn ▸  PgUp ◂  Ctrl+S lưu"

    def _enter_step(self, index: int) -> None:
        focus_ids = {
            0: "#proc-query",
            1: "#id_number",
            2: "#docs-table",
            3: "#fee",
            4: "#due_override",
            5: "#save-button",
        }
        if index == 2:
            self.query_one(DocumentsPanel).load_files(self.services.settings.scanner_folder)
        elif index == 4:
            self.refresh_due_preview()
        elif index == 5:
            self.refresh_review()
        if index in focus_ids:
            self.query_one(focus_ids[index]).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers only what works now: steps and saving before the save, reprinting after it."""
        if action in ("next_step", "prev_step", "save", "toggle_rep"):
            return not self.saved_code
        if action == "reprint":
            return bool(self.saved_code)
        return True

    def action_next_step(self) -> None:
        if self.saved_code:
            return
        if self.step == len(STEPS) - 1:
            self.action_save()
        elif self.check_step(self.step):
            self.show_step(self.step + 1)

    def action_prev_step(self) -> None:
        if not self.saved_code and self.step > 0:
            self.show_step(self.step - 1)

    def check_step(self, index: int) -> bool:
        """Validate one step, showing errors inline; True when the officer may move on."""
        if index == 0:
            if self.procedure is None:
                self.set_error("procedure", "Chưa chọn thủ tục: gõ tên hoặc mã rồi nhấn Enter.")
                return False
            return True
        if index == 1:
            return self._check_people()
        if index == 3:
            return self._check_fee_step()
        if index == 4:
            return self._due_override() is not False
        return True

    # ------------------------------------------------------------------ step 1: procedure

    def fill_procedures(self, query: str) -> None:
        self.procedures = self.services.catalog.search(query[:200], limit=30)
        options = self.query_one("#proc-results", OptionList)
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
            self.set_error("procedure", "")
        else:
            self.set_error("procedure", "Không tìm thấy thủ tục nào khớp; thử gõ mã (ví dụ 1.001193) hoặc tên khác.")

    @on(Input.Changed, "#proc-query")
    def procedure_query_changed(self, event: Input.Changed) -> None:
        if not self._restoring:
            self.fill_procedures(event.value)

    @on(OptionList.OptionHighlighted, "#proc-results")
    def procedure_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_details(event.option_index)

    def _show_details(self, index: int) -> None:
        if 0 <= index < len(self.procedures):
            self.query_one("#proc-details", Static).update(procedure_details(self.procedures[index]))

    @on(OptionList.OptionSelected, "#proc-results")
    def procedure_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and self.select_procedure(event.option.id):
            self.show_step(1)

    @on(OptionList.OptionSelected, "#exemption")
    def exemption_chosen(self) -> None:
        self.query_one("#fee_method", RadioSet).focus()

    def choose_highlighted_procedure(self) -> None:
        options = self.query_one("#proc-results", OptionList)
        if options.highlighted is None or not self.procedures:
            self.set_error("procedure", "Chưa chọn thủ tục: gõ tên hoặc mã rồi nhấn Enter.")
            return
        code = options.get_option_at_index(options.highlighted).id
        if code and self.select_procedure(code):
            self.show_step(1)

    def select_procedure(self, code: str) -> bool:
        """Load the procedure in force and everything that depends on it (documents, fee, exemptions)."""
        from onestop.errors import OneStopError

        try:
            procedure = self.services.catalog.get(code)
        except OneStopError as err:
            self.set_error("procedure", err.message)
            return False
        changed = self.procedure is None or self.procedure.code != procedure.code
        self.procedure = procedure
        self.set_error("procedure", "")
        if changed:
            self.query_one(DocumentsPanel).set_lines(
                [DocLine(d.name, d.kind.value, d.count) for d in procedure.documents]
            )
            self.query_one("#fee", Input).value = "" if procedure.fee_vnd is None else str(procedure.fee_vnd)
            self._build_exemptions(0)
        return True

    def _build_exemptions(self, pressed: int) -> None:
        """The exemption choices of the selected procedure; the highlighted line is the choice."""
        options = self.query_one("#exemption", OptionList)
        options.clear_options()
        labels = ["Không miễn"] + [e.label for e in (self.procedure.exemptions if self.procedure else ())]
        options.add_options(labels)
        options.highlighted = max(0, min(pressed, len(labels) - 1))

    def action_arrow(self, step: int) -> None:
        if self.step == 0:
            options = self.query_one("#proc-results", OptionList)
            if options.option_count:
                current = options.highlighted if options.highlighted is not None else 0
                options.highlighted = max(0, min(options.option_count - 1, current + step))
                self._show_details(options.highlighted)
        elif step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    # ------------------------------------------------------------------ step 2: applicant and representative

    def form_for(self, input_id: str) -> PersonForm:
        rep = input_id.startswith("rep_") or input_id == "authorisation_doc"
        return self.query_one("#rep-form" if rep else "#applicant-form", PersonForm)

    @on(Input.Submitted)
    def field_submitted(self, event: Input.Submitted) -> None:
        from onestop.identity import looks_like_scan

        input_id = event.input.id or ""
        if looks_like_scan(event.value):
            self.read_scan(event.input)
            return
        if input_id == "proc-query":
            self.choose_highlighted_procedure()
        elif input_id.removeprefix("rep_") in PERSON_ORDER:
            self._person_field_done(input_id)
        elif input_id == "authorisation_doc" or input_id in ("fee", "return_address", "due_override_reason"):
            self.action_next_step()
        elif input_id == "due_override":
            if event.value.strip():
                self.query_one("#due_override_reason", Input).focus()
            else:
                self.action_next_step()

    def read_scan(self, source: Input) -> None:
        """Fill a whole identity block from a CCCD QR typed by the scanner into any field."""
        from onestop import identity
        from onestop.errors import BadInput

        form = self.form_for(source.id or "")
        before, scan_text = split_scan(source.value)
        source.value = before if (source.id or "").removeprefix("rep_") not in ("id_number",) else ""
        try:
            person = identity.to_person(identity.parse_qr(scan_text))
        except BadInput as err:
            form.set_error("id_number", err.message)
            form.input("id_number").focus()
            return
        form.fill(person)
        self._recall(form)
        if self.step != 1:
            self.show_step(1)
        form.input("phone").focus()

    def _person_field_done(self, input_id: str) -> None:
        form = self.form_for(input_id)
        field = input_id.removeprefix("rep_")
        if not form.check_field(field):
            return
        if field == "id_number":
            self._recall(form)
        position = PERSON_ORDER.index(field)
        if position + 1 < len(PERSON_ORDER):
            form.input(PERSON_ORDER[position + 1]).focus()
        elif form.prefix:
            self.query_one("#authorisation_doc", Input).focus()
        else:
            self.action_next_step()

    def _recall(self, form: PersonForm) -> None:
        """A citizen this counter already knows: recall phone, e-mail and address into empty fields."""
        if form.prefix:
            return
        known = self.services.intake.recall_citizen(form.value("id_number"))
        note = self.query_one("#recall-note", Static)
        if known is None:
            note.update("")
            return
        form.fill(known, only_empty=True)
        note.update(f"Công dân đã từng nộp hồ sơ tại quầy: {known.full_name}, ĐT {known.phone or '—'}")

    @on(Input.Changed)
    def maybe_auto_advance(self, event: Input.Changed) -> None:
        input_id = event.input.id or ""
        field = input_id.removeprefix("rep_")
        complete = (
            (field == "id_number" and COMPLETE_ID_RE.fullmatch(event.value))
            or (field == "birth_date" and COMPLETE_DATE_RE.fullmatch(event.value))
            or (field == "gender" and event.value.strip().casefold() in ("nam", "nữ", "nu"))
        )
        if complete and event.input.has_focus and not self._restoring:
            self.set_timer(AUTO_ADVANCE_DELAY, partial(self._advance_if_unchanged, event.input, event.value))

    def _advance_if_unchanged(self, widget: Input, value: str) -> None:
        if widget.has_focus and widget.value == value and widget.id:
            self._person_field_done(widget.id)

    def action_toggle_rep(self) -> None:
        toggle = self.query_one("#rep-toggle", Checkbox)
        toggle.value = not toggle.value

    @on(Checkbox.Changed, "#rep-toggle")
    def representative_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#rep-block").display = event.value
        if event.value and self.step == 1 and not self._restoring:
            self.query_one("#rep_id_number", Input).focus()

    def _check_people(self) -> bool:
        applicant = self.query_one("#applicant-form", PersonForm)
        ok = applicant.person() is not None
        if self.query_one("#rep-toggle", Checkbox).value:
            ok = self.query_one("#rep-form", PersonForm).person() is not None and ok
            if not self.query_one("#authorisation_doc", Input).value.strip():
                self.set_error("authorisation_doc", "Nộp thay theo ủy quyền: cần ghi giấy tờ ủy quyền.")
                ok = False
            else:
                self.set_error("authorisation_doc", "")
        if not ok:
            first = applicant.first_error_input() or self.query_one("#rep-form", PersonForm).first_error_input()
            if first is not None:
                first.focus()
        return ok

    # ------------------------------------------------------------------ step 3: documents

    def on_data_table_row_selected(self, event: Any) -> None:
        if getattr(event.data_table, "id", "") == "docs-table":
            event.stop()
            self.action_next_step()

    # ------------------------------------------------------------------ step 4: fee, channel, return

    def radio_index(self, radio_id: str) -> int:
        """The chosen index of a RadioSet (or of the exemption list, whose highlight is the choice)."""
        if radio_id == "exemption":
            return self.query_one("#exemption", OptionList).highlighted or 0
        radio = self.query_one(f"#{radio_id}", RadioSet)
        return radio.pressed_index if radio.pressed_index >= 0 else 0

    @on(RadioSet.Changed, "#return_via")
    def return_channel_changed(self, event: RadioSet.Changed) -> None:
        address = self.query_one("#return_address", Input)
        if RETURNS[event.index][0] == "post" and not address.value.strip():
            address.value = self.query_one("#applicant-form", PersonForm).value("address")

    def _check_fee_step(self) -> bool:
        ok = True
        fee, message = parse_fee(self.query_one("#fee", Input).value, self.procedure, self.radio_index("exemption"))
        self.set_error("fee", message)
        ok = not message
        online = CHANNELS[self.radio_index("channel")][0] == "online"
        consent_missing = online and not self.query_one("#consent", Checkbox).value
        self.set_error(
            "consent", "Nộp trực tuyến thay công dân: cần ghi nhận sự đồng ý của công dân." if consent_missing else ""
        )
        post = RETURNS[self.radio_index("return_via")][0] == "post"
        address_missing = post and not self.query_one("#return_address", Input).value.strip()
        self.set_error("return_address", "Trả kết quả qua bưu chính: cần địa chỉ nhận." if address_missing else "")
        if message:
            self.query_one("#fee", Input).focus()
        elif consent_missing:
            self.query_one("#consent", Checkbox).focus()
        elif address_missing:
            self.query_one("#return_address", Input).focus()
        return ok and not consent_missing and not address_missing

    # ------------------------------------------------------------------ step 5: appointment

    def received_at(self) -> Any:
        """None in production (the service uses now); the injected clock's time in tests and snapshots."""
        return self.app.clock() if getattr(self.app, "clock", None) else None

    def refresh_due_preview(self) -> None:
        if self.procedure is None:
            return
        self.due_preview = self.services.intake.preview_due(self.procedure, self.received_at())
        self.query_one("#due-preview", Static).update(
            f"Thủ tục: {self.procedure.name}\nThời hạn giải quyết: {self.procedure.deadline_text}\n"
            f"[b]Hẹn trả: {fmt_datetime(self.due_preview.due_at)}[/b]\nCách tính: {self.due_preview.explanation}"
        )

    def _due_override(self) -> Any:
        """The officer's new appointment (None when kept), or False after showing an inline error."""
        result, message, reason_message = parse_due_override(
            self.query_one("#due_override", Input).value,
            self.query_one("#due_override_reason", Input).value,
            self.app.now(),
        )
        self.set_error("due_override", message)
        self.set_error("due_override_reason", reason_message)
        if message or reason_message:
            self.query_one("#due_override" if message else "#due_override_reason", Input).focus()
            return False
        return result

    # ------------------------------------------------------------------ step 6: review and save

    def refresh_review(self) -> None:
        applicant = self.query_one("#applicant-form", PersonForm)
        if self.due_preview is None:
            self.refresh_due_preview()
        override = self._due_override()
        due = override if override else (self.due_preview.due_at if self.due_preview else None)
        self.query_one("#review-name", Label).update(applicant.value("full_name").upper())
        self.query_one("#review-dob", Digits).update(applicant.value("birth_date").replace("/", "-"))
        self.query_one("#review-id", Digits).update(applicant.value("id_number")[:12])
        self.query_one("#review-procedure", Label).update(
            f"{self.procedure.code} — {self.procedure.name}" if self.procedure else ""
        )
        self.query_one("#review-due", Digits).update(f"{due:%H:%M %d-%m-%Y}" if due else "")
        self.query_one("#review-details", Static).update(self._review_details())

    def _review_details(self) -> str:
        panel = self.query_one(DocumentsPanel)
        docs = [line for line in panel.lines if line.received]
        lines = ["[b]Thành phần hồ sơ:[/b]"] + [
            f"  {i}. {d.name[:80]} — {d.kind} × {d.count}" + (f" ({len(d.files)} tệp)" if d.files else "")
            for i, d in enumerate(docs, 1)
        ]
        fee, _ = parse_fee(self.query_one("#fee", Input).value, self.procedure, self.radio_index("exemption"))
        lines.append(
            f"Lệ phí: {fmt_money(fee)} · Kênh: {CHANNELS[self.radio_index('channel')][1]}"
            f" · Nhận kết quả: {RETURNS[self.radio_index('return_via')][1]}"
        )
        if self.query_one("#rep-toggle", Checkbox).value:
            rep = self.query_one("#rep-form", PersonForm)
            lines.append(
                f"Người nộp thay: {rep.value('full_name')} ({rep.value('id_number')}) — "
                f"{self.query_one('#authorisation_doc', Input).value}"
            )
        return (
            "\n".join(lines)
            .replace("original", "Bản chính")
            .replace("present_only", "Xuất trình")
            .replace("— copy", "— Bản sao")
        )

    def toggle_large_print(self) -> None:
        """F9: the review shown large, alone on screen, for the citizen to check."""
        if self.has_class("-large"):
            self.remove_class("-large")
            return
        if self.saved_code:
            return
        if self.step != 5:
            if not all(self.check_step(i) for i in range(5)):
                self.notify("Cần điền đủ các bước trước khi xem bản xác nhận.", severity="warning")
                return
            self.show_step(5)
        self.add_class("-large")

    def build_draft(self) -> Any | None:
        """The `IntakeDraft` from every step, or None after moving to the first step with an error."""
        from onestop.domain import Channel, DocKind, DocumentLine, IntakeDraft, ReturnVia

        for index in range(5):
            if not self.check_step(index):
                if self.step != index:
                    self.show_step(index)
                    self.check_step(index)
                return None
        options = build_options(self)
        docs = [line for line in self.query_one(DocumentsPanel).lines if line.received]
        return IntakeDraft(
            procedure_code=self.procedure.code,
            applicant=self.query_one("#applicant-form", PersonForm).person(),
            representative=self.query_one("#rep-form", PersonForm).person() if options["rep"] else None,
            authorisation_doc=self.query_one("#authorisation_doc", Input).value if options["rep"] else "",
            documents=tuple(DocumentLine(d.name, DocKind(d.kind), d.count) for d in docs),
            attachments=tuple((i, f) for i, d in enumerate(docs) for f in d.files),
            channel=Channel(options["channel"]),
            return_via=ReturnVia(options["return_via"]),
            return_address=self.query_one("#return_address", Input).value,
            fee_vnd=options["fee"],
            fee_method=options["fee_method"],
            exemption=options["exemption"],
            due_override=options["due_override"],
            due_override_reason=self.query_one("#due_override_reason", Input).value if options["due_override"] else "",
            consent_recorded=options["consent"],
            has_eid_account=options["eid"],
            received_at=self.received_at(),
        )

    @on(Button.Pressed, "#save-button")
    def action_save(self) -> None:
        from onestop.errors import BadInput, OneStopError

        if self.saved_code:
            return
        draft = self.build_draft()
        if draft is None:
            return
        try:
            dossier = self.services.intake.save(draft, self.officer_name)
        except BadInput as err:
            self.show_service_error(err)
            return
        except OneStopError as err:
            self.notify(err.message, title=err.title, severity="error", timeout=10)
            return
        self.saved(dossier)

    def show_service_error(self, err: Any) -> None:
        """Go back to the step holding `err.field` and show the message there."""
        field = err.field or ""
        step = FIELD_STEP.get(field.split(".")[0], FIELD_STEP.get(field.removeprefix("rep_"), 5))
        self.show_step(step)
        self.set_error(field if field else "procedure", err.message)
        self.notify(err.message, title=err.title, severity="error")

    def saved(self, dossier: Any) -> None:
        self.saved_code = dossier.code
        self.refresh_bindings()
        self.remove_class("-large")
        self.query_one("#done-code", Static).update(
            f"[b]{dossier.code}[/b]\n{dossier.applicant.full_name} — {dossier.procedure.name}\n"
            f"Hẹn trả: {fmt_datetime(dossier.due_at)}"
        )
        self.show_step(len(STEPS))
        self.query_one("#done-print", Static).update("Đang in giấy tiếp nhận…")
        self.issue_receipt()
        refresh = getattr(self.app, "refresh_sync_status", None)
        if callable(refresh):
            refresh()

    def issue_receipt(self) -> None:
        """Render and print the receipt in an app worker (it outlives this screen)."""
        self.app.run_worker(
            partial(self._print_receipt, self.saved_code, self.officer_name),
            thread=True,
            group="print",
            exit_on_error=False,
            description="In giấy tiếp nhận",
        )

    def _print_receipt(self, code: str, officer: str) -> None:
        from onestop.errors import OneStopError

        try:
            self.services.intake.discard_draft(officer)
            forms = optional_service(self.services, "forms")
            if forms is None or not hasattr(forms, "issue_receipt"):
                text = (
                    f"Chưa có chức năng in trên máy này: in sau bằng lệnh «onestop receipt {code} --print» "
                    "hoặc F8 khi đã cài."
                )
            else:
                text, printed = describe_print(forms.issue_receipt(code, officer))
        except OneStopError as err:
            text, printed = f"Hồ sơ {code} đã lưu; {err.message} Nhấn F8 để in lại.", False
        self.app.call_from_thread(self._printed, text, printed)

    def _printed(self, text: str, printed: bool = True) -> None:
        if self.is_mounted:
            self.query_one("#done-print", Static).update(text)
        self.notify(
            text, title="Giấy tiếp nhận", severity="information" if printed else "warning", timeout=6 if printed else 12
        )

    def action_reprint(self) -> None:
        if not self.saved_code:
            self.notify("Hồ sơ chưa được lưu.", severity="warning")
            return
        self.query_one("#done-print", Static).update("Đang in lại giấy tiếp nhận…")
        self.issue_receipt()

    def on_key(self, event: Any) -> None:
        if self.saved_code and event.key == "enter":
            event.stop()
            self.app.action_home()

    # ------------------------------------------------------------------ errors

    def set_error(self, field: str, message: str) -> None:
        """Show (or clear) the inline message under a field, whichever step it is on."""
        base = field.removeprefix("rep_")
        if base in PERSON_ORDER:
            self.form_for(field).set_error(base, message)
            return
        error = self.query(f"#{field.replace('.', '-')}-error").results(Static)
        widget = next(iter(error), None)
        if widget is None:
            widget = self.query_one("#procedure-error", Static) if message else None
        if widget is not None:
            widget.update(message)
            widget.set_class(bool(message), "-shown")

    # ------------------------------------------------------------------ drafts and leaving

    def action_leave(self) -> None:
        if self.has_class("-large"):
            self.remove_class("-large")
            return
        self.save_draft_now()
        self.app.pop_screen()

    def draft_state(self) -> dict[str, Any] | None:
        from screens.intake_logic import collect_state

        return None if self.saved_code else collect_state(self)

    def save_draft_now(self) -> None:
        """Keep the typed-in intake (Esc, lock, leaving); nothing is written once saved or when empty."""
        state = self.draft_state()
        if state is not None and self.officer_name:
            self.services.intake.save_draft(self.officer_name, state)

    def _save_draft_in_background(self) -> None:
        state = self.draft_state()
        if state is not None and self.officer_name:
            self.app.run_worker(
                partial(self.services.intake.save_draft, self.officer_name, state),
                thread=True,
                group="draft",
                exclusive=True,
                exit_on_error=False,
                description="Lưu bản nháp",
            )

    def _offer_draft(self) -> None:
        from screens.dialogs import ConfirmDialog

        data = self.services.intake.load_draft(self.officer_name) if self.officer_name else None
        if not data:
            return
        who = (data.get("inputs") or {}).get("full_name") or "chưa có tên"
        what = data.get("procedure_code") or "chưa chọn thủ tục"

        def answered(resume: bool | None) -> None:
            if resume:
                self.restore_state(data)
            else:
                self.services.intake.discard_draft(self.officer_name)

        self.app.push_screen(
            ConfirmDialog(
                f"Có hồ sơ đang nhập dở ({who}; {what}). Tiếp tục nhập hồ sơ này?",
                title="Bản nháp",
                yes="Tiếp tục (Y)",
                no="Bỏ bản nháp (N)",
            ),
            answered,
        )

    def restore_state(self, data: dict[str, Any]) -> None:
        from screens.intake_logic import apply_state

        self._restoring = True
        try:
            apply_state(self, data)
        finally:
            self._restoring = False
        self.show_step(min(int(data.get("step", 0)), len(STEPS) - 1))

    def on_unmount(self) -> None:
        try:
            self.save_draft_now()
        except Exception:  # leaving must never fail; the last step change already kept a draft
            pass
