"""Declaration values: normalise what the officer typed (or a JSON file holds), check it against the definition.

Stored values are a JSON object of field key → value: text as NFC, dates `dd/MM/yyyy` (or `yyyy` where the form
allows a year alone), times `HH:mm`, numbers as int, a choice as its value, checkboxes as bool, a repeating group
as a list of such objects. Hidden (conditional) fields are dropped.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from onestop.declarations.definition import Condition, Field, FormDefinition
from onestop.declarations.rules import apply_rules, parse_date
from onestop.errors import BadInput
from onestop.text import clean, fold, nfc

MAX_RAW = 4000
"""No single value longer than this is even looked at (a 5,000-character paste is refused)."""


def field_label(f: Field) -> str:
    """The label an officer recognises: "Mẹ – Họ, chữ đệm, tên người mẹ"; the group is omitted when the label says it."""
    if f.group and fold(f.group) not in fold(f.label):
        return f"{f.group} – {f.label}"
    return f.label


# ---------------------------------------------------------------- visibility


def _truthy(v: Any) -> bool:
    return v not in (None, "", False, 0, [], {})


def _logic(expr: Any, data: dict[str, Any], row: dict[str, Any]) -> Any:
    """A small JSON Logic evaluator for the operators definitions may use (checked at import)."""
    if isinstance(expr, list):
        return [_logic(e, data, row) for e in expr]
    if not isinstance(expr, dict):
        return expr
    op, args = next(iter(expr.items()))
    if op == "var":
        name = args[0] if isinstance(args, list) else args
        default = args[1] if isinstance(args, list) and len(args) > 1 else None
        if name.startswith("row."):
            return row.get(name[4:], default)
        key = name.removeprefix("data.")
        return row.get(key, data.get(key, default)) if key in row else data.get(key, default)
    vals = args if isinstance(args, list) else [args]
    if op == "and":
        result: Any = True
        for a in vals:
            result = _logic(a, data, row)
            if not _truthy(result):
                return result
        return result
    if op == "or":
        result = False
        for a in vals:
            result = _logic(a, data, row)
            if _truthy(result):
                return result
        return result
    ev = [_logic(a, data, row) for a in vals]
    if op == "!":
        return not _truthy(ev[0])
    if op == "!!":
        return _truthy(ev[0])
    if op in ("==", "==="):
        return str(ev[0]) == str(ev[1]) if None not in ev[:2] else ev[0] == ev[1]
    if op in ("!=", "!=="):
        return not (str(ev[0]) == str(ev[1]) if None not in ev[:2] else ev[0] == ev[1])
    if op == "in":
        hay = ev[1]
        return ev[0] in hay if isinstance(hay, (list, str)) and ev[0] is not None else False
    try:
        a, b = float(ev[0]), float(ev[1])
    except (TypeError, ValueError):
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def condition_holds(cond: Condition | None, data: dict[str, Any], row: dict[str, Any] | None = None) -> bool:
    if cond is None:
        return True
    row = row or {}
    if cond.logic is not None:
        return _truthy(_logic(cond.logic, data, row))
    current = row.get(cond.when, data.get(cond.when))
    current = "" if current is None else current
    if isinstance(current, bool):
        current = "true" if current else "false"
    matches = str(current) == cond.eq
    return matches if cond.show else not matches


def visible(f: Field, data: dict[str, Any], row: dict[str, Any] | None = None) -> bool:
    return all(condition_holds(c, data, row) for c in (*f.parent_conditions, f.condition))


# ---------------------------------------------------------------- one value


def normalise(f: Field, raw: Any) -> Any:
    """One value typed for `f` → its stored form, or `BadInput` naming the field's label. Empty → None."""
    label = field_label(f)
    if raw is None:
        return None
    if isinstance(raw, str) and len(raw) > MAX_RAW:
        raise BadInput(f"{label}: quá dài ({len(raw)} ký tự).", field=f.key)
    if f.type == "checkbox":
        if isinstance(raw, bool):
            return raw
        text = fold(str(raw))
        if text in ("", "0", "false", "khong", "no"):
            return False
        if text in ("1", "true", "co", "x", "yes"):
            return True
        raise BadInput(f"{label}: chỉ nhận Có hoặc Không.", field=f.key)
    if isinstance(raw, (dict, list)):
        raise BadInput(f"{label}: giá trị không hợp lệ.", field=f.key)
    text = clean(str(raw)) if f.type != "textarea" else "\n".join(clean(line) for line in nfc(str(raw)).splitlines())
    text = text.strip()
    if not text:
        return None
    if f.type in ("text", "textarea"):
        if f.max_length and len(text) > f.max_length:
            raise BadInput(f"{label}: quá dài (tối đa {f.max_length} ký tự).", field=f.key)
        if f.pattern and not re.fullmatch(f.pattern, text):
            raise BadInput(f"{label}: '{text[:40]}' không đúng định dạng.", field=f.key)
        if f.role == "name":
            # a person's name on the tờ khai as the applicant's is kept: letters only, in Vietnamese title case
            # ("le minh khang" typed fast prints "Le Minh Khang")
            from onestop.identity import validate_name

            try:
                return validate_name(text, f.key)
            except BadInput as exc:
                raise BadInput(f"{label}: {exc.message}", field=f.key) from None
        return text
    if f.type == "number":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise BadInput(f"{label}: phải là một số.", field=f.key) from None
        if not number.is_integer():
            raise BadInput(f"{label}: phải là số nguyên.", field=f.key)
        if (f.minimum is not None and number < f.minimum) or (f.maximum is not None and number > f.maximum):
            lo = "" if f.minimum is None else f"{f.minimum:g}"
            hi = "" if f.maximum is None else f"{f.maximum:g}"
            raise BadInput(f"{label}: phải trong khoảng {lo}–{hi}.", field=f.key)
        return int(number)
    if f.type == "date":
        try:
            day, year = parse_date(text, year_only=f.year_only)
        except ValueError as exc:
            if str(exc) == "missing":
                raise BadInput(f"{label}: ngày '{text[:12]}' không tồn tại.", field=f.key) from None
            hint = "dd/MM/yyyy hoặc chỉ năm yyyy" if f.year_only else "dd/MM/yyyy"
            raise BadInput(f"{label}: '{text[:20]}' không phải ngày hợp lệ ({hint}).", field=f.key) from None
        if day is None:
            return f"{year:04d}"
        return day.strftime("%d/%m/%Y")
    if f.type == "time":
        m = re.fullmatch(r"(\d{1,2})[:hH ]?(\d{2})", text)
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise BadInput(f"{label}: '{text[:10]}' không phải giờ hợp lệ (HH:mm).", field=f.key)
        return f"{int(m.group(1)):02d}:{m.group(2)}"
    if f.type in ("select", "radio"):
        choice = f.choice_for(text)
        if choice is None:
            raise BadInput(f"{label}: '{text[:40]}' không có trong danh sách lựa chọn.", field=f.key)
        return choice.value
    raise BadInput(f"{label}: kiểu trường '{f.type}' không được hỗ trợ.", field=f.key)


