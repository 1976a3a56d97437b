"""The "Tờ khai" step: a declaration rendered from its Form.io definition, every field on the keyboard in form order.

- Enter moves to the next visible field still empty (what scans pre-filled is passed over), Tab to every field;
  groups are headed as on the paper.
- Each field is checked as it is left, with the Vietnamese message under it.
- Conditional fields appear and disappear as the officer answers.
- Dates accept `15031990` and show `15/03/1990`; a choice accepts its value, its label or an accent-free prefix.
- A CCCD QR scanned into any field of a person block (mother, father, the deceased, a party) fills that block;
  "Quan hệ … = Mẹ/Cha" copies the applicant into that parent's block.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Checkbox, Input, Label, Static


class ChoiceSuggester(Suggester):
    """Suggests a choice's label from an accent-free, case-free prefix ("viet" → "Việt Nam")."""

    def __init__(self, labels: list[str]) -> None:
        super().__init__(use_cache=True, case_sensitive=True)
        from onestop.text import fold

        self._folded = [(fold(label), label) for label in labels]

    async def get_suggestion(self, value: str) -> str | None:
        from onestop.text import fold

        key = fold(value)
        if not key:
            return None
        for folded, label in self._folded:
            if folded.startswith(key):
                return value + label[len(value) :] if fold(label[: len(value)]) == key else label
        return None


def resolve_choice(field: Any, text: str) -> Any:
    """The choice for what was typed: exact value/label, else the single label starting with it (accent-free)."""
    from onestop.text import fold

    choice = field.choice_for(text)
    if choice is not None:
        return choice
    key = fold(text)
    if not key:
        return None
    starts = [c for c in field.choices if fold(c.label).startswith(key)]
    return starts[0] if len(starts) == 1 or (starts and fold(starts[0].label) == key) else None


