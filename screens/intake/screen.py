"""F2: receiving a dossier at the counter, keyboard only, one step widget at a time, a draft kept at every step.

The steps are the widgets registered in `screens.intake.registry.STEPS`; this screen moves between them, routes
Enter and scans, validates, keeps drafts, saves, and prints the receipt in an app worker.
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, ContentSwitcher, Input, Label, RadioButton, RadioSet, Static

from screens.common import OneStopScreen, describe_print, fmt_datetime
from screens.intake.applicant import PERSON_ORDER, ApplicantStep
from screens.intake.base import IntakeStep
from screens.intake.declaration import DeclarationStep
from screens.intake.fee import FeeStep
from screens.intake.registry import STEPS
from screens.widgets.footer import CounterFooter
from screens.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from onestop.domain import Dossier, IntakeDraft, Procedure
    from onestop.errors import BadInput

S = TypeVar("S", bound=IntakeStep)
DRAFT_VERSION = 1
DRAFT_DELAY = 0.8
"""Seconds after the last keystroke before the typed fields are written to the draft (in a worker)."""
_heap_frozen = False


def freeze_long_lived_heap() -> None:
    """Move what the running app holds by the first intake (modules, catalogue, styles: ~10⁶ objects) out of the
    cyclic garbage collector's reach, once per process. A full collection traverses every tracked object: at
    ~100–200 ms it landed inside step changes (the slowest of them each intake bench run). After `gc.freeze()` a
    full collection only visits what was made since; those objects are still freed by reference counting, and
    what the intakes themselves leave behind is collected as before."""
    global _heap_frozen
    if not _heap_frozen:
        import gc

        gc.freeze()
        _heap_frozen = True


def fit_step_bar(labels: list[str], current: int | None, width: int) -> Text:
    """The step bar within `width` cells, shortened by priority: every step's number and the current step's name
    stay; the other names shorten ("Lệ phí, kênh, nhận KQ" → "Lệ phí") and then go, and the key hints (also in the
    footer) shorten and go."""

    def bar(names: list[str], hints: str) -> Text:
        text = Text()
        for i, name in enumerate(names):
            if i:
                text.append("›")
            cell = f" {i + 1}. {name} " if name else f" {i + 1} "
            text.append(cell, style="reverse bold" if i == current else "")
        text.append(hints)
        return text

    full = list(labels)
    short = [label if i == current else label.split(",")[0] for i, label in enumerate(labels)]
    numbers = [label if i == current else "" for i, label in enumerate(labels)]
    long_hints, short_hints = "  PgDn ▸  PgUp ◂  Ctrl+S lưu", "  PgDn▸ PgUp◂"
    candidates = [
        bar(full, long_hints),
        bar(full, short_hints),
        bar(short, short_hints),
        bar(short, ""),
        bar(numbers, short_hints),
        bar(numbers, ""),
    ]
    for candidate in candidates:
        if width <= 0 or candidate.cell_len <= width:
            return candidate
    return candidates[-1]


class StepBar(Static):
    """`1. Thủ tục › 2. Người nộp › …` with the current step shown reversed; refits itself when the terminal resizes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.labels: list[str] = []
        self.current: int | None = None

    def show(self, labels: list[str], current: int | None) -> None:
        self.labels, self.current = labels, current
        self._paint()

    def _paint(self) -> None:
        width = self.content_size.width or self.app.size.width - 2
        self.update(fit_step_bar(self.labels, self.current, width))

    def on_resize(self) -> None:
        self._paint()


