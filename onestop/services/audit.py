"""The append-only audit log: who viewed, created, changed, printed, exported or synced what, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db import models
from db.engine import session_scope
from onestop.domain import now_vn


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    officer: str
    action: str
    dossier_code: str
    detail: str


def record(session: Session, officer: str, action: str, dossier_code: str = "", detail: str = "") -> None:
    """Append one entry inside the caller's transaction; `detail` must never hold personal data."""
    session.add(models.AuditEntry(at=now_vn(), officer=officer, action=action,
                                  dossier_code=dossier_code, detail=detail[:2000]))


class AuditService:
    """Reading and exporting the audit log (writing happens inside each service's transaction)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def log(self, officer: str, action: str, dossier_code: str = "", detail: str = "") -> None:
        with session_scope(self.engine, write=True) as s:
            record(s, officer, action, dossier_code, detail)

    def entries(self, *, dossier_code: str = "", officer: str = "", limit: int = 200,
                before_id: int | None = None) -> list[AuditRecord]:
        with session_scope(self.engine) as s:
            q = select(models.AuditEntry).order_by(models.AuditEntry.id.desc()).limit(limit)
            if dossier_code:
                q = q.where(models.AuditEntry.dossier_code == dossier_code)
            if officer:
                q = q.where(models.AuditEntry.officer == officer)
            if before_id:
                q = q.where(models.AuditEntry.id < before_id)
            return [AuditRecord(r.id or 0, r.at, r.officer, r.action, r.dossier_code, r.detail) for r in s.exec(q)]
