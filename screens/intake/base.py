"""What every intake step is: a widget with a key, a label, its fields, and hooks the intake screen calls.

A new step is one module defining an `IntakeStep` subclass plus one line in `screens.intake.registry.STEPS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.widget import Widget
from textual.widgets import Input

from screens.common import AppAccess

if TYPE_CHECKING:
    from onestop.domain import Procedure
    from screens.intake.screen import IntakeScreen


class IntakeStep(AppAccess, Widget):
    """One step of the intake, shown alone by the screen's ContentSwitcher; the widget's id is `step-<KEY>`."""

    DEFAULT_CSS = """
    IntakeStep { width: 1fr; height: 1fr; layout: vertical; overflow: hidden hidden; }
    """

    KEY: ClassVar[str]
    """Short identifier; the widget id is `step-<KEY>` (the draft and the CSS use it)."""
    LABEL: ClassVar[str]
    """The step's name in the step bar."""
    FIELDS: ClassVar[frozenset[str]] = frozenset()
    """`BadInput.field` names shown on this step (a service error on one of them brings the officer here)."""
    FIRST_FOCUS: ClassVar[str] = ""
    """Selector of the widget focused when the step is shown."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("id", f"step-{self.KEY}")
        super().__init__(**kwargs)

    @property
    def intake(self) -> IntakeScreen:
        """The intake screen this step belongs to."""
        return cast("IntakeScreen", self.screen)

    def enter(self) -> None:
        """Called each time the step is shown: refresh what depends on earlier steps."""

    def place_cursor(self) -> None:
        """Put the cursor where typing goes on this step (`FIRST_FOCUS`), called each time the step is shown, after
        `enter`; then tell the screen (`IntakeScreen.cursor_placed`), which holds the keys typed during the step change
        until then. A step whose cursor waits for its content calls `cursor_placed` once it has placed it."""
        if self.FIRST_FOCUS:
            self.query_one(self.FIRST_FOCUS).focus()
        self.intake.cursor_placed(self)

    def check(self) -> bool:
        """Validate the step, showing errors inline; True when the officer may move on."""
        return True

    def applies(self) -> bool:
        """False when the step has nothing to offer for the chosen procedure (it is skipped and not listed)."""
        return True

    def procedure_changed(self, procedure: Procedure) -> None:
        """A (different) procedure was chosen on step 1: reset what depends on it."""

    def submitted(self, field: Input) -> None:
        """Enter in one of this step's inputs (scans are handled by the screen before this is called)."""

    def tab(self, serial: int) -> bool:
        """Tab on this step (the app's `serial`-th key), once the field has taken the keys typed before it; True when
        handled here (otherwise the cursor moves to the next field)."""
        return False

    def arrow(self, step: int) -> bool:
        """↑/↓ on this step; True when handled here (otherwise focus moves to the next/previous field)."""
        return False

    def fill_draft(self, values: dict[str, Any]) -> None:
        """Add this step's `IntakeDraft` keyword arguments (called only after every step checked out)."""

    def after_save(self, code: str) -> None:
        """The dossier `code` was saved: record what the intake save itself does not (reuse of earlier papers)."""

    def save_state(self, state: dict[str, Any]) -> None:
        """Add what the generic draft (inputs, checkboxes, radio sets by id) does not capture."""

    def restore_state(self, data: dict[str, Any]) -> None:
        """Put back what `save_state` added (called after the procedure is restored, before the inputs)."""
