"""Personal-data duties (BRIEF §9): purge closed and synced dossiers after the retention period, export a citizen.

The purge keeps only what is needed to prove it happened: a `purge_record` row per dossier with its code and
dates, and an audit entry. A dossier that is not closed, not confirmed synced, or still has anything waiting in
the outbox is never purged.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import col

from onestop.domain import Role, Status, now_vn
from onestop.errors import BadInput, NotFound
from onestop.owneronly import check_output_file, private_dirs
from onestop.text import clean

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from onestop.config import Settings
    from onestop.services.officers import OfficerService

CLOSED_STATUSES = tuple(s.value for s in Status if s.is_closed)
OUTBOX_DONE_STATES = ("synced", "discarded")  # the sync engine's finished states


@dataclass(frozen=True)
class PurgeReport:
    """What a retention purge removed (or would remove, on a dry run)."""

    cutoff: datetime
    purged_codes: tuple[str, ...]
    kept_unsynced: int
    dry_run: bool
    citizens_removed: int = 0
    files_removed: int = 0

    @property
    def count(self) -> int:
        return len(self.purged_codes)


@dataclass(eq=False)
class PrivacyService:
    """Retention purge and the citizen's right to a copy of their data."""

    engine: Engine
    settings: Settings
    files_dir: Path
    officers: OfficerService

    # ------------------------------------------------------------ retention

    def purge(self, actor: str | None, now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
        """Delete dossiers closed and synced more than `security.retention_days` ago (admin only)."""
        from sqlalchemy import func
        from sqlmodel import select

        from db import models
        from db.engine import session_scope
        from onestop.services.audit import record

        who = self.officers.require(actor, Role.ADMIN).username
        cutoff = (now or now_vn()) - timedelta(days=self.settings.security.retention_days)
        cutoff_text = models.AwareDateTime().process_bind_param(cutoff, None)
        with session_scope(self.engine, write=not dry_run) as s:
            closed_at = (
                select(models.StatusEvent.dossier_id, func.max(models.StatusEvent.at).label("closed_at"))
                .group_by(col(models.StatusEvent.dossier_id))
                .subquery()
            )
            pending = select(models.OutboxItem.dossier_uuid).where(
                col(models.OutboxItem.state).not_in(OUTBOX_DONE_STATES)
            )
            base = (
                select(models.Dossier, closed_at.c.closed_at)
                .join(closed_at, closed_at.c.dossier_id == models.Dossier.id)
                .where(col(models.Dossier.status).in_(CLOSED_STATUSES))
                .where(closed_at.c.closed_at < cutoff_text)
            )
            due = s.exec(
                base.where(models.Dossier.sync_state == "synced").where(col(models.Dossier.uuid).not_in(pending))
            ).all()
            eligible_ids = {row.id for row, _ in due}
            kept = sum(1 for row, _ in s.exec(base).all() if row.id not in eligible_ids)
            codes = tuple(row.code for row, _ in due)
            if dry_run or not due:
                if not dry_run:
                    record(s, who, "privacy.purge", detail=f"0 hồ sơ; giữ {kept} chưa đồng bộ; mốc {cutoff:%d/%m/%Y}")
                return PurgeReport(cutoff, codes, kept, dry_run)
            citizens, shas = self._delete(s, [(row, closed) for row, closed in due], who)
            record(
                s, who, "privacy.purge", detail=f"{len(codes)} hồ sơ; giữ {kept} chưa đồng bộ; mốc {cutoff:%d/%m/%Y}"
            )
        files = self._delete_orphan_files(shas)
        return PurgeReport(cutoff, codes, kept, False, citizens, files)

    def _delete(self, s: Any, due: list[tuple[Any, Any]], who: str) -> tuple[int, set[str]]:
        from sqlalchemy import delete, exists
        from sqlmodel import select

        from db import models

        at = now_vn()
        citizen_ids = {row.citizen_id for row, _ in due if row.citizen_id is not None}
        dossier_ids = [row.id for row, _ in due]
        shas = set(
            s.exec(
                select(models.Attachment.sha256)
                .join(models.DossierDocument)
                .where(col(models.DossierDocument.dossier_id).in_(dossier_ids))
            ).all()
        )
        for row, closed in due:
            s.add(
                models.PurgeRecord(
                    at=at,
                    officer=who,
                    dossier_code=row.code,
                    closed_at=closed,
                    note=f"tiếp nhận {row.received_at:%d/%m/%Y}; thủ tục {row.procedure_code}",
                )
            )
        uuids = [row.uuid for row, _ in due]
        s.exec(delete(models.OutboxItem).where(col(models.OutboxItem.dossier_uuid).in_(uuids)))
        s.exec(delete(models.PrintedForm).where(col(models.PrintedForm.dossier_id).in_(dossier_ids)))
        for row, _ in due:
            s.delete(row)  # documents, attachments, payments and events go by ON DELETE CASCADE
        s.flush()
        removed = 0
        for cid in citizen_ids:
            still_used = s.exec(select(exists().where(models.Dossier.citizen_id == cid))).one()
            if not still_used:
                s.exec(delete(models.Citizen).where(models.Citizen.id == cid))
                removed += 1
        return removed, shas

    def _delete_orphan_files(self, shas: set[str]) -> int:
        from sqlmodel import select

        from db import models
        from db.engine import session_scope

        removed = 0
        with session_scope(self.engine) as s:
            for sha in shas:
                if s.exec(select(models.Attachment.id).where(models.Attachment.sha256 == sha)).first() is None:
                    path = self.files_dir / sha[:2] / sha
                    if path.exists():
                        path.unlink()
                        removed += 1
        return removed

    def purge_records(self, limit: int = 500) -> list[dict[str, Any]]:
        """What was purged, newest first (codes and dates only)."""
        from sqlmodel import select

        from db import models
        from db.engine import session_scope

        with session_scope(self.engine) as s:
            rows = s.exec(select(models.PurgeRecord).order_by(col(models.PurgeRecord.id).desc()).limit(limit))
            return [
                {
                    "at": r.at.isoformat(),
                    "officer": r.officer,
                    "dossier_code": r.dossier_code,
                    "closed_at": r.closed_at.isoformat() if r.closed_at else None,
                    "note": r.note,
                }
                for r in rows
            ]

    # ------------------------------------------------------------ data-subject access

    def export_citizen(self, id_number: str, actor: str | None) -> dict[str, Any]:
        """Everything held about one citizen (their record and every dossier naming them), audited (leader+)."""
        from sqlmodel import or_, select

        from db import models
        from db.engine import session_scope
        from onestop.services.audit import record
        from onestop.services.records import to_domain

        who = self.officers.require(actor, Role.LEADER).username
        id_number = clean(id_number)
        if not (len(id_number) == 12 and id_number.isdigit()):
            raise BadInput("Số định danh cá nhân phải gồm đúng 12 chữ số.", field="id_number")
        with session_scope(self.engine, write=True) as s:
            citizen = s.exec(select(models.Citizen).where(models.Citizen.id_number == id_number)).first()
            conditions = [
                col(models.Dossier.applicant_id_number) == id_number,
                col(models.Dossier.representative_json).contains(f'"id_number": "{id_number}"'),
                col(models.Dossier.collected_id_number) == id_number,
            ]
            if citizen is not None:
                conditions.append(col(models.Dossier.citizen_id) == citizen.id)
            rows = s.exec(select(models.Dossier).where(or_(*conditions)).order_by(col(models.Dossier.id))).all()
            if citizen is None and not rows:
                raise NotFound("Không có dữ liệu nào về số định danh này trên máy.", field="id_number")
            data = {
                "exported_at": now_vn().isoformat(timespec="seconds"),
                "exported_by": who,
                "agency_code": self.settings.office.agency_code,
                "commune": self.settings.office.commune_name,
                "purpose": "Cung cấp dữ liệu cá nhân theo yêu cầu của chủ thể dữ liệu (Luật Bảo vệ dữ liệu cá nhân 2025).",
                "citizen": _citizen_json(citizen) if citizen else None,
                "dossiers": [_dossier_json(to_domain(s, row)) for row in rows],
            }
            record(s, who, "privacy.export", detail=f"dữ liệu công dân: {len(rows)} hồ sơ")
            for row in rows:
                record(s, who, "dossier.export", row.code, detail="cung cấp cho chủ thể dữ liệu")
            return data

    def write_export(self, data: dict[str, Any], out: Path) -> Path:
        """Write an export as owner-only JSON (it is personal data)."""
        check_output_file(out)
        private_dirs(out.parent)
        tmp = out.with_name(f".{out.name}.part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2, default=str)
        os.replace(tmp, out)
        os.chmod(out, 0o600)
        return out


def _citizen_json(row: Any) -> dict[str, Any]:
    return {
        "id_number": row.id_number,
        "full_name": row.full_name,
        "birth_date": row.birth_date.isoformat() if row.birth_date else None,
        "gender": row.gender,
        "address": row.address,
        "phone": row.phone,
        "email": row.email,
        "old_id_number": row.old_id_number,
        "updated_at": row.updated_at.isoformat(),
    }


def _person_json(p: Any) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "full_name": p.full_name,
        "id_number": p.id_number,
        "birth_date": p.birth_date.isoformat() if p.birth_date else None,
        "gender": p.gender,
        "address": p.address,
        "phone": p.phone,
        "email": p.email,
    }


def _dossier_json(d: Any) -> dict[str, Any]:
    return {
        "code": d.code,
        "official_code": d.official_code,
        "uuid": d.uuid,
        "procedure": {"code": d.procedure.code, "name": d.procedure.name, "version": d.procedure.version},
        "status": d.status.value,
        "status_label": d.status.label,
        "received_at": d.received_at.isoformat(),
        "due_at": d.due_at.isoformat() if d.due_at else None,
        "applicant": _person_json(d.applicant),
        "representative": _person_json(d.representative),
        "channel": d.channel.value,
        "return_via": d.return_via.value,
        "return_address": d.return_address,
        "documents": [
            {
                "name": doc.name,
                "kind": doc.kind.value,
                "count": doc.count,
                "files": [a.file_name for a in doc.attachments],
            }
            for doc in d.documents
        ],
        "payments": [{"amount_vnd": p.amount_vnd, "method": p.method, "exemption": p.exemption} for p in d.payments],
        "events": [
            {"at": e.at.isoformat(), "to_status": e.to_status.value, "officer": e.officer, "reason": e.reason}
            for e in d.events
        ],
        "forms": [{"form": f.form.value, "at": f.at.isoformat(), "officer": f.officer} for f in d.forms],
        "collected_by": d.collected_by,
        "returned_at": d.returned_at.isoformat() if d.returned_at else None,
    }
