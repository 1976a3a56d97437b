"""Modal questions returning typed data: ConfirmDialog -> bool, ErrorDialog -> None, ReasonDialog -> str | None,
ChoiceDialog -> one of several values (a letter key each) | None."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

DIALOG_CSS = """
ConfirmDialog, ErrorDialog, ReasonDialog {
    align: center middle;
    background: $background 60%;
}
.dialog {
    width: 72;
    max-width: 95%;
    height: auto;
    max-height: 90%;
    border: thick $primary;
    background: $surface;
    padding: 1 2;
}
.dialog Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
.dialog Button { margin-left: 2; }
.dialog .dialog-title { text-style: bold; margin-bottom: 1; }
.dialog .dialog-error { color: $error; height: auto; }
ErrorDialog .dialog { border: thick $error; }
ErrorDialog TextArea { height: 8; }
"""


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; Enter or Y answers yes, Esc or N answers no."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [
        Binding("y", "answer(True)", "Đồng ý", tooltip="Trả lời có", id="confirm.yes"),
        Binding("n", "answer(False)", "Không", tooltip="Trả lời không", id="confirm.no"),
        Binding("escape", "answer(False)", "Hủy", tooltip="Đóng hộp thoại", id="confirm.cancel"),
    ]

    def __init__(
        self, question: str, *, title: str = "Xác nhận", yes: str = "Đồng ý (Y)", no: str = "Không (N)"
    ) -> None:
        super().__init__()
        self.question, self.title_text, self.yes_label, self.no_label = question, title, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.question, id="confirm-question")
            with Horizontal():
                yield Button(self.yes_label, variant="primary", id="yes")
                yield Button(self.no_label, id="no")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def answer_from_button(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ErrorDialog(ModalScreen[None]):
    """An unexpected failure, shown plainly with copyable detail; the app keeps running."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "close", "Đóng", tooltip="Đóng thông báo lỗi", id="error.close")]

    def __init__(self, message: str, *, title: str = "Đã xảy ra lỗi", detail: str = "") -> None:
        super().__init__()
        self.message, self.title_text, self.detail = message, title, detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.message, classes="dialog-error")
            if self.detail:
                yield TextArea(self.detail, read_only=True, id="error-detail")
            with Horizontal():
                yield Button("Đóng (Esc)", variant="error", id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    @on(Button.Pressed)
    def action_close(self) -> None:
        self.dismiss(None)


class ReasonDialog(ModalScreen[str | None]):
    """Ask for one line of text (a reason, a document name); returns the cleaned text or None if cancelled."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape", "cancel", "Hủy", tooltip="Đóng, không ghi gì", id="reason.cancel")]

    def __init__(
        self, prompt: str, *, title: str = "Nhập lý do", value: str = "", required: bool = True, max_length: int = 500
    ) -> None:
        super().__init__()
        self.prompt, self.title_text, self.value = prompt, title, value
        self.required, self.max_length = required, max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.prompt)
            yield Input(self.value, id="reason-input")
            yield Static("", classes="dialog-error", id="reason-error")
            with Horizontal():
                yield Button("Ghi (Enter)", variant="primary", id="ok")
                yield Button("Hủy (Esc)", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def submit_reason(self) -> None:
        from onestop.text import clean

        text = clean(self.query_one("#reason-input", Input).value)
        error = self.query_one("#reason-error", Static)
        if self.required and not text:
            error.update("Không được để trống.")
        elif len(text) > self.max_length:
            error.update(f"Quá dài (tối đa {self.max_length} ký tự).")
        else:
            self.dismiss(text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ChecklistDialog(ModalScreen["list[str] | None"]):
    """Tick items of a list (Space), optionally add others as text; Ctrl+S or Enter in the text box confirms.

    Returns the ticked items followed by the typed ones, or None when cancelled. `require_all`: every listed item
    must be ticked (receiving a supplement: what is still missing is said, nothing is recorded).
    """

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    ChecklistDialog { align: center middle; background: $background 60%; }
    ChecklistDialog SelectionList { height: auto; max-height: 12; }
    ChecklistDialog Label { width: 1fr; }  /* a long instruction wraps instead of being cut at the dialog's edge */
    """
    )
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Ghi", tooltip="Ghi các mục đã đánh dấu", id="checklist.confirm"),
        Binding("escape", "cancel", "Hủy", tooltip="Đóng, không ghi gì", id="checklist.cancel"),
    ]

    def __init__(
        self,
        prompt: str,
        items: list[tuple[str, bool]],
        *,
        title: str,
        other: str = "",
        require_all: bool = False,
    ) -> None:
        super().__init__()
        self.prompt, self.items, self.title_text = prompt, items, title
        self.other, self.require_all = other, require_all

    def compose(self) -> ComposeResult:
        from textual.widgets import SelectionList

        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label(self.prompt)
            yield SelectionList[str](*[(name, name, ticked) for name, ticked in self.items], id="checklist")
            if self.other:
                yield Label(self.other)
                yield Input(id="checklist-other", max_length=1000)
            yield Static("", classes="dialog-error", id="checklist-error")
            with Horizontal():
                yield Button("Ghi (Ctrl+S)", variant="primary", id="ok")
                yield Button("Hủy (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#checklist").focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_confirm(self) -> None:
        from textual.widgets import SelectionList

        from onestop.text import clean

        ticked = list(self.query_one("#checklist", SelectionList).selected)
        typed = [
            clean(part) for box in self.query(Input).results(Input) for part in box.value.split(";") if clean(part)
        ]
        error = self.query_one("#checklist-error", Static)
        missing = [name for name, _ in self.items if name not in ticked]
        if self.require_all and missing:
            error.update("Còn thiếu: " + "; ".join(missing) + ". Chỉ ghi khi đã nhận đủ.")
        elif not ticked and not typed:
            error.update("Chưa chọn mục nào.")
        else:
            self.dismiss(ticked + typed)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceDialog(ModalScreen["str | None"]):
    """A question with several answers, each on its own letter key (shown on its button); Esc answers None."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    ChoiceDialog { align: center middle; background: $background 60%; }
    ChoiceDialog .dialog { width: 90; }
    ChoiceDialog #choice-question { height: auto; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Quay lại", tooltip="Đóng, chưa chọn", id="choice.cancel")]

    def __init__(
        self, question: str, choices: list[tuple[str, str, str]], *, title: str, back: str = "Quay lại"
    ) -> None:
        """`choices`: (key, value, label) — pressing `key` (or its button) returns `value`."""
        super().__init__()
        self.question, self.choices, self.title_text, self.back = question, choices, title, back

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.question, id="choice-question")
            with Horizontal():
                for i, (key, value, label) in enumerate(self.choices):
                    yield Button(
                        f"{label} ({key.upper()})", variant="primary" if i == 0 else "default", id=f"choice-{value}"
                    )
                yield Button(f"{self.back} (Esc)", id="choice-cancel")

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_key(self, event: events.Key) -> None:
        for key, value, _ in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(value)
                return

    @on(Button.Pressed)
    def answer_from_button(self, event: Button.Pressed) -> None:
        value = (event.button.id or "").removeprefix("choice-")
        self.dismiss(None if value == "cancel" else value)

    def action_cancel(self) -> None:
        self.dismiss(None)