class IntakeScreen(OneStopScreen):
    """One intake; `saved_code` is set once the dossier is saved."""

    CSS_PATH = "intake.tcss"
    HELP_TITLE = "Tiếp nhận hồ sơ"
    BINDINGS = [
        # priority: the documents table and the file list would take PgDn/PgUp to scroll, trapping the officer
        Binding("pagedown", "next_step", "Bước sau", priority=True, tooltip="Sang bước kế tiếp", id="intake.next"),
        Binding("pageup", "prev_step", "Bước trước", priority=True, tooltip="Về bước trước", id="intake.prev"),
        Binding("ctrl+s", "save", "Lưu", tooltip="Lưu hồ sơ (kiểm tra mọi bước)", id="intake.save"),
        Binding(
            "ctrl+r",
            "toggle_rep",
            "Ủy quyền",
            tooltip="Bật/tắt người nộp thay theo ủy quyền",
            id="intake.representative",
        ),
        Binding("f8", "reprint", "In lại", tooltip="In lại giấy tiếp nhận", id="intake.reprint"),
        Binding(
            "i",
            "print_declaration",
            "In tờ khai",
            tooltip="In tờ khai đã điền cho công dân ký",
            id="intake.declaration",
        ),
        Binding("escape", "leave", "Quay lại", tooltip="Về trang chính, giữ bản nháp", id="intake.back"),
        # priority: Enter in a field is handled as the key is read, so the keys typed after it reach the next field
        Binding(
            "enter",
            "submit_field",
            "Xác nhận ô",
            show=False,
            priority=True,
            tooltip="Sang ô kế tiếp",
            id="intake.enter",
        ),
        # priority: Tab moves the cursor as it is read (a fast "0912345678⇥ten@…" put the e-mail in the phone), once
        # the field has taken the keys typed before it; a step may keep it (`IntakeStep.tab`)
        Binding("tab", "tab(1)", "Ô kế tiếp", show=False, priority=True, tooltip="Sang ô kế tiếp", id="intake.tab"),
        Binding(
            "shift+tab", "tab(-1)", "Ô trước", show=False, priority=True, tooltip="Về ô trước", id="intake.backtab"
        ),
        Binding("down", "arrow(1)", "Xuống", show=False, tooltip="Ô hoặc thủ tục kế tiếp", id="intake.down"),
        Binding("up", "arrow(-1)", "Lên", show=False, tooltip="Ô hoặc thủ tục trước", id="intake.up"),
    ]

    class ReceiptIssued(Message):
        """The receipt worker finished: what to tell the officer, and whether it reached the printer."""

        def __init__(self, text: str, printed: bool) -> None:
            super().__init__()
            self.text, self.printed = text, printed

    def __init__(self, *, offer_draft: bool = True) -> None:
        freeze_long_lived_heap()
        super().__init__()
        self.step = 0
        """Index into `steps` of the step on screen (len(steps): the saved view)."""
        self.procedure: Procedure | None = None
        self.saved_code = ""
        self.offer_draft = offer_draft
        self.step_painted_at = 0.0
        """perf_counter() when the current step was last painted (the bench reads it)."""
        self._paint_pending: Widget | None = None
        """The step widget shown but not yet in a frame written to the terminal."""
        self._after_paint: list[Any] = []
        """Work that need not delay the frame (`after_paint`)."""
        self.restoring = False
        """True while a draft is put back (no auto-advance, no searching, no draft writes)."""
        self.steps: list[IntakeStep] = [cls() for cls in STEPS]
        self._draft_timer: Any = None
        self._step_keys: int | None = None
        """The app's token for the keys held since a step change, until the new step has placed its cursor."""

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield StepBar(id="intake-steps")
        with ContentSwitcher(initial=f"step-{self.steps[0].KEY}", id="intake-switcher"):
            yield from self.steps
            with Vertical(id="step-done"):
                yield Label("ĐÃ TIẾP NHẬN HỒ SƠ", id="done-title")
                yield Static("", id="done-code")
                yield Static("", id="done-print")
                yield Label("Enter hoặc F4: về trang chính · F2: tiếp nhận hồ sơ mới · F8: in lại giấy tiếp nhận")
        yield CounterFooter()

    def on_mount(self) -> None:
        self.screen_layout_refresh_signal.subscribe(self, self._layout_refreshed, immediate=True)
        self.show_step(0)
        if self.offer_draft:
            self._offer_draft()

    def step_of(self, cls: type[S]) -> S:
        """The step widget of a given class (typed)."""
        return next(step for step in self.steps if isinstance(step, cls))

    def index_of(self, step: IntakeStep) -> int:
        return self.steps.index(step)

    @property
    def current_step(self) -> IntakeStep | None:
        return self.steps[self.step] if self.step < len(self.steps) else None

    @property
    def officer_name(self) -> str:
        return self.onestop.officer.username if self.onestop.logged_in else ""

    def received_at(self) -> Any:
        """None in production (the service uses now); the injected clock's time in tests and snapshots."""
        return self.onestop.clock() if self.onestop.clock else None

    # ------------------------------------------------------------------ steps

    def show_step(self, index: int) -> None:
        """Display step `index`, focus its first field and keep the draft.

        The keys typed meanwhile (PgDn and the next letters arrive together on a busy machine) are held by the app
        until the new step has placed its cursor, then go there in order: they used to land in the field being left.
        """
        self._hold_keys_for_step()
        self.step = index
        step = self.current_step
        self._hold_collection()
        switcher = self.query_one(ContentSwitcher)
        shown = f"step-{step.KEY}" if step else "step-done"
        if switcher.current == shown:  # already laid out: the next refresh paints it
            self.call_after_refresh(self._painted)
        else:
            switcher.current = shown
            self._paint_pending = switcher.get_child_by_id(shown)
        self._paint_step_bar()
        if step is not None:
            step.enter()
            step.place_cursor()
        else:  # the saved view: Enter and F-keys, no field
            self.cursor_placed(None)
        if not self.restoring and not self.saved_code:
            self.after_paint(self._save_draft_in_background)

    def _hold_keys_for_step(self) -> None:
        if self._step_keys is None:
            self._step_keys = self.onestop.hold_keys()

    def cursor_placed(self, step: IntakeStep | None) -> None:
        """`step` has put the cursor where typing goes when it is shown: the keys held since the step change follow
        (once the focus moves queued so far are made). Ignored from a step no longer on screen."""
        if step is self.current_step:
            self._release_step_keys()

    def _release_step_keys(self) -> None:
        token, self._step_keys = self._step_keys, None
        if token is not None:
            self.onestop.release_keys_later(token)

    def _painted(self) -> None:
        self.step_painted_at = time.perf_counter()
        self._release_collection()
        self._run_after_paint()

    _collection_held = False

    def _hold_collection(self) -> None:
        """No garbage collection between a step change and its frame: a collection pass (a gen-2 one takes
        ~100 ms on this heap) waits until the step is painted (`_release_collection`), or at most two seconds."""
        import gc

        if not self._collection_held and gc.isenabled():
            gc.disable()
            self._collection_held = True
            self.set_timer(2.0, self._release_collection)

    def _release_collection(self) -> None:
        import gc

        if self._collection_held:
            self._collection_held = False
            gc.enable()

    def after_paint(self, callback: Any) -> None:
        """Run `callback` once the step being shown is on the terminal: what the officer does not wait for (the
        draft write, building the tờ khai of a newly chosen procedure) does not delay the step's frame."""
        self._after_paint.append(callback)
        if len(self._after_paint) == 1:
            self.call_after_refresh(self._run_after_paint)  # nothing shown meanwhile: after the next refresh

    def _run_after_paint(self) -> None:
        if self._paint_pending is not None:  # a step is on its way: after its frame
            return
        callbacks, self._after_paint = self._after_paint, []
        for callback in callbacks:
            self.call_later(callback)

    def _layout_refreshed(self, _screen: object) -> None:
        """After each layout refresh (the frame is written by then): the shown step painted once it is in it."""
        from textual.errors import NoWidget

        pending = self._paint_pending
        if pending is None:
            return
        try:
            in_frame = bool(self.find_widget(pending).region)
        except NoWidget:  # not laid out yet: a later refresh paints it
            in_frame = False
        if in_frame:
            self._paint_pending = None
            self._painted()

    def _paint_step_bar(self) -> None:
        shown = [s for s in self.steps if s.applies() or s is self.current_step]
        current = shown.index(self.current_step) if self.current_step in shown else None
        self.query_one(StepBar).show([step.LABEL for step in shown], current)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers only what works now: steps and saving before the save, reprinting after it."""
        if action in ("next_step", "prev_step", "save", "toggle_rep"):
            return not self.saved_code
        if action == "reprint":
            return bool(self.saved_code)
        if action == "print_declaration":
            return bool(self.saved_code) and self.step_of(DeclarationStep).form is not None
        return True

    def action_next_step(self) -> None:
        """PgDn (and Enter on a step's last field): check this step and show the next (save on the last step)."""
        self.after_typed(self._next_step)

    def action_prev_step(self) -> None:
        self.after_typed(self._prev_step)

    def _next_step(self) -> None:
        if self.saved_code:
            return
        if self.step == len(self.steps) - 1:
            self.action_save()
        elif self.check_step(self.step):
            self.show_step(self._neighbour(self.step, 1))

    def _prev_step(self) -> None:
        if not self.saved_code and self.step > 0:
            self.show_step(self._neighbour(self.step, -1))

    def after_typed(self, callback: Any, *, bubbling_from: Widget | None = None) -> None:
        """Run `callback` once the focused widget has taken the keys read before the one running this, holding the keys
        read after it until the focus moves `callback` makes (to the new field or step).

        The app gives a typed key to the focused widget's own queue, while a priority binding (Enter, PgDn, PgUp) runs
        as its key is read: Enter ending a scanner's burst ran before the burst had reached the field (the QR was
        never read), and PgDn checked the step before the last digits typed were in it. With `bubbling_from`, the keys
        wait also for the messages `callback` makes that widget post to reach this screen (the tờ khai says it is done
        by a message its step handles)."""
        app = self.onestop
        token = app.hold_keys()

        def run() -> None:
            try:
                callback()
            finally:
                if bubbling_from is None or not bubbling_from.is_attached:
                    app.release_keys_later(token)
                else:
                    self._release_after_bubbling(bubbling_from, token)

        target = self.focused
        if target is None or target.screen is not self or not target.call_later(run):
            run()

    def _neighbour(self, index: int, direction: int) -> int:
        """The next (or previous) step that applies to the chosen procedure (the Tờ khai step may not)."""
        index += direction
        while 0 < index < len(self.steps) - 1 and not self.steps[index].applies():
            index += direction
        return index

    def check_step(self, index: int) -> bool:
        """Validate one step, showing errors inline; True when the officer may move on."""
        return self.steps[index].check()

    def _release_after_bubbling(self, widget: Widget, token: int) -> None:
        """End a key hold once the messages `widget` has posted so far have bubbled up to this screen: a message
        bubbles by being posted to each parent's queue in turn, and this follows it hop by hop, behind it."""
        path: list[Widget] = [widget]
        for node in widget.ancestors:
            if node is self or not isinstance(node, Widget):
                break
            path.append(node)

        def hop(index: int) -> None:
            if index == len(path) or not path[index].call_later(hop, index + 1):
                self.onestop.release_keys_later(token)

        hop(0)

    def action_tab(self, direction: int) -> None:
        serial = self.onestop.keys_read  # this Tab's place among the keys read (`IntakeStep.tab`)
        self.after_typed(partial(self._tab, direction, serial))

    def _tab(self, direction: int, serial: int) -> None:
        current = self.current_step
        if direction > 0 and current is not None and current.tab(serial):
            return
        if direction > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_arrow(self, step: int) -> None:
        current = self.current_step
        if current is not None and current.arrow(step):
            return
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    # ------------------------------------------------------------------ the procedure (every later step depends on it)

    def choose_procedure(self, code: str) -> None:
        """The officer picked a procedure on step 1: load it and move on."""
        if self.select_procedure(code):
            self.show_step(self.step + 1 if self.step == 0 else self.step)

    def select_procedure(self, code: str) -> bool:
        """Load the procedure in force and tell every step (documents, fee, exemptions depend on it)."""
        from onestop.errors import OneStopError

        try:
            procedure = self.onestop.services.catalog.get(code)
        except OneStopError as err:
            self.set_error("procedure", err.message)
            return False
        changed = self.procedure is None or self.procedure.code != procedure.code
        self.procedure = procedure
        self.set_error("procedure", "")
        if changed:
            for step in self.steps:
                step.procedure_changed(procedure)
        return True

    # ------------------------------------------------------------------ Enter and scans

    @on(Input.Submitted)
    def field_submitted(self, event: Input.Submitted) -> None:
        """A scan into any field fills the identity block; otherwise the field's step decides what Enter does."""
        from onestop.identity import looks_like_scan

        if looks_like_scan(event.value):
            self.step_of(ApplicantStep).read_scan(event.input)
            return
        owner = next((step for step in self.steps if event.input in step.query(Input)), None)
        if owner is not None:
            owner.submitted(event.input)

    def action_submit_field(self) -> None:
        """Enter in a field of the intake: what `Input.Submitted` would do, done once the field has taken the keys
        typed before Enter (`after_typed`), with the keys typed after it held by the app until the focus has moved
        (under load, Backspace right after Enter took a digit off the field being left, and the Enter itself was lost).
        Other widgets (lists, tables, buttons) take Enter as usual."""
        from textual.actions import SkipAction

        from screens.widgets.declaration_form import DeclarationForm

        field = self.focused
        if self.saved_code or not isinstance(field, Input) or field.screen is not self:
            raise SkipAction()

        form = next((node for node in field.ancestors if isinstance(node, DeclarationForm)), None)

        def submit() -> None:  # with the value the field has once it took the keys typed before Enter
            if not field.is_attached or field.screen is not self:
                return
            submitted = Input.Submitted(field, field.value)
            if form is not None:
                form.on_input_submitted(submitted)
            if form is None or not submitted._stop_propagation:
                self.field_submitted(submitted)

        self.after_typed(submit, bubbling_from=form)  # the form's Done (nothing left to fill) moves to the next step

    @on(Input.Changed)
    def keep_typing_in_the_draft(self, event: Input.Changed) -> None:
        """Keep what is typed in the draft a moment after the officer stops typing (not only at a step change): a
        killed process or a power cut loses at most that moment, not the applicant typed so far."""
        if self.restoring or self.saved_code or event.input.id == "proc-query" or not event.input.has_focus:
            return  # a value set by the screen (a default, a draft put back) is not the officer's typing
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft_in_background)

    def action_toggle_rep(self) -> None:
        self.step_of(ApplicantStep).toggle_representative()

    # ------------------------------------------------------------------ large print, save

    def toggle_large_print(self) -> None:
        """F9: the review shown large, alone on screen, for the citizen to check."""
        if self.has_class("-large"):
            self.set_large(False)
            return
        if self.saved_code:
            return
        last = len(self.steps) - 1
        if self.step != last:
            if not all(self.check_step(i) for i in range(last)):
                self.notify("Cần điền đủ các bước trước khi xem bản xác nhận.", severity="warning")
                return
            self.show_step(last)
        self.set_large(True)

    def set_large(self, large: bool) -> None:
        """The citizen-facing view on or off: everything but the review hidden, name and procedure enlarged."""
        from screens.intake.review import ReviewStep

        self.set_class(large, "-large")
        self.step_of(ReviewStep).set_large(large)

    def build_draft(self) -> IntakeDraft | None:
        """The `IntakeDraft` from every step, or None after moving to the first step with an error."""
        from onestop.domain import IntakeDraft

        for index in range(len(self.steps)):
            if not self.check_step(index):
                if self.step != index:
                    self.show_step(index)
                    self.check_step(index)
                return None
        values: dict[str, Any] = {"received_at": self.received_at()}
        for step in self.steps:
            step.fill_draft(values)
        return IntakeDraft(**values)

    @on(Button.Pressed, "#save-button")
    def action_save(self) -> None:
        from onestop.errors import BadInput, OneStopError

        if self.saved_code:
            return
        draft = self.build_draft()
        if draft is None:
            return
        try:
            dossier = self.onestop.services.intake.save(draft, self.officer_name)
        except BadInput as err:
            self.show_service_error(err)
            return
        except OneStopError as err:
            self.notify(err.message, title=err.title, severity="error", timeout=10)
            return
        for step in self.steps:
            step.after_save(dossier.code)
        self.saved(dossier)

    def show_service_error(self, err: BadInput) -> None:
        """Go back to the step holding `err.field` and show the message there."""
        field = err.field or ""
        base = field.split(".")[0]
        index = next(
            (i for i, s in enumerate(self.steps) if base in s.FIELDS or base.removeprefix("rep_") in s.FIELDS),
            len(self.steps) - 1,
        )
        self.show_step(index)
        self.set_error(field if field else "procedure", err.message)
        self.notify(err.message, title=err.title, severity="error")

    def saved(self, dossier: Dossier) -> None:
        self.saved_code = dossier.code
        self.refresh_bindings()
        self.set_large(False)
        receipt = self.step_of(FeeStep).done_line(dossier)  # the fee's receipt number (series or paper)
        self.query_one("#done-code", Static).update(
            f"[b]{dossier.code}[/b]\n{dossier.applicant.full_name} — {dossier.procedure.name}\n"
            f"Hẹn trả: {fmt_datetime(dossier.due_at)}" + (f"\n{receipt}" if receipt else "")
        )
        self.show_step(len(self.steps))
        self.query_one("#done-print", Static).update("Đang in giấy tiếp nhận…")
        self.issue_receipt()
        self.onestop.refresh_sync_status()

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
        """Worker: the printer's answer (or why it did not print) goes back as `ReceiptIssued`."""
        from onestop.errors import OneStopError

        services = self.onestop.services
        try:
            services.intake.discard_draft(officer)
            text, printed = describe_print(services.forms.issue_receipt(code, officer))
        except OneStopError as err:  # saved but not printed: an outcome to tell, not a failure
            text, printed = f"Hồ sơ {code} đã lưu; {err.message} Nhấn F8 để in lại.", False
        message = self.ReceiptIssued(text, printed)
        if not self.post_message(message):  # the officer already left this screen: the toast alone
            toast(self, message)

    @on(ReceiptIssued)
    def _printed(self, message: ReceiptIssued) -> None:
        self.query_one("#done-print", Static).update(message.text)
        toast(self, message)

    def action_reprint(self) -> None:
        if not self.saved_code:
            self.notify("Hồ sơ chưa được lưu.", severity="warning")
            return
        self.query_one("#done-print", Static).update("Đang in lại giấy tiếp nhận…")
        self.issue_receipt()

    def action_print_declaration(self) -> None:
        from screens.intake.declaration import print_declaration

        if self.saved_code and self.step_of(DeclarationStep).form is not None:
            print_declaration(self, self.saved_code)

    def on_key(self, event: events.Key) -> None:
        if self.saved_code and event.key == "enter":
            event.stop()
            self.onestop.action_home()

    # ------------------------------------------------------------------ errors

    def set_error(self, field: str, message: str) -> None:
        """Show (or clear) the inline message under a field, whichever step it is on."""
        base = field.removeprefix("rep_")
        if base in PERSON_ORDER:
            self.step_of(ApplicantStep).form_for(field).set_error(base, message)
            return
        if self.step_of(DeclarationStep).set_error(field, message):
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
            self.set_large(False)
            return
        self.save_draft_now()
        self.app.pop_screen()

    def draft_state(self) -> dict[str, Any] | None:
        """The form as plain JSON-able data for `IntakeService.save_draft`; None when nothing was entered."""
        if self.saved_code:
            return None
        inputs = {i.id: i.value for i in self.query(Input) if i.id and i.value and i.id != "proc-query"}
        if self.procedure is None and not inputs:
            return None
        state: dict[str, Any] = {
            "version": DRAFT_VERSION,
            "step": self.step,
            "procedure_code": self.procedure.code if self.procedure else "",
            "inputs": inputs,
            "checkboxes": {c.id: c.value for c in self.query(Checkbox) if c.id},
            "radios": {r.id: r.pressed_index for r in self.query(RadioSet) if r.id},
        }
        for step in self.steps:
            step.save_state(state)
        return state

    def save_draft_now(self) -> None:
        """Keep the typed-in intake (Esc, lock, leaving); nothing is written once saved or when empty."""
        state = self.draft_state()
        if state is not None and self.officer_name:
            self.onestop.services.intake.save_draft(self.officer_name, state)

    def _save_draft_in_background(self) -> None:
        state = self.draft_state()
        if state is not None and self.officer_name:
            self.app.run_worker(
                partial(self.onestop.services.intake.save_draft, self.officer_name, state),
                thread=True,
                group="draft",
                exclusive=True,
                exit_on_error=False,
                description="Lưu bản nháp",
            )

    def _offer_draft(self) -> None:
        from screens.dialogs import ConfirmDialog

        data = self.onestop.services.intake.load_draft(self.officer_name) if self.officer_name else None
        if not data:
            return
        who = (data.get("inputs") or {}).get("full_name") or "chưa có tên"
        what = data.get("procedure_code") or "chưa chọn thủ tục"

        def answered(resume: bool | None) -> None:
            if resume:
                self.restore_state(data)
            else:
                self.onestop.services.intake.discard_draft(self.officer_name)

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
        """Put a saved draft back (procedure first: documents and exemptions depend on it)."""
        self.restoring = True
        try:
            if data.get("procedure_code"):
                self.select_procedure(data["procedure_code"])
            for step in self.steps:
                step.restore_state(data)
            self._restore_widgets(data)
        finally:
            self.restoring = False
        self.show_step(min(int(data.get("step", 0)), len(self.steps) - 1))

    def _restore_widgets(self, data: dict[str, Any]) -> None:
        for input_id, value in (data.get("inputs") or {}).items():
            for found in self.query(f"#{input_id}").results(Input):
                found.value = str(value)
        for box_id, value in (data.get("checkboxes") or {}).items():
            for box in self.query(f"#{box_id}").results(Checkbox):
                box.value = bool(value)
        for radio_id, index in (data.get("radios") or {}).items():
            if radio_id == "exemption":
                continue
            for radio in self.query(f"#{radio_id}").results(RadioSet):
                buttons = list(radio.query(RadioButton))
                if isinstance(index, int) and 0 <= index < len(buttons):
                    buttons[index].value = True

    def on_unmount(self) -> None:
        self._release_collection()
        self._release_step_keys()
        try:
            self.save_draft_now()
        except Exception:  # noqa: BLE001  (leaving must never fail; the last step change already kept a draft)
            pass


def toast(node: Widget, issued: IntakeScreen.ReceiptIssued) -> None:
    """The officer's notification of a receipt outcome (longer and amber when it did not print)."""
    node.notify(
        issued.text,
        title="Giấy tiếp nhận",
        severity="information" if issued.printed else "warning",
        timeout=6 if issued.printed else 12,
    )
