"""Step 6: everything once more, the name, birth date, ID and appointment large for the citizen; Ctrl+S saves."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Digits, Label, Static

from screens.intake.applicant import ApplicantStep
from screens.intake.appointment import AppointmentStep
from screens.intake.base import IntakeStep
from screens.intake.documents import DocumentsStep
from screens.intake.fee import FeeStep


class ReviewStep(IntakeStep):
    """The citizen checks what was typed (F9: alone on screen, large); the officer saves."""

    KEY = "review"
    LABEL = "Xác nhận"
    FIRST_FOCUS = "#save-button"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="review-scroll"):
            with Vertical(id="review-large"):
                yield Label("", id="review-name")
                yield Label("Ngày sinh", classes="review-caption")
                yield Digits("", id="review-dob")
                yield Label("Số định danh cá nhân", classes="review-caption")
                yield Digits("", id="review-id")
                yield Label("", id="review-procedure")
                yield Static("", id="review-declaration")
                yield Label("Hẹn trả kết quả", classes="review-caption")
                yield Digits("", id="review-due")
            yield Static("", id="review-details")
            yield Button("Lưu hồ sơ (Ctrl+S)", variant="success", id="save-button")

    def __init__(self) -> None:
        super().__init__()
        self.large = False

    def enter(self) -> None:
        self.refresh_review()

    def set_large(self, large: bool) -> None:
        """Large print (F9): the name and the procedure letter-spaced in bold bands as tall as the digits."""
        self.large = large
        self.query_one("#review-name").set_class(large, "-big")
        self.query_one("#review-procedure").set_class(large, "-big")
        self.refresh_review()

    def refresh_review(self) -> None:
        intake = self.intake
        applicant = intake.step_of(ApplicantStep).applicant
        due = intake.step_of(AppointmentStep).due()
        procedure = intake.procedure
        self.query_one("#review-name", Label).update(spaced(applicant.value("full_name").upper(), self.large))
        self.query_one("#review-dob", Digits).update(applicant.value("birth_date").replace("/", "-"))
        self.query_one("#review-id", Digits).update(applicant.value("id_number")[:12])
        name = f"{procedure.code} — {procedure.name}" if procedure else ""
        self.query_one("#review-procedure", Label).update(spaced(name.upper(), self.large) if self.large else name)
        self.query_one("#review-due", Digits).update(f"{due:%H:%M %d-%m-%Y}" if due else "")
        self.query_one("#review-details", Static).update(self._details())
        self.query_one("#review-declaration", Static).update(self._declaration())

    def _declaration(self) -> Text:
        """The declaration's key facts (the child's name, date and place of birth, the parents…) in large type."""
        from screens.intake.declaration import DeclarationStep

        facts = self.intake.step_of(DeclarationStep).key_facts()
        text = Text()
        for label, value in facts:
            text.append(f"{label}\n", style="dim")
            text.append(f"{value.upper() if len(value) <= 60 else value}\n", style="bold")
        return text

    def _details(self) -> str:
        intake = self.intake
        docs = intake.step_of(DocumentsStep).received()
        lines = ["[b]Thành phần hồ sơ:[/b]"] + [
            f"  {i}. {d.name[:80]} — {d.kind} × {d.count}"
            + (f" ({len(d.files)} tệp)" if d.files else "")
            + (f" — dùng lại từ hồ sơ {d.reuse_from}" if d.reuse_from else "")
            for i, d in enumerate(docs, 1)
        ]
        lines.append(intake.step_of(FeeStep).review_line())
        people = intake.step_of(ApplicantStep)
        if people.has_representative:
            rep = people.representative
            lines.append(
                f"Người nộp thay: {rep.value('full_name')} ({rep.value('id_number')}) — {people.authorisation.value}"
            )
        return (
            "\n".join(lines)
            .replace("original", "Bản chính")
            .replace("present_only", "Xuất trình")
            .replace("— copy", "— Bản sao")
        )


def spaced(text: str, large: bool) -> str:
    """`ĐẶNG THỊ ÁNH` → `Đ Ặ N G   T H Ị   Á N H` in large print (words three cells apart)."""
    if not large:
        return text
    return "   ".join(" ".join(word) for word in text.split())
