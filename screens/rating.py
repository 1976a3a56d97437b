"""The citizen's satisfaction rating, large print, one key: 1 Rất hài lòng, 2 Hài lòng, 3 Không hài lòng, 0 declines.

After 3 the citizen (or the officer) picks a reason from a short list with one letter, types one, or skips it.
The screen returns a `RatingChoice` (or None on Esc: nothing recorded); the caller stores it through the services.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Digits, Footer, Input, Label, Static

from onestop.domain import RATING_LEVELS, RATING_REASONS

_REASON_KEYS = "abcdef"


@dataclass(frozen=True)
class RatingChoice:
    """What the citizen chose: a level 1–3 (with a reason when 3), or `declined`."""

    level: int | None
    reason: str = ""
    declined: bool = False


class RatingScreen(ModalScreen[RatingChoice | None]):
    """Large-print rating for the citizen, answered with one key."""

    DEFAULT_CSS = """
    RatingScreen { align: center middle; background: $background 85%; }
    RatingScreen #rating-box { width: 90%; height: auto; border: double $warning; background: $surface; padding: 1 4; }
    RatingScreen #rating-title { text-style: bold; width: 100%; content-align: center middle; margin-bottom: 1; }
    RatingScreen .rating-row { height: auto; margin-bottom: 1; }
    RatingScreen .rating-row Digits { width: 8; }
    RatingScreen .rating-row Label { text-style: bold; padding: 1 2; }
    RatingScreen #rating-reasons { display: none; height: auto; }
    RatingScreen.-reasons #rating-levels { display: none; }
    RatingScreen.-reasons #rating-reasons { display: block; }
    """
    BINDINGS = [
        Binding("1", "level(1)", "Rất hài lòng", tooltip="Công dân rất hài lòng", id="rating.1"),
        Binding("2", "level(2)", "Hài lòng", tooltip="Công dân hài lòng", id="rating.2"),
        Binding("3", "level(3)", "Không hài lòng", tooltip="Công dân không hài lòng (chọn lý do)", id="rating.3"),
        Binding("0", "decline", "Không đánh giá", tooltip="Công dân không muốn đánh giá", id="rating.decline"),
        *(
            Binding(k, f"reason({i})", f"Lý do {k}", show=False, tooltip=RATING_REASONS[i], id=f"rating.reason-{k}")
            for i, k in enumerate(_REASON_KEYS[: len(RATING_REASONS)])
        ),
        Binding("n", "type_reason", "Lý do khác", tooltip="Cán bộ ghi lý do khác", id="rating.type-reason"),
        Binding("enter", "no_reason", "Bỏ qua lý do", tooltip="Không nêu lý do", id="rating.no-reason"),
        Binding("escape", "cancel", "Đóng", tooltip="Đóng, không ghi đánh giá", id="rating.cancel"),
    ]

    def __init__(self, code: str, procedure_name: str = "") -> None:
        super().__init__()
        self.code = code
        self.procedure_name = procedure_name
        self.asking_reason = False

    def compose(self) -> ComposeResult:
        with Vertical(id="rating-box"):
            yield Label(f"Ông/bà có hài lòng với việc giải quyết hồ sơ {self.code}?", id="rating-title")
            if self.procedure_name:
                yield Static(self.procedure_name)
            with Vertical(id="rating-levels"):
                for level, label in RATING_LEVELS.items():
                    with Horizontal(classes="rating-row"):
                        yield Digits(str(level))
                        yield Label(label.upper())
                yield Static("Bấm 0 nếu không muốn đánh giá · Esc: đóng, không ghi")
            with Vertical(id="rating-reasons"):
                yield Label("Vì sao ông/bà không hài lòng? (bấm một chữ)")
                for key, reason in zip(_REASON_KEYS, RATING_REASONS, strict=False):
                    yield Label(f"  {key}  {reason}")
                yield Label("n: ghi lý do khác rồi Enter · Enter: không nêu lý do")
                yield Input(id="rating-reason", max_length=200, disabled=True)
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("level", "decline"):
            return not self.asking_reason
        if action in ("reason", "type_reason", "no_reason"):
            return self.asking_reason
        return True

    def action_level(self, level: int) -> None:
        if level != 3:
            self.dismiss(RatingChoice(level))
            return
        self.asking_reason = True
        self.add_class("-reasons")
        self.refresh_bindings()

    def action_type_reason(self) -> None:
        box = self.query_one("#rating-reason", Input)
        box.disabled = False
        box.focus()

    def action_no_reason(self) -> None:
        self.dismiss(RatingChoice(3))

    def action_reason(self, index: int) -> None:
        self.dismiss(RatingChoice(3, RATING_REASONS[index]))

    @on(Input.Submitted, "#rating-reason")
    def typed_reason(self, event: Input.Submitted) -> None:
        self.dismiss(RatingChoice(3, event.value.strip()))

    def action_decline(self) -> None:
        self.dismiss(RatingChoice(None, declined=True))

    def action_cancel(self) -> None:
        self.dismiss(None)
