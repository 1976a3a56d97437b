"""The outbox engine: choose what may be sent (ordered per dossier), mark it sending, record the replies.

Everything here is SQLAlchemy Core on the caller's connection so a batch of 100 costs a handful of statements.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from db import models
from db.tables import table_of

QUEUED, SENDING, SYNCED, RETRY_WAIT, REJECTED, CONFLICT, DISCARDED = (
    "queued",
    "sending",
    "synced",
    "retry_wait",
    "rejected",
    "conflict",
    "discarded",
)
UNSENT = (QUEUED, SENDING, RETRY_WAIT, REJECTED, CONFLICT)
DONE = (SYNCED, DISCARDED)
STATE_LABELS = {
    QUEUED: "Chờ gửi",
    SENDING: "Đang gửi",
    SYNCED: "Đã đồng bộ",
    RETRY_WAIT: "Chờ gửi lại",
    REJECTED: "Bị từ chối",
    CONFLICT: "Xung đột",
    DISCARDED: "Đã bỏ (giữ dữ liệu tỉnh)",
}
BACKOFF_BASE_S = 5.0
BACKOFF_CAP_S = 30 * 60.0

outbox = table_of(models.OutboxItem)
dossier = table_of(models.Dossier)


@dataclass
class Pending:
    """One outbox row chosen for sending."""

    id: int
    key: str
    kind: str
    dossier_uuid: str
    dossier_code: str
    payload: str
    attempts: int
    force: bool

    def wire(self) -> dict[str, Any]:
        item = {
            "key": self.key,
            "kind": self.kind,
            "dossier_uuid": self.dossier_uuid,
            "dossier_code": self.dossier_code,
            "payload": json.loads(self.payload),
        }
        if self.force:
            item["force"] = True
        return item


@dataclass
class Walker:
    """Walks the outbox once per run in id order, holding back every item behind an unsent one of its dossier."""

    now: datetime
    force_due: bool
    last_id: int = 0
    blocked: set[str] = field(default_factory=set)
    exhausted: bool = False

    def next_batch(self, conn: Connection, size: int) -> list[Pending]:
        batch: list[Pending] = []
        while len(batch) < size and not self.exhausted:
            rows = conn.execute(
                sa.select(
                    outbox.c.id,
                    outbox.c.key,
                    outbox.c.kind,
                    outbox.c.dossier_uuid,
                    outbox.c.dossier_code,
                    outbox.c.payload,
                    outbox.c.state,
                    outbox.c.attempts,
                    outbox.c.next_attempt_at,
                    outbox.c.server_reply,
                )
                .where(outbox.c.id > self.last_id, outbox.c.state.in_(UNSENT))
                .order_by(outbox.c.id)
                .limit(max(size * 2, 200))
            ).all()
            if not rows:
                self.exhausted = True
                break
            for r in rows:
                self.last_id = r.id
                uuid = r.dossier_uuid
                if uuid and uuid in self.blocked:
                    continue
                due = r.state in (QUEUED, SENDING) or (
                    r.state == RETRY_WAIT
                    and (self.force_due or r.next_attempt_at is None or r.next_attempt_at <= self.now)
                )
                if not due:
                    if uuid:
                        self.blocked.add(uuid)
                    continue
                force = False
                if r.server_reply:
                    try:
                        force = json.loads(r.server_reply).get("resolution") == "keep_local"
                    except (ValueError, AttributeError):
                        force = False
                batch.append(Pending(r.id, r.key, r.kind, uuid, r.dossier_code, r.payload, r.attempts, force))
                if len(batch) >= size:
                    break
        return batch


def mark_sending(conn: Connection, batch: list[Pending], now: datetime) -> None:
    """Committed before the HTTP call, so a crash leaves 'sending' rows that the next run sends again."""
    conn.execute(
        outbox.update()
        .where(outbox.c.id.in_([p.id for p in batch]))
        .values(state=SENDING, attempts=outbox.c.attempts + 1, sent_at=now)
    )


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with full jitter in [0.5, 1.5) of the step, capped at 30 minutes."""
    step = min(BACKOFF_BASE_S * (2 ** max(0, attempts - 1)), BACKOFF_CAP_S)
    return timedelta(seconds=step * (0.5 + (rng or random).random()))


def mark_retry(conn: Connection, batch: list[Pending], now: datetime, message: str) -> None:
    rows = [{"b_id": p.id, "b_next": now + backoff(p.attempts + 1), "b_err": message[:2000]} for p in batch]
    conn.execute(
        outbox.update()
        .where(outbox.c.id == sa.bindparam("b_id"))
        .values(state=RETRY_WAIT, next_attempt_at=sa.bindparam("b_next"), last_error=sa.bindparam("b_err")),
        rows,
    )


def mark_requeued(conn: Connection, batch: list[Pending], message: str) -> None:
    """Back to queued without counting the attempt (the whole request was refused, e.g. a bad token)."""
    conn.execute(
        outbox.update()
        .where(outbox.c.id.in_([p.id for p in batch]))
        .values(state=QUEUED, attempts=sa.func.max(outbox.c.attempts - 1, 0), last_error=message[:2000])
    )


