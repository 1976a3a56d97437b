"""The procedure catalog: shipped list, province imports (JSON/CSV) as new versions, type-ahead lookup."""

from __future__ import annotations

import builtins
import csv
import io
import json
import re
from datetime import time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db import models
from db.engine import session_scope
from onestop.domain import DeadlineUnit, DocKind, FeeExemption, Procedure, RequiredDocument, now_vn
from onestop.errors import BadInput, NotFound
from onestop.services.audit import record
from onestop.services.officers import OfficerService
from onestop.text import clean, fold, tokens

USAGE_WINDOW = 2000
"""How many of the latest dossiers teach the procedure search what this counter receives most."""
_NAME_PREFIX_RE = re.compile(r"^(thu tuc )?")


def _plain_name(name: str) -> str:
    """The folded name without the "Thủ tục" every name starts with."""
    return _NAME_PREFIX_RE.sub("", fold(name))


CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{0,39}$")
_UNIT_ALIASES = {
    "working_days": DeadlineUnit.WORKING_DAYS,
    "ngày làm việc": DeadlineUnit.WORKING_DAYS,
    "calendar_days": DeadlineUnit.CALENDAR_DAYS,
    "ngày": DeadlineUnit.CALENDAR_DAYS,
    "working_hours": DeadlineUnit.WORKING_HOURS,
    "giờ làm việc": DeadlineUnit.WORKING_HOURS,
    "same_day": DeadlineUnit.SAME_DAY,
    "trong ngày": DeadlineUnit.SAME_DAY,
}


def shipped_catalog_text() -> str:
    return resources.files("onestop.data").joinpath("catalog.json").read_text(encoding="utf-8")


# Applicant fields a procedure's form cannot go without, named per entry as `"applicant_requires": ["gender", "address"]`
# in the shipped catalog (data, not code; a province corrects it there). The labels are what the officer reads.
APPLICANT_FIELDS = {"gender": "giới tính", "address": "địa chỉ"}


@lru_cache(maxsize=1)
def shipped_applicant_requires() -> dict[str, tuple[str, ...]]:
    """Procedure code → the applicant fields its entry in the shipped catalog requires."""
    entries = json.loads(shipped_catalog_text()).get("procedures", [])
    wanted: dict[str, tuple[str, ...]] = {}
    for i, entry in enumerate(entries, start=1):
        fields = entry.get("applicant_requires") or []
        unknown = [f for f in fields if f not in APPLICANT_FIELDS]
        if unknown:
            raise BadInput(f"Danh mục: {_where(i, str(entry.get('code', '')))} đòi trường không biết: {unknown}.")
        if fields:
            wanted[clean(str(entry["code"])).upper()] = tuple(fields)
    return wanted


def to_domain(row: Any) -> Procedure:
    """A procedure from its ORM row or a Core row of the same columns."""
    docs = json.loads(row.documents_json or "[]")
    exemptions = json.loads(row.exemptions_json or "[]")
    cutoff = time.fromisoformat(row.cutoff) if row.cutoff else None
    return Procedure(
        code=row.code,
        version=row.version,
        name=row.name,
        field=row.field,
        deadline_amount=row.deadline_amount,
        deadline_unit=DeadlineUnit(row.deadline_unit),
        cutoff=cutoff,
        fee_vnd=row.fee_vnd,
        fee_note=row.fee_note,
        online_level=row.online_level,
        documents=tuple(RequiredDocument(d["name"], DocKind(d["kind"]), int(d["count"])) for d in docs),
        exemptions=tuple(FeeExemption(e["code"], e["label"]) for e in exemptions),
        processing_note=row.processing_note,
        source=row.source,
        sourced=row.sourced,
        active=row.active,
        deciding_agency=row.deciding_agency,
    )


def _where(index: int, code: str) -> str:
    return f"mục {index}" + (f" (mã {code})" if code else "")


