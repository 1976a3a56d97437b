"""Reading a Form.io JSON definition of a declaration (tờ khai) into a flat, ordered list of fields.

A definition is an ordinary Form.io form object (`components`, `properties`), the format the Thanh Hóa provincial
system stores its e-forms in. onestop keeps its own data in the standard `properties` bags:

- form `properties`: `version`, `procedures` (catalog codes), `kinhGui`, `heading`, `closing`, `signatures`,
  `notes`, `rules` (cross-field checks, see `onestop.declarations.rules`), `legalBasis`, `evidence`;
- component `properties`: `evidence` (A/B/C grade kept as provenance), `source`, `portalId` ("yes" when the key is a
  national portal e-form id observed in FORMS.md §7.1), `list` (a shipped choice list filling `data.values`),
  `yearOnly` ("allowed" on a date that may hold a year alone), `person` (the person block a field belongs to).

Only the components a tờ khai needs are read; anything else is refused at import with a Vietnamese message naming
its key, never silently dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from onestop.declarations.lists import choice_list
from onestop.errors import BadInput

INPUT_TYPES = {
    "textfield": "text",
    "textarea": "textarea",
    "number": "number",
    "datetime": "date",
    "day": "date",
    "time": "time",
    "select": "select",
    "radio": "radio",
    "checkbox": "checkbox",
}
GROUP_TYPES = {"panel", "fieldset", "well"}
LAYOUT_TYPES = {"columns"}
REPEAT_TYPES = {"editgrid", "datagrid"}
STATIC_TYPES = {"content", "htmlelement"}
SUPPORTED = set(INPUT_TYPES) | GROUP_TYPES | LAYOUT_TYPES | REPEAT_TYPES | STATIC_TYPES

LIST_FACTS = {"dan-toc": "ethnicity", "quoc-tich": "nationality", "gioi-tinh": "gender", "giay-to": "id_type"}
"""The person fact a field filled from a shipped list holds."""

DEFAULT_MAX = {"text": 200, "textarea": 2000}
"""Length caps when a definition sets no `validate.maxLength` (a 5,000-character paste is always refused)."""

JSON_LOGIC_OPS = {"==", "===", "!=", "!==", "and", "or", "!", "in", "var", "<", "<=", ">", ">=", "!!"}
_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Condition:
    """`conditional.show/when/eq` (simple) or `conditional.json` (a JSON Logic expression)."""

    show: bool = True
    when: str = ""
    eq: str = ""
    logic: Any = None


@dataclass(frozen=True)
class Field:
    """One input of a declaration, in form order."""

    key: str
    label: str
    type: str  # text | textarea | number | date | time | select | radio | checkbox
    group: str  # the panel/fieldset title it sits in
    required: bool = False
    pattern: str = ""
    max_length: int = 0
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Choice, ...] = ()
    year_only: bool = False  # a date that may hold just a year
    condition: Condition | None = None
    parent_conditions: tuple[Condition, ...] = ()
    repeat: str = ""  # key of the repeating group holding this field, if any
    evidence: str = ""
    source: str = ""
    portal_id: bool = False
    person: str = ""  # person block (e.g. "child", "mother") used for search and ID-scan pre-fill
    role: str = ""  # what the field means inside its person block (name, birth, id_number, …)
    placeholder: str = ""
    description: str = ""
    row: str = ""  # key of the `columns` component it sits in: printed on one line with its neighbours
    default: str = ""  # Form.io `defaultValue`: what the form shows before the officer types (e.g. VN)
    choice_list: str = ""  # the shipped list filling the choices (dan-toc, quoc-tich, …), if any

    @property
    def fact(self) -> str:
        """What the field holds about its person: its `role`, else what its shipped list says (a block's ethnicity
        and nationality carry no role in the definitions)."""
        return self.role or LIST_FACTS.get(self.choice_list, "")

    def choice_for(self, text: str) -> Choice | None:
        """The choice whose value or label matches `text` (accents and case ignored for labels)."""
        from onestop.text import fold

        raw = str(text).strip()
        for c in self.choices:
            if raw == c.value:
                return c
        folded = fold(raw)
        for c in self.choices:
            if folded and (folded == fold(c.label) or folded == fold(c.value)):
                return c
        return None


@dataclass(frozen=True)
class Group:
    """A panel/fieldset (or a repeating group) as printed on the paper: a title and its members in order."""

    key: str
    title: str
    items: tuple[Any, ...]  # Field | StaticText | Group (nested repeat)
    repeat: bool = False
    condition: Condition | None = None


@dataclass(frozen=True)
class StaticText:
    key: str
    text: str


@dataclass(frozen=True)
class FormDefinition:
    name: str
    version: int
    title: str
    procedures: tuple[str, ...]
    fields: tuple[Field, ...]
    groups: tuple[Group, ...]
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)
    kinh_gui: str = ""
    heading: str = ""
    closing: tuple[str, ...] = ()
    signatures: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    rules: tuple[dict[str, Any], ...] = ()
    legal_basis: str = ""
    evidence: str = ""
    left_out: tuple[str, ...] = ()  # rows of the paper form not built (UNSOURCED), as documented provenance
    copy_request: bool = False

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def has(self, key: str) -> bool:
        return any(f.key == key for f in self.fields)

    @property
    def props(self) -> dict[str, Any]:
        return dict(self.raw.get("properties") or {})


def _fail(message: str) -> BadInput:
    return BadInput(message, field="form")


def _check_logic(expr: Any, key: str, keys: set[str]) -> None:
    """Refuse a JSON Logic expression using operators we do not evaluate or naming an unknown field."""
    if isinstance(expr, dict):
        if len(expr) != 1:
            raise _fail(f"Điều kiện hiển thị của trường '{key}' không hợp lệ (JSON Logic).")
        op, args = next(iter(expr.items()))
        if op not in JSON_LOGIC_OPS:
            raise _fail(f"Điều kiện hiển thị của trường '{key}' dùng phép '{str(op)[:20]}' chưa được hỗ trợ.")
        if op == "var":
            name = args[0] if isinstance(args, list) and args else args
            if not isinstance(name, str):
                raise _fail(f"Điều kiện hiển thị của trường '{key}' không hợp lệ (JSON Logic).")
            ref = name.removeprefix("data.").removeprefix("row.")
            if ref.split(".")[0] not in keys:
                raise _fail(f"Điều kiện hiển thị của trường '{key}' nhắc tới trường không có: '{ref[:40]}'.")
            return
        for a in args if isinstance(args, list) else [args]:
            _check_logic(a, key, keys)
    elif isinstance(expr, list):
        for a in expr:
            _check_logic(a, key, keys)


def _condition(comp: dict[str, Any], key: str) -> Condition | None:
    cond = comp.get("conditional")
    if not cond or not isinstance(cond, dict):
        return None
    if cond.get("json"):
        return Condition(logic=cond["json"])
    when = cond.get("when")
    if not when:
        return None
    show = cond.get("show", True)
    if isinstance(show, str):
        show = show.strip().lower() == "true"
    return Condition(show=bool(show), when=str(when), eq="" if cond.get("eq") is None else str(cond.get("eq")))


def _choices(comp: dict[str, Any], key: str) -> tuple[Choice, ...]:
    props = comp.get("properties") or {}
    if props.get("list"):
        try:
            return tuple(Choice(v, label) for v, label in choice_list(str(props["list"])))
        except KeyError:
            raise _fail(f"Trường '{key}': không có danh sách lựa chọn '{str(props['list'])[:40]}'.") from None
    if comp.get("type") == "select":
        values = (comp.get("data") or {}).get("values")
        if comp.get("dataSrc") not in (None, "", "values") and not values:
            raise _fail(f"Trường '{key}': nguồn lựa chọn '{comp.get('dataSrc')}' chưa được hỗ trợ (cần data.values).")
    else:
        values = comp.get("values")
    out = []
    for v in values or []:
        if not isinstance(v, dict) or "value" not in v:
            raise _fail(f"Trường '{key}': lựa chọn không hợp lệ (cần value và label).")
        out.append(Choice(str(v["value"]), str(v.get("label", v["value"]))))
    if not out:
        raise _fail(f"Trường '{key}' là trường lựa chọn nhưng không có lựa chọn nào.")
    return tuple(out)


def _number(value: Any) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class _Reader:
    def __init__(self) -> None:
        self.fields: list[Field] = []
        self.keys: set[str] = set()
        self.all_keys: set[str] = set()

    def walk(
        self,
        components: Any,
        group: str,
        parents: tuple[Condition, ...],
        repeat: str,
        person: str,
        row: str = "",
    ) -> Iterator[Any]:
        if not isinstance(components, list):
            raise _fail("Định nghĩa tờ khai không hợp lệ: 'components' phải là một danh sách.")
        for comp in components:
            if not isinstance(comp, dict):
                raise _fail("Định nghĩa tờ khai không hợp lệ: mỗi thành phần phải là một đối tượng.")
            yield from self.component(comp, group, parents, repeat, person, row)

    def component(
        self, comp: dict[str, Any], group: str, parents: tuple[Condition, ...], repeat: str, person: str, row: str = ""
    ) -> Iterator[Any]:
        ctype = str(comp.get("type") or "")
        key = str(comp.get("key") or "")
        name = key or str(comp.get("label") or ctype or "?")
        if ctype not in SUPPORTED:
            raise _fail(f"Thành phần '{name[:60]}' có kiểu '{ctype[:30]}' chưa được hỗ trợ trong tờ khai.")
        if not _KEY_RE.match(key):
            raise _fail(f"Thành phần kiểu '{ctype}' có khóa (key) không hợp lệ: '{key[:60]}'.")
        if key in self.all_keys:
            raise _fail(f"Khóa '{key}' xuất hiện hai lần trong tờ khai.")
        self.all_keys.add(key)
        props = comp.get("properties") or {}
        cond = _condition(comp, key)
        person = str(props.get("person") or person)
        if ctype in STATIC_TYPES:
            text = comp.get("html") or comp.get("content") or ""
            yield StaticText(key, re.sub(r"<[^>]+>", "", str(text)).strip())
            return
        if ctype in GROUP_TYPES:
            title = str(comp.get("title") or comp.get("legend") or comp.get("label") or "")
            inner = parents + ((cond,) if cond else ())
            items = tuple(self.walk(comp.get("components") or [], title or group, inner, repeat, person))
            yield Group(key, title, items, condition=cond)
            return
        if ctype in LAYOUT_TYPES:
            inner = parents + ((cond,) if cond else ())
            for column in comp.get("columns") or []:
                if not isinstance(column, dict):
                    raise _fail(f"Cột của thành phần '{key}' không hợp lệ.")
                yield from self.walk(column.get("components") or [], group, inner, repeat, person, key)
            return
        if ctype in REPEAT_TYPES:
            if repeat:
                raise _fail(f"Nhóm lặp '{key}' nằm trong một nhóm lặp khác: chưa được hỗ trợ.")
            title = str(comp.get("label") or comp.get("title") or key)
            inner = parents + ((cond,) if cond else ())
            items = tuple(self.walk(comp.get("components") or [], title, inner, key, person))
            yield Group(key, title, items, repeat=True, condition=cond)
            return
        ftype = INPUT_TYPES[ctype]
        validate = comp.get("validate") or {}
        if not isinstance(validate, dict):
            raise _fail(f"Trường '{key}': mục validate không hợp lệ.")
        pattern = str(validate.get("pattern") or "")
        if pattern:
            try:
                re.compile(pattern)
            except re.error:
                raise _fail(f"Trường '{key}': mẫu kiểm tra (pattern) không hợp lệ.") from None
        max_length = validate.get("maxLength") or DEFAULT_MAX.get(ftype, 0)
        try:
            max_length = int(max_length)
        except (TypeError, ValueError):
            raise _fail(f"Trường '{key}': maxLength không hợp lệ.") from None
        year_only = False
        if ctype == "day":
            parts = comp.get("fields") or {}
            year_only = not (parts.get("day") or {}).get("required") and not (parts.get("month") or {}).get("required")
            year_only = year_only and str(props.get("yearOnly", "")).lower() in ("allowed", "true", "yes")
        f = Field(
            key=key,
            label=str(comp.get("label") or key),
            type=ftype,
            group=group,
            required=bool(validate.get("required")),
            pattern=pattern,
            max_length=max_length,
            minimum=_number(validate.get("min")),
            maximum=_number(validate.get("max")),
            choices=_choices(comp, key) if ftype in ("select", "radio") else (),
            year_only=year_only,
            condition=cond,
            parent_conditions=parents,
            repeat=repeat,
            evidence=str(props.get("evidence") or ""),
            source=str(props.get("source") or ""),
            portal_id=str(props.get("portalId") or "").lower() in ("yes", "true"),
            person=person,
            role=str(props.get("role") or ""),
            placeholder=str(comp.get("placeholder") or ""),
            description=str(comp.get("description") or ""),
            row=row,
            default="" if comp.get("defaultValue") in (None, "") else str(comp.get("defaultValue")),
            choice_list=str(props.get("list") or ""),
        )
        self.fields.append(f)
        self.keys.add(key)
        yield f


def parse_definition(data: Any) -> FormDefinition:
    """Read and check a Form.io definition; `BadInput` (Vietnamese, naming the component) when it cannot be used."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError:
            raise _fail("Tệp tờ khai không phải JSON hợp lệ.") from None
    if not isinstance(data, dict) or not isinstance(data.get("components"), list):
        raise _fail("Tệp tờ khai không phải một biểu mẫu Form.io (thiếu 'components').")
    name = str(data.get("name") or data.get("path") or "")
    if not re.match(r"^[a-z0-9][a-z0-9-]{1,63}$", name):
        raise _fail("Tờ khai cần 'name' gồm chữ thường không dấu, số và gạch nối (ví dụ to-khai-khai-sinh).")
    props = data.get("properties") or {}
    try:
        version = int(props.get("version") or 0)
    except (TypeError, ValueError):
        version = 0
    if version < 1:
        raise _fail("Tờ khai cần properties.version là số nguyên dương.")
    title = str(data.get("title") or "").strip()
    if not title:
        raise _fail("Tờ khai cần tiêu đề (title).")
    reader = _Reader()
    groups: list[Group] = []
    loose: list[Any] = []
    for item in reader.walk(data["components"], "", (), "", ""):
        if isinstance(item, Group):
            if loose:
                groups.append(Group(f"_g{len(groups)}", "", tuple(loose)))
                loose = []
            groups.append(item)
        else:
            loose.append(item)
    if loose:
        groups.append(Group(f"_g{len(groups)}", "", tuple(loose)))
    if not reader.fields:
        raise _fail("Tờ khai không có trường nhập nào.")
    # Conditions must name existing fields: a broken condition is refused at import, not discovered at the counter.
    for f in reader.fields:
        for cond in (f.condition, *f.parent_conditions):
            if cond is None:
                continue
            if cond.logic is not None:
                _check_logic(cond.logic, f.key, reader.keys)
            elif cond.when not in reader.keys:
                raise _fail(f"Điều kiện hiển thị của trường '{f.key}' nhắc tới trường không có: '{cond.when[:40]}'.")
    from onestop.declarations.rules import check_rules

    rules = tuple(props.get("rules") or ())
    check_rules(rules, {f.key: f for f in reader.fields})
    procedures = props.get("procedures") or []
    if not isinstance(procedures, list) or not all(isinstance(p, str) for p in procedures):
        raise _fail("properties.procedures phải là danh sách mã thủ tục.")

    def _texts(value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        return tuple(str(v) for v in value or ())

    return FormDefinition(
        name=name,
        version=version,
        title=title,
        procedures=tuple(procedures),
        fields=tuple(reader.fields),
        groups=tuple(groups),
        raw=data,
        kinh_gui=str(props.get("kinhGui") or ""),
        heading=str(props.get("heading") or ""),
        closing=_texts(props.get("closing")),
        signatures=_texts(props.get("signatures")),
        notes=_texts(props.get("notes")),
        rules=rules,
        legal_basis=str(props.get("legalBasis") or ""),
        evidence=str(props.get("evidence") or ""),
        left_out=_texts(props.get("leftOut")),
        copy_request=any(f.key == "CapBanSao" for f in reader.fields),
    )
