"""The QĐ 766 scorecard from the database: received-side counts summed in SQL per month and procedure, and one
`KpiDossier` per dossier finished in the 12 months, combined by `onestop.kpi.figures_from` per month and field.

Reports use the current (corrected) calendar; dossiers keep the appointment they were given (see `onestop.kpi`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from db import models
from db.engine import session_scope
from onestop.calendar.clock import OfficeClock
from onestop.domain import VN_TZ, Procedure, now_vn
from onestop.errors import BadInput
from onestop.formats import parse_month
from onestop.kpi import (
    KPI_KEYS,
    KPI_LABELS,
    KpiDossier,
    KpiReport,
    ReceivedCounts,
    figures_from,
    month_bounds,
    previous_months,
)
from onestop.ports import FormRenderer, NoRenderer
from onestop.services.calendar_service import CalendarService
from onestop.services.catalog import to_domain as procedure_to_domain

_FINISH = ("result_ready", "returned")
_OVERRIDE_PREFIX = "Cán bộ hẹn lại"
TREND_MONTHS = 12

# Received side, summed in SQL over the window's dossiers (range on ix_dossier_received_id), per month and procedure.
# AwareDateTime stores Vietnam-time ISO text, so the first 7 characters are the month and text order is time order.
_RECEIVED_SQL = text(
    """
    SELECT substr(d.received_at, 1, 7) AS month, d.procedure_id AS procedure_id, count(*) AS received,
           sum(d.channel = 'online') AS online,
           sum(d.sync_state = 'synced') AS synced,
           sum(EXISTS (SELECT 1 FROM dossier_document dd JOIN attachment a ON a.document_id = dd.id
                       WHERE dd.dossier_id = d.id)) AS digitised,
           sum(EXISTS (SELECT 1 FROM dossier_document dd JOIN document_reuse r ON r.document_id = dd.id
                       WHERE dd.dossier_id = d.id)) AS reused
    FROM dossier d
    WHERE d.received_at >= :start AND d.received_at < :end AND d.status != 'rejected'
    GROUP BY month, d.procedure_id
    """
)

# Finished side: dossiers whose result was *first* ready (or handed over) in the window (range on
# ix_status_event_to_status_at; an earlier finish before the window rules a dossier out), with what the on-time,
# time, result-digitised and rating figures need. The unary `+` keeps the correlated NOT EXISTS on the dossier's own
# events (ix_status_event_dossier_id): on the (to_status, at) index it would scan every earlier finish of the
# province's history once per finished dossier (quadratic: minutes at 1M dossiers).
_FINISHED_SQL = text(
    """
    WITH fin AS (
        SELECT e.dossier_id AS id, min(e.at) AS finished_at
        FROM status_event e
        WHERE e.to_status IN ('result_ready', 'returned') AND e.at >= :start AND e.at < :end
        GROUP BY e.dossier_id
        HAVING NOT EXISTS (SELECT 1 FROM status_event x
                           WHERE x.dossier_id = e.dossier_id AND +x.to_status IN ('result_ready', 'returned')
                             AND +x.at < :start)
    )
    SELECT d.id AS id, d.code AS code, fin.finished_at AS finished_at, d.received_at AS received_at,
           d.due_at AS due_at, d.due_reason AS due_reason, d.procedure_id AS procedure_id,
           EXISTS (SELECT 1 FROM status_event c WHERE c.dossier_id = d.id
                   AND (c.to_status = 'supplement' OR (c.seq > 1 AND c.new_due IS NOT NULL))) AS changed,
           EXISTS (SELECT 1 FROM result_file f WHERE f.dossier_id = d.id) AS result_digitised,
           (SELECT CASE WHEN r.declined THEN NULL ELSE r.level END FROM dossier_rating r
            WHERE r.dossier_id = d.id) AS rating_level
    FROM fin JOIN dossier d ON d.id = fin.id
    WHERE d.status != 'rejected'
    """
)


def _iso(moment: datetime) -> str:
    """A bound for the text comparisons above, in the stored form."""
    return moment.astimezone(VN_TZ).isoformat(timespec="seconds")


def _aware(value: datetime) -> datetime:
    """A stored moment (Vietnam-time ISO text, read by `datetime.fromisoformat`) as an aware Vietnam datetime."""
    return value.replace(tzinfo=VN_TZ) if value.tzinfo is None else value.astimezone(VN_TZ)


class KpiService:
    """Monthly QĐ 766 figures for leaders (`onestop report kpi`, the F6 scorecard).

    The received side is summed in SQL; only the dossiers *finished* in the 12-month window come back as rows,
    because their on-time test needs the appointment recomputed on the current calendar (in Python, no reasoning
    text)."""

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
        _, end = month_bounds(year, mon, VN_TZ)
        key = f"{year:04d}-{mon:02d}"
        with session_scope(self.engine) as s:
            procs = {p.id: procedure_to_domain(p) for p in s.exec(select(models.Procedure)).all()}
            conn = s.connection()
            received: dict[tuple[str, str], ReceivedCounts] = defaultdict(ReceivedCounts)
            for r in conn.execute(_RECEIVED_SQL, {"start": _iso(window_start), "end": _iso(end)}):
                field = procs[r.procedure_id].field if r.procedure_id in procs else ""
                received[(r.month, field)] += ReceivedCounts(
                    int(r.received), int(r.online or 0), int(r.digitised or 0), int(r.reused or 0), int(r.synced or 0)
                )
            finished = self._finished(conn, procs, window_start, end)
        by_month: dict[str, list[KpiDossier]] = defaultdict(list)
        for d in finished:
            assert d.finished_at is not None
            by_month[f"{d.finished_at.astimezone(VN_TZ):%Y-%m}"].append(d)

        def month_total(m: str) -> ReceivedCounts:
            return sum((c for (mm, _f), c in received.items() if mm == m), ReceivedCounts())

        total = figures_from(key, "", month_total(key), by_month[key])
        fields = sorted({f for (m, f) in received if m == key and f} | {d.field for d in by_month[key] if d.field})
        by_field = tuple(
            f
            for f in (
                figures_from(
                    key, x, received.get((key, x), ReceivedCounts()), [d for d in by_month[key] if d.field == x]
                )
                for x in fields
            )
            if f.received or f.finished
        )
        trend = tuple(
            figures_from(f"{y:04d}-{m:02d}", "", month_total(f"{y:04d}-{m:02d}"), by_month[f"{y:04d}-{m:02d}"])
            for y, m in months
        )
        notes = []
        estimated = sorted(y for y in self.calendar.work_calendar().estimated_years if y <= year)
        if year in estimated:
            notes.append(f"Lịch nghỉ lễ, Tết năm {year} là dự kiến (chưa có thông báo chính thức).")
        return KpiReport(key, self.commune, now or now_vn(), total, by_field, trend, tuple(notes))

    def _finished(
        self, conn: Any, procs: dict[int | None, Procedure], window_start: datetime, end: datetime
    ) -> list[KpiDossier]:
        """The dossiers first finished in [window_start, end), each with its effective due moment: recomputed on
        the current (corrected) calendar when it kept the appointment the rules gave it, else the stored one.
        Rows come straight from the sqlite3 cursor and office time from one `OfficeClock` (tens of thousands of
        dossiers a month at 1M)."""
        clock = OfficeClock(
            self.calendar.work_calendar(),
            self.calendar.hours,
            (window_start - timedelta(days=400)).date(),
            (end + timedelta(days=400)).date(),
        )
        parse = datetime.fromisoformat
        out: list[KpiDossier] = []
        raw = conn.connection.driver_connection.execute(
            str(_FINISHED_SQL), {"start": _iso(window_start), "end": _iso(end)}
        )
        for _id, code, finished_at, received_text, due_text, due_reason, procedure_id, changed, results, rating in raw:
            proc = procs.get(procedure_id)
            received_at, done = _aware(parse(received_text)), _aware(parse(finished_at))
            due = _aware(parse(due_text)) if due_text else None
            if (
                not changed
                and not (due_reason or "").startswith(_OVERRIDE_PREFIX)
                and proc is not None
                and proc.deadline_amount is not None
            ):
                due = clock.due_moment(received_at, proc.deadline_amount, proc.deadline_unit, proc.cutoff)
            out.append(
                KpiDossier(
                    code=code,
                    field=proc.field if proc else "",
                    received_at=received_at,
                    finished_at=done,
                    due_at=due,
                    working_days=clock.working_days_between(received_at, done),
                    result_digitised=bool(results),
                    rating_level=rating,
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
