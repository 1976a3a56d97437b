"""SyncService: push the outbox, push the audit log, pull the change feed; status and officer actions.

The TUI calls `run_once()` from a thread worker and `status()` for the status bar; both are safe to call from
any thread (one run at a time; status is a few indexed reads).
"""

from __future__ import annotations

import json
import tempfile
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from db import models
from db.engine import session_scope
from db.tables import table_of
from onestop.domain import Role, Status, now_vn
from onestop.errors import BadInput, Conflict, NotFound
from onestop.services.audit import record
from onestop.services.records import search_text
from onestop.sync import engine as eng
from onestop.sync.client import RequestRefused, TransportError
from onestop.sync.files import FILES_MARK, MISMATCH, MISSING, local_path, payload_files, read_verified, write_atomic

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from onestop.config import Settings
    from onestop.services.audit import AuditService
    from onestop.services.calendar_service import CalendarService
    from onestop.services.catalog import CatalogService
    from onestop.services.officers import OfficerService
    from onestop.sync.adapters import Adapter

PULL_PAGE = 250
AUDIT_PAGE = 500
KIND_LABELS = {"dossier.upsert": "Hồ sơ", "dossier.event": "Tiến độ xử lý", "audit.append": "Nhật ký"}
MISSING_FILE_PREFIX = "Chưa tải được tệp số hóa"


