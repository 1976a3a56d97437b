"""Step "Tờ khai": the declaration of procedures that have an electronic form, rendered from its Form.io definition.

The form is built when the procedure is chosen (so opening the step only shows it); the applicant's identity fills
"Người yêu cầu" when the step is entered; a CCCD scanned into a person block fills that person; the values travel
in `IntakeDraft.declaration` and are checked again by the intake service. A procedure with a form is not saved
without its declaration: the step names the required fields still empty and keeps the officer there. On the saved
view (and on the dossier screen) I prints the filled tờ khai for the citizen to sign.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from screens.intake.base import IntakeStep
from screens.widgets.declaration_form import DeclarationForm

if TYPE_CHECKING:
    from onestop.domain import Procedure


def _all_field_keys() -> frozenset[str]:
    from onestop.declarations.service import shipped_definitions

    return frozenset({"declaration"} | {f.key for d in shipped_definitions() for f in d.fields})


class _FormScroll(VerticalScroll, can_focus=False):
    """Scrolls to the focused field; PgUp/PgDn stay the screen's (previous/next step), not a page scroll."""

    BINDINGS = [
        Binding("pagedown", "screen.next_step", "Bước sau", show=False),
        Binding("pageup", "screen.prev_step", "Bước trước", show=False),
    ]


class DeclarationStep(IntakeStep):
    """The tờ khai, when the procedure has one; otherwise a line saying so (PgDn moves on)."""

    KEY = "declaration"
    LABEL = "Tờ khai"
    FIELDS = _all_field_keys()

    def compose(self) -> ComposeResult:
        with _FormScroll(id="decl-scroll"):
            yield Static("Thủ tục này chưa có tờ khai điện tử: PgDn sang bước sau.", id="decl-none")
            yield Static("", id="declaration-error", classes="field-error")

    _form: DeclarationForm | None = None

    @property
    def form(self) -> DeclarationForm | None:
        """The declaration of the chosen procedure (None when it has no electronic form)."""
        return self._form

    # ------------------------------------------------------------------ reacting

    def procedure_changed(self, procedure: Procedure) -> None:
        self._build(procedure, {})

    def _build(self, procedure: Procedure | None, values: dict[str, Any]) -> None:
        from onestop.declarations.service import default_agency

        if self._form is not None:
            if self._form.parent is not None:
                self._form.remove()
            self._form = None
        defn = self.onestop.services.intake.declarations.for_procedure(procedure.code) if procedure else None
        self.query_one("#decl-none").display = defn is None
        if defn is None:
            return
        initial = dict(values)
        if defn.has("KinhGui") and not initial.get("KinhGui"):
            initial["KinhGui"] = default_agency(self.onestop.services.settings.office)
        declarations = self.onestop.services.intake.declarations
        form = self._form = DeclarationForm(defn, initial, lookup=declarations.known_person)
        # a service error naming an imported form's field brings the officer here too
        DeclarationStep.FIELDS = DeclarationStep.FIELDS | {f.key for f in defn.fields}
        if self.intake.restoring:  # the draft's values go into its fields next
            self._mount(form)
        else:  # the form is not on screen yet: built once the next step (the applicant) is painted
            self.intake.after_paint(lambda: self._mount(form))

    def _mount(self, form: DeclarationForm) -> None:
        if form is self._form and form.parent is None:
            self.query_one("#decl-scroll").mount(form, before=0)

    def ensure_mounted(self) -> None:
        """The form in its place now (showing the step, or checking it, before the deferred build ran)."""
        if self._form is not None:
            self._mount(self._form)

    def enter(self) -> None:
        """The applicant typed or scanned on step 2 fills "Người yêu cầu" (typed values are kept)."""
        form = self.form
        if form is None:
            return
        self.ensure_mounted()
        self._prefill_requester(form)

    def _prefill_requester(self, form: DeclarationForm) -> None:
        applicant = self._applicant()
        if applicant is not None and applicant != form.applicant:  # the same applicant again: nothing to do
            from onestop.declarations.service import person_values

            form.applicant = applicant
            form.fill(person_values(form.definition, "requester", applicant, values={}))

    def place_cursor(self) -> None:
        """On the first field still to fill, once the form is laid out (the keys typed meanwhile wait for it)."""
        if self.form is None:
            super().place_cursor()
        else:
            self.call_after_refresh(self._focus_first)

    def _focus_first(self, turns: int = 20) -> None:
        form = self.form
        if self.intake.current_step is not self:  # the officer moved on before the form was laid out
            return
        if form is not None and not form.is_mounted and turns > 0:  # mounted just now: its fields come next
            self.call_after_refresh(self._focus_first, turns - 1)
            return
        if form is not None:
            self._focus_first_field(form)
        self.intake.cursor_placed(self)

    def _focus_first_field(self, form: DeclarationForm) -> None:
        keys = form.visible_keys()

        def worth(key: str) -> bool:  # the requester's identity came from step 2; the relation did not
            f = form.by_key[key]
            return not (f.person == "requester" and f.type not in ("select", "radio"))

        empty = [k for k in keys if not form.raw(k) and k in form.built and worth(k)]
        target = empty[0] if empty else (keys[0] if keys else "")
        if target and target in form.built:
            form.focus_field(target)

    def _applicant(self) -> Any:
        from screens.intake.applicant import ApplicantStep

        try:
            return self.intake.step_of(ApplicantStep).applicant.person()
        except Exception:  # noqa: BLE001  (an incomplete applicant simply pre-fills nothing)
            return None

    def on_declaration_form_done(self, event: DeclarationForm.Done) -> None:
        event.stop()
        self.intake.action_next_step()

    _draft_timer: Any = None

    def on_declaration_form_changed(self, event: DeclarationForm.Changed) -> None:
        """Keep the half-filled declaration in the draft a moment after the officer stops typing."""
        event.stop()
        if self.intake.restoring:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(0.8, self.intake._save_draft_in_background)

    def submitted(self, field: Input) -> None:
        """Enter on the "no form" line's step moves on."""
        self.intake.action_next_step()

    # ------------------------------------------------------------------ the step

    def applies(self) -> bool:
        """Shown only for a procedure that has an electronic tờ khai."""
        return self.form is not None

    def check(self) -> bool:
        """A procedure with a form is not received without its declaration: every required field is filled (the
        officer is told which are missing, in a toast and under each field) and the form's rules hold."""
        form = self.form
        if form is None:
            return True
        self.ensure_mounted()
        from onestop.domain import now_vn

        self._prefill_requester(form)  # saved from another step: the applicant is still "Người yêu cầu"
        received = self.intake.received_at() or now_vn()
        if form.validate(received.date(), max(now_vn(), received)) is not None:
            return True
        if form.missing:
            from onestop.declarations.values import missing_message

            self.notify(missing_message(form.missing), title="Tờ khai chưa đủ", severity="error", timeout=10)
        return False

    def set_error(self, field: str, message: str) -> bool:
        """Show a service error at the declaration's field; False when the field is not on this form."""
        form = self.form
        if form is None or field not in form.by_key:
            return False
        form.set_error(field, message)
        if field in form.built:
            form.focus_field(field)
        return True

    def fill_draft(self, values: dict[str, Any]) -> None:
        form = self.form
        if form is not None:
            values["declaration"] = {
                "form": form.definition.name,
                "version": form.definition.version,
                "values": form.values(),
            }

    def save_state(self, state: dict[str, Any]) -> None:
        form = self.form
        if form is not None:
            state["declaration"] = {"form": form.definition.name, "values": form.values()}

    def restore_state(self, data: dict[str, Any]) -> None:
        saved = data.get("declaration") or {}
        values = saved.get("values") if isinstance(saved, dict) else None
        if isinstance(values, dict) and self.intake.procedure is not None:
            self._build(self.intake.procedure, values)

    # ------------------------------------------------------------------ large print

    def key_facts(self) -> list[tuple[str, str]]:
        """(label, value) of the declaration's key facts for the large-print review."""
        form = self.form
        if form is None:
            return []
        from onestop.declarations.values import display, field_label

        data = form.normalised()
        keys = form.definition.props.get("summaryFields") or []
        out = []
        for key in keys:
            if form.definition.has(key) and data.get(key) not in (None, ""):
                f = form.definition.field(key)
                out.append((field_label(f), display(f, data[key])))
        return out