def display(f: Field, value: Any) -> str:
    """A stored value as printed: the choice's label, "Có"/"Không", dates as stored."""
    if value is None or value == "":
        return ""
    if f.type in ("select", "radio"):
        for c in f.choices:
            if c.value == str(value):
                return c.label
        return str(value)
    if f.type == "checkbox":
        return "Có" if value else "Không"
    return str(value)


# ---------------------------------------------------------------- the whole declaration


def validate_values(
    defn: FormDefinition,
    raw: Any,
    *,
    registered_on: date,
    now: datetime,
    partial: bool = False,
) -> dict[str, Any]:
    """Normalise and check a whole declaration; `partial` (a draft) skips required fields and cross-field rules."""
    if not isinstance(raw, dict):
        raise BadInput("Tờ khai phải là một đối tượng JSON: mã trường → giá trị.", field="declaration")
    known = {f.key for f in defn.fields} | {g.key for g in defn.groups if g.repeat}
    repeats = {f.repeat for f in defn.fields if f.repeat}
    for key in raw:
        if key not in known and key not in repeats:
            raise BadInput(f"Tờ khai '{defn.title}' không có trường '{str(key)[:40]}'.", field="declaration")
    values: dict[str, Any] = {}
    for f in defn.fields:
        if f.repeat or f.key not in raw:
            continue
        v = normalise(f, raw[f.key])
        if v is not None:
            values[f.key] = v
    for group_key in repeats:
        rows = raw.get(group_key)
        if rows in (None, ""):
            continue
        members = [f for f in defn.fields if f.repeat == group_key]
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows) or len(rows) > 50:
            raise BadInput(f"Nhóm '{group_key}': cần một danh sách các dòng (tối đa 50).", field=group_key)
        clean_rows = []
        for n, row in enumerate(rows, start=1):
            for key in row:
                if key not in {m.key for m in members}:
                    raise BadInput(f"Dòng {n} của nhóm '{group_key}' có trường lạ '{str(key)[:40]}'.", field=group_key)
            out = {}
            for m in members:
                v = normalise(m, row.get(m.key))
                if v is not None:
                    out[m.key] = v
            if out:
                clean_rows.append(out)
        if clean_rows:
            values[group_key] = clean_rows
    # Conditional fields the answers hide are not kept (they would print and travel upstream otherwise).
    for f in defn.fields:
        if not f.repeat and not visible(f, values):
            values.pop(f.key, None)
    for group_key in repeats:
        members = [f for f in defn.fields if f.repeat == group_key]
        if members and not visible(members[0], values) or not members:
            values.pop(group_key, None)
            continue
        for row in values.get(group_key, []):
            for m in members:
                if not visible(m, values, row):
                    row.pop(m.key, None)
    if partial:
        return values
    missing = missing_required(defn, values)
    if missing:
        raise BadInput(missing_message(missing), field=missing[0][0])
    return apply_rules(defn, values, registered_on=registered_on, now=now)


