"""The working-day calendar stored in the database, and appointment (due date) computation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from sqlalchemy.engine import Engine
from sqlmodel import select

from db import models
from db.engine import session_scope
from onestop.calendar import CalendarDay, WorkCalendar, compute_due, seed_days
from onestop.domain import DuePreview, OfficeHours, Procedure, now_vn
from onestop.errors import BadInput
from onestop.services.audit import record
from onestop.services.officers import OfficerService
from onestop.text import clean


class CalendarService:
    """Days off and make-up working days, seeded from statutory rules and official notices."""

    def __init__(self, engine: Engine, hours: OfficeHours, officers: OfficerService) -> None:
        self.engine = engine
        self.hours = hours
        self.officers = officers
        self._cache: WorkCalendar | None = None

    def ensure_seeded(self, years: range = range(2025, 2029)) -> None:
        with session_scope(self.engine, write=True) as s:
            if s.exec(select(models.CalendarDay).limit(1)).first() is not None:
                return
            for day in seed_days(years):
                s.add(models.CalendarDay(day=day.day, kind=day.kind, reason=day.reason, source=day.source))
        self._cache = None

    def work_calendar(self) -> WorkCalendar:
        if self._cache is None:
            with session_scope(self.engine) as s:
                rows = s.exec(select(models.CalendarDay)).all()
                self._cache = WorkCalendar(CalendarDay(r.day, _day_kind(r.kind), r.reason, r.source) for r in rows)
        return self._cache

    def holidays(self, year: int) -> list[CalendarDay]:
        return [d for d in self.work_calendar().days if d.day.year == year]

    def set_day(self, day: date, kind: str, reason: str, *, actor: str) -> CalendarDay:
        """Mark a day off or a make-up working day (leaders; e.g. a newly announced holiday)."""
        if actor != "system":
            from onestop.domain import Role

            actor = self.officers.require(actor, Role.LEADER).username
        if kind not in ("off", "work"):
            raise BadInput("Loại ngày phải là 'off' (nghỉ) hoặc 'work' (làm việc).", field="kind")
        reason = clean(reason)
        if not reason:
            raise BadInput("Cần ghi lý do (ví dụ: theo Thông báo số … của Bộ Nội vụ).", field="reason")
        with session_scope(self.engine, write=True) as s:
            row = s.get(models.CalendarDay, day) or models.CalendarDay(day=day, kind=kind)
            row.kind, row.reason, row.source = kind, reason[:200], f"officer:{actor}"
            s.add(row)
            record(s, actor, "calendar.set", detail=f"{day.isoformat()} {kind}: {reason[:100]}")
        self._cache = None
        return CalendarDay(day, _day_kind(kind), reason[:200], f"officer:{actor}")

    def due(self, procedure: Procedure, received_at: datetime | None = None) -> DuePreview:
        """The appointment for `procedure` received at `received_at`, with its reasoning."""
        received_at = received_at or now_vn()
        if procedure.deadline_amount is None:
            return DuePreview(None, "Thủ tục chưa có thời hạn trong danh mục: cán bộ nhập ngày hẹn và lý do.")
        result = compute_due(
            received_at,
            procedure.deadline_amount,
            procedure.deadline_unit,
            procedure.cutoff,
            self.work_calendar(),
            self.hours,
        )
        return DuePreview(result.due_at, result.explanation)


def _day_kind(text: str) -> Literal["off", "work"]:
    """A stored or validated day kind, narrowed for `CalendarDay`."""
    return "off" if text == "off" else "work"