# ---------------------------------------------------------------- printing the filled tờ khai (intake and dossier)

PRINT_KEY = "i"
"""The key that prints a saved dossier's tờ khai, on the intake's saved view and on the dossier screen."""


def print_declaration(screen: Any, code: str) -> None:
    """Render, archive and print the dossier's filled tờ khai for the citizen to sign, in an app worker (the same
    path as `onestop receipt CODE --form declaration --print`); the officer is told the outcome in a toast."""
    app = screen.app
    officer = app.officer.username if getattr(app, "logged_in", False) else ""
    screen.notify(f"Đang in tờ khai của hồ sơ {code}…", timeout=3)
    app.run_worker(
        lambda: _print_worker(app, code, officer),
        thread=True,
        group="print-declaration",
        exit_on_error=False,
        description="In tờ khai",
    )


def _print_worker(app: Any, code: str, officer: str) -> None:
    from onestop.domain import FormKind
    from onestop.errors import OneStopError
    from screens.common import describe_print

    try:
        outcome = app.services.forms.issue(code, FormKind.DECLARATION, officer=officer, print_it=True)
        text, printed = describe_print(outcome, "tờ khai")
    except OneStopError as err:  # the dossier is saved; only the paper is missing
        text, printed = err.message or "Chưa in được tờ khai.", False
    app.call_from_thread(
        app.notify,
        text,
        title="In tờ khai",
        severity="information" if printed else "warning",
        timeout=5 if printed else 12,
    )
