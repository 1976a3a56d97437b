"""The dossier lifecycle: an explicit state machine over `Status` (national codes, BRIEF §4.1).

Every change is ONE transaction writing the dossier, its next status event, an audit entry and an outbox item.
"Overdue" is computed (`Dossier.is_overdue`), never stored; an apology is an event that keeps the status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, func, select

from db import models
from db.engine import session_scope
from onestop import plausible
from onestop.domain import Dossier, Officer, Role, Status, StatusEvent, now_vn
from onestop.errors import BadInput, Conflict
from onestop.formats import datetime_short, to_vn
from onestop.services.audit import record
from onestop.services.catalog import to_domain as proc_to_domain
from onestop.services.records import enqueue, find_row, search_text, to_domain
from onestop.sync.payload import event_payload
from onestop.text import clean

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from onestop.config import Settings
    from onestop.services.calendar_service import CalendarService
    from onestop.services.officers import OfficerService

# The legal transitions. Closed statuses (rejected, withdrawn, stopped, returned) lead nowhere.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.RECEIVED, Status.REJECTED}),
    Status.RECEIVED: frozenset(
        {
            Status.IN_PROGRESS,
            Status.SUPPLEMENT,
            Status.REJECTED,
            Status.WITHDRAWN,
            Status.STOPPED,
            Status.FINANCIAL,
            Status.RESULT_READY,
        }
    ),
    Status.IN_PROGRESS: frozenset(
        {Status.SUPPLEMENT, Status.FINANCIAL, Status.RESULT_READY, Status.STOPPED, Status.WITHDRAWN}
    ),
    Status.SUPPLEMENT: frozenset({Status.IN_PROGRESS, Status.WITHDRAWN, Status.STOPPED}),
    Status.FINANCIAL: frozenset({Status.IN_PROGRESS, Status.RESULT_READY, Status.WITHDRAWN}),
    Status.RESULT_READY: frozenset({Status.RETURNED}),
    Status.REJECTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.STOPPED: frozenset(),
    Status.RETURNED: frozenset(),
}

# Targets that need a written reason (the form printed for them states it).
REASON_REQUIRED = frozenset({Status.REJECTED, Status.WITHDRAWN, Status.STOPPED, Status.SUPPLEMENT})
# Statuses in which an apology (new appointment) can be recorded.
APOLOGY_FROM = frozenset(
    {Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT, Status.FINANCIAL, Status.RESULT_READY}
)


@dataclass(frozen=True)
class Action:
    """A counter action offered on the dossier screen: its key, label and target status (None: apology event)."""

    name: str
    key: str
    label: str
    target: Status | None


ACTIONS: tuple[Action, ...] = (
    Action("supplement", "s", "Yêu cầu bổ sung", Status.SUPPLEMENT),
    Action("supplement_received", "b", "Nhận bổ sung", Status.IN_PROGRESS),
    Action("in_progress", "c", "Chuyển xử lý", Status.IN_PROGRESS),
    Action("financial", "f", "Nghĩa vụ tài chính", Status.FINANCIAL),
    Action("reject", "r", "Từ chối", Status.REJECTED),
    Action("withdraw", "w", "Rút hồ sơ", Status.WITHDRAWN),
    Action("stop", "t", "Dừng xử lý", Status.STOPPED),
    Action("apology", "x", "Xin lỗi, hẹn lại", None),
    Action("result_ready", "k", "Có kết quả", Status.RESULT_READY),
    Action("return", "g", "Trả kết quả", Status.RETURNED),
    Action("accept", "a", "Tiếp nhận", Status.RECEIVED),
)
ACTIONS_BY_NAME = {a.name: a for a in ACTIONS}


def can_transition(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


def action_allowed(status: Status, name: str) -> bool:
    """Whether the named action (see `ACTIONS`) is legal for a dossier in `status`."""
    action = ACTIONS_BY_NAME.get(name)
    if action is None:
        return False
    if action.name == "apology":
        return status in APOLOGY_FROM
    if action.name == "supplement_received":
        return status is Status.SUPPLEMENT
    if action.name == "in_progress":
        return status is not Status.SUPPLEMENT and can_transition(status, Status.IN_PROGRESS)
    assert action.target is not None
    return can_transition(status, action.target)


def allowed_actions(status: Status) -> list[Action]:
    return [a for a in ACTIONS if action_allowed(status, a.name)]


def refuse_message(current: Status, target: Status) -> str:
    return f"Không thể chuyển hồ sơ từ «{current.label}» sang «{target.label}»."


_ID_RE = re.compile(r"^(\d{12}|\d{9})$")


def _reason(text: str, *, required: bool, label: str = "lý do") -> str:
    value = clean(text)
    if required and not value:
        raise BadInput(f"Cần ghi {label}.", field="reason")
    if len(value) > 2000:
        raise BadInput("Lý do quá dài (tối đa 2000 ký tự).", field="reason")
    return value


@dataclass(eq=False)
class DossierService:
    """Reads a dossier (audited) and moves it through its lifecycle."""

    engine: Engine
    settings: Settings
    officers: OfficerService
    calendar: CalendarService

    # ------------------------------------------------------------------ reads

    def get(self, code: str, *, actor: str) -> Dossier:
        """The full dossier by local code, official code or UUID (audited "dossier.view"); `NotFound` otherwise."""
        with session_scope(self.engine, write=True) as s:
            row = find_row(s, code)
            dossier = to_domain(s, row)
            record(s, actor or "?", "dossier.view", row.code)
            return dossier

    def peek(self, code: str) -> Dossier:
        """The dossier without an audit entry (for internal re-reads after a change the caller audited)."""
        with session_scope(self.engine) as s:
            return to_domain(s, find_row(s, code))

    # ------------------------------------------------------------------ the generic transition

    def transition(
        self,
        code: str,
        to: Status,
        *,
        actor: str,
        reason: str = "",
        new_due: datetime | None = None,
        collected_by: str = "",
        collected_id: str = "",
        items: list[str] | tuple[str, ...] = (),
        channel: str = "",
    ) -> Dossier:
        """Move a dossier to `to`; `Conflict` if the transition is illegal, `BadInput` if a reason is missing.

        `new_due` (a changed appointment outside an apology) needs the leader role.
        """
        if not isinstance(to, Status):
            try:
                to = Status(str(to))
            except ValueError:
                raise BadInput(f"Trạng thái '{str(to)[:30]}' không hợp lệ.", field="to") from None
        officer = self.officers.require(actor, Role.OFFICER)
        if new_due is not None:
            self.officers.require(actor, Role.LEADER)
        reason = _reason(reason, required=to in REASON_REQUIRED)
        clean_items = [clean(i) for i in items if clean(i)]
        if to is Status.SUPPLEMENT and any(len(i) > 500 for i in clean_items):
            raise BadInput("Mỗi giấy tờ cần bổ sung tối đa 500 ký tự.", field="items")
        now = now_vn().replace(microsecond=0)
        if new_due is not None:
            new_due = to_vn(new_due)
            if new_due <= now:
                raise BadInput("Ngày hẹn trả mới phải sau thời điểm hiện tại.", field="new_due")
            plausible.check_stored_time(new_due, now, label="Ngày hẹn trả mới", field="new_due")
        collected_by = clean(collected_by)
        collected_id = clean(collected_id).replace(" ", "")
        if to is Status.RETURNED:
            if len(collected_by) > 100:
                raise BadInput("Họ tên người nhận quá dài (tối đa 100 ký tự).", field="collected_by")
            if collected_id and not _ID_RE.match(collected_id):
                raise BadInput("Số giấy tờ của người nhận phải gồm 12 (hoặc 9) chữ số.", field="collected_id")
        with session_scope(self.engine, write=True) as s:
            row = find_row(s, code)
            current = Status(row.status)
            if not can_transition(current, to):
                raise Conflict(refuse_message(current, to))
            if to is Status.RETURNED and (channel or row.return_via) == "counter" and not collected_by:
                raise BadInput("Cần ghi họ tên người nhận kết quả.", field="collected_by")
            note = ""
            due_changed = False
            if to is Status.SUPPLEMENT:
                row.clock_paused_at = now
                if clean_items:
                    note = "Cần bổ sung: " + "; ".join(clean_items)
            elif current is Status.SUPPLEMENT and to is Status.IN_PROGRESS:
                resumed, note = self._resume_clock(s, row, now)
                due_changed = resumed != row.due_at
                row.due_at = resumed
                row.clock_paused_at = None
            elif current is Status.SUPPLEMENT:
                row.clock_paused_at = None
            if new_due is not None:
                row.due_at = new_due
                due_changed = True
                row.due_reason = (reason or "Lãnh đạo đổi ngày hẹn trả")[:1000]
                note = (note + "; " if note else "") + f"đổi ngày hẹn trả thành {datetime_short(new_due)}"
            if to is Status.RETURNED:
                row.returned_at = now
                row.collected_by = collected_by
                row.collected_id_number = collected_id
                via = channel or row.return_via
                note = {
                    "counter": "Trả tại Bộ phận Một cửa",
                    "post": "Trả qua bưu chính công ích",
                    "online": "Trả trực tuyến",
                }.get(via, via)
                if collected_by:
                    note += f"; người nhận: {collected_by}"
            row.status = to.value
            dossier = self._commit_event(
                s,
                row,
                officer,
                current,
                to,
                reason=reason,
                note=note,
                new_due=row.due_at if due_changed else None,
                now=now,
                action="dossier.transition",
                detail=f"{current.value}→{to.value}",
            )
            return dossier

    def _resume_clock(self, s: Session, row: models.Dossier, now: datetime) -> tuple[datetime | None, str]:
        """Apply the configured supplement rule; returns the new due date and a note naming the rule."""
        rule = self.settings.rules.supplement_clock
        paused = row.clock_paused_at
        if rule == "restart":
            proc_row = s.get(models.Procedure, row.procedure_id)

            preview = self.calendar.due(proc_to_domain(proc_row), now) if proc_row else None
            if preview is not None and preview.due_at is not None:
                return preview.due_at, (
                    f"Nhận đủ hồ sơ bổ sung; tính lại thời hạn từ lúc nhận đủ "
                    f"(quy tắc restart): hẹn trả {datetime_short(preview.due_at)}"
                )
        if row.due_at is None:
            return None, "Nhận đủ hồ sơ bổ sung; hồ sơ chưa có ngày hẹn trả"
        elapsed = (now - paused) if paused else None
        new_due = row.due_at + elapsed if elapsed and elapsed.total_seconds() > 0 else row.due_at
        return new_due, (
            f"Nhận đủ hồ sơ bổ sung; lùi ngày hẹn thêm thời gian tạm dừng (quy tắc shift): hẹn trả {datetime_short(new_due)}"
        )

    def _commit_event(
        self,
        s: Session,
        row: models.Dossier,
        officer: Officer,
        current: Status,
        to: Status,
        *,
        reason: str,
        note: str,
        new_due: datetime | None,
        now: datetime,
        action: str,
        detail: str,
    ) -> Dossier:
        seq = (
            s.exec(select(func.max(models.StatusEvent.seq)).where(models.StatusEvent.dossier_id == row.id)).one() or 0
        ) + 1
        row.row_version = (row.row_version or 1) + 1
        row.updated_at = now
        s.add(row)
        assert row.id is not None
        s.add(
            models.StatusEvent(
                dossier_id=row.id,
                seq=seq,
                at=now,
                from_status=current.value,
                to_status=to.value,
                officer=officer.username,
                reason=reason,
                new_due=new_due,
                note=note[:2000],
            )
        )
        record(s, officer.username, action, row.code, detail=detail)
        s.flush()
        dossier = to_domain(s, row)
        event = next(e for e in dossier.events if e.seq == seq)
        enqueue(
            s,
            "dossier.event",
            row,
            event_payload(dossier, event, officer_name=officer.full_name),
            key=f"event:{row.uuid}:{seq}",
        )
        s.flush()
        return to_domain(s, row)

    # ------------------------------------------------------------------ convenience actions

    def request_supplement(self, code: str, items: list[str], reason: str, actor: str) -> Dossier:
        """Ask for missing papers (pauses the clock); the supplement form lists `items`."""
        return self.transition(code, Status.SUPPLEMENT, actor=actor, reason=reason, items=items)

    def receive_supplement(self, code: str, actor: str) -> Dossier:
        """The papers arrived: back to processing, due date recomputed per `rules.supplement_clock`."""
        return self.transition(code, Status.IN_PROGRESS, actor=actor, reason="Đã nhận đủ hồ sơ bổ sung")

    def reject(self, code: str, reason: str, actor: str) -> Dossier:
        return self.transition(code, Status.REJECTED, actor=actor, reason=reason)

    def withdraw(self, code: str, reason: str, actor: str) -> Dossier:
        return self.transition(code, Status.WITHDRAWN, actor=actor, reason=reason)

    def stop(self, code: str, reason: str, actor: str) -> Dossier:
        return self.transition(code, Status.STOPPED, actor=actor, reason=reason)

    def result_ready(self, code: str, actor: str) -> Dossier:
        return self.transition(code, Status.RESULT_READY, actor=actor)

    def return_result(
        self, code: str, *, collected_by: str, collected_id_number: str = "", channel: str = "", actor: str
    ) -> Dossier:
        """Hand the result over: who collected it, their ID number, when (now) and through which channel."""
        if channel and channel not in ("counter", "post", "online"):
            raise BadInput("Hình thức trả phải là counter, post hoặc online.", field="channel")
        return self.transition(
            code,
            Status.RETURNED,
            actor=actor,
            collected_by=collected_by,
            collected_id=collected_id_number,
            channel=channel,
        )

    def apologise(self, code: str, new_due: datetime, reason: str, actor: str) -> Dossier:
        """Record an apology with a new appointment: an event, the status is kept (BRIEF §4.1)."""
        officer = self.officers.require(actor, Role.OFFICER)
        reason = _reason(reason, required=True, label="lý do xin lỗi, hẹn lại")
        if new_due is None:
            raise BadInput("Cần ngày hẹn trả mới.", field="new_due")
        new_due = to_vn(new_due)
        now = now_vn().replace(microsecond=0)
        if new_due <= now:
            raise BadInput("Ngày hẹn trả mới phải sau thời điểm hiện tại.", field="new_due")
        with session_scope(self.engine, write=True) as s:
            row = find_row(s, code)
            current = Status(row.status)
            if current not in APOLOGY_FROM:
                raise Conflict(f"Không thể hẹn lại hồ sơ đang ở trạng thái «{current.label}».")
            if row.due_at is not None and new_due <= row.due_at:
                raise BadInput(f"Ngày hẹn mới phải sau ngày hẹn cũ ({datetime_short(row.due_at)}).", field="new_due")
            old = row.due_at
            row.due_at = new_due
            row.due_reason = f"Xin lỗi, hẹn lại: {reason}"[:1000]
            return self._commit_event(
                s,
                row,
                officer,
                current,
                current,
                reason=reason,
                note=f"xin lỗi, hẹn lại (hẹn cũ {datetime_short(old)})",
                new_due=new_due,
                now=now,
                action="dossier.apology",
                detail=f"hẹn lại {new_due.isoformat()}",
            )

    def set_official_code(self, code: str, official_code: str, actor: str) -> Dossier:
        """Keep the code assigned upstream beside the local one (searchable); used by sync."""
        official_code = clean(official_code)
        if not official_code or len(official_code) > 60:
            raise BadInput("Mã hồ sơ chính thức không hợp lệ.", field="official_code")
        with session_scope(self.engine, write=True) as s:
            row = find_row(s, code)
            if row.official_code == official_code:
                return to_domain(s, row)
            row.official_code = official_code
            proc_row = s.get(models.Procedure, row.procedure_id)
            row.search_fold = search_text(row, proc_row.name if proc_row else "")
            row.updated_at = now_vn()
            s.add(row)
            record(s, actor or "sync", "dossier.official_code", row.code, detail=official_code)
            s.flush()
            return to_domain(s, row)


def last_event(dossier: Dossier) -> StatusEvent | None:
    return dossier.events[-1] if dossier.events else None