@dataclass
class Outcome:
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    conflicts: int = 0
    skipped: int = 0
    retry: int = 0
    official_codes: dict[str, str] = field(default_factory=dict)  # dossier uuid -> official code
    failed_dossiers: set[str] = field(default_factory=set)


def record_results(conn: Connection, batch: list[Pending], results: list[dict[str, Any]], now: datetime) -> Outcome:
    """Apply the server's per-item answers to the outbox rows."""
    by_key = {str(r.get("key")): r for r in results if isinstance(r, dict)}
    out = Outcome()
    synced, other, missing = [], [], []
    for p in batch:
        r = by_key.get(p.key)
        if r is None:
            missing.append(p)
            continue
        status = str(r.get("status"))
        message = str(r.get("message") or "")[:2000]
        reply = json.dumps(r, ensure_ascii=False)
        if status in ("applied", "duplicate"):
            out.applied += status == "applied"
            out.duplicates += status == "duplicate"
            synced.append({"b_id": p.id, "b_reply": reply})
            if r.get("official_code") and p.dossier_uuid:
                out.official_codes[p.dossier_uuid] = str(r["official_code"])[:60]
            continue
        if p.dossier_uuid:
            out.failed_dossiers.add(p.dossier_uuid)
        if status == "rejected":
            out.rejected += 1
            other.append(
                {
                    "b_id": p.id,
                    "b_state": REJECTED,
                    "b_err": message or "Hệ thống tỉnh từ chối.",
                    "b_reply": reply,
                    "b_next": None,
                }
            )
        elif status == "conflict":
            out.conflicts += 1
            other.append(
                {
                    "b_id": p.id,
                    "b_state": CONFLICT,
                    "b_err": message or "Xung đột dữ liệu.",
                    "b_reply": reply,
                    "b_next": None,
                }
            )
        elif status == "skipped":
            out.skipped += 1
            other.append({"b_id": p.id, "b_state": QUEUED, "b_err": message, "b_reply": "", "b_next": None})
        else:
            missing.append(p)
    if synced:
        conn.execute(
            outbox.update()
            .where(outbox.c.id == sa.bindparam("b_id"))
            .values(state=SYNCED, server_reply=sa.bindparam("b_reply"), last_error="", next_attempt_at=None),
            synced,
        )
    if other:
        conn.execute(
            outbox.update()
            .where(outbox.c.id == sa.bindparam("b_id"))
            .values(
                state=sa.bindparam("b_state"),
                last_error=sa.bindparam("b_err"),
                server_reply=sa.bindparam("b_reply"),
                next_attempt_at=sa.bindparam("b_next"),
            ),
            other,
        )
    if missing:
        out.retry += len(missing)
        out.failed_dossiers.update(p.dossier_uuid for p in missing if p.dossier_uuid)
        mark_retry(conn, missing, now, "Hệ thống tỉnh không trả lời cho mục này; sẽ gửi lại.")
    return out


def refresh_dossiers(conn: Connection, uuids: set[str]) -> None:
    """Dossier.sync_state/sync_message from its unsent items: conflict > rejected > pending > synced."""
    if not uuids:
        return
    worst: dict[str, tuple[int, str, str]] = {}
    rank = {CONFLICT: 3, REJECTED: 2, RETRY_WAIT: 1, QUEUED: 1, SENDING: 1}
    uuid_list = list(uuids)
    for start in range(0, len(uuid_list), 500):
        chunk = uuid_list[start : start + 500]
        for r in conn.execute(
            sa.select(outbox.c.dossier_uuid, outbox.c.state, outbox.c.last_error).where(
                outbox.c.dossier_uuid.in_(chunk), outbox.c.state.in_(UNSENT)
            )
        ):
            level = rank[r.state]
            if r.dossier_uuid not in worst or worst[r.dossier_uuid][0] < level:
                worst[r.dossier_uuid] = (level, r.state, r.last_error)
    rows = []
    for uuid in uuids:
        level, state, error = worst.get(uuid, (0, SYNCED, ""))
        sync_state = {0: "synced", 1: "pending", 2: "rejected", 3: "conflict"}[level]
        message = "" if level == 0 else (error if level >= 2 else (error or "Chờ gửi lên hệ thống tỉnh."))
        rows.append({"b_uuid": uuid, "b_state": sync_state, "b_msg": message[:2000]})
    conn.execute(
        dossier.update()
        .where(dossier.c.uuid == sa.bindparam("b_uuid"))
        .values(sync_state=sa.bindparam("b_state"), sync_message=sa.bindparam("b_msg")),
        rows,
    )


def reset_backoff(conn: Connection) -> int:
    """The server answered: items waiting out a backoff are due now (returns how many)."""
    done = conn.execute(
        outbox.update()
        .where(outbox.c.state == RETRY_WAIT, outbox.c.next_attempt_at.is_not(None))
        .values(next_attempt_at=None)
    )
    return int(done.rowcount or 0)
