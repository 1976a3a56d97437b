"""The "Tờ khai" step: a declaration rendered from its Form.io definition, every field on the keyboard in form order.

- Enter moves to the next visible field still empty (what scans pre-filled is passed over), Tab to every field;
  groups are headed as on the paper.
- Each field is checked as it is left, with the Vietnamese message under it.
- Conditional fields appear and disappear as the officer answers.
- Dates accept `15031990` and show `15/03/1990`; a choice accepts its value, its label or an accent-free prefix.
- A CCCD QR scanned into any field of a person block (mother, father, the deceased, a party) fills that block;
  "Quan hệ … = Mẹ/Cha" copies the applicant into that parent's block.
- A person block whose ID number belongs to a known citizen (or a person an earlier declaration named) offers
  that person's stored data on one line; Ctrl+Y fills the block with it.
- A repeating group (Form.io editgrid/datagrid) is a list of rows: Ctrl+N adds a row after the focused one, Ctrl+B
  removes it; each row is checked like the other fields and saved and printed with its number.

Fields are found through dictionaries kept as they are built (never a DOM query per field), and a field hidden by
its condition is built only when an answer first shows it: opening the step only lays out what is on the form.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import NULL_OFFSET, NULL_SPACING, Region, Size
from textual.layout import ArrangeResult, Layout, WidgetPlacement
from textual.message import Message
from textual.suggester import Suggester
from textual.visual import visualize
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Static

QUIET_INPUT = "-textual-compact -valid"
"""The classes a compact Input without validators gives itself when built and when its value is set."""


LABEL_WIDTH = 34
"""Cells of a field's label, left of its input."""


class _FieldLayout(Layout):
    """A field row's layout: its one input from cell `LABEL_WIDTH` to the end of the line."""

    name = "field"

    def arrange(self, parent: Widget, children: list[Widget], size: Size, greedy: bool = True) -> ArrangeResult:
        region = Region(LABEL_WIDTH, 0, max(size.width - LABEL_WIDTH, 0), 1)
        return [WidgetPlacement(region, NULL_OFFSET, NULL_SPACING, child) for child in children[:1]]


_FIELD_LAYOUT = _FieldLayout()