@dataclass(frozen=True)
class SyncReport:
    """What one sync run did."""

    online: bool
    pushed: int = 0
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    conflicts: int = 0
    retry: int = 0
    pulled: int = 0
    pulled_inserted: int = 0
    pulled_updated: int = 0
    pull_conflicts: int = 0
    audit_pushed: int = 0
    files_uploaded: int = 0
    files_downloaded: int = 0
    files_missing: int = 0  # referenced by local dossiers, absent here and not downloadable yet (retried next run)
    remaining: int = 0
    message: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    complete: bool = False

    def to_json(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class SyncStatus:
    """The status-bar view of sync: connectivity, backlog, last success."""

    configured: bool
    online: bool | None  # None: not tried since start
    pending: int
    oldest_unsent_at: datetime | None
    oldest_unsent_age: timedelta | None
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    last_error: str
    counts: dict[str, int] = field(default_factory=dict)
    backlog_warning: bool = False
    message: str = ""


@dataclass(frozen=True)
class OutboxView:
    """One outbox item as the sync screen shows it."""

    id: int
    key: str
    kind: str
    kind_label: str
    dossier_code: str
    dossier_uuid: str
    state: str
    state_label: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    upstream_status: str = ""  # for conflicts: the status upstream holds (Vietnamese label)


class SyncService:
    """Outbox, provincial client and pull feed for one workstation."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        files_dir: Path,
        catalog: CatalogService,
        calendar: CalendarService,
        officers: OfficerService,
        audit: AuditService,
    ) -> None:
        self.engine = engine
        self._settings = settings
        self.files_dir = files_dir
        self.catalog = catalog
        self.calendar = calendar
        self.officers = officers
        self.audit = audit
        self._lock = threading.Lock()
        self._adapter: Adapter | None = None
        self._adapter_key: tuple[str, str, str] | None = None
        self._online: bool | None = None
        self._upstream_files: set[str] = set()  # SHA-256 known to be upstream during the current run

    # ------------------------------------------------------------------ plumbing

    @property
    def settings(self) -> Settings:
        return self._settings.with_sync()

    def _get_adapter(self) -> Adapter:
        from onestop.sync.adapters import make_adapter

        s = self.settings.sync
        key = (s.url, s.token, s.ca_file)
        if self._adapter is None or self._adapter_key != key:
            if self._adapter is not None:
                self._adapter.close()
            self._adapter = make_adapter(s)
            self._adapter_key = key
        return self._adapter

    def close(self) -> None:
        if self._adapter is not None:
            self._adapter.close()
            self._adapter = None

    def _state_row(self, conn: sa.Connection) -> Any:
        t = table_of(models.SyncState)
        row = conn.execute(sa.select(t).where(t.c.id == 1)).first()
        if row is None:
            conn.execute(t.insert().values(id=1, pull_cursor="", last_error="", audit_cursor=0))
            row = conn.execute(sa.select(t).where(t.c.id == 1)).first()
        return row

    def _write(self) -> AbstractContextManager[sa.Connection]:
        return self.engine.execution_options(sqlite_begin="IMMEDIATE").begin()

    # ------------------------------------------------------------------ the run

    def run_once(self, *, now: datetime | None = None, force: bool = False, actor: str = "system") -> SyncReport:
        """Push every due outbox item (in order per dossier, in batches), the audit log, then pull all changes.

        `force` sends items waiting for their backoff now (an officer's "sync now"); `now` is for tests.
        """
        if not self._lock.acquire(blocking=False):
            return SyncReport(online=bool(self._online), message="Một lượt đồng bộ khác đang chạy.")
        try:
            return self._run(now or now_vn(), force, actor)
        finally:
            self._lock.release()

    def _run(self, now: datetime, force: bool, actor: str) -> SyncReport:
        started = now_vn()
        if not self.settings.sync.url:
            return SyncReport(
                online=False,
                started_at=started,
                finished_at=now_vn(),
                remaining=self._unsent_count(),
                message="Chưa cấu hình máy chủ tỉnh (sync.url); đang làm việc ngoại tuyến.",
            )
        if not self.settings.sync.token:
            return SyncReport(
                online=False,
                started_at=started,
                finished_at=now_vn(),
                remaining=self._unsent_count(),
                message="Chưa cấu hình mã truy cập máy chủ tỉnh (sync.token hoặc $ONESTOP_SYNC_TOKEN): hãy xin tỉnh "
                "cấp mã cho quầy này rồi ghi vào cấu hình. Chưa gửi gì; dữ liệu được giữ an toàn trên máy.",
            )
        adapter = self._get_adapter()
        counts: dict[str, int] = {
            k: 0
            for k in (
                "pushed",
                "applied",
                "duplicates",
                "rejected",
                "conflicts",
                "retry",
                "pulled",
                "pulled_inserted",
                "pulled_updated",
                "pull_conflicts",
                "audit_pushed",
                "files_uploaded",
                "files_downloaded",
                "files_missing",
            )
        }
        self._upstream_files = set()
        error = ""
        online = True
        refused = False
        try:
            self._push_outbox(adapter, now, force, counts)
            self._push_audit(adapter, counts)
            self._pull(adapter, now, counts)
            with self._write() as conn:  # the server answers again: what waited for its backoff goes now
                waiting = eng.reset_backoff(conn)
            if waiting:
                self._push_outbox(adapter, now, True, counts)
            self._fetch_missing_files(adapter, counts)
        except TransportError as exc:
            online, error = False, exc.message
        except RequestRefused as exc:
            refused, error = True, exc.message
        remaining = self._unsent_count()
        complete = online and not refused and remaining == 0 and not counts["files_missing"]
        with self._write() as conn:
            self._state_row(conn)
            values: dict[str, Any] = {"last_attempt_at": started, "last_error": error[:2000]}
            if online and not refused:
                values["last_success_at"] = now_vn()
            conn.execute(
                table_of(models.SyncState).update().where(table_of(models.SyncState).c.id == 1).values(**values)
            )
            moved = (
                counts["applied"] + counts["duplicates"] + counts["pulled"] + counts["rejected"] + counts["conflicts"]
            )
            if moved:  # who synced what: counts only, no personal data
                conn.execute(
                    table_of(models.AuditEntry)
                    .insert()
                    .values(
                        at=now_vn(),
                        officer=actor[:50],
                        action="sync.run",
                        dossier_code="",
                        detail=(
                            f"gửi {counts['applied'] + counts['duplicates']}, nhận {counts['pulled']}, "
                            f"bị từ chối {counts['rejected']}, xung đột {counts['conflicts']}"
                        ),
                    )
                )
        self._online = online
        message = self._message(online, refused, error, remaining, counts)
        return SyncReport(
            online=online,
            remaining=remaining,
            message=message,
            started_at=started,
            finished_at=now_vn(),
            complete=complete,
            **counts,
        )

    @staticmethod
    def _message(online: bool, refused: bool, error: str, remaining: int, c: dict[str, int]) -> str:
        if not online:
            sent = c["applied"] + c["duplicates"]
            done = f"đã gửi {sent} mục trước khi mất kết nối; " if sent else ""
            return (
                f"Mất kết nối hệ thống tỉnh. Chưa gửi được: máy chủ không trả lời ({error.rstrip('.')}); {done}"
                f"{remaining} mục đang chờ, dữ liệu được giữ an toàn trên máy."
            )
        if refused:
            return f"Hệ thống tỉnh từ chối yêu cầu: {error}"
        parts = [f"đã gửi {c['applied'] + c['duplicates']}", f"nhận về {c['pulled']}"]
        if c["rejected"]:
            parts.append(f"{c['rejected']} bị từ chối")
        if c["conflicts"] + c["pull_conflicts"]:
            parts.append(f"{c['conflicts'] + c['pull_conflicts']} xung đột cần xử lý")
        if remaining:
            parts.append(f"còn {remaining} mục chưa đồng bộ")
        if c["files_missing"]:
            parts.append(f"{c['files_missing']} tệp số hóa chưa tải về được (sẽ thử lại)")
        return "Đồng bộ xong: " + ", ".join(parts) + "."

    def _push_outbox(self, adapter: Adapter, now: datetime, force: bool, counts: dict[str, int]) -> None:
        walker = eng.Walker(now=now, force_due=force)
        size = self.settings.sync.batch_size
        while True:
            with self._write() as conn:
                batch = walker.next_batch(conn, size)
                if not batch:
                    return
                eng.mark_sending(conn, batch, now_vn())
            try:
                sendable = self._ensure_files(adapter, batch, walker, counts)
                if not sendable:
                    continue
                counts["pushed"] += len(sendable)
                results = self._send(adapter, sendable)
            except TransportError as exc:
                with self._write() as conn:
                    eng.mark_retry(conn, batch, now, exc.message)
                    eng.refresh_dossiers(conn, {p.dossier_uuid for p in batch if p.dossier_uuid})
                counts["retry"] += len(batch)
                raise
            except RequestRefused as exc:
                with self._write() as conn:
                    eng.mark_requeued(conn, batch, exc.message)
                raise
            with self._write() as conn:
                out = eng.record_results(conn, sendable, results, now)
                self._apply_official_codes(conn, out.official_codes)
                eng.refresh_dossiers(conn, {p.dossier_uuid for p in sendable if p.dossier_uuid})
            walker.blocked |= out.failed_dossiers
            for name in ("applied", "duplicates", "rejected", "conflicts", "retry"):
                counts[name] += getattr(out, name)

    def _ensure_files(
        self, adapter: Adapter, batch: list[eng.Pending], walker: eng.Walker, counts: dict[str, int]
    ) -> list[eng.Pending]:
        """Upload the digitised files each dossier upsert of the batch references (HEAD, then PUT when missing)
        and return the items that may be sent. An upsert whose file cannot be read back intact here becomes a
        `conflict` naming the file; later items of its dossier wait. Network trouble raises `TransportError`
        before anything is pushed, so a dossier never goes up ahead of its files."""
        sendable: list[eng.Pending] = []
        failed: dict[str, tuple[eng.Pending, str]] = {}
        held: list[eng.Pending] = []
        for p in batch:
            if p.dossier_uuid and p.dossier_uuid in failed:
                held.append(p)
                continue
            message = (
                self._upload_files(adapter, p, counts)
                if (p.kind == "dossier.upsert" and FILES_MARK in p.payload)
                else ""
            )
            if message:
                failed[p.dossier_uuid or p.key] = (p, message)
            else:
                sendable.append(p)
        if failed:
            with self._write() as conn:
                for p, message in failed.values():
                    reply = json.dumps(
                        {"key": p.key, "status": "conflict", "source": "files", "message": message}, ensure_ascii=False
                    )
                    conn.execute(
                        eng.outbox.update()
                        .where(eng.outbox.c.id == p.id)
                        .values(state=eng.CONFLICT, last_error=message[:2000], server_reply=reply, next_attempt_at=None)
                    )
                if held:
                    eng.mark_requeued(conn, held, "Chờ tệp số hóa của hồ sơ được gửi lên trước.")
                eng.refresh_dossiers(conn, {p.dossier_uuid for p, _m in failed.values() if p.dossier_uuid})
            walker.blocked |= {p.dossier_uuid for p, _m in failed.values() if p.dossier_uuid}
            counts["conflicts"] += len(failed)
        return sendable

    def _upload_files(self, adapter: Adapter, p: eng.Pending, counts: dict[str, int]) -> str:
        """Make sure upstream holds every file of one upsert; "" when it does, else the officer's message."""
        try:
            refs = payload_files(json.loads(p.payload))
        except (ValueError, AttributeError):
            return ""  # not ours to judge: the server rejects a malformed payload with its reason
        for f in refs:
            if f.sha256 in self._upstream_files:
                continue
            if adapter.has_file(f.sha256):
                self._upstream_files.add(f.sha256)
                continue
            state, data = read_verified(self.files_dir, f.sha256)
            if state == MISSING:
                return (
                    f"Không tìm thấy tệp số hóa «{f.name}» của hồ sơ {p.dossier_code} trên máy quầy nên chưa "
                    "gửi hồ sơ lên hệ thống tỉnh. Cần khôi phục tệp (ví dụ từ bản sao lưu) rồi gửi lại."
                )
            if state == MISMATCH:
                return (
                    f"Tệp số hóa «{f.name}» của hồ sơ {p.dossier_code} trên máy quầy đã bị thay đổi hoặc hỏng "
                    "(không khớp mã kiểm tra SHA-256) nên chưa gửi hồ sơ lên hệ thống tỉnh. Cần khôi phục tệp "
                    "gốc (ví dụ từ bản sao lưu) rồi gửi lại."
                )
            try:
                adapter.put_file(f.sha256, data)
            except RequestRefused as exc:
                if exc.status in (401, 403):
                    raise
                return f"Hệ thống tỉnh không nhận tệp số hóa «{f.name}» của hồ sơ {p.dossier_code}: {exc.message}"
            self._upstream_files.add(f.sha256)
            counts["files_uploaded"] += 1
        return ""

    def _send(self, adapter: Adapter, batch: list[eng.Pending]) -> list[dict[str, Any]]:
        """Push a batch; a malformed-request refusal is narrowed down item by item to the culprit."""
        try:
            return adapter.push([p.wire() for p in batch])
        except RequestRefused as exc:
            if exc.status not in (400, 413, 422):
                raise
            if len(batch) == 1:
                return [{"key": batch[0].key, "status": "rejected", "message": exc.message}]
        results: list[dict[str, Any]] = []
        for p in batch:
            results.extend(self._send(adapter, [p]))
        return results

    def _apply_official_codes(self, conn: sa.Connection, codes: dict[str, str]) -> None:
        if not codes:
            return
        t = table_of(models.Dossier)
        for row in conn.execute(sa.select(t).where(t.c.uuid.in_(list(codes)))):
            new = codes[row.uuid]
            if row.official_code == new:
                continue
            merged = SimpleNamespace(**(dict(row._mapping) | {"official_code": new}))
            proc = (
                conn.execute(
                    sa.select(table_of(models.Procedure).c.name).where(
                        table_of(models.Procedure).c.id == row.procedure_id
                    )
                ).scalar()
                or ""
            )
            conn.execute(
                t.update().where(t.c.id == row.id).values(official_code=new, search_fold=search_text(merged, proc))
            )

    def _push_audit(self, adapter: Adapter, counts: dict[str, int]) -> None:
        office = self._settings.office
        a = table_of(models.AuditEntry)
        while True:
            with self.engine.connect() as conn:
                cursor = int(self._peek_state(conn).get("audit_cursor") or 0)
                rows = conn.execute(sa.select(a).where(a.c.id > cursor).order_by(a.c.id).limit(AUDIT_PAGE)).all()
            if not rows:
                return
            entries = [
                {
                    "id": r.id,
                    "at": r.at.isoformat(),
                    "officer": r.officer,
                    "action": r.action,
                    "dossier_code": r.dossier_code,
                    "detail": r.detail,
                }
                for r in rows
            ]
            key = f"audit:{office.agency_code}:{office.counter_code}:{rows[0].id}-{rows[-1].id}"
            results = adapter.push(
                [
                    {
                        "key": key,
                        "kind": "audit.append",
                        "dossier_uuid": "",
                        "dossier_code": "",
                        "payload": {"entries": entries},
                    }
                ]
            )
            status = results[0].get("status") if results else None
            if status not in ("applied", "duplicate"):
                return  # shown in the report as not complete; never blocks dossiers
            with self._write() as conn:
                self._state_row(conn)
                conn.execute(
                    table_of(models.SyncState)
                    .update()
                    .where(table_of(models.SyncState).c.id == 1)
                    .values(audit_cursor=rows[-1].id)
                )
            counts["audit_pushed"] += len(rows)

    def _peek_state(self, conn: sa.Connection) -> dict[str, Any]:
        t = table_of(models.SyncState)
        row = conn.execute(sa.select(t).where(t.c.id == 1)).first()
        return dict(row._mapping) if row else {}

    def _pull(self, adapter: Adapter, now: datetime, counts: dict[str, int]) -> None:
        from onestop.sync.pull import PullApplier, PullOutcome

        counter = self._settings.office.counter_code
        while True:
            with self.engine.connect() as conn:
                cursor = str(self._peek_state(conn).get("pull_cursor") or "")
            items, next_cursor, more = adapter.changes(cursor, PULL_PAGE)
            self._apply_reference_data([i for i in items if i.get("kind") in ("catalog", "calendar")])
            out = PullOutcome()
            with self._write() as conn:
                applier = PullApplier(conn, counter, now_vn())
                applier.apply_page(
                    [i["data"] for i in items if i.get("kind") == "dossier" and isinstance(i.get("data"), dict)], out
                )
                self._state_row(conn)
                conn.execute(
                    table_of(models.SyncState)
                    .update()
                    .where(table_of(models.SyncState).c.id == 1)
                    .values(pull_cursor=next_cursor)
                )
                if out.conflicts:
                    eng.refresh_dossiers(conn, out.touched)
            if out.messages or out.inserted or out.conflicts:
                with session_scope(self.engine, write=True) as s:
                    detail = f"nhận {out.inserted} hồ sơ mới, cập nhật {out.updated}, xung đột {out.conflicts}"
                    record(s, "sync", "sync.pull", detail=(detail + "; " + " ".join(out.messages))[:2000])
            counts["pulled"] += len(items)
            counts["pulled_inserted"] += out.inserted
            counts["pulled_updated"] += out.updated
            counts["pull_conflicts"] += out.conflicts
            if not more or next_cursor == cursor:
                return

    def _fetch_missing_files(self, adapter: Adapter, counts: dict[str, int]) -> None:
        """Download every digitised file a local dossier references but this workstation lacks (another
        counter's or an online dossier's scans). A file that cannot be fetched now leaves a note in the dossier's
        `sync_message` and is tried again on the next run; the note goes once the file is here."""
        a, doc, d = table_of(models.Attachment), table_of(models.DossierDocument), table_of(models.Dossier)
        rf = table_of(models.ResultFile)
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.union_all(
                    sa.select(a.c.sha256, a.c.file_name, d.c.id, d.c.sync_state, d.c.sync_message)
                    .join(doc, doc.c.id == a.c.document_id)
                    .join(d, d.c.id == doc.c.dossier_id),
                    sa.select(rf.c.sha256, rf.c.file_name, d.c.id, d.c.sync_state, d.c.sync_message).join(
                        d, d.c.id == rf.c.dossier_id
                    ),
                )
            ).all()
        if not rows:
            return
        files_dir = self.files_dir
        present: dict[str, bool] = {}
        for r in rows:
            if r.sha256 not in present:
                try:
                    present[r.sha256] = local_path(files_dir, r.sha256).is_file()
                except ValueError:
                    present[r.sha256] = True  # not a content address: nothing to fetch
        offline = False
        for sha in [s for s, here in present.items() if not here]:
            if offline:
                continue
            try:
                data = adapter.get_file(sha)
            except TransportError:
                offline = True  # the rest waits for the next run
                continue
            except RequestRefused:
                continue
            if data is not None and write_atomic(files_dir, sha, data):
                present[sha] = True
                counts["files_downloaded"] += 1
        counts["files_missing"] += sum(1 for here in present.values() if not here)
        notes: dict[int, tuple[Any, list[str]]] = {}
        for r in rows:
            names = notes.setdefault(r.id, (r, []))[1]
            if not present[r.sha256]:
                names.append(r.file_name)
        updates = []
        for dossier_id, (r, names) in notes.items():
            if r.sync_state != "synced":
                continue  # the outbox's message (conflict, rejection, pending) says more
            note = ""
            if names:
                more = f" và {len(names) - 1} tệp khác" if len(names) > 1 else ""
                note = f"{MISSING_FILE_PREFIX} «{names[0]}»{more} từ hệ thống tỉnh; sẽ thử lại ở lần đồng bộ sau."
            elif not r.sync_message.startswith(MISSING_FILE_PREFIX):
                continue
            if note != r.sync_message:
                updates.append({"b_id": dossier_id, "b_msg": note[:2000]})
        if updates:
            with self._write() as conn:
                conn.execute(
                    d.update().where(d.c.id == sa.bindparam("b_id")).values(sync_message=sa.bindparam("b_msg")), updates
                )

    def _apply_reference_data(self, items: list[dict[str, Any]]) -> None:
        """Catalog and holiday-calendar updates published by the province."""
        for item in items:
            data = item.get("data") or {}
            if item["kind"] == "catalog" and data.get("procedures"):
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / "catalog.json"
                    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
                    self.catalog.import_file(path, actor="sync", merge=True)
            elif item["kind"] == "calendar":
                self._apply_calendar(data)

    def _apply_calendar(self, data: dict[str, Any]) -> None:
        """A calendar publication: an official notice of a year (`notice`, docs/sync-protocol.md), which makes that
        year official, and/or single days (`days`, set as a leader would). A notice that does not read is refused
        whole and audited, never half-applied."""
        from onestop.calendar.holidays import notice_from_dict

        raw = data.get("notice")
        if raw is not None:
            try:
                notice = notice_from_dict(raw)
            except ValueError as exc:
                with session_scope(self.engine, write=True) as s:
                    record(s, "sync", "calendar.notice_refused", detail=str(exc)[:2000])
            else:
                self.calendar.apply_notice(notice, origin="province", actor="sync")
        for d in data.get("days") or []:
            try:
                self.calendar.set_day(
                    date.fromisoformat(str(d.get("day"))),
                    str(d.get("kind")),
                    str(d.get("reason") or "Theo thông báo của tỉnh"),
                    actor="system",
                )
            except (ValueError, BadInput):
                continue

    # ------------------------------------------------------------------ reads

    def _unsent_count(self) -> int:
        o = eng.outbox
        with self.engine.connect() as conn:
            return (
                conn.execute(sa.select(sa.func.count()).select_from(o).where(o.c.state.in_(eng.UNSENT))).scalar() or 0
            )

    def status(self, *, now: datetime | None = None) -> SyncStatus:
        """Online/offline as last seen, pending count, oldest unsent age, last success, counts by state."""
        now = now or now_vn()
        o = eng.outbox
        with self.engine.connect() as conn:
            counts = {
                state: n for state, n in conn.execute(sa.select(o.c.state, sa.func.count()).group_by(o.c.state)).all()
            }
            oldest = conn.execute(sa.select(sa.func.min(o.c.created_at)).where(o.c.state.in_(eng.UNSENT))).scalar()
            state = self._peek_state(conn)
            dialect = conn.dialect
        oldest_at = models.AwareDateTime().process_result_value(oldest, dialect) if isinstance(oldest, str) else oldest
        pending = sum(counts.get(s, 0) for s in eng.UNSENT)
        age = (now - oldest_at) if oldest_at else None
        warn_days = self.settings.sync.backlog_warn_days
        backlog = age is not None and age >= timedelta(days=warn_days)
        configured = bool(self.settings.sync.url)
        online = self._online
        if not configured:
            message = "Ngoại tuyến (chưa cấu hình máy chủ tỉnh)"
        elif not self.settings.sync.token:
            message = "Ngoại tuyến (chưa cấu hình mã truy cập sync.token)"
        elif online is None:
            message = "Chưa đồng bộ từ khi mở"
        else:
            message = "Trực tuyến" if online else "Mất kết nối"
        if pending:
            message += f" · {pending} chờ gửi"
        if counts.get(eng.CONFLICT):
            message += f" · {counts[eng.CONFLICT]} xung đột"
        if counts.get(eng.REJECTED):
            message += f" · {counts[eng.REJECTED]} bị từ chối"
        if backlog:
            message += f" · tồn đọng quá {warn_days} ngày"
        return SyncStatus(
            configured=configured,
            online=online,
            pending=pending,
            oldest_unsent_at=oldest_at,
            oldest_unsent_age=age,
            last_success_at=state.get("last_success_at"),
            last_attempt_at=state.get("last_attempt_at"),
            last_error=state.get("last_error") or "",
            counts=counts,
            backlog_warning=backlog,
            message=message,
        )

    def items(self, state: str | None = None, limit: int = 200) -> list[OutboxView]:
        """Outbox items, unsent first (oldest first), then the most recent synced ones."""
        o = eng.outbox
        with self.engine.connect() as conn:
            if state:
                q = sa.select(o).where(o.c.state == state).order_by(o.c.id).limit(limit)
                rows = list(conn.execute(q))
            else:
                rows = list(conn.execute(sa.select(o).where(o.c.state.in_(eng.UNSENT)).order_by(o.c.id).limit(limit)))
                if len(rows) < limit:
                    rows += conn.execute(
                        sa.select(o).where(o.c.state.in_(eng.DONE)).order_by(o.c.id.desc()).limit(limit - len(rows))
                    ).all()
        return [self._view(r) for r in rows]

    @staticmethod
    def _view(r: Any) -> OutboxView:
        upstream = ""
        if r.state == eng.CONFLICT and r.server_reply:
            try:
                snap = json.loads(r.server_reply).get("upstream") or {}
                if snap.get("TrangThaiHoSo"):
                    upstream = Status.from_national(int(snap["TrangThaiHoSo"])).label
            except (ValueError, AttributeError, TypeError):
                upstream = ""
        return OutboxView(
            id=r.id,
            key=r.key,
            kind=r.kind,
            kind_label=KIND_LABELS.get(r.kind, r.kind),
            dossier_code=r.dossier_code,
            dossier_uuid=r.dossier_uuid,
            state=r.state,
            state_label=eng.STATE_LABELS.get(r.state, r.state),
            attempts=r.attempts,
            next_attempt_at=r.next_attempt_at,
            last_error=r.last_error,
            created_at=r.created_at,
            sent_at=r.sent_at,
            upstream_status=upstream,
        )

    def item(self, item_id: int) -> OutboxView:
        o = eng.outbox
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(o).where(o.c.id == item_id)).first()
        if row is None:
            raise NotFound(f"Không có mục đồng bộ số {item_id}.")
        return self._view(row)

    # ------------------------------------------------------------------ officer actions

    def retry(self, item_id: int, actor: str) -> OutboxView:
        """Re-queue one item (after fixing what the server rejected, or to send a waiting item now)."""
        officer = self.officers.require(actor, Role.OFFICER)
        o = eng.outbox
        with self._write() as conn:
            row = conn.execute(sa.select(o).where(o.c.id == item_id)).first()
            if row is None:
                raise NotFound(f"Không có mục đồng bộ số {item_id}.")
            if row.state in eng.DONE:
                raise Conflict("Mục này đã đồng bộ xong; không cần gửi lại.")
            conn.execute(
                o.update()
                .where(o.c.id == item_id)
                .values(state=eng.QUEUED, next_attempt_at=None, last_error="", server_reply="")
            )
            eng.refresh_dossiers(conn, {row.dossier_uuid} if row.dossier_uuid else set())
        self.audit.log(officer.username, "sync.retry", row.dossier_code, detail=f"{row.kind} #{item_id}")
        return self.item(item_id)

    def retry_all(self, actor: str) -> int:
        """Re-queue every item waiting to retry or rejected (conflicts need `resolve_conflict`)."""
        officer = self.officers.require(actor, Role.OFFICER)
        o = eng.outbox
        with self._write() as conn:
            uuids = {
                r[0]
                for r in conn.execute(sa.select(o.c.dossier_uuid).where(o.c.state.in_((eng.RETRY_WAIT, eng.REJECTED))))
            }
            n = conn.execute(
                o.update()
                .where(o.c.state.in_((eng.RETRY_WAIT, eng.REJECTED)))
                .values(state=eng.QUEUED, next_attempt_at=None, last_error="")
            ).rowcount
            eng.refresh_dossiers(conn, {u for u in uuids if u})
        self.audit.log(officer.username, "sync.retry_all", detail=f"{n} mục")
        return n

    def resolve_conflict(self, item_id: int, keep: str, actor: str) -> OutboxView:
        """`keep="local"`: send the counter's change again, overriding upstream; `keep="upstream"`: drop the
        counter's unsent steps for this dossier and take the province's version."""
        if keep not in ("local", "upstream"):
            raise BadInput("Chọn giữ dữ liệu của quầy (local) hoặc của tỉnh (upstream).", field="keep")
        officer = self.officers.require(actor, Role.OFFICER)
        o = eng.outbox
        with self._write() as conn:
            row = conn.execute(sa.select(o).where(o.c.id == item_id)).first()
            if row is None:
                raise NotFound(f"Không có mục đồng bộ số {item_id}.")
            if row.state != eng.CONFLICT:
                raise Conflict("Mục này không ở trạng thái xung đột.")
            try:
                reply = json.loads(row.server_reply or "{}")
            except ValueError:
                reply = {}
            if keep == "local":
                conn.execute(
                    o.update()
                    .where(o.c.id == item_id)
                    .values(
                        state=eng.QUEUED,
                        next_attempt_at=None,
                        last_error="",
                        server_reply=json.dumps({"resolution": "keep_local", "by": officer.username}),
                    )
                )
            else:
                later = (
                    [
                        r.id
                        for r in conn.execute(
                            sa.select(o.c.id, o.c.kind).where(
                                o.c.dossier_uuid == row.dossier_uuid, o.c.id >= item_id, o.c.state.in_(eng.UNSENT)
                            )
                        )
                        if r.id == item_id or r.kind == "dossier.event"
                    ]
                    if row.dossier_uuid
                    else [item_id]
                )
                conn.execute(
                    o.update()
                    .where(o.c.id.in_(later))
                    .values(
                        state=eng.DISCARDED,
                        next_attempt_at=None,
                        last_error=f"Cán bộ {officer.username} chọn giữ dữ liệu của hệ thống tỉnh.",
                    )
                )
                snap = reply.get("upstream")
                if isinstance(snap, dict) and snap.get("Uuid"):
                    from onestop.sync.pull import PullApplier, PullOutcome

                    PullApplier(conn, self._settings.office.counter_code, now_vn()).apply(
                        snap, PullOutcome(), force=True
                    )
            if row.dossier_uuid:
                eng.refresh_dossiers(conn, {row.dossier_uuid})
        self.audit.log(
            officer.username,
            "sync.resolve",
            row.dossier_code,
            detail=f"{row.kind} #{item_id}: giữ {'quầy' if keep == 'local' else 'tỉnh'}",
        )
        return self.item(item_id)