def missing_required(defn: FormDefinition, values: dict[str, Any]) -> list[tuple[str, str]]:
    """(field key, label) of every visible required field left empty, in form order; a repeating group's rows
    name their row ("Các con – Tên con (dòng 2)")."""
    out: list[tuple[str, str]] = []
    seen_groups: set[str] = set()
    for f in defn.fields:
        if f.repeat:
            if f.repeat in seen_groups:
                continue
            seen_groups.add(f.repeat)
            if not visible(f, values):
                continue
            members = [m for m in defn.fields if m.repeat == f.repeat]
            for n, row in enumerate(values.get(f.repeat) or [], start=1):
                for m in members:
                    if m.required and visible(m, values, row) and row.get(m.key) in (None, ""):
                        out.append((m.key, f"{field_label(m)} (dòng {n})"))
            continue
        if f.required and visible(f, values) and values.get(f.key) in (None, ""):
            out.append((f.key, field_label(f)))
    return out


def missing_message(missing: list[tuple[str, str]]) -> str:
    """ "Chưa nhập X." for one field; "Tờ khai còn thiếu 3 mục: X; Y; Z." for several."""
    if len(missing) == 1:
        return f"Chưa nhập {missing[0][1]}."
    return f"Tờ khai còn thiếu {len(missing)} mục: " + "; ".join(label for _, label in missing) + "."


# ---------------------------------------------------------------- persons named (search, review)


def persons(defn: FormDefinition, values: dict[str, Any]) -> list[dict[str, str]]:
    """The persons a declaration names, by person block: [{"person", "name", "id_number", "birth"}]."""
    out: dict[str, dict[str, str]] = {}
    for f in defn.fields:
        if not f.person or not f.role or f.repeat:
            continue
        v = values.get(f.key)
        if v in (None, ""):
            continue
        out.setdefault(f.person, {"person": f.person})[f.role] = str(v)
    return [p for p in out.values() if p.get("name")]


def persons_fold(defn: FormDefinition, values: dict[str, Any]) -> str:
    """Folded names and ID numbers of every person named, for the one-box search."""
    parts = []
    for p in persons(defn, values):
        parts += [p.get("name", ""), p.get("id_number", "")]
    return fold(" ".join(x for x in parts if x))


PERSON_LABELS = {
    "requester": "Người yêu cầu",
    "child": "Người được khai sinh",
    "mother": "Mẹ",
    "father": "Cha",
    "deceased": "Người đã chết",
    "bride": "Bên nữ",
    "groom": "Bên nam",
    "subject": "Người được cấp",
    "person_a": "Người thứ nhất",
    "person_b": "Người thứ hai",
}


def persons_text(named: Any) -> list[str]:
    """ "Người được khai sinh: Lê Minh Khang — 15/03/2026 — 0381…" lines for the dossier screen and review."""
    out = []
    for p in named:
        facts = [p.get("name", "")] + [x for x in (p.get("birth", ""), p.get("id_number", "")) if x]
        out.append(f"{PERSON_LABELS.get(p.get('person', ''), p.get('person', ''))}: {' — '.join(facts)}")
    return out
