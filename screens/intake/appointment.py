"""Step 5: the appointment the deadline engine proposes, and an officer's change of it (with a reason)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from textual.app import ComposeResult
from textual.widgets import Input, Label, Static

from screens.common import fmt_datetime
from screens.intake.base import IntakeStep
from screens.intake_logic import parse_due_override

if TYPE_CHECKING:
    from onestop.domain import DuePreview, Procedure


class AppointmentStep(IntakeStep):
    """The proposed appointment with its reasoning; an override needs a reason."""

    KEY = "due"
    LABEL = "Hẹn trả"
    FIELDS = frozenset({"due_override", "due_override_reason"})
    FIRST_FOCUS = "#due_override"

    def __init__(self) -> None:
        super().__init__()
        self.preview: DuePreview | None = None

    def compose(self) -> ComposeResult:
        yield Label("Bước 5 — Ngày hẹn trả kết quả", classes="section-title")
        yield Static("", id="due-preview")
        yield Label("Đổi ngày hẹn (để trống nếu giữ nguyên) — dd/MM/yyyy HH:MM, Enter: tiếp")
        yield Input(id="due_override", compact=True, placeholder="để trống = theo quy định")
        yield Static("", id="due_override-error", classes="field-error")
        yield Label("Lý do đổi ngày hẹn (bắt buộc khi đổi)")
        yield Input(id="due_override_reason", compact=True)
        yield Static("", id="due_override_reason-error", classes="field-error")

    def procedure_changed(self, procedure: Procedure) -> None:
        self.preview = None

    def enter(self) -> None:
        self.refresh_preview()

    def refresh_preview(self) -> None:
        procedure = self.intake.procedure
        if procedure is None:
            return
        self.preview = self.onestop.services.intake.preview_due(procedure, self.intake.received_at())
        self.query_one("#due-preview", Static).update(
            f"Thủ tục: {procedure.name}\nThời hạn giải quyết: {procedure.deadline_text}\n"
            f"[b]Hẹn trả: {fmt_datetime(self.preview.due_at)}[/b]\nCách tính: {self.preview.explanation}"
        )

    def override(self) -> datetime | None | Literal[False]:
        """The officer's new appointment (None when kept), or False after showing an inline error."""
        result, message, reason_message = parse_due_override(
            self.query_one("#due_override", Input).value,
            self.query_one("#due_override_reason", Input).value,
            self.onestop.now(),
        )
        self.intake.set_error("due_override", message)
        self.intake.set_error("due_override_reason", reason_message)
        if message or reason_message:
            self.query_one("#due_override" if message else "#due_override_reason", Input).focus()
            return False
        return result

    def due(self) -> datetime | None:
        """The appointment as it will be saved (the override when valid, else the proposal)."""
        if self.preview is None:
            self.refresh_preview()
        override = self.override()
        return override if override else (self.preview.due_at if self.preview else None)

    def submitted(self, field: Input) -> None:
        if field.id == "due_override" and field.value.strip():
            self.query_one("#due_override_reason", Input).focus()
        else:
            self.intake.action_next_step()

    def check(self) -> bool:
        return self.override() is not False

    def fill_draft(self, values: dict[str, Any]) -> None:
        override = self.override() or None
        values["due_override"] = override
        values["due_override_reason"] = self.query_one("#due_override_reason", Input).value if override else ""