def _normalise_entry(raw: dict[str, Any], index: int) -> dict[str, Any]:
    """Validate one procedure from either our format or the shared `procedures.json` format."""
    if not isinstance(raw, dict):
        raise BadInput(f"Danh mục: {_where(index, '')} không phải một đối tượng.", field="catalog")
    code = clean(str(raw.get("code") or "")).upper()
    where = _where(index, code)
    if not CODE_RE.match(code):
        raise BadInput(f"Danh mục: {where} có mã thủ tục không hợp lệ.", field="catalog")
    name = clean(str(raw.get("name") or ""))
    if not name or len(name) > 500:
        raise BadInput(f"Danh mục: {where} thiếu tên thủ tục hoặc tên quá dài.", field="catalog")
    deadline = raw.get("deadline")
    if isinstance(deadline, dict):
        amount, unit_text, cutoff_text = (
            deadline.get("amount"),
            deadline.get("unit", "working_days"),
            deadline.get("cutoff"),
        )
    else:  # shared format: processing_days, 0 = same day, null = unknown
        amount = raw.get("processing_days", raw.get("deadline_amount"))
        unit_text = raw.get("deadline_unit") or ("same_day" if amount in (0, "0") else "working_days")
        cutoff_text = raw.get("cutoff")
    unit = _UNIT_ALIASES.get(clean(str(unit_text)).lower())
    if unit is None:
        raise BadInput(
            f"Danh mục: {where} có đơn vị thời hạn không hợp lệ ({clean(str(unit_text))[:30]}).", field="catalog"
        )
    if amount in ("", None):
        amount = None
    else:
        try:
            amount = float(amount)
        except (TypeError, ValueError):
            raise BadInput(f"Danh mục: {where} có thời hạn giải quyết không phải số.", field="catalog") from None
        if not 0 <= amount <= 365:
            raise BadInput(f"Danh mục: {where} có thời hạn giải quyết ngoài khoảng 0–365.", field="catalog")
    cutoff = None
    if cutoff_text:
        try:
            cutoff = time.fromisoformat(clean(str(cutoff_text))).strftime("%H:%M")
        except ValueError:
            raise BadInput(f"Danh mục: {where} có giờ tiếp nhận tối đa không hợp lệ.", field="catalog") from None
    fee = raw.get("fee_vnd")
    if fee in ("", None):
        fee = None
    else:
        try:
            fee = int(fee)
        except (TypeError, ValueError):
            raise BadInput(f"Danh mục: {where} có lệ phí không phải số nguyên.", field="catalog") from None
        if fee < 0 or fee > 100_000_000:
            raise BadInput(f"Danh mục: {where} có lệ phí không hợp lệ.", field="catalog")
    documents = []
    for doc in raw.get("documents") or []:
        kind = doc.get("kind") or doc.get("original_or_copy") or "original"
        if kind not in ("original", "copy", "present_only"):
            raise BadInput(
                f"Danh mục: {where} có loại giấy tờ không hợp lệ ({clean(str(kind))[:20]}).", field="catalog"
            )
        doc_name = clean(str(doc.get("name") or ""))
        if not doc_name:
            raise BadInput(f"Danh mục: {where} có giấy tờ không tên.", field="catalog")
        documents.append({"name": doc_name[:500], "kind": kind, "count": max(1, int(doc.get("count") or 1))})
    exemptions = [
        {"code": clean(str(e.get("code"))), "label": clean(str(e.get("label")))}
        for e in raw.get("exemptions") or []
        if isinstance(e, dict)
    ]
    online = raw.get("online_level", raw.get("online"))
    return {
        "code": code,
        "name": name,
        "name_fold": fold(f"{code} {name} {raw.get('field') or ''}"),
        "field": clean(str(raw.get("field") or ""))[:200] or "Khác",
        "deadline_amount": amount,
        "deadline_unit": unit.value,
        "cutoff": cutoff,
        "fee_vnd": fee,
        "fee_note": clean(str(raw.get("fee_note") or ""))[:2000],
        "online_level": clean(str(online))[:20] if online else None,
        "documents_json": json.dumps(documents, ensure_ascii=False),
        "exemptions_json": json.dumps(exemptions, ensure_ascii=False),
        "processing_note": clean(str(raw.get("processing_note") or ""))[:2000],
        "source": clean(str(raw.get("source") or ""))[:4000],
        "sourced": bool(raw.get("sourced", False)),
        "deciding_agency": clean(str(raw.get("deciding_agency") or ""))[:200],
    }