class DeclarationForm(Vertical):
    """One declaration; `values()` gives field id → typed value (for the draft and the intake service)."""

    DEFAULT_CSS = """
    DeclarationForm { height: auto; }
    DeclarationForm .decl-title { text-style: bold; margin-top: 1; }
    DeclarationForm .decl-group { text-style: bold; margin-top: 1; color: $accent; }
    DeclarationForm .decl-static { text-style: italic; }
    DeclarationForm .decl-row { height: 1; }
    DeclarationForm .decl-label { width: 34; }
    DeclarationForm Input { width: 1fr; }
    DeclarationForm .field-error { padding-left: 34; color: $error; display: none; }
    DeclarationForm .field-error.-shown { display: block; }
    DeclarationForm .-hidden { display: none; }
    """

    class Done(Message):
        """Enter in the last field: the step may move on."""

        def __init__(self, form: DeclarationForm) -> None:
            super().__init__()
            self.form = form

    class Changed(Message):
        """A value changed (the screen saves the draft)."""

        def __init__(self, form: DeclarationForm, key: str) -> None:
            super().__init__()
            self.form, self.key = form, key

    def __init__(
        self, definition: Any, values: dict[str, Any] | None = None, *, applicant: Any = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.definition = definition
        self.initial = dict(values or {})
        self.applicant = applicant
        self.fields = [f for f in definition.fields if not f.repeat]
        self.by_key = {f.key: f for f in self.fields}
        for f in self.fields:  # Form.io defaultValue (e.g. Quốc tịch: Việt Nam) shows until the officer changes it
            if f.default and f.key not in self.initial:
                self.initial[f.key] = f.default
        self.errors: dict[str, str] = {}
        self.built: set[str] = set()
        self._widgets: dict[str, Any] = {}
        self._pending: list[Any] = []

    # ------------------------------------------------------------------ building

    FIRST_PAINT_FIELDS = 12
    """Groups holding about this many fields are built at once; the rest right after the first paint."""

    def compose(self) -> ComposeResult:
        yield Label(self.definition.title, classes="decl-title")
        groups = list(self.definition.groups)
        count = 0
        while groups and count < self.FIRST_PAINT_FIELDS:
            group = groups.pop(0)
            widgets = self._group_widgets(group)
            count += sum(1 for w in widgets if w.has_class("decl-row"))
            yield from widgets
        self._pending = groups

    def _group_widgets(self, group: Any) -> list[Any]:
        from onestop.declarations.definition import Field, Group, StaticText

        out: list[Any] = []
        if group.title:
            out.append(Label(group.title, classes="decl-group"))
        for item in group.items:
            if isinstance(item, StaticText) and item.text:
                out.append(Static(item.text, classes="decl-static"))
            elif isinstance(item, Field) and not item.repeat:
                out.append(self._row(item))
                self.built.add(item.key)
            elif isinstance(item, Group) and item.repeat:
                out.append(
                    Static(
                        f"{item.title}: nhóm lặp — nhập qua tệp JSON (onestop intake --declaration).",
                        classes="decl-static",
                    )
                )
        return out

    def _row(self, f: Any) -> Horizontal:
        from onestop.declarations.values import display

        initial = self.initial.get(f.key)
        label = Label(f.label + (" *" if f.required else ""), classes="decl-label")
        if f.type == "checkbox":
            return Horizontal(
                label,
                Checkbox(value=bool(initial), id=f"decl-{f.key}", compact=True),
                classes="decl-row",
                id=f"row-{f.key}",
            )
        placeholder = f.placeholder or {
            "date": "dd/MM/yyyy" + (" hoặc năm" if f.year_only else ""),
            "time": "HH:mm",
        }.get(f.type, "")
        if f.choices and not placeholder:
            placeholder = " / ".join(c.label for c in f.choices[:4]) + (" …" if len(f.choices) > 4 else "")
        field_input = Input(
            value=display(f, initial) if initial not in (None, "") else "",
            placeholder=placeholder,
            id=f"decl-{f.key}",
            compact=True,
            max_length=max(f.max_length, 0) if f.type in ("text", "textarea") else 40,
            suggester=ChoiceSuggester([c.label for c in f.choices]) if f.choices else None,
        )
        return Horizontal(label, field_input, classes="decl-row", id=f"row-{f.key}")

    @property
    def ready(self) -> bool:
        """Every field is built (the rest follows the first paint)."""
        return not self._pending

    def _mount_rest(self) -> None:
        widgets: list[Any] = []
        for group in self._pending:
            widgets += self._group_widgets(group)
        self._pending = []
        if widgets:
            self.mount(*widgets)
        self.call_after_refresh(self.refresh_visibility)

    def on_mount(self) -> None:
        self.refresh_visibility()
        if self._pending:
            self.call_after_refresh(self._mount_rest)

    # ------------------------------------------------------------------ values

    def widget(self, key: str) -> Any:
        found = self._mounted(key)
        return found if found is not None else self.query_one(f"#decl-{key}")

    def _mounted(self, key: str) -> Any:
        """The field's mounted widget or None; remembered, since a query walks every widget of the form (a form
        read field by field would cost fields × widgets, hundreds of ms on a screen switch)."""
        found = self._widgets.get(key)
        if found is not None and found.is_attached:
            return found
        if key not in self.built:
            return None
        matches = self.query(f"#decl-{key}")
        found = matches.first() if matches else None
        if found is not None:
            self._widgets[key] = found
        return found

    def raw(self, key: str) -> Any:
        w = self._mounted(key)
        if w is None:
            from onestop.declarations.values import display

            v = self.initial.get(key)
            return display(self.by_key[key], v) if v not in (None, "") else ""
        return w.value if isinstance(w, Checkbox) else w.value.strip()

    def values(self) -> dict[str, Any]:
        """Typed values (choices by label, dates as shown), visible fields only, empty ones left out."""
        out: dict[str, Any] = {}
        visible = set(self.visible_keys())
        for f in self.fields:
            if f.key in visible:
                v = self.raw(f.key)
                if v not in ("", None) and not (f.type == "checkbox" and v is False):
                    out[f.key] = v
        return out

    def normalised(self) -> dict[str, Any]:
        """Values normalised field by field (for conditions): choice values, dates `dd/MM/yyyy`."""
        from onestop.declarations.values import normalise
        from onestop.errors import BadInput

        out: dict[str, Any] = {}
        for f in self.fields:
            try:
                raw = self.raw(f.key)
                if f.choices and raw:
                    choice = resolve_choice(f, raw)
                    raw = choice.value if choice else raw
                v = normalise(f, raw)
            except BadInput:
                continue
            if v is not None:
                out[f.key] = v
        return out

    def set_value(self, key: str, value: Any) -> None:
        from onestop.declarations.values import display

        f = self.by_key[key]
        if key not in self.built:
            self.initial[key] = value
            return
        w = self.widget(key)
        if isinstance(w, Checkbox):
            w.value = bool(value)
        else:
            w.value = display(f, value) if value not in (None, "") else ""
        self.set_error(key, "")

    def set_error(self, key: str, message: str) -> None:
        """The message under the field; its line is created the first time it is needed (fewer widgets to open)."""
        self.errors[key] = message
        if key not in self.built:
            return
        found = self.query(f"#err-{key}")
        if found:
            err = found.first(Static)
            err.update(message)
            err.set_class(bool(message), "-shown")
        elif message:
            self.mount(Static(message, id=f"err-{key}", classes="field-error -shown"), after=f"#row-{key}")

    def error(self, key: str) -> str:
        return self.errors.get(key, "")

    # ------------------------------------------------------------------ checking as the officer types

    def check(self, key: str) -> bool:
        """Normalise one field in place (date `15031990` → `15/03/1990`, a choice → its label); show its error."""
        from onestop.declarations.values import display, field_label, normalise
        from onestop.errors import BadInput

        f = self.by_key[key]
        if key not in self.built:
            return True
        w = self.widget(key)
        if isinstance(w, Checkbox):
            return True
        text = w.value.strip()
        try:
            if f.choices and text:
                choice = resolve_choice(f, text)
                if choice is None:
                    raise BadInput(f"{field_label(f)}: '{text[:40]}' không có trong danh sách lựa chọn.", field=key)
                text = choice.value
            value = normalise(f, text)
        except BadInput as err:
            self.set_error(key, err.message)
            return False
        if value is None and f.required:
            self.set_error(key, f"Chưa nhập {field_label(f)}.")
            return False
        shown = display(f, value) if value is not None else ""
        if shown != w.value:
            w.value = shown
        self.set_error(key, "")
        return True

    def refresh_visibility(self) -> None:
        from onestop.declarations.values import visible

        data = self.normalised()
        self._hidden = {f.key for f in self.fields if not visible(f, data)}
        by_id = {node.id: node for node in self.walk_children() if node.id}  # one walk, not one per field
        for f in self.fields:
            row = by_id.get(f"row-{f.key}")
            if row is None:
                continue
            hidden = f.key in self._hidden
            if row.has_class("-hidden") != hidden:
                row.set_class(hidden, "-hidden")
                if hidden:
                    self.set_error(f.key, "")

    def visible_keys(self) -> list[str]:
        hidden: set[str] = getattr(self, "_hidden", set())
        return [f.key for f in self.fields if f.key not in hidden]

    def focus_field(self, key: str) -> None:
        found = self.query(f"#decl-{key}")
        if found:
            found.first().focus()

    def focus_next_after(self, key: str) -> None:
        keys = self.visible_keys()
        if key in keys and keys.index(key) + 1 < len(keys):
            self.focus_field(keys[keys.index(key) + 1])

    def first_key(self) -> str:
        keys = self.visible_keys()
        return keys[0] if keys else ""

    # ------------------------------------------------------------------ events

    def _key_of(self, widget: Any) -> str:
        wid = getattr(widget, "id", "") or ""
        return wid.removeprefix("decl-") if wid.startswith("decl-") else ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from onestop.identity import looks_like_scan

        key = self._key_of(event.input)
        if not key:
            return
        event.stop()
        if looks_like_scan(event.value):
            self.read_scan(key, event.value)
            return
        if self.check(key):
            self.after_change(key)
            # Enter goes on to the next field still to fill (scans and the relation pre-fill the rest; Tab visits all)
            keys = self.visible_keys()
            later = keys[keys.index(key) + 1 :] if key in keys else []
            empty = [k for k in later if self.raw(k) in ("", None)]
            if empty:
                self.focus_field(empty[0])
            else:
                self.post_message(self.Done(self))

    def on_input_changed(self, event: Input.Changed) -> None:
        key = self._key_of(event.input)
        if key:
            event.stop()
            self.post_message(self.Changed(self, key))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        key = self._key_of(event.checkbox)
        if key:
            event.stop()
            self.after_change(key)
            self.post_message(self.Changed(self, key))

    def on_descendant_blur(self, event: Any) -> None:
        key = self._key_of(event.widget)
        if key and isinstance(event.widget, Input):
            from onestop.identity import looks_like_scan

            if not looks_like_scan(event.widget.value) and self.check(key):
                self.after_change(key)

    def after_change(self, key: str) -> None:
        """Conditions and the "Quan hệ = Mẹ/Cha" copy follow each answer."""
        self.refresh_visibility()
        if key == "QuanHe" and self.applicant is not None:
            self.copy_applicant_by_relation()

    def copy_applicant_by_relation(self) -> None:
        from onestop.declarations.service import COPY_APPLICANT_TO, person_values

        relation = self.normalised().get("QuanHe", "")
        block = COPY_APPLICANT_TO.get(str(relation))
        if block and any(f.person == block for f in self.fields):
            self.fill(person_values(self.definition, block, self.applicant, values=self.normalised()))

    def fill(self, values: dict[str, Any], *, overwrite: bool = False) -> None:
        for key, value in values.items():
            if key in self.by_key and (overwrite or not self.raw(key) or self.raw(key) is False):
                self.set_value(key, value)
        self.refresh_visibility()

    def block_of(self, key: str) -> str:
        f = self.by_key.get(key)
        return f.person if f is not None else ""

    def read_scan(self, key: str, text: str) -> None:
        """A CCCD QR scanned into a field fills the person block that field belongs to (the requester otherwise)."""
        from onestop import identity
        from onestop.declarations.service import person_values
        from onestop.errors import BadInput
        from screens.intake_logic import split_scan

        before, scan_text = split_scan(text)
        block = self.block_of(key) or "requester"
        self.widget(key).value = before
        try:
            person = identity.to_person(identity.parse_qr(scan_text))
        except BadInput as err:
            self.set_error(key, err.message)
            return
        filled = person_values(self.definition, block, person, overwrite=True, values={})
        self.fill(filled, overwrite=True)
        self.post_message(self.Changed(self, key))
        # on to the first empty field of the block (or the next block)
        keys = self.visible_keys()
        block_keys = [k for k in keys if self.block_of(k) == block]
        empty = [k for k in block_keys if not self.raw(k)]
        if empty:
            self.focus_field(empty[0])
        elif block_keys:
            self.focus_next_after(block_keys[-1])

    def started(self) -> bool:
        """True once anything beyond the pre-filled requester and "Kính gửi" was typed (the form is then checked
        in full; an untouched form means the citizen brought a paper tờ khai)."""
        for f in self.fields:
            if f.person == "requester" or f.key in ("KinhGui", "QuanHe", "QuanHeKhac"):
                continue
            v = self.raw(f.key)
            if v not in ("", None, False) and not (f.default and self._is_default(f, v)):
                return True
        return False

    def _is_default(self, f: Any, shown: Any) -> bool:
        from onestop.declarations.values import display

        return str(shown) == display(f, f.default)

    def validate(self, registered_on: Any, now: Any) -> dict[str, Any] | None:
        """All fields and the form's cross-field rules; None after showing the first error at its field."""
        from onestop.declarations.values import validate_values
        from onestop.errors import BadInput

        ok = all([self.check(k) for k in self.visible_keys()])
        if not ok:
            first = next(k for k in self.visible_keys() if self.error(k))
            self.focus_field(first)
            return None
        try:
            return validate_values(self.definition, self.normalised(), registered_on=registered_on, now=now)
        except BadInput as err:
            key = err.field if err.field and err.field in self.by_key else self.first_key()
            self.set_error(key, err.message)
            self.focus_field(key)
            return None
