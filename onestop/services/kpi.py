"""The QĐ 766 scorecard from the database: one `KpiDossier` per dossier, then `onestop.kpi.figures` per month/field.

Reports use the current (corrected) calendar; dossiers keep the appointment they were given (see `onestop.kpi`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db import models
from db.engine import session_scope
from onestop.calendar import compute_due, working_days_between
from onestop.domain import VN_TZ, now_vn
from onestop.errors import BadInput
from onestop.formats import parse_month
from onestop.kpi import KPI_KEYS, KPI_LABELS, KpiDossier, KpiReport, figures, month_bounds, previous_months
from onestop.ports import FormRenderer, NoRenderer
from onestop.services.calendar_service import CalendarService
from onestop.services.catalog import to_domain as procedure_to_domain

_FINISH = ("result_ready", "returned")
_OVERRIDE_PREFIX = "Cán bộ hẹn lại"
TREND_MONTHS = 12


_CHUNK = 900
"""Ids per IN (...) query: SQLite refuses statements with more than 32,766 bound values (a year at 1M dossiers)."""


def _chunks(values: Iterable[int | None]) -> Iterator[list[int]]:
    """`values` (None dropped) in lists of at most `_CHUNK`, so every IN (...) stays within SQLite's limit."""
    batch: list[int] = []
    for value in values:
        if value is None:
            continue
        batch.append(value)
        if len(batch) == _CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