def parse_catalog(text: str, fmt: str) -> list[dict[str, Any]]:
    """Parse a catalog document (JSON: a list or {"procedures": [...]}; CSV: one row per procedure)."""
    if fmt == "json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput(f"Tệp danh mục không phải JSON hợp lệ (dòng {exc.lineno}).", field="catalog") from exc
        except RecursionError:
            raise BadInput("Tệp danh mục lồng nhau quá sâu, không phải danh mục thủ tục.", field="catalog") from None
        entries = doc.get("procedures") if isinstance(doc, dict) else doc
        if not isinstance(entries, list):
            raise BadInput("Tệp danh mục JSON phải là danh sách thủ tục hoặc có khóa 'procedures'.", field="catalog")
    else:
        reader = csv.DictReader(io.StringIO(text))
        required = {"code", "name"}
        if not reader.fieldnames or not required <= set(reader.fieldnames):
            raise BadInput("Tệp danh mục CSV phải có cột 'code' và 'name' ở dòng đầu.", field="catalog")
        entries = []
        for row in reader:
            docs = []
            for part in (row.get("documents") or "").split(";"):
                if part.strip():
                    bits = part.split(":")
                    docs.append(
                        {
                            "name": bits[0],
                            "kind": bits[1] if len(bits) > 1 else "original",
                            "count": bits[2] if len(bits) > 2 else 1,
                        }
                    )
            entry: dict[str, Any] = dict(row)
            entry["documents"] = docs
            entries.append(entry)
    if not entries:
        raise BadInput("Tệp danh mục không có thủ tục nào.", field="catalog")
    parsed = [_normalise_entry(e, i + 1) for i, e in enumerate(entries)]
    seen: set[str] = set()
    for entry in parsed:
        if entry["code"] in seen:
            raise BadInput(f"Danh mục có mã thủ tục trùng lặp: {entry['code']}.", field="catalog")
        seen.add(entry["code"])
    return parsed


_PROCEDURE = models.Procedure.metadata.tables["procedure"]
_IN_FORCE = (
    sa.select(_PROCEDURE)
    .where(_PROCEDURE.c.code == sa.bindparam("code"))
    .order_by(_PROCEDURE.c.active.desc(), _PROCEDURE.c.version.desc())
    .limit(1)
)
"""The active version of a code, else (to tell "no longer in force" from "unknown") its newest inactive one."""
_VERSION = sa.select(_PROCEDURE).where(
    _PROCEDURE.c.code == sa.bindparam("code"), _PROCEDURE.c.version == sa.bindparam("version")
)


