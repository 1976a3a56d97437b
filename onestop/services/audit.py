"""The append-only audit log: who viewed, created, changed, printed, exported or synced what, and when."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from db import models
from db.engine import session_scope
from onestop.domain import Channel, Officer, Role, Status, now_vn
from onestop.owneronly import check_output_file, private_dirs


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    officer: str
    action: str
    dossier_code: str
    detail: str

    @property
    def readable(self) -> str:
        """The detail as an officer reads it (`readable_detail`); `detail` stays as recorded (the CSV export)."""
        return readable_detail(self.action, self.detail)


_DAY_KINDS = {"off": "ngày nghỉ", "work": "ngày làm việc"}


def readable_detail(action: str, detail: str) -> str:
    """A recorded detail with the codes it was written with named in Vietnamese: a transition's statuses
    ("received→in_progress" → "Được tiếp nhận → Đang xử lý"), a receipt's channel, an officer's role, a calendar
    day's kind. Anything not recognised is returned as recorded."""
    if action == "dossier.transition":
        before, arrow, after = detail.partition("→")
        if arrow and before in _STATUS_VALUES and after in _STATUS_VALUES:
            return f"{Status(before).label} → {Status(after).label}"
    elif action == "dossier.create":
        head, sep, channel = detail.rpartition("; kênh ")
        if sep and channel in {c.value for c in Channel}:
            return f"{head}; kênh {Channel(channel).label.lower()}"
    elif action == "officer.create":
        name, sep, role = detail.rpartition(" (")
        if sep and role.removesuffix(")") in {r.value for r in Role}:
            return f"{name} ({Role(role.removesuffix(')')).label})"
    elif action == "calendar.set":
        day, sep, rest = detail.partition(" ")
        kind, colon, reason = rest.partition(":")
        if sep and colon and kind in _DAY_KINDS:
            try:
                day = date.fromisoformat(day).strftime("%d/%m/%Y")
            except ValueError:
                pass
            return f"{day} {_DAY_KINDS[kind]}:{reason}"
    return detail


_STATUS_VALUES = {s.value for s in Status}


def record(session: Session, officer: str, action: str, dossier_code: str = "", detail: str = "") -> None:
    """Append one entry inside the caller's transaction; `detail` must never hold personal data."""
    session.add(
        models.AuditEntry(at=now_vn(), officer=officer, action=action, dossier_code=dossier_code, detail=detail[:2000])
    )


class RoleCheck(Protocol):
    """Who may read the log: `OfficerService` satisfies this (kept as a Protocol so officers can import `record`)."""

    def require(self, username: str | None, role: Role = Role.OFFICER) -> Officer:
        """The named officer, active and holding `role` or a higher one; raises a `OneStopError` otherwise."""
        ...


class AuditService:
    """Reading and exporting the audit log (writing happens inside each service's transaction)."""

    def __init__(self, engine: Engine, officers: RoleCheck) -> None:
        self.engine = engine
        self.officers = officers

    def log(self, officer: str, action: str, dossier_code: str = "", detail: str = "") -> None:
        with session_scope(self.engine, write=True) as s:
            record(s, officer, action, dossier_code, detail)

    def entries(
        self, *, dossier_code: str = "", officer: str = "", limit: int = 200, before_id: int | None = None
    ) -> list[AuditRecord]:
        with session_scope(self.engine) as s:
            q = select(models.AuditEntry).order_by(col(models.AuditEntry.id).desc()).limit(limit)
            if dossier_code:
                q = q.where(models.AuditEntry.dossier_code == dossier_code)
            if officer:
                q = q.where(models.AuditEntry.officer == officer)
            if before_id:
                q = q.where(col(models.AuditEntry.id) < before_id)
            return [AuditRecord(r.id or 0, r.at, r.officer, r.action, r.dossier_code, r.detail) for r in s.exec(q)]

    def count(self, *, dossier_code: str = "", officer: str = "") -> int:
        from sqlalchemy import func

        with session_scope(self.engine) as s:
            q = select(func.count()).select_from(models.AuditEntry)
            if dossier_code:
                q = q.where(models.AuditEntry.dossier_code == dossier_code)
            if officer:
                q = q.where(models.AuditEntry.officer == officer)
            return int(s.exec(q).one())

    def browse(
        self,
        actor: str | None,
        *,
        dossier_code: str = "",
        officer: str = "",
        limit: int = 200,
        before_id: int | None = None,
    ) -> list[AuditRecord]:
        """Entries for a leader's eyes (the audit screen and `onestop audit list`)."""
        self.officers.require(actor, Role.LEADER)
        return self.entries(dossier_code=dossier_code, officer=officer, limit=limit, before_id=before_id)

    def export_csv(self, out: Path, *, actor: str | None, dossier_code: str = "", officer: str = "") -> int:
        """Write the (filtered) log as owner-only CSV, oldest first, and audit the export; returns the row count."""
        who = self.officers.require(actor, Role.LEADER).username
        check_output_file(out)
        private_dirs(out.parent)
        tmp = out.with_name(f".{out.name}.part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        rows = 0
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "thoi_gian", "can_bo", "hanh_dong", "ma_ho_so", "chi_tiet"])
            with session_scope(self.engine) as s:
                q = select(models.AuditEntry).order_by(col(models.AuditEntry.id))
                if dossier_code:
                    q = q.where(models.AuditEntry.dossier_code == dossier_code)
                if officer:
                    q = q.where(models.AuditEntry.officer == officer)
                for r in s.exec(q):
                    writer.writerow([r.id, r.at.isoformat(), r.officer, r.action, r.dossier_code, r.detail])
                    rows += 1
        os.replace(tmp, out)
        self.log(who, "audit.export", detail=f"{out.name}: {rows} dòng")
        return rows