class KpiService:
    """Monthly QĐ 766 figures for leaders (`onestop report kpi`, the F6 scorecard)."""

    def __init__(
        self, engine: Engine, calendar: CalendarService, commune: str = "", renderer: FormRenderer | None = None
    ) -> None:
        self.engine = engine
        self.calendar = calendar
        self.commune = commune
        self.renderer: FormRenderer = renderer or NoRenderer()

    def report(self, month: str, *, now: datetime | None = None) -> KpiReport:
        """The scorecard of `month` ("YYYY-MM"): all fields, each field, and the 12 months ending with it."""
        year, mon = parse_month(month)
        months = previous_months(year, mon, TREND_MONTHS)
        window_start, _ = month_bounds(*months[0], VN_TZ)
        start, end = month_bounds(year, mon, VN_TZ)
        rows = self._dossiers(window_start, end)
        total = figures(rows, start, end)
        fields = sorted({d.field for d in rows if d.field})
        by_field = tuple(f for f in (figures(rows, start, end, field=x) for x in fields) if f.received or f.finished)
        trend = tuple(figures(rows, *month_bounds(y, m, VN_TZ)) for y, m in months)
        notes = []
        estimated = sorted(y for y in self.calendar.work_calendar().estimated_years if y <= year)
        if year in estimated:
            notes.append(f"Lịch nghỉ lễ, Tết năm {year} là dự kiến (chưa có thông báo chính thức).")
        return KpiReport(f"{year:04d}-{mon:02d}", self.commune, now or now_vn(), total, by_field, trend, tuple(notes))

    def _dossiers(self, window_start: datetime, end: datetime) -> list[KpiDossier]:
        cal = self.calendar.work_calendar()
        hours = self.calendar.hours
        with session_scope(self.engine) as s:
            finish: dict[int, datetime] = {}
            for dossier_id, at in s.exec(
                select(models.StatusEvent.dossier_id, models.StatusEvent.at).where(
                    col(models.StatusEvent.to_status).in_(_FINISH), models.StatusEvent.at < end
                )
            ):
                if dossier_id not in finish or at < finish[dossier_id]:
                    finish[dossier_id] = at
            finishing = {i for i, at in finish.items() if at >= window_start}
            rows = list(
                s.exec(
                    select(models.Dossier).where(
                        and_(col(models.Dossier.received_at) >= window_start, col(models.Dossier.received_at) < end)
                    )
                )
            )
            finishing -= {r.id for r in rows}
            for part in _chunks(finishing):
                rows.extend(s.exec(select(models.Dossier).where(col(models.Dossier.id).in_(part))))
            ids = [r.id for r in rows]
            if not ids:
                return []
            procs = {
                p.id: p
                for p in s.exec(
                    select(models.Procedure).where(col(models.Procedure.id).in_({r.procedure_id for r in rows}))
                )
            }
            docs = [
                d
                for part in _chunks(ids)
                for d in s.exec(select(models.DossierDocument).where(col(models.DossierDocument.dossier_id).in_(part)))
            ]
            doc_owner = {d.id: d.dossier_id for d in docs}
            digitised = {
                doc_owner[a.document_id]
                for part in _chunks(doc_owner)
                for a in s.exec(select(models.Attachment).where(col(models.Attachment.document_id).in_(part)))
            }
            reused = {
                doc_owner[r.document_id]
                for part in _chunks(doc_owner)
                for r in s.exec(select(models.DocumentReuse).where(col(models.DocumentReuse.document_id).in_(part)))
            }
            results = {
                d
                for part in _chunks(ids)
                for d in s.exec(select(models.ResultFile.dossier_id).where(col(models.ResultFile.dossier_id).in_(part)))
            }
            ratings = {
                r.dossier_id: (None if r.declined else r.level)
                for part in _chunks(ids)
                for r in s.exec(select(models.DossierRating).where(col(models.DossierRating.dossier_id).in_(part)))
            }
            changed: dict[int, bool] = defaultdict(bool)
            events = (
                e
                for part in _chunks(ids)
                for e in s.exec(select(models.StatusEvent).where(col(models.StatusEvent.dossier_id).in_(part)))
            )
            for e in events:
                # a supplement request paused the clock; a later step with a new due is an apology's extension
                if e.to_status == "supplement" or (e.seq > 1 and e.new_due is not None):
                    changed[e.dossier_id] = True
            out = []
            for r in rows:
                assert r.id is not None  # loaded rows have their key
                proc = procedure_to_domain(procs[r.procedure_id])
                due = r.due_at
                kept = not changed[r.id] and not r.due_reason.startswith(_OVERRIDE_PREFIX)
                if kept and proc.deadline_amount is not None:
                    due = compute_due(
                        r.received_at, proc.deadline_amount, proc.deadline_unit, proc.cutoff, cal, hours
                    ).due_at
                done = finish.get(r.id)
                out.append(
                    KpiDossier(
                        code=r.code,
                        field=proc.field,
                        received_at=r.received_at,
                        rejected=r.status == "rejected",
                        online=r.channel == "online",
                        digitised=r.id in digitised,
                        reused=r.id in reused,
                        synced=r.sync_state == "synced",
                        finished_at=done,
                        due_at=due,
                        working_days=working_days_between(r.received_at, done, cal, hours) if done else None,
                        result_digitised=r.id in results,
                        rating_level=ratings.get(r.id),
                    )
                )
            return out

    # ---------------------------------------------------------------- export

    def write(self, report: KpiReport, fmt: str, out: Path) -> Path:
        """The scorecard as XLSX or PDF (drawn by the renderer given at construction), written atomically."""
        fmt = fmt.strip().lower()
        if fmt not in ("xlsx", "pdf"):
            raise BadInput("--format phải là pdf hoặc xlsx.", field="format")
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        try:
            if fmt == "xlsx":
                _write_xlsx(report, tmp)
            else:
                tmp.write_bytes(self.renderer.render_kpi(report))
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
        return out


def _write_xlsx(report: KpiReport, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "QĐ 766"
    ws.append([f"Bộ chỉ số phục vụ người dân (QĐ 766/QĐ-TTg) — tháng {report.month[5:]}/{report.month[:4]}"])
    ws["A1"].font = Font(bold=True)
    ws.append(["Lĩnh vực", KPI_LABELS["finished"], *(KPI_LABELS[k] for k in KPI_KEYS)])
    for f in (report.total, *report.by_field):
        ws.append([f.field or "Tất cả", f.finished, *(getattr(f, k) for k in KPI_KEYS)])
    ws.append([])
    ws.append(["Xu hướng 12 tháng"])
    ws.append(["Tháng", KPI_LABELS["finished"], *(KPI_LABELS[k] for k in KPI_KEYS)])
    for f in report.trend:
        ws.append([f.month, f.finished, *(getattr(f, k) for k in KPI_KEYS)])
    for note in report.notes:
        ws.append([note])
    wb.save(path)
