"""The working-day calendar stored in the database, and appointment (due date) computation.

The packaged calendar (statutory rules + holidays.toml) is kept in step with the database on every start: rows that
came from the package are updated when the package changes (e.g. the New Year 2026 swap of Công văn 12729), each
change written to the audit log; officers' own days are never touched. Dossiers keep the due date they were given;
only new appointments and reports use the corrected calendar.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from db import models
from db.engine import session_scope
from onestop.calendar import CalendarDay, WorkCalendar, YearNotice, compute_due, official_years, seed_days
from onestop.calendar.holidays import load_notices, merge_notices, notice_from_dict, notice_to_dict
from onestop.domain import DuePreview, OfficeHours, Procedure, Role, now_vn
from onestop.errors import BadInput
from onestop.formats import date_vn
from onestop.services.audit import record
from onestop.services.officers import OfficerService
from onestop.text import clean

if TYPE_CHECKING:
    from onestop.calendar.oracle import Disagreement

SEED_YEARS = range(2025, 2029)
OFFICER_SOURCE = "officer:"
NOTICE_WARNING_FROM_MONTH = 11
"""From 1 November a leader is warned while next year's holidays are still estimated."""


@dataclass(frozen=True)
class YearStatus:
    """Whether a year's holidays come from an official notice, and which."""

    year: int
    estimated: bool
    reference: str