class CatalogService:
    """Read and version the procedure catalog."""

    def __init__(self, engine: Engine, officers: OfficerService) -> None:
        self.engine = engine
        self.officers = officers
        self._usage: tuple[int, dict[str, int]] | None = None

    def ensure_shipped(self) -> None:
        """Load the shipped catalog as version 1 on a fresh database."""
        with session_scope(self.engine) as s:
            if s.exec(select(models.CatalogVersion)).first() is not None:
                return
        self._store(
            parse_catalog(shipped_catalog_text(), "json"),
            source="onestop (danh mục mẫu kèm phần mềm)",
            actor="system",
            merge=False,
        )

    def import_file(self, path: Path, *, actor: str, merge: bool = False) -> int:
        """Import a province's published list as a new catalog version; returns the version id."""
        if actor != "system":
            from onestop.domain import Role

            actor = self.officers.require(actor, Role.LEADER).username
        fmt = "csv" if path.suffix.lower() == ".csv" else "json"
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise NotFound(f"Không tìm thấy tệp danh mục {path}.") from None
        except (UnicodeDecodeError, OSError) as exc:
            raise BadInput(f"Không đọc được tệp danh mục {path} (cần văn bản UTF-8).", field="catalog") from exc
        return self._store(parse_catalog(text, fmt), source=str(path)[:500], actor=actor, merge=merge)

    def _store(self, entries: list[dict[str, Any]], *, source: str, actor: str, merge: bool) -> int:
        with session_scope(self.engine, write=True) as s:
            version = models.CatalogVersion(imported_at=now_vn(), source=source, procedure_count=len(entries))
            s.add(version)
            s.flush()
            new_codes = {e["code"] for e in entries}
            for row in s.exec(select(models.Procedure).where(models.Procedure.active == True)):  # noqa: E712
                if not merge or row.code in new_codes:
                    row.active = False
                    s.add(row)
            assert version.id is not None
            for entry in entries:
                s.add(models.Procedure(version=version.id, active=True, **entry))
            record(s, actor, "catalog.import", detail=f"version {version.id}: {len(entries)} thủ tục")
            return version.id

    def list(self, *, include_inactive: bool = False) -> list[Procedure]:
        with session_scope(self.engine) as s:
            q = select(models.Procedure).order_by(models.Procedure.field, models.Procedure.code)
            if not include_inactive:
                q = q.where(models.Procedure.active == True)  # noqa: E712
            return [to_domain(r) for r in s.exec(q)]

    def get(self, code: str, version: int | None = None) -> Procedure:
        """The procedure in force with this code, or a given version of it.

        One Core query on a prepared statement, no ORM session: every intake save and check calls this.
        """
        code = clean(code).upper()[:40]
        with self.engine.connect() as conn:
            if version is None:
                row = conn.execute(_IN_FORCE, {"code": code}).first()
                if row is not None and not row.active:
                    raise BadInput(f"Thủ tục {code} không còn hiệu lực trong danh mục hiện hành.", field="procedure")
            else:
                row = conn.execute(_VERSION, {"code": code, "version": version}).first()
        if row is None:
            raise NotFound(f"Không có thủ tục mã '{code}' trong danh mục.", field="procedure")
        return to_domain(row)

    def _row(self, s: Session, code: str, version: int | None = None) -> models.Procedure:
        code = clean(code).upper()[:40]
        q = select(models.Procedure).where(models.Procedure.code == code)
        if version is None:
            row = s.exec(q.where(models.Procedure.active == True)).first()  # noqa: E712
            if row is None and s.exec(q).first() is not None:
                raise BadInput(f"Thủ tục {code} không còn hiệu lực trong danh mục hiện hành.", field="procedure")
        else:
            row = s.exec(q.where(models.Procedure.version == version)).first()
        if row is None:
            raise NotFound(f"Không có thủ tục mã '{code}' trong danh mục.", field="procedure")
        return row

    def applicant_requires(self, code: str) -> tuple[str, ...]:
        """The applicant fields (`APPLICANT_FIELDS`) the procedure coded `code` cannot be received without."""
        return shipped_applicant_requires().get(clean(code).upper(), ())

    def search(self, query: str, limit: int = 20) -> builtins.list[Procedure]:
        """Type-ahead over code, name and field, ignoring accents and case ("chung thuc ban sao").

        Order: an exact name or code first, then names holding the typed phrase, then the rest; within each, the
        procedures this counter received most often lately, then the tightest name (fewest words beyond the query).
        The order is the only place the reason shows.
        """
        wanted = tokens(query)
        procedures = self.list()
        if not wanted:
            return procedures[:limit]
        phrase = " ".join(wanted)
        code = query.strip().upper()
        usage = self.usage_counts()
        hits = []
        for p in procedures:
            hay = fold(f"{p.code} {p.name} {p.field}")
            hay_tokens = hay.replace(".", " ").split()
            if not all(t in hay or any(h.startswith(t) for h in hay_tokens) for t in wanted):
                continue
            name = _plain_name(p.name)
            if p.code == code or name == phrase:
                match = 0
            elif phrase in name or p.code.startswith(code):
                match = 1
            else:
                match = 2
            extra = len([w for w in name.split() if w not in wanted])
            hits.append(((match, -usage.get(p.code, 0), extra, p.code), p))
        hits.sort(key=lambda h: h[0])
        return [p for _, p in hits[:limit]]

    def usage_counts(self, recent: int = USAGE_WINDOW) -> dict[str, int]:
        """How many of this counter's latest `recent` dossiers were received under each procedure code.

        Read again only when a dossier was added since the last reading (one indexed `max(id)` per keystroke).
        """
        from sqlalchemy import text

        with self.engine.connect() as conn:
            newest = conn.execute(text("SELECT max(id) FROM dossier")).scalar() or 0
            if self._usage is not None and self._usage[0] == newest:
                return self._usage[1]
            rows = conn.execute(
                text(
                    "SELECT procedure_code, count(*) FROM "
                    "(SELECT procedure_code FROM dossier ORDER BY id DESC LIMIT :n) GROUP BY procedure_code"
                ),
                {"n": recent},
            ).all()
        counts = {str(code): int(n) for code, n in rows}
        self._usage = (newest, counts)
        return counts

    def versions(self) -> builtins.list[tuple[int, str, str, int]]:
        with session_scope(self.engine) as s:
            return [
                (v.id or 0, v.imported_at.isoformat(), v.source, v.procedure_count)
                for v in s.exec(select(models.CatalogVersion).order_by(col(models.CatalogVersion.id)))
            ]
