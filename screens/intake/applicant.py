"""Step 2: the applicant (QR scan or typed) and, optionally, a representative with their authorisation.

A known citizen's current address is never replaced by a scanned one without the officer's answer: cards are not
re-issued after the 2025 merger, so a scan may name a commune that no longer exists (BRIEF §11.5).
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Static

from onestop.errors import BadInput
from onestop.text import fold
from screens.intake.base import IntakeStep
from screens.intake_logic import split_scan
from screens.widgets.person_form import COMPLETE_DATE_RE, COMPLETE_ID_RE, PersonForm
from screens.widgets.wrapping import WrappingCheckbox

PERSON_ORDER = ("id_number", "full_name", "birth_date", "gender", "address", "phone", "email")
AUTO_ADVANCE_DELAY = 0.15  # a keyboard-wedge scanner types faster than this; a person does not
BURST_GAP = 0.03
"""Seconds between two changes of a field above which a person, not a scanner, is typing (people: 80 ms or more)."""


class ApplicantStep(IntakeStep):
    """Left: the applicant's identity block. Right: the representative (Ctrl+R) and their authorisation."""

    DEFAULT_CSS = "ApplicantStep { layout: horizontal; }"

    KEY = "applicant"
    LABEL = "Người nộp"
    FIELDS = frozenset({"qr", *PERSON_ORDER, "old_id_number", "authorisation_doc"})
    FIRST_FOCUS = "#id_number"

    def __init__(self) -> None:
        super().__init__()
        self._typing: dict[str, tuple[float, bool]] = {}
        """Input id → (time of its last change, whether a person's pace was seen since it was empty)."""
        self._address_updates: set[tuple[str, str]] = set()
        """(ID number, address) pairs the officer confirmed as the citizen's new current address."""
        self._asking_address = False
        self._advanced: tuple[Input, int] | None = None
        """The field a scanner's burst moved the cursor to, and the app's key count then (`action_tab`)."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="applicant-col"):
            yield Label("Bước 2 — Người nộp (quét QR căn cước vào ô bất kỳ)", classes="section-title")
            yield PersonForm("", id="applicant-form")
            yield Static("", id="recall-note", classes="muted")
        with VerticalScroll(id="rep-col"):
            yield WrappingCheckbox("Nộp thay theo ủy quyền (Ctrl+R)", id="rep-toggle")  # wraps at 80 columns
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

    def on_mount(self) -> None:
        self.query_one("#rep-block").display = False

    # ------------------------------------------------------------------ typed accessors

    @property
    def applicant(self) -> PersonForm:
        return self.query_one("#applicant-form", PersonForm)

    @property
    def representative(self) -> PersonForm:
        return self.query_one("#rep-form", PersonForm)

    @property
    def rep_toggle(self) -> Checkbox:
        return self.query_one("#rep-toggle", Checkbox)

    @property
    def authorisation(self) -> Input:
        return self.query_one("#authorisation_doc", Input)

    @property
    def has_representative(self) -> bool:
        return self.rep_toggle.value

    def form_for(self, input_id: str) -> PersonForm:
        rep = input_id.startswith("rep_") or input_id == "authorisation_doc"
        return self.representative if rep else self.applicant

    # ------------------------------------------------------------------ typing and scanning

    def submitted(self, field: Input) -> None:
        input_id = field.id or ""
        if input_id == "authorisation_doc":
            self.intake.action_next_step()
        elif input_id.removeprefix("rep_") in PERSON_ORDER:
            self.field_done(input_id)

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
            try:  # the card's ID digits disagree with its birth date or sex: keep what was read, mark the ID
                person = identity.to_person(identity.parse_qr(scan_text, check_id=False))
            except BadInput:
                form.set_error("id_number", err.message)
                form.input("id_number").focus()
                return
            form.fill(person)
            form.set_error("id_number", f"{err.message} Các ô khác đã điền theo mã QR: kiểm tra lại thẻ.")
            self._moved_by_itself(form.input("id_number").focus())
            return
        form.fill(person)
        self._recall(form)
        if self.intake.current_step is not self:
            self.intake.show_step(self.intake.index_of(self))
        # the first field a card does not fill; the officer's habitual Tab right after the scan must not skip it
        self._moved_by_itself(form.input("phone").focus())

    def field_done(self, input_id: str) -> Input | None:
        """Check the field and move on (Enter, or a scanner's burst); the field moved to, if it is on this step."""
        form = self.form_for(input_id)
        field = input_id.removeprefix("rep_")
        if not form.check_field(field):
            return None
        if field == "id_number":
            self._recall(form)
        position = PERSON_ORDER.index(field)
        if position + 1 < len(PERSON_ORDER):
            return form.input(PERSON_ORDER[position + 1]).focus()
        if form.prefix:
            return self.authorisation.focus()
        self.intake.action_next_step()
        return None

    def _recall(self, form: PersonForm) -> None:
        """A citizen this counter already knows: recall phone, e-mail and address into empty fields."""
        if form.prefix:
            return
        known = self.onestop.services.intake.recall_citizen(form.value("id_number"))
        note = self.query_one("#recall-note", Static)
        if known is None:
            note.update("")
            return
        form.fill(known, only_empty=True)
        text = f"Công dân đã từng nộp hồ sơ tại quầy: {known.full_name}, ĐT {known.phone or '—'}"
        if known.address and fold(known.address) != fold(form.value("address")):
            text += f"\nĐịa chỉ hiện tại đã lưu khác địa chỉ đang nhập: {known.address}"
        note.update(text)

    def typed_by_a_person(self, input_id: str, value: str) -> bool:
        """Record a change; True once the field's changes came at a person's pace (any gap over BURST_GAP)."""
        now = time.monotonic()
        last, person = self._typing.get(input_id, (0.0, False))
        person = bool(value) and (person or (last > 0 and now - last > BURST_GAP))
        self._typing[input_id] = (now if value else 0.0, person)
        return person

    @on(Input.Changed)
    def maybe_auto_advance(self, event: Input.Changed) -> None:
        """A scanner's burst that completes a field moves on by itself; a person's typing never does (Tab does)."""
        input_id = event.input.id or ""
        person = self.typed_by_a_person(input_id, event.value)
        field = input_id.removeprefix("rep_")
        complete = (
            (field == "id_number" and COMPLETE_ID_RE.fullmatch(event.value))
            or (field == "birth_date" and COMPLETE_DATE_RE.fullmatch(event.value))
            or (field == "gender" and event.value.strip().casefold() in ("nam", "nữ", "nu"))
        )
        if complete and not person and event.input.has_focus and not self.intake.restoring:
            self.set_timer(AUTO_ADVANCE_DELAY, partial(self._advance_if_unchanged, event.input, event.value))

    def _advance_if_unchanged(self, widget: Input, value: str) -> None:
        if widget.has_focus and widget.value == value and widget.id:
            self._moved_by_itself(self.field_done(widget.id))

    def _moved_by_itself(self, landed: Input | None) -> None:
        """A scanner's input moved the cursor to `landed` (None: nowhere on this step): see `tab`."""
        self._advanced = (landed, self.onestop.keys_read) if landed is not None else None

    def tab(self, serial: int) -> bool:
        """Tab (the app's `serial`-th key) as the very next key after a scanner's input moved the cursor on by itself
        (the ID digits' burst to the name, a QR scan to the phone), or typed while it moved: the cursor is already where
        the officer's Tab (a habit) means it to go, so it stays (the name or the phone is not skipped). Any other Tab
        moves on. A QR scan ended by Tab (a scanner set so) is read as if it ended by Enter."""
        from onestop.identity import looks_like_scan

        field = self.screen.focused
        if isinstance(field, Input) and field in self.query(Input) and looks_like_scan(field.value):
            self.read_scan(field)
            return True
        advanced, self._advanced = self._advanced, None
        return advanced is not None and advanced[0].has_focus and serial <= advanced[1] + 1

    def toggle_representative(self) -> None:
        self.rep_toggle.value = not self.rep_toggle.value

    @on(Checkbox.Changed, "#rep-toggle")
    def representative_toggled(self, event: Checkbox.Changed) -> None:
        self.query_one("#rep-block").display = event.value
        if event.value and self.intake.current_step is self and not self.intake.restoring:
            self.query_one("#rep_id_number", Input).focus()

    # ------------------------------------------------------------------ the step

    def check(self) -> bool:
        person = self.applicant.person()
        ok = person is not None
        if person is not None and self.intake.procedure is not None:
            try:  # fields this procedure's catalog entry requires (gender, address)
                self.intake.onestop.services.intake.check_required(self.intake.procedure.code, person)
            except BadInput as err:
                self.intake.set_error(err.field or "applicant", err.message)
                ok = False
        if self.has_representative:
            ok = self.representative.person() is not None and ok
            if not self.authorisation.value.strip():
                self.intake.set_error("authorisation_doc", "Nộp thay theo ủy quyền: cần ghi giấy tờ ủy quyền.")
                ok = False
            else:
                self.intake.set_error("authorisation_doc", "")
        if not ok:
            first = self.applicant.first_error_input() or self.representative.first_error_input()
            if first is not None:
                first.focus()
            return False
        assert person is not None  # ok
        return self._address_settled(person)

    def _address_settled(self, person: Any) -> bool:
        """True unless the address differs from the known citizen's current one and the officer has not answered
        (then the question is asked and the officer moves on once it is answered)."""
        known = self.onestop.services.intake.address_change(person)
        if not known or (person.id_number, person.address) in self._address_updates:
            return True
        if not self._asking_address:
            self._ask_address(person, known)
        return False

    def _ask_address(self, person: Any, known: str) -> None:
        from screens.dialogs import ChoiceDialog

        def answered(choice: str | None) -> None:
            self._asking_address = False
            address = self.applicant.input("address")
            if choice is None:
                address.focus()
                return
            if choice == "keep":
                address.value = known
            else:
                self._address_updates.add((person.id_number, person.address))
            if self.intake.current_step is self:
                self.intake.action_next_step()

        self._asking_address = True
        self.app.push_screen(
            ChoiceDialog(
                f"Địa chỉ đang nhập (từ mã QR thẻ căn cước hoặc gõ tay):\n  {person.address}\n"
                f"Địa chỉ hiện tại của công dân đã lưu:\n  {known}\n\n"
                "Thẻ căn cước không được cấp lại khi sắp xếp đơn vị hành chính năm 2025: địa chỉ trên thẻ có thể "
                "ghi xã, phường cũ. Hỏi công dân địa chỉ nào là địa chỉ hiện tại.",
                [("g", "keep", "Giữ địa chỉ đã lưu"), ("c", "update", "Cập nhật địa chỉ mới")],  # Enter: keep
                title="Địa chỉ khác địa chỉ đã lưu",
                back="Quay lại sửa",
            ),
            answered,
        )

    def save_state(self, state: dict[str, Any]) -> None:
        state["address_updates"] = sorted(list(pair) for pair in self._address_updates)

    def restore_state(self, data: dict[str, Any]) -> None:
        self._address_updates = {
            (str(pair[0]), str(pair[1]))
            for pair in data.get("address_updates") or []
            if isinstance(pair, list) and len(pair) == 2
        }

    def fill_draft(self, values: dict[str, Any]) -> None:
        values["applicant"] = person = self.applicant.person()
        values["confirm_address"] = person is not None and (person.id_number, person.address) in self._address_updates
        values["representative"] = self.representative.person() if self.has_representative else None
        values["authorisation_doc"] = self.authorisation.value if self.has_representative else ""
