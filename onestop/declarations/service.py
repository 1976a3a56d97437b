"""Declaration forms at the counter: the shipped and imported definitions, preparing a dossier's declaration, printing.

Shipped definitions live in package data (`onestop/data/forms/*.json`); `onestop form import` stores new versions
in the database. The latest version of a form is used for new dossiers; a dossier keeps the version it was
received under.
"""

from __future__ import annotations

import builtins
import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from db import models
from db.engine import session_scope
from onestop.declarations.definition import FormDefinition, parse_definition
from onestop.declarations.values import display, field_label, persons, persons_fold, validate_values, visible
from onestop.domain import (
    Declaration,
    DeclarationLine,
    DeclarationPrint,
    DeclarationSection,
    Dossier,
    Office,
    Role,
    now_vn,
)
from onestop.errors import BadInput, NotFound
from onestop.text import fold

MAX_FILE_BYTES = 2 * 1024 * 1024


@lru_cache(maxsize=1)
def shipped_definitions() -> tuple[FormDefinition, ...]:
    """Every definition shipped as package data, parsed once per process."""
    folder = resources.files("onestop") / "data" / "forms"
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json") and entry.is_file():
            out.append(parse_definition(entry.read_text(encoding="utf-8")))
    return tuple(out)


@lru_cache(maxsize=64)
def _parse_cached(text: str) -> FormDefinition:
    return parse_definition(text)


@dataclass(frozen=True)
class FormInfo:
    name: str
    version: int
    title: str
    procedures: tuple[str, ...]
    origin: str  # shipped | imported
    fields: int


@dataclass(frozen=True)
class Prepared:
    """A validated declaration ready to be saved with its dossier."""

    definition: FormDefinition
    values: dict[str, Any]
    persons_fold: str

    @property
    def declaration(self) -> Declaration:
        named = tuple(persons(self.definition, self.values))
        return Declaration(self.definition.name, self.definition.version, self.values, self.definition.title, named)