class CalendarService:
    """Days off and make-up working days, seeded from statutory rules and official notices."""

    def __init__(self, engine: Engine, hours: OfficeHours, officers: OfficerService) -> None:
        self.engine = engine
        self.hours = hours
        self.officers = officers
        self._cache: WorkCalendar | None = None

    # ---------------------------------------------------------------- seeding

    def forget(self) -> None:
        """Drop the calendar kept in memory: the next question reads the days afresh (another process changed them)."""
        self._cache = None

    def ensure_seeded(self, years: range = SEED_YEARS) -> list[str]:
        """Bring the packaged days (and the notices pulled from the province) into the database; returns (and
        audits) what changed in an existing calendar."""
        with session_scope(self.engine, write=True) as s:
            changes = self._reseed(s, set(years))
        self._cache = None
        return changes

    def _stored_notices(self, s: Session) -> dict[int, YearNotice]:
        """Notices pulled from the province (or loaded by a leader), kept in `calendar_notice`."""
        out: dict[int, YearNotice] = {}
        for row in s.exec(select(models.CalendarNotice)).all():
            try:
                out[row.year] = notice_from_dict(
                    {
                        "year": row.year,
                        "reference": row.reference,
                        "replaces": json.loads(row.replaces_json),
                        "days": json.loads(row.days_json),
                    }
                )
            except ValueError:  # a notice stored by an older version that no longer reads: keep the packaged days
                continue
        return out

    def _reseed(self, s: Session, years: set[int]) -> list[str]:
        """Rewrite the non-officer days of `years` (plus every year a stored notice names) from the statutory
        rules, holidays.toml and the stored notices, inside the caller's transaction; audits changes."""
        notices = dict(load_notices())
        for year, pulled in self._stored_notices(s).items():
            notices[year] = merge_notices(notices[year], pulled) if year in notices else pulled
            years.add(year)
        packaged = {d.day: d for d in seed_days(years, notices=notices)}
        changes: list[str] = []
        rows = {r.day: r for r in s.exec(select(models.CalendarDay)).all()}
        fresh = not rows
        for day, row in rows.items():
            if row.source.startswith(OFFICER_SOURCE) or day.year not in years:
                continue
            want = packaged.get(day)
            if want is None:
                s.delete(row)
                changes.append(f"{date_vn(day)}: bỏ ({row.kind} {row.reason})")
            elif (row.kind, row.reason, row.source, row.to_confirm) != (
                want.kind,
                want.reason[:200],
                want.source[:200],
                want.to_confirm,
            ):
                if row.kind != want.kind:
                    changes.append(f"{date_vn(day)}: {row.kind} → {want.kind} ({want.reason}; {want.source})")
                row.kind, row.reason, row.source, row.to_confirm = (
                    want.kind,
                    want.reason[:200],
                    want.source[:200],
                    want.to_confirm,
                )
                s.add(row)
        for day, want in packaged.items():
            if day not in rows:
                s.add(
                    models.CalendarDay(
                        day=day,
                        kind=want.kind,
                        reason=want.reason[:200],
                        source=want.source[:200],
                        to_confirm=want.to_confirm,
                    )
                )
                if not fresh:
                    changes.append(f"{date_vn(day)}: thêm {want.kind} ({want.reason}; {want.source})")
        if changes and not fresh:
            record(s, "system", "calendar.reseed", detail="; ".join(changes)[:4000])
        return [] if fresh else changes

    def apply_notice(self, notice: YearNotice, *, origin: str = "province", actor: str = "sync") -> list[str]:
        """An official notice of `notice.year` (pulled from the province): stored, the year's days rebuilt from it
        (days a leader set by hand stay), and the year made official, in one transaction; audited. Dossiers keep
        the appointments they were given; new appointments and reports use the new days. Returns the changes
        ([] when the same notice was applied before)."""
        body = notice_to_dict(notice)
        replaces = json.dumps(body["replaces"], ensure_ascii=False)
        days = json.dumps(body["days"], ensure_ascii=False)
        with session_scope(self.engine, write=True) as s:
            row = s.get(models.CalendarNotice, notice.year)
            if row is not None and (row.reference, row.replaces_json, row.days_json) == (
                notice.reference[:300],
                replaces,
                days,
            ):
                return []
            now = now_vn()
            row = row or models.CalendarNotice(year=notice.year, reference="", origin=origin, received_at=now)
            row.reference, row.replaces_json, row.days_json = notice.reference[:300], replaces, days
            row.origin, row.received_at = origin, now
            s.add(row)
            year = s.get(models.CalendarYear, notice.year) or models.CalendarYear(
                year=notice.year, reference="", entered_by=origin, entered_at=now
            )
            year.reference, year.entered_by, year.entered_at = notice.reference[:300], origin[:50], now
            s.add(year)
            s.flush()
            changes = self._reseed(s, {notice.year})
            record(
                s,
                actor,
                "calendar.notice",
                detail=(
                    f"{notice.year}: {notice.reference} (từ {'hệ thống tỉnh' if origin == 'province' else origin}; "
                    f"{len(notice.days)} ngày; {len(changes)} ngày thay đổi"
                    + (": " + "; ".join(changes) if changes else "")
                    + ")"
                )[:4000],
            )
        self._cache = None
        return changes or [f"{notice.year}: {notice.reference}"]

    # ---------------------------------------------------------------- reading

    def official_years(self) -> dict[int, str]:
        """Years with an official notice: packaged ones and those a leader entered, with their reference."""
        out = {y: n.reference or "holidays.toml" for y, n in load_notices().items()}
        with session_scope(self.engine) as s:
            for row in s.exec(select(models.CalendarYear)).all():
                out[row.year] = row.reference
        return out

    def work_calendar(self) -> WorkCalendar:
        if self._cache is None:
            official = set(self.official_years()) | set(official_years())
            with session_scope(self.engine) as s:
                rows = s.exec(select(models.CalendarDay)).all()
                self._cache = WorkCalendar(
                    CalendarDay(
                        r.day,
                        _day_kind(r.kind),
                        r.reason,
                        r.source,
                        estimated=r.day.year not in official and not r.source.startswith(OFFICER_SOURCE),
                        to_confirm=r.to_confirm,
                    )
                    for r in rows
                )
        return self._cache

    def holidays(self, year: int) -> list[CalendarDay]:
        return [d for d in self.work_calendar().days if d.day.year == year]

    def year_status(self, year: int) -> YearStatus:
        official = self.official_years()
        return YearStatus(year, year not in official, official.get(year, ""))

    def notice_warning(self, today: date | None = None) -> str:
        """For leaders, from 1 November: next year's holidays are estimated until its notice is entered or pulled."""
        today = today or now_vn().date()
        if today.month < NOTICE_WARNING_FROM_MONTH:
            return ""
        nxt = today.year + 1
        if not self.year_status(nxt).estimated:
            return ""
        return (
            f"Chưa có thông báo lịch nghỉ lễ, Tết năm {nxt}: ngày hẹn trả qua năm {nxt} đang tính theo lịch dự kiến. "
            f"Khi Bộ Nội vụ/UBND tỉnh ban hành, nhập bằng `onestop calendar notice --year {nxt}` "
            "(và `calendar set` cho từng ngày khác lịch dự kiến)."
        )

    def to_confirm(self) -> list[CalendarDay]:
        """Days entered from a secondary source that a leader still has to confirm (e.g. 24/11/2026)."""
        return list(self.work_calendar().to_confirm())

    def check(self, year: int) -> list[Disagreement]:
        """Days of `year` where the loaded calendar and the `holidays` package disagree (`oracle.Disagreement`)."""
        from onestop.calendar.oracle import disagreements

        return disagreements(self.work_calendar(), year)

    # ---------------------------------------------------------------- leaders' changes

    def _leader(self, actor: str) -> str:
        if actor == "system":
            return actor
        return self.officers.require(actor, Role.LEADER).username

    def set_day(self, day: date, kind: str, reason: str, *, actor: str) -> CalendarDay:
        """Mark a day off or a make-up working day (leaders; e.g. a newly announced holiday). Confirms a flagged day."""
        actor = self._leader(actor)
        if kind not in ("off", "work"):
            raise BadInput("Loại ngày phải là 'off' (nghỉ) hoặc 'work' (làm việc).", field="kind")
        reason = clean(reason)
        if not reason:
            raise BadInput("Cần ghi lý do (ví dụ: theo Thông báo số … của Bộ Nội vụ).", field="reason")
        with session_scope(self.engine, write=True) as s:
            row = s.get(models.CalendarDay, day) or models.CalendarDay(day=day, kind=kind)
            row.kind, row.reason, row.source, row.to_confirm = kind, reason[:200], f"{OFFICER_SOURCE}{actor}", False
            s.add(row)
            record(s, actor, "calendar.set", detail=f"{day.isoformat()} {kind}: {reason[:100]}")
        self._cache = None
        return CalendarDay(day, _day_kind(kind), reason[:200], f"{OFFICER_SOURCE}{actor}")

    def enter_notice(self, year: int, reference: str, *, actor: str) -> YearStatus:
        """Record that `year`'s official notice is entered (its days set with `set_day`): the year stops being estimated."""
        actor = self._leader(actor)
        reference = clean(reference)
        if not reference:
            raise BadInput(
                "Cần ghi số, ngày của thông báo (ví dụ: Thông báo 1234/TB-BNV ngày 20/10/2026).", field="reference"
            )
        if not 2000 <= year <= 2100:
            raise BadInput("Năm không hợp lệ.", field="year")
        with session_scope(self.engine, write=True) as s:
            row = s.get(models.CalendarYear, year) or models.CalendarYear(
                year=year, reference="", entered_by=actor, entered_at=now_vn()
            )
            row.reference, row.entered_by, row.entered_at = reference[:300], actor, now_vn()
            s.add(row)
            record(s, actor, "calendar.notice", detail=f"{year}: {reference[:200]}")
        self._cache = None
        return YearStatus(year, False, reference[:300])

    # ---------------------------------------------------------------- appointments

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