class FieldRow(Widget):
    """One text field's line: the row draws the field's label itself in its first `LABEL_WIDTH` cells (the first
    line of the label wrapped to that width, as a Label that wide on a one-line row shows it) and places the input
    after it. Two widgets per field to lay out and paint instead of three (row, Label, Input): the Tờ khai step
    opens with ~60 of them."""

    DEFAULT_CSS = """
    FieldRow { width: 1fr; height: 1; overflow: hidden hidden; }
    """

    def __init__(self, label: str, field: Widget, **kwargs: Any) -> None:
        super().__init__(field, **kwargs)
        self.label = label
        self._line: Content | None = None

    @property
    def layout(self) -> Layout:
        return _FIELD_LAYOUT

    def render(self) -> Content:
        if self._line is None:
            content = visualize(self, self.label, markup=True)
            lines = content.wrap(LABEL_WIDTH) if isinstance(content, Content) else []
            self._line = lines[0] if lines else Content("")
        return self._line


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
    DeclarationForm .decl-known { padding-left: 34; color: $success; }
    DeclarationForm .decl-repeat { height: auto; }
    DeclarationForm .decl-rep-row { height: auto; border-left: solid $accent; }
    DeclarationForm .decl-rep-title { color: $text-muted; }
    DeclarationForm .-hidden { display: none; }
    """

    BINDINGS = [
        Binding("ctrl+y", "use_known", "Điền dữ liệu đã biết", tooltip="Điền khối người này từ dữ liệu đã lưu"),
        Binding("ctrl+n", "add_row", "Thêm dòng", tooltip="Thêm một dòng vào nhóm lặp"),
        Binding("ctrl+b", "remove_row", "Bỏ dòng", tooltip="Bỏ dòng đang nhập của nhóm lặp"),
    ]

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
        self,
        definition: Any,
        values: dict[str, Any] | None = None,
        *,
        applicant: Any = None,
        lookup: Any = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.definition = definition
        self.initial = dict(values or {})
        self.applicant = applicant
        self.lookup = lookup
        """`known_person(id_number)` of the declarations service (None: no offers)."""
        self.fields = [f for f in definition.fields if not f.repeat]
        self.by_key = {f.key: f for f in self.fields}
        self.order = {f.key: i for i, f in enumerate(self.fields)}
        for f in self.fields:  # Form.io defaultValue (e.g. Quốc tịch: Việt Nam) shows until the officer changes it
            if f.default and f.key not in self.initial:
                self.initial[f.key] = f.default
        self.errors: dict[str, str] = {}
        self.missing: list[tuple[str, str]] = []
        """(key, label) of the required fields left empty at the last `validate`."""
        self.built: set[str] = set()
        self._inputs: dict[str, Any] = {}  # field key → its Input/Checkbox
        self._rows: dict[str, Any] = {}  # field key → its row
        self._errs: dict[str, Any] = {}  # field key → its error line (made the first time one is needed)
        self._group_heads: dict[str, Any] = {}
        self._pending: list[Any] = []
        self._hidden: set[str] = set()
        # repeating groups: group key → its Group, members, and the serials of its rows in order
        self.repeats: dict[str, Any] = {}
        self.members: dict[str, list[Any]] = {}
        self.row_ids: dict[str, list[int]] = {}
        self._rep_inputs: dict[tuple[str, int, str], Any] = {}
        self._rep_rows: dict[tuple[str, int], Any] = {}
        self._rep_titles: dict[tuple[str, int], Any] = {}
        self._rep_boxes: dict[str, Any] = {}
        self._serial = 0
        for f in definition.fields:
            if f.repeat:
                self.members.setdefault(f.repeat, []).append(f)
        # the known-citizen offer: (block, values it would fill) and the id numbers already looked up
        self.offer: tuple[str, dict[str, Any]] | None = None
        self._offer_line: Any = None
        self._looked_up: dict[str, str] = {}
        self._initial_hidden = self._hidden_by(self._initial_data())

    # ------------------------------------------------------------------ building

    FIRST_PAINT_FIELDS = 12
    """Groups holding about this many fields are built at once; the rest right after the first paint."""

    def _initial_data(self) -> dict[str, Any]:
        from onestop.declarations.values import normalise
        from onestop.errors import BadInput

        out: dict[str, Any] = {}
        for f in self.fields:
            raw = self.initial.get(f.key)
            if raw in (None, ""):
                continue
            try:
                if f.choices:
                    choice = resolve_choice(f, str(raw))
                    raw = choice.value if choice else raw
                v = normalise(f, raw)
            except BadInput:
                continue
            if v is not None:
                out[f.key] = v
        return out

    def _hidden_by(self, data: dict[str, Any]) -> set[str]:
        from onestop.declarations.values import visible

        return {f.key for f in self.fields if (f.condition or f.parent_conditions) and not visible(f, data)}

    def compose(self) -> ComposeResult:
        yield Label(self.definition.title, classes="decl-title")
        self._hidden = set(self._initial_hidden)
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

        if group.repeat:
            return [self._repeat_box(group)]
        out: list[Any] = []
        if group.title:
            head = Label(group.title, classes="decl-group")
            self._group_heads[group.key] = head
            out.append(head)
        for item in group.items:
            if isinstance(item, StaticText) and item.text:
                out.append(Static(item.text, classes="decl-static"))
            elif isinstance(item, Field) and not item.repeat:
                if item.key in self._hidden:  # built when an answer shows it
                    continue
                out.append(self._row(item))
            elif isinstance(item, Group) and item.repeat:
                out.append(self._repeat_box(item))
        return out

    def _input(self, f: Any, initial: Any, wid: str) -> Any:
        from onestop.declarations.values import display

        if f.type == "checkbox":
            return Checkbox(value=bool(initial), id=wid, compact=True)
        placeholder = f.placeholder or {
            "date": "dd/MM/yyyy" + (" hoặc năm" if f.year_only else ""),
            "time": "HH:mm",
        }.get(f.type, "")
        if f.choices and not placeholder:
            placeholder = " / ".join(c.label for c in f.choices[:4]) + (" …" if len(f.choices) > 4 else "")
        return Input(
            value=display(f, initial) if initial not in (None, "") else "",
            placeholder=placeholder,
            id=wid,
            # the classes Input sets on itself at once (compact, no validators: valid), given up front so that
            # building and pre-filling a field does not restyle it twice (the form has ~60 of them)
            classes=QUIET_INPUT,
            compact=True,
            max_length=max(f.max_length, 0) if f.type in ("text", "textarea") else 40,
            suggester=ChoiceSuggester([c.label for c in f.choices]) if f.choices else None,
        )

    def _row(self, f: Any) -> Widget:
        label = f.label + (" *" if f.required else "")
        widget = self._input(f, self.initial.get(f.key), f"decl-{f.key}")
        row = self._line(label, widget, id=f"row-{f.key}")
        self._inputs[f.key] = widget
        self._rows[f.key] = row
        self.built.add(f.key)
        return row

    @staticmethod
    def _line(label: str, widget: Any, id: str | None = None) -> Widget:
        """A field's row: a text field on a `FieldRow`; a checkbox (as wide as its text) beside a Label."""
        if isinstance(widget, Checkbox):
            return Horizontal(Label(label, classes="decl-label"), widget, classes="decl-row", id=id)
        return FieldRow(label, widget, classes="decl-row", id=id)

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
        if self._pending:
            self.call_after_refresh(self._mount_rest)
        else:
            self.refresh_visibility()

    def _build_late(self, key: str) -> None:
        """Mount the row of a field its condition hid when the form was built, in its place in form order."""
        f = self.by_key[key]
        row = self._row(f)
        index = self.order[key]
        before = next((self._rows[k.key] for k in self.fields[index + 1 :] if k.key in self._rows), None)
        after = next((self._rows[k.key] for k in reversed(self.fields[:index]) if k.key in self._rows), None)
        if after is not None and self.fields[index - 1].group == f.group:
            self.mount(row, after=self._errs.get(self.fields[index - 1].key) or after)
        elif before is not None:
            self.mount(row, before=before)
        else:
            self.mount(row)

    # ------------------------------------------------------------------ values

    def widget(self, key: str) -> Any:
        return self._inputs[key]

    def raw(self, key: str) -> Any:
        w = self._inputs.get(key)
        if w is None:
            from onestop.declarations.values import display

            v = self.initial.get(key)
            return display(self.by_key[key], v) if v not in (None, "") else ""
        return w.value if isinstance(w, Checkbox) else w.value.strip()

    def values(self) -> dict[str, Any]:
        """Typed values (choices by label, dates as shown), visible fields only, empty ones left out; a repeating
        group as its list of non-empty rows."""
        out: dict[str, Any] = {}
        for f in self.fields:
            if f.key in self._hidden:
                continue
            v = self.raw(f.key)
            if v not in ("", None) and not (f.type == "checkbox" and v is False):
                out[f.key] = v
        for group in self.members:
            rows = [r for r in self.row_values(group) if r]
            if rows and self.group_visible(group):
                out[group] = rows
        return out

    def normalised(self) -> dict[str, Any]:
        """Values normalised field by field (for conditions): choice values, dates `dd/MM/yyyy`."""
        out: dict[str, Any] = {}
        for f in self.fields:
            v = self._normal(f, self.raw(f.key))
            if v is not None:
                out[f.key] = v
        for group, members in self.members.items():
            rows = []
            for raw_row in self.row_values(group):
                row = {m.key: v for m in members if (v := self._normal(m, raw_row.get(m.key, ""))) is not None}
                if row:
                    rows.append(row)
            if rows:
                out[group] = rows
        return out

    @staticmethod
    def _normal(f: Any, raw: Any) -> Any:
        from onestop.declarations.values import normalise
        from onestop.errors import BadInput

        try:
            if f.choices and raw:
                choice = resolve_choice(f, raw)
                raw = choice.value if choice else raw
            return normalise(f, raw)
        except BadInput:
            return None

    def set_value(self, key: str, value: Any) -> None:
        from onestop.declarations.values import display

        f = self.by_key[key]
        w = self._inputs.get(key)
        if w is None:
            self.initial[key] = value
            return
        if isinstance(w, Checkbox):
            w.value = bool(value)
        else:
            w.value = display(f, value) if value not in (None, "") else ""
        self.set_error(key, "")

    def set_error(self, key: str, message: str) -> None:
        """The message under the field; its line is created the first time it is needed (fewer widgets to open)."""
        self.errors[key] = message
        if key not in self._rows:
            return
        err = self._errs.get(key)
        if err is not None:
            err.update(message)
            err.set_class(bool(message), "-shown")
        elif message:
            err = self._errs[key] = Static(message, id=f"err-{key}", classes="field-error -shown")
            self.mount(err, after=self._rows[key])

    def error(self, key: str) -> str:
        return self.errors.get(key, "")

    # ------------------------------------------------------------------ checking as the officer types

    def check(self, key: str) -> bool:
        """Normalise one field in place (date `15031990` → `15/03/1990`, a choice → its label); show its error."""
        w = self._inputs.get(key)
        if w is None or isinstance(w, Checkbox):
            return True
        f = self.by_key[key]
        message, shown = self._checked(f, w.value.strip())
        if message:
            self.set_error(key, message)
            return False
        if shown != w.value:
            w.value = shown
        self.set_error(key, "")
        return True

    @staticmethod
    def _checked(f: Any, text: str, *, required: bool | None = None) -> tuple[str, str]:
        """(error message or "", the value as shown) for what was typed into `f`."""
        from onestop.declarations.values import display, field_label, normalise
        from onestop.errors import BadInput

        try:
            if f.choices and text:
                choice = resolve_choice(f, text)
                if choice is None:
                    raise BadInput(f"{field_label(f)}: '{text[:40]}' không có trong danh sách lựa chọn.", field=f.key)
                text = choice.value
            value = normalise(f, text)
        except BadInput as err:
            return err.message, text
        if value is None and (f.required if required is None else required):
            return f"Chưa nhập {field_label(f)}.", ""
        return "", display(f, value) if value is not None else ""

    def refresh_visibility(self) -> None:
        """Conditions follow the answers: rows shown/hidden, a row built the first time its field shows."""
        from onestop.declarations.values import visible

        data = self.normalised()
        self._hidden = {f.key for f in self.fields if not visible(f, data)}
        for f in self.fields:
            hidden = f.key in self._hidden
            row = self._rows.get(f.key)
            if row is None:
                if not hidden and not self._pending and (f.condition or f.parent_conditions):
                    self._build_late(f.key)
                continue
            if row.has_class("-hidden") != hidden:
                row.set_class(hidden, "-hidden")
                if hidden:
                    self.set_error(f.key, "")
        for group, box in self._rep_boxes.items():
            box.set_class(not self.group_visible(group, data), "-hidden")

    def visible_keys(self) -> list[str]:
        return [f.key for f in self.fields if f.key not in self._hidden]

    def focus_field(self, key: str) -> None:
        w = self._inputs.get(key)
        if w is not None:
            w.focus()

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

        rep = self._rep_of(event.input)
        if rep is not None:
            event.stop()
            self._row_submitted(*rep)
            return
        key = self._key_of(event.input)
        if not key:
            return
        event.stop()
        if looks_like_scan(event.value):
            self.read_scan(key, event.value)
            return
        if self.check(key):
            self.after_change(key)
            self.focus_onward(key)

    def focus_onward(self, key: str) -> None:
        """Enter goes on to the next field still to fill (scans and the relation pre-fill the rest; Tab visits all),
        through a repeating group sitting between them."""
        keys = self.visible_keys()
        later = keys[keys.index(key) + 1 :] if key in keys else []
        position = self.order.get(key, -1)
        for group in self._groups_between(position, self.order.get(later[0], len(self.fields)) if later else None):
            serials = self.row_ids.get(group) or []
            if serials and self.group_visible(group):
                self._focus_row(group, serials[0])
                return
        empty = [k for k in later if self.raw(k) in ("", None)]
        if empty:
            self.focus_field(empty[0])
        else:
            self.post_message(self.Done(self))

    def on_input_changed(self, event: Input.Changed) -> None:
        key = self._key_of(event.input) or ("rep" if self._rep_of(event.input) else "")
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
        if not isinstance(event.widget, Input):
            return
        from onestop.identity import looks_like_scan

        if looks_like_scan(event.widget.value):
            return
        rep = self._rep_of(event.widget)
        if rep is not None:
            self.check_row_field(*rep)
            return
        key = self._key_of(event.widget)
        if key and self.check(key):
            self.after_change(key)

    def on_descendant_focus(self, event: Any) -> None:
        self.refresh_bindings()  # the row keys live only inside a repeating group

    def after_change(self, key: str) -> None:
        """Conditions, the "Quan hệ = Mẹ/Cha" copy and the known-citizen offer follow each answer."""
        self.refresh_visibility()
        if key == "QuanHe" and self.applicant is not None:
            self.copy_applicant_by_relation()
        f = self.by_key.get(key)
        if f is not None and f.role == "id_number" and f.person:
            self.offer_known(f.person)

    def copy_applicant_by_relation(self) -> None:
        from onestop.declarations.service import COPY_APPLICANT_TO, person_values

        relation = self.normalised().get("QuanHe", "")
        block = COPY_APPLICANT_TO.get(str(relation))
        if block and any(f.person == block for f in self.fields):
            self.fill(person_values(self.definition, block, self.applicant, values=self.normalised()))
            self.offer_known(block)

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
        self.offer_known(block)
        # on to the first empty field of the block (or the next block)
        keys = self.visible_keys()
        block_keys = [k for k in keys if self.block_of(k) == block]
        empty = [k for k in block_keys if not self.raw(k)]
        if empty:
            self.focus_field(empty[0])
        elif block_keys:
            self.focus_next_after(block_keys[-1])

    # ------------------------------------------------------------------ a known citizen's earlier data

    def offer_known(self, block: str) -> None:
        """When the block's ID number belongs to someone this counter knows, offer their stored data (Ctrl+Y)."""
        from onestop.declarations.service import known_summary, known_values

        if self.lookup is None or block == "requester":  # the requester is the applicant, recalled on step 2
            return
        id_key = next((f.key for f in self.fields if f.person == block and f.role == "id_number"), "")
        id_number = self.normalised().get(id_key, "") if id_key else ""
        if not id_number or self._looked_up.get(block) == id_number:
            return
        self._looked_up[block] = id_number
        known = self.lookup(id_number)
        wanted = known_values(self.definition, block, known) if known is not None else {}
        current = self.normalised()
        adds = {k: v for k, v in wanted.items() if current.get(k) != v and self._may_fill(k)}
        if not adds:
            self._show_offer(None, "")
            return
        label = next((f.group for f in self.fields if f.person == block and f.group), block)
        text = f"Đã biết {id_number}: {known_summary(known)} — Ctrl+Y: điền vào {label}"
        self._show_offer((block, adds), text, after=id_key)

    def _may_fill(self, key: str) -> bool:
        """An empty field, or one still showing the form's default, takes a known value."""
        shown = self.raw(key)
        f = self.by_key[key]
        return shown in ("", None, False) or (bool(f.default) and self._is_default(f, shown))

    def _show_offer(self, offer: tuple[str, dict[str, Any]] | None, text: str, after: str = "") -> None:
        """One offer line at a time, under the ID number it answers (hidden when there is nothing to offer)."""
        self.offer = offer
        line = self._offer_line
        if offer is None or after not in self._rows:
            self.offer = None
            if line is not None:
                line.display = False
        else:
            anchor = self._errs.get(after) or self._rows[after]
            if line is None:
                line = self._offer_line = Static(text, id="decl-known", classes="decl-known")
                self.mount(line, after=anchor)
            else:
                line.update(text)
                line.display = True
                self.move_child(line, after=anchor)
        self.refresh_bindings()

    def action_use_known(self) -> None:
        if self.offer is None:
            return
        block, adds = self.offer
        for key, value in adds.items():
            if self._may_fill(key):
                self.set_value(key, value)
        self._show_offer(None, "")
        self.refresh_visibility()
        self.post_message(self.Changed(self, next(iter(adds), "")))
        empty = [k for k in self.visible_keys() if self.block_of(k) == block and not self.raw(k)]
        if empty:
            self.focus_field(empty[0])

    # ------------------------------------------------------------------ repeating groups

    def _repeat_box(self, group: Any) -> Vertical:
        """The group's title with its keys, then one block per row (at least one, empty, to type into)."""
        self.repeats[group.key] = group
        self.row_ids[group.key] = []
        rows = [r for r in (self.initial.get(group.key) or []) if isinstance(r, dict)] or [{}]
        children: list[Any] = [Label(f"{group.title} (Ctrl+N: thêm dòng · Ctrl+B: bỏ dòng)", classes="decl-group")]
        for n, values in enumerate(rows, start=1):
            children.append(self._new_row(group.key, values, n))
            self.row_ids[group.key].append(self._serial)
        box = Vertical(*children, classes="decl-repeat", id=f"rep-{group.key}")
        self._rep_boxes[group.key] = box
        return box

    def _new_row(self, group: str, values: dict[str, Any], n: int = 0) -> Vertical:
        self._serial += 1
        serial = self._serial
        title = self._rep_titles[(group, serial)] = Label(f"Dòng {n}" if n else "", classes="decl-rep-title")
        widgets: list[Any] = [title]
        for m in self.members[group]:
            widget = self._input(m, values.get(m.key), f"rin-{group}-{serial}-{m.key}")
            self._rep_inputs[(group, serial, m.key)] = widget
            widgets.append(self._line(m.label + (" *" if m.required else ""), widget))
        row = Vertical(*widgets, classes="decl-rep-row", id=f"rrow-{group}-{serial}")
        self._rep_rows[(group, serial)] = row
        return row

    def _number_rows(self, group: str) -> None:
        for n, serial in enumerate(self.row_ids[group], start=1):
            self._rep_titles[(group, serial)].update(f"Dòng {n}")

    def _rep_of(self, widget: Any) -> tuple[str, int, str] | None:
        wid = getattr(widget, "id", "") or ""
        if not wid.startswith("rin-"):
            return None
        _, group, serial, key = wid.split("-", 3)
        return group, int(serial), key

    def row_values(self, group: str) -> list[dict[str, Any]]:
        """Each row's typed values (empty ones left out), in order."""
        out = []
        for serial in self.row_ids.get(group, []):
            row: dict[str, Any] = {}
            for m in self.members[group]:
                w = self._rep_inputs[(group, serial, m.key)]
                v = w.value if isinstance(w, Checkbox) else w.value.strip()
                if v not in ("", None, False):
                    row[m.key] = v
            out.append(row)
        if group not in self._rep_boxes:  # not built yet: what the form was opened with
            return [dict(r) for r in self.initial.get(group) or [] if isinstance(r, dict) and r]
        return out

    def group_visible(self, group: str, data: dict[str, Any] | None = None) -> bool:
        from onestop.declarations.values import visible

        members = self.members.get(group) or []
        return bool(members) and visible(members[0], self.normalised() if data is None else data)

    def _groups_between(self, position: int, end: int | None) -> list[str]:
        """Repeating groups whose members sit after field `position` and before the field at index `end`."""
        out = []
        all_fields = list(self.definition.fields)
        start_key = self.fields[position].key if 0 <= position < len(self.fields) else ""
        end_key = self.fields[end].key if end is not None and end < len(self.fields) else ""
        started = not start_key
        for f in all_fields:
            if f.key == start_key:
                started = True
                continue
            if f.key == end_key:
                break
            if started and f.repeat and f.repeat not in out:
                out.append(f.repeat)
        return out

    def _focus_row(self, group: str, serial: int, member: int = 0) -> None:
        key = self.members[group][member].key
        self._rep_inputs[(group, serial, key)].focus()

    def _focused_row(self) -> tuple[str, int, str] | None:
        focused = self.screen.focused if self.is_attached else None
        return self._rep_of(focused) if focused is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "use_known":
            return self.offer is not None
        if action in ("add_row", "remove_row"):
            return self._focused_row() is not None
        return True

    def action_add_row(self, values: dict[str, Any] | None = None) -> None:
        here = self._focused_row()
        if here is None:
            return
        group, serial, _ = here
        self._add_row(group, values or {}, after=serial)

    def _add_row(self, group: str, values: dict[str, Any], after: int | None = None) -> int:
        serials = self.row_ids[group]
        if len(serials) >= 50:
            self.notify("Nhóm lặp có tối đa 50 dòng.", severity="warning")
            return serials[-1]
        row = self._new_row(group, values)
        serial = self._serial
        box = self._rep_boxes[group]
        if after is None or after not in serials:
            box.mount(row)
            serials.append(serial)
        else:
            box.mount(row, after=self._rep_rows[(group, after)])
            serials.insert(serials.index(after) + 1, serial)
        self._number_rows(group)
        self.call_after_refresh(self._focus_row, group, serial)
        self.post_message(self.Changed(self, group))
        return serial

    def action_remove_row(self) -> None:
        here = self._focused_row()
        if here is None:
            return
        group, serial, _ = here
        serials = self.row_ids[group]
        if len(serials) == 1:  # the last row is emptied, not removed: the group stays reachable
            for m in self.members[group]:
                w = self._rep_inputs[(group, serial, m.key)]
                w.value = False if isinstance(w, Checkbox) else ""
                self._set_row_error(group, serial, m.key, "")
            self._focus_row(group, serial)
        else:
            index = serials.index(serial)
            serials.remove(serial)
            self._rep_rows.pop((group, serial)).remove()
            self._rep_titles.pop((group, serial), None)
            for m in self.members[group]:
                self._rep_inputs.pop((group, serial, m.key), None)
                self.errors.pop(f"{group}-{serial}-{m.key}", None)
            self._number_rows(group)
            self._focus_row(group, serials[min(index, len(serials) - 1)])
        self.post_message(self.Changed(self, group))

    def check_row_field(self, group: str, serial: int, key: str) -> bool:
        w = self._rep_inputs.get((group, serial, key))
        if w is None or isinstance(w, Checkbox):
            return True
        member = next(m for m in self.members[group] if m.key == key)
        row_has_values = any(self.row_values(group)[self.row_ids[group].index(serial)].values())
        message, shown = self._checked(member, w.value.strip(), required=member.required and row_has_values)
        self._set_row_error(group, serial, key, message)
        if not message and shown != w.value:
            w.value = shown
        return not message

    def _set_row_error(self, group: str, serial: int, key: str, message: str) -> None:
        self.errors[f"{group}-{serial}-{key}"] = message
        found = self._errs.get(f"{group}-{serial}-{key}")
        if found is not None:
            found.update(message)
            found.set_class(bool(message), "-shown")
        elif message:
            line = self._errs[f"{group}-{serial}-{key}"] = Static(message, classes="field-error -shown")
            self._rep_rows[(group, serial)].mount(line, after=self._rep_inputs[(group, serial, key)].parent)

    def row_error(self, group: str, n: int, key: str) -> str:
        """The message under field `key` of row `n` (1-based) of a repeating group."""
        serial = self.row_ids[group][n - 1]
        return self.errors.get(f"{group}-{serial}-{key}", "")

    def _row_submitted(self, group: str, serial: int, key: str) -> None:
        if not self.check_row_field(group, serial, key):
            return
        members = [m.key for m in self.members[group]]
        index = members.index(key)
        if index + 1 < len(members):
            self._focus_row(group, serial, index + 1)
            return
        serials = self.row_ids[group]
        if serials.index(serial) + 1 < len(serials):
            self._focus_row(group, serials[serials.index(serial) + 1])
            return
        # past the group's last row: on to the next field still to fill
        last_member = self.members[group][-1].key
        position = [f.key for f in self.definition.fields].index(last_member)
        later = [f.key for f in self.definition.fields[position + 1 :] if not f.repeat]
        keys = [k for k in later if k not in self._hidden and self.raw(k) in ("", None)]
        if keys:
            self.focus_field(keys[0])
        else:
            self.post_message(self.Done(self))

    # ------------------------------------------------------------------ the whole form

    def _is_default(self, f: Any, shown: Any) -> bool:
        from onestop.declarations.values import display

        return str(shown) == display(f, f.default)

    def validate(self, registered_on: Any, now: Any) -> dict[str, Any] | None:
        """All fields, every row, and the form's cross-field rules; None after showing the first error at its field
        (`missing` lists the required fields left empty)."""
        from onestop.declarations.values import missing_required, validate_values
        from onestop.errors import BadInput

        ok = all([self.check(k) for k in self.visible_keys()])
        first_row: tuple[str, int, str] | None = None
        for group, serials in self.row_ids.items():
            if not self.group_visible(group):
                continue
            for serial in serials:
                for m in self.members[group]:
                    if not self.check_row_field(group, serial, m.key) and first_row is None:
                        first_row = (group, serial, m.key)
        data = self.normalised()
        self.missing = missing_required(self.definition, data)
        for key, label in self.missing:
            if key in self.by_key and not self.error(key):
                self.set_error(key, f"Chưa nhập {label}.")
        if not ok or self.missing or first_row is not None:
            first = next((k for k in self.visible_keys() if self.error(k)), "")
            if first:
                self.focus_field(first)
            elif first_row is not None:
                self._rep_inputs[first_row].focus()
            return None
        try:
            return validate_values(self.definition, data, registered_on=registered_on, now=now)
        except BadInput as err:
            key = err.field if err.field and err.field in self.by_key else self.first_key()
            self.set_error(key, err.message)
            self.focus_field(key)
            return None