class DeclarationService:
    def __init__(self, engine: Engine, officers: Any = None) -> None:
        self.engine = engine
        self.officers = officers

    # ------------------------------------------------------------------ definitions

    _imported_cache: tuple[tuple[int, int], tuple[FormDefinition, ...]] | None = None

    def _imported(self) -> list[FormDefinition]:
        """The imported definitions, parsed once per (name, version): rows are re-read only when the table changed
        (an import from another process shows up at the next look)."""
        from sqlalchemy import text

        with self.engine.connect() as conn:
            count, top = conn.execute(text("SELECT count(*), coalesce(max(id), 0) FROM form_definition")).one()
            signature = (int(count), int(top))
            if self._imported_cache is not None and self._imported_cache[0] == signature:
                return list(self._imported_cache[1])
            texts = [r[0] for r in conn.execute(text("SELECT definition_json FROM form_definition ORDER BY id"))]
        parsed = tuple(_parse_cached(t) for t in texts)
        self._imported_cache = (signature, parsed)
        return list(parsed)

    def all_versions(self) -> list[tuple[FormDefinition, str]]:
        out = [(d, "shipped") for d in shipped_definitions()]
        out += [(d, "imported") for d in self._imported()]
        return out

    def latest(self) -> dict[str, tuple[FormDefinition, str]]:
        best: dict[str, tuple[FormDefinition, str]] = {}
        for d, origin in self.all_versions():
            if d.name not in best or d.version > best[d.name][0].version:
                best[d.name] = (d, origin)
        return best

    def list(self, procedure: str | None = None) -> list[FormInfo]:
        out = []
        for d, origin in sorted(self.latest().values(), key=lambda x: x[0].name):
            if procedure and procedure not in d.procedures:
                continue
            out.append(FormInfo(d.name, d.version, d.title, d.procedures, origin, len(d.fields)))
        return out

    def get(self, name: str, version: int | None = None) -> FormDefinition:
        name = name.strip()
        candidates = [d for d, _ in self.all_versions() if d.name == name]
        if version is not None:
            candidates = [d for d in candidates if d.version == version]
        if not candidates:
            suffix = f" phiên bản {version}" if version is not None else ""
            raise NotFound(f"Không có tờ khai '{name[:64]}'{suffix}.", field="form")
        return max(candidates, key=lambda d: d.version)

    def for_procedure(self, code: str) -> FormDefinition | None:
        """The declaration a procedure's dossiers are received with (latest version), or None."""
        forms = [d for d, _ in self.latest().values() if code in d.procedures]
        return sorted(forms, key=lambda d: d.name)[0] if forms else None

    def import_file(self, path: Path, officer: str) -> FormDefinition:
        """Add a new version of a form from a Form.io JSON file (admin only)."""
        if self.officers is not None:
            self.officers.require(officer, Role.ADMIN)
        if not path.is_file():
            raise BadInput(f"Không tìm thấy tệp {path.name[:80]}.", field="file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BadInput("Tệp tờ khai quá lớn (tối đa 2 MB).", field="file")
        text = path.read_text(encoding="utf-8-sig", errors="strict")
        defn = parse_definition(text)
        existing = [d for d, _ in self.all_versions() if d.name == defn.name]
        if any(d.version >= defn.version for d in existing):
            top = max(d.version for d in existing)
            raise BadInput(
                f"Tờ khai '{defn.name}' đã có phiên bản {top}: phiên bản nhập vào phải lớn hơn {top}.", field="version"
            )
        canonical = json.dumps(defn.raw, ensure_ascii=False, sort_keys=True)
        with session_scope(self.engine, write=True) as s:
            s.add(
                models.FormDefinitionRow(
                    name=defn.name,
                    version=defn.version,
                    title=defn.title[:300],
                    procedures=",".join(defn.procedures)[:1000],
                    definition_json=canonical,
                    sha256=hashlib.sha256(canonical.encode()).hexdigest(),
                    imported_at=now_vn(),
                    imported_by=officer or "",
                )
            )
            from onestop.services.audit import record

            record(s, officer or "", "form.import", "", detail=f"{defn.name} v{defn.version}")
        return defn

    # ------------------------------------------------------------------ a dossier's declaration

    def prepare(
        self,
        procedure_code: str,
        raw: dict[str, Any] | None,
        *,
        office: Office | None = None,
        registered_on: date | None = None,
        now: datetime | None = None,
        partial: bool = False,
        definition: FormDefinition | None = None,
    ) -> Prepared | None:
        """Validate a typed declaration for a procedure; None when nothing was typed.

        `definition`: the procedure's form (`for_procedure`) when the caller already holds it; used for plain
        values only (a typed {"form", "values"} names its own form)."""
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise BadInput("Tờ khai phải là một đối tượng JSON: mã trường → giá trị.", field="declaration")
        values = raw
        defn: FormDefinition | None
        if isinstance(raw.get("values"), dict) and "form" in raw:
            values = raw["values"]
            version = raw.get("version")
            defn = self.get(str(raw["form"]), int(version) if version else None)
            if procedure_code not in defn.procedures and defn.procedures:
                raise BadInput(f"Tờ khai '{defn.title}' không dùng cho thủ tục {procedure_code}.", field="declaration")
        else:
            defn = definition if definition is not None else self.for_procedure(procedure_code)
        if defn is None:
            raise BadInput(f"Thủ tục {procedure_code} chưa có mẫu tờ khai điện tử.", field="declaration")
        values = dict(values)
        if office is not None and defn.has("KinhGui") and not str(values.get("KinhGui") or "").strip():
            values["KinhGui"] = default_agency(office)
        now = now or now_vn()
        checked = validate_values(defn, values, registered_on=registered_on or now.date(), now=now, partial=partial)
        return Prepared(defn, checked, persons_fold(defn, checked))

    def known_person(self, id_number: str, *, limit: int = 20) -> KnownPerson | None:
        """A known citizen's earlier data for a person block whose ID number was typed or scanned: the citizen this
        counter received (name, birth date, sex, address) over what the newest earlier declarations naming that
        number held (ethnicity, nationality, residence, ID card…). None when nothing is known."""
        from sqlalchemy import text

        from onestop.text import clean

        id_number = clean(str(id_number or ""))
        if len(id_number) != 12 or not id_number.isdigit():
            return None
        facts: dict[str, str] = {}
        sources: list[str] = []
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":  # the one-box search index holds every ID number a dossier names
                rows = conn.execute(
                    text(
                        "SELECT d.code, dd.form_name, dd.form_version, dd.values_json FROM dossier_fts f "
                        "CROSS JOIN dossier d ON d.id = f.rowid JOIN dossier_declaration dd ON dd.dossier_id = d.id "
                        "WHERE dossier_fts MATCH :q ORDER BY f.rowid DESC LIMIT :n"
                    ),
                    {"q": f'"{id_number}"', "n": limit},
                ).all()
            else:
                rows = conn.execute(
                    text(
                        "SELECT d.code, dd.form_name, dd.form_version, dd.values_json FROM dossier_declaration dd "
                        "JOIN dossier d ON d.id = dd.dossier_id WHERE dd.persons_json LIKE :q "
                        "ORDER BY dd.dossier_id DESC LIMIT :n"
                    ),
                    {"q": f"%{id_number}%", "n": limit},
                ).all()
            citizen = conn.execute(
                text("SELECT full_name, birth_date, gender, address FROM citizen WHERE id_number = :n"),
                {"n": id_number},
            ).first()
            applicant_of = "công dân đã tiếp nhận"
            if citizen is None:  # the applicant of a dossier received elsewhere (pulled from the province)
                citizen = conn.execute(
                    text(
                        "SELECT applicant_name, applicant_birth_date, applicant_gender, applicant_address, code "
                        "FROM dossier WHERE applicant_id_number = :n ORDER BY id DESC LIMIT 1"
                    ),
                    {"n": id_number},
                ).first()
                if citizen is not None:
                    applicant_of = f"người nộp hồ sơ {citizen[4]}"
        if rows:
            versions = {(d.name, d.version): d for d, _ in self.all_versions()}
            for code, form, version, values_json in rows:
                defn = versions.get((form, int(version)))
                try:
                    values = json.loads(values_json)
                except ValueError:
                    continue
                if defn is None or not isinstance(values, dict):
                    continue
                found = _facts_in(defn, values, id_number)
                if found:
                    sources.append(f"tờ khai hồ sơ {code}")
                    for fact, value in found.items():
                        facts.setdefault(fact, value)
        if citizen is not None:
            name, birth, gender, address = tuple(citizen)[:4]
            if isinstance(birth, str) and birth:
                birth = date.fromisoformat(birth[:10])
            latest = {
                "name": name or "",
                "birth": birth.strftime("%d/%m/%Y") if birth else "",
                "gender": gender or "",
                "address": address or "",
            }
            facts.update({k: v for k, v in latest.items() if v})
            sources.insert(0, applicant_of)
        if not facts:
            return None
        return KnownPerson(id_number, facts, tuple(sources))

    def definition_of(self, declaration: Declaration) -> FormDefinition:
        return self.get(declaration.form, declaration.version)

    # ------------------------------------------------------------------ reading

    def show(self, declaration: Declaration) -> builtins.list[dict[str, Any]]:
        """The filled fields in form order: [{id, label, group, value, display}] (for `dossier show`)."""
        defn = self.definition_of(declaration)
        out = []
        seen: set[str] = set()
        for f in defn.fields:
            if f.repeat:  # each row of a repeating group, row by row, numbered as printed: "Tên con (2)"
                if f.repeat not in seen:
                    seen.add(f.repeat)
                    members = [m for m in defn.fields if m.repeat == f.repeat]
                    for n, row in enumerate(declaration.values.get(f.repeat) or [], start=1):
                        for m in members:
                            v = row.get(m.key) if isinstance(row, dict) else None
                            if v not in (None, ""):
                                out.append(
                                    {
                                        "id": f"{f.repeat}.{n}.{m.key}",
                                        "label": f"{m.label} ({n})",
                                        "group": m.group,
                                        "value": v,
                                        "display": display(m, v),
                                    }
                                )
                continue
            v = declaration.values.get(f.key)
            if v in (None, ""):
                continue
            out.append({"id": f.key, "label": f.label, "group": f.group, "value": v, "display": display(f, v)})
        return out

    def summary(self, declaration: Declaration) -> builtins.list[tuple[str, str]]:
        """The key facts for the large-print review: (label, value) of the form's summary fields."""
        defn = self.definition_of(declaration)
        keys = defn.props.get("summaryFields") or [f.key for f in defn.fields if f.required]
        out = []
        for key in keys:
            if defn.has(key) and declaration.values.get(key) not in (None, ""):
                f = defn.field(key)
                out.append((field_label(f), display(f, declaration.values[key])))
        return out


def default_agency(office: Office) -> str:
    """ "Kính gửi" when left empty: the commune People's Committee (NĐ 120/2025: cấp xã holds hộ tịch powers)."""
    name = office.commune_name.strip()
    return f"Ủy ban nhân dân {name[0].lower() + name[1:] if name else ''}".strip()


def describe(defn: FormDefinition) -> dict[str, Any]:
    """`onestop form show --json`: the form and its fields (id, label, group, type, required, choices, …)."""
    return {
        "id": defn.name,
        "form": defn.name,
        "version": defn.version,
        "title": defn.title,
        "procedures": list(defn.procedures),
        "legal_basis": defn.legal_basis,
        "evidence": defn.evidence,
        "left_out": list(defn.left_out),
        "fields": [
            {
                "id": f.key,
                "label": f.label,
                "group": f.group,
                "type": contract_type(f),
                "widget": f.type,
                "required": f.required,
                "choices": [{"value": c.value, "label": c.label} for c in f.choices],
                "year_only": f.year_only,
                "max_length": f.max_length or None,
                "pattern": f.pattern or None,
                "conditional": bool(f.condition or f.parent_conditions),
                "repeat": f.repeat or None,
                "evidence": f.evidence,
                "portal_id": f.portal_id,
            }
            for f in defn.fields
        ],
    }


def contract_type(f: Any) -> str:
    """The field type as docs/CONTRACT.md names it: text, textarea, number, date, year, time, choice, checkbox,
    id_number, address (`widget` keeps the Form.io input kind)."""
    if f.role == "id_number":
        return "id_number"
    if f.role == "address":
        return "address"
    if f.type in ("select", "radio"):
        return "choice"
    if f.type == "date" and f.year_only:
        return "year"
    return str(f.type)


def print_model(defn: FormDefinition, declaration: Declaration, dossier: Dossier, office: Office) -> DeclarationPrint:
    """The printed tờ khai: groups and labels as on the form, visible fields only, blanks left for hand-filling."""
    from onestop.declarations.definition import Field, Group, StaticText

    values = declaration.values

    def line(f: Field) -> DeclarationLine:
        note = f.description[:3] if f.description.startswith("(") else ""
        return DeclarationLine(f.label, display(f, values.get(f.key)), note)

    def lines_of(items: tuple[Any, ...], *, merge_rows: bool = True) -> list[DeclarationLine]:
        out: list[DeclarationLine] = []
        last_row = ""
        for item in items:
            if isinstance(item, Field):
                if item.key == "KinhGui" or (item.key in ("CapBanSao", "SoLuong") and defn.copy_request):
                    continue
                if not visible(item, values):
                    continue
                current = line(item)
                if merge_rows and item.row and item.row == last_row and out:
                    prev = out[-1]
                    out[-1] = replace(prev, more=(*prev.more, (current.label, current.value)))
                else:
                    out.append(current)
                last_row = item.row
            elif isinstance(item, Group) and item.repeat:
                last_row = ""
                for n, row in enumerate(values.get(item.key) or [], start=1):
                    for m in item.items:
                        if isinstance(m, Field) and visible(m, values, row):
                            out.append(DeclarationLine(f"{m.label} ({n})", display(m, row.get(m.key))))
        return out

    sections: list[DeclarationSection] = []
    if defn.props.get("layout") == "two-columns":
        parties = [g for g in defn.groups if any(isinstance(i, Field) and i.person for i in g.items)]
        if len(parties) == 2:
            left, right = (lines_of(g.items, merge_rows=False) for g in parties)
            paired = tuple(
                DeclarationLine(a.label, f"{a.value}\t{b.value}", a.note) for a, b in zip(left, right, strict=False)
            )
            sections.append(DeclarationSection("", paired, columns=("Thông tin", parties[0].title, parties[1].title)))
            rest = [g for g in defn.groups if g not in parties]
        else:
            rest = list(defn.groups)
    else:
        rest = list(defn.groups)
    for g in rest:
        statics = [i.text for i in g.items if isinstance(i, StaticText)]
        lines = tuple(lines_of(g.items))
        if statics:
            sections.append(DeclarationSection("", (), text=" ".join(statics)))
        if lines or (g.title and not statics and g.title != "Đề nghị cấp bản sao"):
            if g.title == "Đề nghị cấp bản sao":
                continue
            sections.append(DeclarationSection(g.title, lines))
    copy_request = None
    if defn.copy_request:
        wanted = values.get("CapBanSao") == "Co"
        copy_request = (wanted, int(values.get("SoLuong") or 0) if wanted else 0)
    names: dict[str, str] = {p["person"]: p.get("name", "") for p in persons(defn, values)}
    signatures = []
    for role in defn.signatures:
        person = {"Người yêu cầu": "requester", "Bên nữ": "bride", "Bên nam": "groom"}.get(role, "")
        signatures.append((role, names.get(person, "")))
    received = dossier.received_at
    return DeclarationPrint(
        title=defn.title,
        kinh_gui=str(values.get("KinhGui") or ""),
        sections=tuple(sections),
        closing=defn.closing,
        place=office.place,
        signed_on=received.date(),
        signatures=tuple(signatures),
        notes=defn.notes,
        copy_request=copy_request,
        form_ref=f"{defn.name} v{defn.version}",
        dossier_code=dossier.code,
    )


def matches(defn: FormDefinition, text: str) -> bool:
    return fold(text) in fold(defn.title) or text in defn.name


# ---------------------------------------------------------------- a known citizen's earlier data

KNOWN_FACTS = ("name", "birth", "gender", "ethnicity", "nationality", "address", "id_type", "id_date")
"""What a person block can take from a known citizen (never the relation, never the ID number itself)."""


@dataclass(frozen=True)
class KnownPerson:
    """What this counter already knows about an ID number: from the citizens it received and from the persons
    earlier declarations named (newest first). `facts` maps a fact (`name`, `birth`, `ethnicity`, …) to its stored
    value (a choice's value, a date `dd/MM/yyyy` or a year)."""

    id_number: str
    facts: dict[str, str]
    sources: tuple[str, ...]  # "công dân đã tiếp nhận", "tờ khai hồ sơ <code>"


def known_values(defn: FormDefinition, block: str, known: KnownPerson) -> dict[str, Any]:
    """The fields of one person block `known` can fill (field key → stored value), checked against each field."""
    from onestop.declarations.values import normalise

    out: dict[str, Any] = {}
    for f in defn.fields:
        if f.person != block or f.repeat or f.fact not in known.facts:
            continue
        try:
            value = normalise(f, known.facts[f.fact])
        except BadInput:  # e.g. a full date where the field holds a year alone: left for the officer
            continue
        if value is not None:
            out[f.key] = value
    return out


def known_summary(known: KnownPerson) -> str:
    """ "Lê Thị Hoa · 02/03/1992 · Kinh · Việt Nam · Thôn Đông Hải…" for the offer line."""
    from onestop.declarations.lists import choice_list

    labels = {
        "ethnicity": dict(choice_list("dan-toc")),
        "nationality": dict(choice_list("quoc-tich")),
    }
    parts = []
    for fact in ("name", "birth", "gender", "ethnicity", "nationality", "address"):
        value = known.facts.get(fact, "")
        if value:
            parts.append(labels.get(fact, {}).get(value, value))
    return " · ".join(parts)


def _facts_in(defn: FormDefinition, values: dict[str, Any], id_number: str) -> dict[str, str]:
    """The facts of every person block of a stored declaration whose ID number is `id_number`."""
    blocks = {
        f.person for f in defn.fields if f.role == "id_number" and not f.repeat and values.get(f.key) == id_number
    }
    facts: dict[str, str] = {}
    for f in defn.fields:
        if f.person in blocks and not f.repeat and f.fact in KNOWN_FACTS and values.get(f.key) not in (None, ""):
            facts.setdefault(f.fact, str(values[f.key]))
    return facts


# ---------------------------------------------------------------- pre-fill (ID scans, relationship)

PREFILL_ROLES = ("name", "birth", "id_number", "address", "gender")
COPY_APPLICANT_TO = {"MeDe": "mother", "ChaDe": "father"}


def person_values(defn: FormDefinition, block: str, person: Any, *, overwrite: bool = False, values: Any = None):
    """Fill the fields of one person block (requester, mother, the deceased, …) from a `Person` (an ID scan).

    Returns a new values dict; typed values are kept unless `overwrite` (a scan into a focused block replaces it).
    """
    out = dict(values or {})
    facts = {
        "name": person.full_name,
        "birth": person.birth_date.strftime("%d/%m/%Y") if person.birth_date else "",
        "id_number": person.id_number,
        "address": person.address,
        "gender": person.gender,
    }
    filled_id = False
    for f in defn.fields:
        if f.person != block or f.repeat:
            continue
        value = facts.get(f.role, "") if f.role in PREFILL_ROLES else ""
        if f.role == "gender" and value and not f.choice_for(value):
            value = ""
        if value and (overwrite or not out.get(f.key)):
            out[f.key] = value
            filled_id = filled_id or f.role == "id_number"
    if filled_id and len(person.id_number) == 12 and person.id_number.isdigit():
        for f in defn.fields:
            if f.person != block:
                continue
            if f.role == "id_type" and (overwrite or not out.get(f.key)):
                out[f.key] = "TheCanCuoc"
            if f.role == "id_date" and person.id_issued_on and (overwrite or not out.get(f.key)):
                out[f.key] = person.id_issued_on.strftime("%d/%m/%Y")
    return out


def id_fields_of(defn: FormDefinition, block: str) -> list[str]:
    return [f.key for f in defn.fields if f.person == block]


def prefill(defn: FormDefinition, values: dict[str, Any], applicant: Any) -> dict[str, Any]:
    """The applicant's identity fills "Người yêu cầu"; "Quan hệ … = Mẹ/Cha" copies the applicant into that block."""
    out = person_values(defn, "requester", applicant, values=values)
    relation = str(out.get("QuanHe") or "")
    rel_field = defn.field("QuanHe") if defn.has("QuanHe") else None
    if rel_field is not None and relation:
        choice = rel_field.choice_for(relation)
        block = COPY_APPLICANT_TO.get(choice.value if choice else "")
        if block and any(f.person == block for f in defn.fields):
            out = person_values(defn, block, applicant, values=out)
    return out


def wire(declaration: Declaration) -> dict[str, Any]:
    """The declaration in the dossier payload (`ToKhai`, docs/sync-protocol.md)."""
    named = declaration.persons
    return {
        "MaMau": declaration.form,
        "PhienBan": declaration.version,
        "TenMau": declaration.title,
        "DuLieu": declaration.values,
        "NguoiDuocKhai": [
            {
                "VaiTro": p["person"],
                "HoTen": p.get("name", ""),
                "SoDinhDanh": p.get("id_number", ""),
                "NgaySinh": p.get("birth", ""),
            }
            for p in named
        ],
    }


def from_wire(data: Any) -> tuple[Declaration, str] | None:
    """`ToKhai` of a pulled payload → (Declaration, folded persons for search); None when absent or malformed."""
    if not isinstance(data, dict) or not isinstance(data.get("DuLieu"), dict):
        return None
    try:
        version = int(data.get("PhienBan") or 1)
    except (TypeError, ValueError):
        return None
    name = str(data.get("MaMau") or "")[:64]
    if not name:
        return None
    named = []
    for p in data.get("NguoiDuocKhai") or []:
        if isinstance(p, dict):
            named.append(
                {
                    "person": str(p.get("VaiTro") or "")[:30],
                    "name": str(p.get("HoTen") or "")[:100],
                    "id_number": str(p.get("SoDinhDanh") or "")[:20],
                    "birth": str(p.get("NgaySinh") or "")[:10],
                }
            )
    declaration = Declaration(name, version, dict(data["DuLieu"]), str(data.get("TenMau") or ""), tuple(named))
    return declaration, fold_persons(declaration.persons)


def fold_persons(named: Any) -> str:
    parts = []
    for p in named:
        parts += [p.get("name", ""), p.get("id_number", "")]
    return fold(" ".join(x for x in parts if x))[:2000]
