"""Storage of the reference provincial server: SQLAlchemy Core tables on SQLite (default) or PostgreSQL.

Every push item is applied at most once: its idempotency key goes into `applied_key` (primary key) in the same
transaction as the change it carries, so a retried request after a lost reply is answered `duplicate`.

Digitised files (số hóa) are stored content-addressed in `file_blob` (the bytes, keyed by SHA-256) with one
`file_ref` row per agency that uploaded the bytes or whose dossier references them: only those agencies may
see or download the file, and a dossier upsert naming a file its agency does not hold is rejected.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import time
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from onestop.province.models import AGENCY_RE, item_problem, json_problem, online_problem
from onestop.province.schema import (
    applied_key_t,
    audit_t,
    calendar_notice_t,
    change_t,
    create_or_upgrade,
    dossier_t,
    event_t,
    feed_head_t,
    file_blob_t,
    file_ref_t,
    sequence_t,
    token_t,
)
from onestop.sync.protocol import (
    APPLIED,
    CONFLICT,
    DUPLICATE,
    EVENT,
    MAX_FILE_BYTES,
    REJECTED,
    SHA256_RE,
    SKIPPED,
    STATUS_LABELS,
    UPSERT,
    VN_TZ,
    FileRef,
    payload_files,
)

LAST_USED_EVERY_S = 60.0  # a token's `last_used_at` is written at most once a minute


def now_text() -> str:
    return datetime.now(VN_TZ).isoformat(timespec="seconds")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def payload_hash(kind: str, payload: Any) -> str:
    text = json.dumps({"kind": kind, "payload": payload}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


NOT_YOURS = "Hồ sơ này không thuộc đơn vị của quầy; hệ thống tỉnh không nhận."


def own_code(code: str, caller: Caller) -> bool:
    """A dossier code minted by this counter: `<agency>-<yymmdd>-<counter><number>` (BRIEF §4.3)."""
    head = f"{caller.agency_code}-"
    if not code.startswith(head):
        return False
    rest = code[len(head) :]
    return (
        len(rest) >= 12
        and rest[:6].isdigit()
        and rest[6] == "-"
        and rest[7:9] == caller.counter_code
        and rest[9:].isdigit()
    )


def normalise_url(db: str) -> str:
    """`sqlite:///path`, `postgresql://…`, or a plain file path (SQLite)."""
    if "://" in db:
        if db.startswith("postgres://"):
            db = "postgresql://" + db[len("postgres://") :]
        if db.startswith("postgresql://"):
            import importlib.util

            # SQLAlchemy 2.1 defaults to psycopg 3; the server extra ships psycopg2-binary.
            driver = "psycopg" if importlib.util.find_spec("psycopg") else "psycopg2"
            db = f"postgresql+{driver}://" + db[len("postgresql://") :]
        return db
    return f"sqlite:///{db}"


def _sqlite_file(url: str) -> Path | None:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return Path(path) if path and path != ":memory:" and not path.startswith("file:") else None


def private_file(path: Path, *, create: bool = True) -> None:
    """Owner-only: the directory a new server database goes into is made 0700, the file 0600 (citizens' data)."""
    if create and not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if create and not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    if path.exists():
        os.chmod(path, 0o600)


@dataclass(frozen=True)
class Caller:
    """Who is calling: the agency and counter a token is bound to, and its role."""

    role: str
    agency_code: str
    counter_code: str


@dataclass
class ItemResult:
    key: str
    status: str  # applied | duplicate | rejected | conflict | skipped
    message: str = ""
    official_code: str = ""
    upstream: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "status": self.status, "message": self.message}
        if self.official_code:
            out["official_code"] = self.official_code
        if self.upstream is not None:
            out["upstream"] = self.upstream
        return out


class StoreError(Exception):
    """A request the server refuses as a whole (HTTP 4xx); `message` is Vietnamese."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ProvinceStore:
    """The provincial server's data: tokens, dossiers, progress steps, applied keys, the change feed."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self._sqlite_path = _sqlite_file(self.url) if self.is_sqlite else None
        if self._sqlite_path is not None:
            private_file(self._sqlite_path)
        if self.is_sqlite:
            # hide_parameters: a server error must never print citizens' names or ID numbers into its log.
            self.engine: Engine = sa.create_engine(
                self.url, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 30}
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = sa.create_engine(
                self.url,
                hide_parameters=True,
                pool_pre_ping=True,
                pool_size=int(os.environ.get("ONESTOP_PROVINCE_POOL", "10")),
                max_overflow=10,
                pool_timeout=30,
            )
        # SQLite has one writer; serialising writers in-process avoids lock-upgrade deadlocks between threads.
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self._used: dict[int, float] = {}  # token id -> monotonic time `last_used_at` was last written
        create_or_upgrade(self.engine)
        if self._sqlite_path is not None:
            for suffix in ("", "-wal", "-shm"):
                private_file(Path(str(self._sqlite_path) + suffix), create=False)

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ transactions

    def _write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `fn(conn, …)` in one write transaction; retry when a concurrent writer won a unique race."""
        for attempt in range(5):
            try:
                if self._write_lock is not None:
                    with self._write_lock, self.engine.begin() as conn:
                        return fn(conn, *args, **kwargs)
                with self.engine.begin() as conn:
                    return fn(conn, *args, **kwargs)
            except sa.exc.IntegrityError:
                if attempt == 4:
                    raise
            except sa.exc.OperationalError as exc:
                if attempt == 4 or "deadlock" not in str(exc).lower() and "locked" not in str(exc).lower():
                    raise
        raise RuntimeError("unreachable")

    # ------------------------------------------------------------------ tokens

    def issue_token(
        self, *, agency_code: str = "", counter_code: str = "", role: str = "counter", expires_days: int | None = None
    ) -> str:
        """Issue a new bearer token; only its SHA-256 is stored."""
        return self.issue(agency_code=agency_code, counter_code=counter_code, role=role, expires_days=expires_days)[1]

    def issue(
        self, *, agency_code: str = "", counter_code: str = "", role: str = "counter", expires_days: int | None = None
    ) -> tuple[int, str]:
        """(id, token) of a new bearer token; `expires_days` None = until revoked."""
        token = secrets.token_urlsafe(32)
        now = datetime.now(VN_TZ)
        expires = (now + timedelta(days=expires_days)).isoformat(timespec="seconds") if expires_days else ""

        def run(conn: Connection) -> int:
            res = conn.execute(
                token_t.insert().values(
                    token_hash=hash_token(token),
                    role=role,
                    agency_code=agency_code,
                    counter_code=counter_code,
                    created_at=now.isoformat(timespec="seconds"),
                    revoked=False,
                    expires_at=expires,
                    last_used_at="",
                )
            )
            pk = res.inserted_primary_key
            assert pk is not None
            return int(pk[0])

        return self._write(run), token

    def tokens(self) -> list[dict[str, Any]]:
        """Every token: id, role, agency, counter, issued, expires, last used, revoked. Never the token itself."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(token_t).order_by(token_t.c.id)).all()
        return [
            {
                "id": r.id,
                "role": r.role,
                "agency_code": r.agency_code,
                "counter_code": r.counter_code,
                "issued_at": r.created_at,
                "expires_at": r.expires_at,
                "last_used_at": r.last_used_at,
                "revoked": bool(r.revoked),
            }
            for r in rows
        ]

    def revoke_token(self, token_id: int) -> bool:
        """Revoke at once (the next request with it is answered 401); False when no such token."""

        def run(conn: Connection) -> bool:
            res = conn.execute(token_t.update().where(token_t.c.id == token_id).values(revoked=True))
            return bool(res.rowcount)

        return self._write(run)

    def authenticate(self, token: str) -> Caller | None:
        """The caller a token stands for, or None (unknown, revoked or expired); checked on every request."""
        if not token or len(token) > 200:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(token_t).where(token_t.c.token_hash == hash_token(token), token_t.c.revoked == sa.false())
            ).first()
        if row is None:
            return None
        now = datetime.now(VN_TZ)
        if row.expires_at and datetime.fromisoformat(row.expires_at) <= now:
            return None
        tick = time.monotonic()
        if tick - self._used.get(row.id, -1e9) > LAST_USED_EVERY_S:
            self._used[row.id] = tick
            with self.engine.begin() as conn:
                conn.execute(
                    token_t.update()
                    .where(token_t.c.id == row.id)
                    .values(last_used_at=now.isoformat(timespec="seconds"))
                )
        return Caller(row.role, row.agency_code, row.counter_code)

    # ------------------------------------------------------------------ files

    def put_file(self, agency: str, sha256: str, data: bytes) -> bool:
        """Store a digitised file for `agency` after checking its SHA-256; True when `agency` did not hold it yet.

        Idempotent: uploading bytes already held only records that `agency` may use them. The answer depends only
        on the caller's own agency, so it never tells whether another agency holds the same bytes."""
        sha256 = sha256.lower()
        if not SHA256_RE.match(sha256):
            raise StoreError(400, "Mã SHA-256 của tệp không hợp lệ (cần 64 chữ số thập lục phân).")
        if len(data) > MAX_FILE_BYTES:
            raise StoreError(413, f"Tệp quá lớn (tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB).")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(
                400,
                "Nội dung tệp không khớp mã SHA-256 đã khai báo (tệp hỏng hoặc gửi thiếu); "
                "hệ thống tỉnh không lưu tệp này.",
            )
        if not agency:
            raise StoreError(400, "Cần mã đơn vị (agency_code) sở hữu tệp.")

        def run(conn: Connection) -> bool:
            if conn.execute(sa.select(file_blob_t.c.size).where(file_blob_t.c.sha256 == sha256)).first() is None:
                conn.execute(
                    file_blob_t.insert().values(sha256=sha256, size=len(data), data=data, created_at=now_text())
                )
            had = bool(self._held(conn, agency, {sha256}))
            self._add_refs(conn, agency, {sha256})
            return not had

        return self._write(run)

    def file_size(self, agency: str, sha256: str) -> int | None:
        """Size of a file `agency` may use, or None (unknown here, or another agency's)."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(file_blob_t.c.size)
                .join(file_ref_t, file_ref_t.c.sha256 == file_blob_t.c.sha256)
                .where(file_blob_t.c.sha256 == sha256.lower(), file_ref_t.c.agency_code == agency)
            ).scalar()

    def get_file(self, agency: str, sha256: str) -> bytes | None:
        """The bytes of a file `agency` may use, or None."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(file_blob_t.c.data)
                .join(file_ref_t, file_ref_t.c.sha256 == file_blob_t.c.sha256)
                .where(file_blob_t.c.sha256 == sha256.lower(), file_ref_t.c.agency_code == agency)
            ).scalar()

    @staticmethod
    def _held(conn: Connection, agency: str, shas: set[str]) -> set[str]:
        held: set[str] = set()
        for chunk in _chunks(sorted(shas)):
            held.update(
                r[0]
                for r in conn.execute(
                    sa.select(file_ref_t.c.sha256)
                    .join(file_blob_t, file_blob_t.c.sha256 == file_ref_t.c.sha256)
                    .where(file_ref_t.c.agency_code == agency, file_ref_t.c.sha256.in_(chunk))
                )
            )
        return held

    @staticmethod
    def _add_refs(conn: Connection, agency: str, shas: set[str]) -> None:
        have = (
            {
                r[0]
                for r in conn.execute(
                    sa.select(file_ref_t.c.sha256).where(
                        file_ref_t.c.agency_code == agency, file_ref_t.c.sha256.in_(sorted(shas))
                    )
                )
            }
            if shas
            else set()
        )
        rows = [{"sha256": sha, "agency_code": agency, "created_at": now_text()} for sha in sorted(shas - have)]
        if rows:
            conn.execute(file_ref_t.insert(), rows)

    # ------------------------------------------------------------------ push

    def push(self, caller: Caller, items: list[dict[str, Any]]) -> list[ItemResult]:
        """Apply a batch in order in one transaction; each key at most once, each dossier's items in order."""
        return self._write(self._push, caller, items)

    def _push(self, conn: Connection, caller: Caller, items: list[dict[str, Any]]) -> list[ItemResult]:
        problems = [item_problem(str(i.get("kind") or ""), i.get("payload")) for i in items]
        valid = [i for i, bad in zip(items, problems, strict=True) if bad is None]
        batch = _Batch(conn, caller.agency_code)
        batch.preload(
            uuids={str(i["payload"]["Uuid"]) for i in valid if "Uuid" in i["payload"]},
            codes={str(i["payload"]["MaHoSo"]) for i in valid if "MaHoSo" in i["payload"]},
            keys={str(i.get("key") or "") for i in valid},
        )
        shas = {f.sha256 for i in valid if i.get("kind") == UPSERT for f in payload_files(i["payload"])}
        if shas:
            batch.files = self._held(conn, caller.agency_code, shas)
        results: list[ItemResult] = []
        blocked: set[str] = set()
        for item, problem in zip(items, problems, strict=True):
            key = str(item.get("key") or "")
            dossier_uuid = str(item.get("dossier_uuid") or "")
            if dossier_uuid and dossier_uuid in blocked:
                results.append(ItemResult(key, SKIPPED, "Chưa xử lý: mục trước của cùng hồ sơ chưa được áp dụng."))
                continue
            result = ItemResult(key, REJECTED, problem) if problem else self._apply(batch, caller, item)
            if result.status in (REJECTED, CONFLICT) and dossier_uuid:
                blocked.add(dossier_uuid)
            results.append(result)
        batch.flush()
        return results

    def _apply(self, b: _Batch, caller: Caller, item: dict[str, Any]) -> ItemResult:
        key = str(item.get("key") or "")
        kind = str(item.get("kind") or "")
        payload: dict[str, Any] = item["payload"]
        digest = payload_hash(kind, payload)
        done = b.keys.get(key)
        if done is not None:
            done_hash, done_uuid = done
            row = b.own(done_uuid)
            if done_hash != digest:
                return ItemResult(
                    key,
                    CONFLICT,
                    "Khóa chống trùng này đã được dùng cho một nội dung khác trên hệ thống tỉnh; cần cán bộ kiểm tra.",
                    upstream=b.snapshot(done_uuid) if row is not None else None,
                )
            return ItemResult(
                key,
                DUPLICATE,
                "Đã nhận trước đó; không áp dụng lại.",
                official_code=row["official_code"] if row else "",
            )
        force = bool(item.get("force"))
        if kind == UPSERT:
            result = self._upsert(b, caller, key, payload, force)
        elif kind == EVENT:
            result = self._event(b, caller, key, payload, force)
        else:
            result = self._audit(b.conn, caller, key, payload)
        if result.status == APPLIED:
            uuid = str(payload.get("Uuid") or "")
            b.keys[key] = (digest, uuid)
            b.new_keys.append(
                {
                    "key": b.key_id(key),
                    "agency_code": caller.agency_code,
                    "counter_code": caller.counter_code,
                    "kind": kind,
                    "payload_hash": digest,
                    "dossier_uuid": uuid,
                    "applied_at": now_text(),
                }
            )
        return result

    def _upsert(self, b: _Batch, caller: Caller, key: str, p: dict[str, Any], force: bool) -> ItemResult:
        """Intake data. Rules (docs/sync-protocol.md, "Who may do what"): only into the caller's agency; a new dossier's
        code carries the caller's agency and counter; another counter's dossier only with `force`; never a status."""
        agency = p.get("MaDinhDanhDonVi") or caller.agency_code
        if agency != caller.agency_code:
            return ItemResult(  # echoes what the caller sent, nothing stored
                key, REJECTED, f"Hồ sơ ghi đơn vị {agency}, không phải đơn vị của quầy ({caller.agency_code})."
            )
        uuid, code = p["Uuid"], p["MaHoSo"]
        if b.exists_elsewhere(uuid):
            return ItemResult(key, REJECTED, NOT_YOURS)
        row = b.own(uuid)
        now = now_text()
        if row is None:
            if not own_code(code, caller):
                return ItemResult(
                    key,
                    REJECTED,
                    f"Mã hồ sơ mới phải mang mã đơn vị và mã quầy gửi: "
                    f"{caller.agency_code}-yymmdd-{caller.counter_code}NNNN.",
                )
            other = b.code_owner(code)
            if other is not None:
                if b.own(other) is None:
                    return ItemResult(key, REJECTED, NOT_YOURS)
                return ItemResult(
                    key,
                    CONFLICT,
                    f"Mã hồ sơ {code} đã có trên hệ thống tỉnh cho một hồ sơ khác; cần cán bộ kiểm tra.",
                    upstream=b.snapshot(other),
                )
        elif row["counter_code"] and row["counter_code"] != caller.counter_code and not force:
            return ItemResult(
                key,
                REJECTED,
                f"Hồ sơ {code} do quầy {row['counter_code']} tiếp nhận; quầy "
                f"{caller.counter_code} không được sửa thông tin tiếp nhận.",
            )
        elif row["code"] != code:
            return ItemResult(
                key,
                CONFLICT,
                f"Hồ sơ đã có trên hệ thống tỉnh với mã {row['code']}, khác mã {code}; cần cán bộ kiểm tra.",
                upstream=b.snapshot(uuid),
            )
        missing = [f.name for f in payload_files(p) if f.sha256 not in b.files]
        if missing:
            return ItemResult(
                key,
                REJECTED,
                f"Hệ thống tỉnh chưa có tệp số hóa «{missing[0]}» của hồ sơ {code}; "
                "quầy cần gửi tệp trước khi gửi hồ sơ.",
            )
        version = int(p.get("PhienBan") or 1)
        if row is None:
            b.insert_dossier(
                {
                    "uuid": uuid,
                    "code": code,
                    "agency_code": caller.agency_code,
                    "counter_code": caller.counter_code,
                    "official_code": "",
                    "status": int(p["TrangThaiHoSo"]),
                    "version": version,
                    "rev": 1,
                    "origin": "counter",
                    "payload": p,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        else:
            if version < row["version"]:
                return ItemResult(
                    key,
                    APPLIED,
                    "Hệ thống tỉnh đã có phiên bản mới hơn; giữ phiên bản đó.",
                    official_code=row["official_code"],
                )
            b.update_dossier(
                uuid,
                payload=p,
                version=version,
                rev=row["rev"] + 1,
                updated_at=now,
                counter_code=row["counter_code"] or caller.counter_code,
            )
        b.emit(caller.agency_code, caller.counter_code, uuid, "upsert")
        return ItemResult(key, APPLIED, "Đã cập nhật hồ sơ.", official_code=(b.dossier(uuid) or {})["official_code"])

    def _event(self, b: _Batch, caller: Caller, key: str, p: dict[str, Any], force: bool) -> ItemResult:
        """A processing step: only on a dossier of the caller's agency; a status change names the status it leaves."""
        row = b.own(p["Uuid"])
        if row is None:  # unknown, or another agency's: the same answer, so it tells nothing about the other
            return ItemResult(
                key,
                REJECTED,
                f"Hệ thống tỉnh chưa có hồ sơ {p['MaHoSo']} của đơn vị {caller.agency_code}; "
                "cần gửi hồ sơ trước tiến độ xử lý.",
            )
        if row["code"] != p["MaHoSo"]:
            return ItemResult(
                key,
                CONFLICT,
                f"Hồ sơ đã có trên hệ thống tỉnh với mã {row['code']}, khác mã {p['MaHoSo']}; cần cán bộ kiểm tra.",
                upstream=b.snapshot(row["uuid"]),
            )
        to_status, from_status = int(p["TrangThai"]), p.get("TrangThaiTruoc")
        if from_status is None and to_status != row["status"]:
            return ItemResult(
                key,
                REJECTED,
                "Trường «TrangThaiTruoc» bắt buộc khi bước xử lý đổi trạng thái hồ sơ.",
            )
        if from_status is not None and int(from_status) != row["status"] and not force:
            return ItemResult(
                key,
                CONFLICT,
                f"Trên hệ thống tỉnh hồ sơ {row['code']} đang ở trạng thái «{STATUS_LABELS[row['status']]}», không "
                f"phải «{STATUS_LABELS.get(int(from_status), from_status)}»; cần cán bộ chọn giữ bên nào.",
                upstream=b.snapshot(row["uuid"]),
            )
        b.add_event(row["uuid"], int(p["BuocSo"]), to_status, caller.counter_code, p)
        b.update_dossier(row["uuid"], status=to_status, rev=row["rev"] + 1, updated_at=now_text())
        b.emit(caller.agency_code, caller.counter_code, row["uuid"], "event")
        return ItemResult(key, APPLIED, "Đã cập nhật tiến độ xử lý.", official_code=row["official_code"])

    def _audit(self, conn: Connection, caller: Caller, key: str, p: dict[str, Any]) -> ItemResult:
        entries = p["entries"]
        ids = [int(e["id"]) for e in entries]
        existing: set[int] = set()
        for chunk in _chunks(ids):
            existing.update(
                r[0]
                for r in conn.execute(
                    sa.select(audit_t.c.local_id).where(
                        audit_t.c.agency_code == caller.agency_code,
                        audit_t.c.counter_code == caller.counter_code,
                        audit_t.c.local_id.in_(chunk),
                    )
                )
            )
        rows = [
            {
                "agency_code": caller.agency_code,
                "counter_code": caller.counter_code,
                "local_id": int(e["id"]),
                "at": str(e.get("at") or "")[:32],
                "officer": str(e.get("officer") or "")[:50],
                "action": str(e.get("action") or "")[:40],
                "dossier_code": str(e.get("dossier_code") or "")[:60],
                "detail": str(e.get("detail") or ""),
            }
            for e in entries
            if int(e["id"]) not in existing
        ]
        if rows:
            conn.execute(audit_t.insert(), rows)
        return ItemResult(key, APPLIED, f"Đã nhận {len(rows)} dòng nhật ký.")

    def _snapshot_by_uuid(self, conn: Connection, uuid: str) -> dict[str, Any] | None:
        return _Batch(conn).snapshot(uuid) if uuid else None

    def _emit_dossier(self, conn: Connection, agency: str, source: str, uuid: str, reason: str) -> None:
        b = _Batch(conn, agency)
        b.emit(agency, source, uuid, reason)
        b.flush()

    def changes(self, caller: Caller, cursor: str, limit: int) -> tuple[list[dict[str, Any]], str]:
        """Changes after `cursor` in the caller's agency's stream and the province-wide one (catalog, calendar),
        excluding those the caller's counter made itself. Another agency's changes are never read."""
        limit = max(1, min(limit, 1000))
        agency = caller.agency_code
        with self.engine.connect() as conn:
            a, g = self._cursor(conn, agency, cursor)
            # The heads first, then only rows up to them: a change committed between the two reads has a higher
            # number (an agency's writers commit in feed order, see `number_changes`) and comes with the next pull.
            heads = dict(
                conn.execute(
                    sa.select(feed_head_t.c.agency_code, feed_head_t.c.seq).where(
                        feed_head_t.c.agency_code.in_([agency, ""])
                    )
                ).all()
            )
            head_a, head_g = max(a, int(heads.get(agency, 0))), max(g, int(heads.get("", 0)))
            rows = conn.execute(_feed_page(change_t.c.agency_code == "", g, head_g, limit)).all()
            next_g = rows[-1].aseq if len(rows) == limit else head_g
            next_a = a
            if len(rows) < limit:
                mine = conn.execute(
                    _feed_page(change_t.c.agency_code == agency, a, head_a, limit - len(rows)).where(
                        change_t.c.source != caller.counter_code
                    )
                ).all()
                next_a = mine[-1].aseq if len(mine) == limit - len(rows) else head_a
                rows = [*rows, *mine]
        items = [
            {
                "seq": r.aseq,
                "kind": r.kind,
                "source": r.source,
                "dossier_uuid": r.dossier_uuid,
                "at": r.at,
                "data": json.loads(r.payload),
            }
            for r in rows
        ]
        return items, f"v2.{next_a}.{next_g}"

    @staticmethod
    def _cursor(conn: Connection, agency: str, cursor: str) -> tuple[int, int]:
        """(agency position, province-wide position). `v2.A.G`; a bare number is a cursor of the single-feed era
        (a global change number) and is translated once."""
        cursor = cursor.strip()
        if not cursor:
            return 0, 0
        parts = cursor.split(".")
        if len(parts) == 3 and parts[0] == "v2" and all(_small_int(x) for x in parts[1:]):
            return int(parts[1]), int(parts[2])
        if not _small_int(cursor):
            raise StoreError(400, "Con trỏ (cursor) không hợp lệ.")
        legacy = int(cursor)

        def upto(who: str) -> int:
            return int(
                conn.execute(
                    sa.select(sa.func.max(change_t.c.aseq)).where(
                        change_t.c.agency_code == who, change_t.c.seq <= legacy
                    )
                ).scalar()
                or 0
            )

        return upto(agency), upto("")

    # ------------------------------------------------------------------ upstream activity (admin)

    def submit_online(self, agency: str, p: dict[str, Any]) -> dict[str, Any]:
        """A citizen's online submission for `agency`: status 1 (Mới đăng ký), code minted upstream."""
        return self.submit_online_many(agency, [p], snapshots=True)[0]

    def submit_online_many(
        self, agency: str, payloads: list[dict[str, Any]], *, snapshots: bool = False
    ) -> list[dict[str, Any]]:
        """Several online submissions in one transaction (training data, benchmarks)."""
        if not AGENCY_RE.match(agency or "") or len(agency) > 35:
            raise StoreError(400, "Mã đơn vị (agency_code) không hợp lệ.")
        for p in payloads:
            if not p.get("MaTTHC") or not p.get("ChuHoSo"):
                raise StoreError(400, "Hồ sơ trực tuyến cần mã thủ tục (MaTTHC) và chủ hồ sơ (ChuHoSo).")
            problem = online_problem(p)
            if problem:
                raise StoreError(400, problem)
        shas = {f.sha256 for p in payloads for f in payload_files(p)}

        def run(conn: Connection) -> list[dict[str, Any]]:
            missing = shas - self._held(conn, agency, shas) if shas else set()
            if missing:
                raise StoreError(
                    400,
                    "Hệ thống tỉnh chưa có tệp số hóa của hồ sơ trực tuyến; hãy gửi tệp trước "
                    "(PUT /v1/files/{sha256}?agency_code=…).",
                )
            batch = _Batch(conn, agency)
            out = [self._submit(batch, agency, p, snapshots) for p in payloads]
            batch.flush()
            return out

        return self._write(run)

    def _submit(self, b: _Batch, agency: str, p: dict[str, Any], snapshot: bool) -> dict[str, Any]:
        now = datetime.now(VN_TZ)
        prefix = f"{agency}-{now:%y%m%d}-00"
        seq = self._next_seq(b.conn, prefix)
        uuid = str(p.get("Uuid") or uuidlib.uuid4())
        body = dict(p) | {
            "Uuid": uuid,
            "MaHoSo": f"{prefix}{seq:04d}",
            "MaDinhDanhDonVi": agency,
            "TrangThaiHoSo": 1,
            "KenhThucHien": 2,
            "PhienBan": 1,
        }
        body.setdefault("NgayTiepNhan", now.strftime("%Y%m%d%H%M%S"))
        b.insert_dossier(
            {
                "uuid": uuid,
                "code": body["MaHoSo"],
                "agency_code": agency,
                "counter_code": "",
                "official_code": "",
                "status": 1,
                "version": 1,
                "rev": 1,
                "origin": "online",
                "payload": body,
                "created_at": now_text(),
                "updated_at": now_text(),
            }
        )
        b.add_event(
            uuid,
            1,
            1,
            "upstream",
            {
                "Uuid": uuid,
                "MaHoSo": body["MaHoSo"],
                "BuocSo": 1,
                "TrangThai": 1,
                "NguoiXuLy": "Cổng Dịch vụ công",
                "NoiDungXuLy": "Công dân nộp hồ sơ trực tuyến",
                "ThoiDiemXuLy": body["NgayTiepNhan"],
            },
        )
        b.emit(agency, "upstream", uuid, "online")
        return (b.snapshot(uuid) or {}) if snapshot else {"Uuid": uuid, "MaHoSo": body["MaHoSo"]}

    def _next_seq(self, conn: Connection, prefix: str) -> int:
        row = conn.execute(sa.select(sequence_t.c.next_seq).where(sequence_t.c.prefix == prefix)).first()
        if row is None:
            conn.execute(sequence_t.insert().values(prefix=prefix, next_seq=2))
            return 1
        conn.execute(sequence_t.update().where(sequence_t.c.prefix == prefix).values(next_seq=row.next_seq + 1))
        return int(row.next_seq)

    def _find(self, conn: Connection, ref: str) -> Any:
        row = conn.execute(
            sa.select(dossier_t).where(
                sa.or_(dossier_t.c.uuid == ref, dossier_t.c.code == ref, dossier_t.c.official_code == ref)
            )
        ).first()
        if row is None:
            raise StoreError(404, f"Không tìm thấy hồ sơ '{ref[:60]}' trên hệ thống tỉnh.")
        return row

    def set_status(self, ref: str, status: int, note: str = "", officer: str = "Cán bộ xử lý") -> dict[str, Any]:
        """A processing status set upstream (by the specialised unit); appended as an upstream progress step."""
        if status not in STATUS_LABELS:
            raise StoreError(400, "Mã trạng thái phải từ 1 đến 10.")

        def run(conn: Connection) -> dict[str, Any]:
            row = self._find(conn, ref)
            seq = (
                conn.execute(sa.select(sa.func.max(event_t.c.seq)).where(event_t.c.dossier_uuid == row.uuid)).scalar()
                or 1
            ) + 1
            body = {
                "Uuid": row.uuid,
                "MaHoSo": row.code,
                "BuocSo": seq,
                "NguoiXuLy": officer[:50],
                "ThoiDiemXuLy": datetime.now(VN_TZ).strftime("%Y%m%d%H%M%S"),
                "TrangThaiTruoc": row.status,
                "TrangThai": status,
                "NoiDungXuLy": note or STATUS_LABELS[status],
            }
            conn.execute(
                event_t.insert().values(
                    dossier_uuid=row.uuid,
                    seq=seq,
                    status=status,
                    source="upstream",
                    payload=json.dumps(body, ensure_ascii=False),
                    at=now_text(),
                )
            )
            conn.execute(
                dossier_t.update()
                .where(dossier_t.c.uuid == row.uuid)
                .values(status=status, rev=row.rev + 1, updated_at=now_text())
            )
            self._emit_dossier(conn, row.agency_code, "upstream", row.uuid, "status")
            return self._snapshot_by_uuid(conn, row.uuid) or {}

        return self._write(run)

    def set_official_code(self, ref: str, official_code: str) -> dict[str, Any]:
        official_code = official_code.strip()
        if not official_code or len(official_code) > 60:
            raise StoreError(400, "Mã hồ sơ chính thức không hợp lệ.")

        def run(conn: Connection) -> dict[str, Any]:
            row = self._find(conn, ref)
            conn.execute(
                dossier_t.update()
                .where(dossier_t.c.uuid == row.uuid)
                .values(official_code=official_code, rev=row.rev + 1, updated_at=now_text())
            )
            self._emit_dossier(conn, row.agency_code, "upstream", row.uuid, "official_code")
            return self._snapshot_by_uuid(conn, row.uuid) or {}

        return self._write(run)

    def publish(self, kind: str, data: dict[str, Any], agency: str = "") -> int:
        """Publish a catalog or holiday-calendar update to every agency (or one)."""
        if kind not in ("catalog", "calendar"):
            raise StoreError(400, "Chỉ phát hành được danh mục (catalog) hoặc lịch (calendar).")
        problem = json_problem(data)
        if problem or (agency and not AGENCY_RE.match(agency)):
            raise StoreError(400, problem or "Mã đơn vị (agency_code) không hợp lệ.")
        if kind == "calendar" and "notice" in data:  # an official notice goes through its own check and record
            rest = {k: v for k, v in data.items() if k != "notice"}
            seq = int(self.load_notice(data["notice"], agency)["seq"])
            return self.publish(kind, rest, agency) if rest.get("days") else seq

        def run(conn: Connection) -> int:
            change = {
                "agency_code": agency,
                "source": "upstream",
                "kind": kind,
                "dossier_uuid": "",
                "payload": json.dumps(data, ensure_ascii=False),
                "at": now_text(),
            }
            number_changes(conn, [change])
            conn.execute(change_t.insert().values(**change))
            return int(change["aseq"])

        return self._write(run)

    def load_notice(self, notice: dict[str, Any], agency: str = "", loaded_by: str = "") -> dict[str, Any]:
        """A province admin publishes an official holiday notice of one year (days off, swaps, make-up Saturdays,
        each with its source): checked whole, recorded in `calendar_notice` and published on the `calendar` feed
        (to every agency, or one) in one transaction. Counters that pull it treat the year as official."""
        from onestop.calendar.holidays import notice_from_dict, notice_to_dict

        try:
            parsed = notice_from_dict(notice)
        except ValueError as exc:
            raise StoreError(400, str(exc)) from None
        if agency and not AGENCY_RE.match(agency):
            raise StoreError(400, "Mã đơn vị (agency_code) không hợp lệ.")
        body = notice_to_dict(parsed)

        def run(conn: Connection) -> dict[str, Any]:
            change = {
                "agency_code": agency,
                "source": "upstream",
                "kind": "calendar",
                "dossier_uuid": "",
                "payload": json.dumps({"notice": body}, ensure_ascii=False),
                "at": now_text(),
            }
            number_changes(conn, [change])
            conn.execute(change_t.insert().values(**change))
            conn.execute(
                calendar_notice_t.insert().values(
                    year=parsed.year,
                    agency_code=agency,
                    reference=parsed.reference[:300],
                    payload=json.dumps(body, ensure_ascii=False),
                    loaded_by=loaded_by[:100],
                    loaded_at=now_text(),
                    feed_seq=int(change["aseq"]),
                )
            )
            return {
                "year": parsed.year,
                "reference": parsed.reference,
                "days": len(parsed.days),
                "off": sum(1 for d in parsed.days if d.kind == "off"),
                "work": sum(1 for d in parsed.days if d.kind == "work"),
                "agency_code": agency,
                "seq": int(change["aseq"]),
            }

        return self._write(run)

    def notices(self) -> list[dict[str, Any]]:
        """Every notice loaded, oldest first: year, reference, agency ("" = all), who loaded it and when."""
        with self.engine.connect() as conn:
            return [
                {
                    "id": r.id,
                    "year": r.year,
                    "reference": r.reference,
                    "agency_code": r.agency_code,
                    "loaded_by": r.loaded_by,
                    "loaded_at": r.loaded_at,
                    "days": len(json.loads(r.payload).get("days") or []),
                }
                for r in conn.execute(sa.select(calendar_notice_t).order_by(calendar_notice_t.c.id))
            ]

    # ------------------------------------------------------------------ inspection

    def dump(self, *, with_payload: bool = False) -> dict[str, Any]:
        with self.engine.connect() as conn:
            counts: dict[str, int] = dict(
                conn.execute(sa.select(event_t.c.dossier_uuid, sa.func.count()).group_by(event_t.c.dossier_uuid)).all()
            )
            dossiers = []
            for r in conn.execute(sa.select(dossier_t).order_by(dossier_t.c.created_at, dossier_t.c.code)):
                d = {
                    "code": r.code,
                    "uuid": r.uuid,
                    "official_code": r.official_code,
                    "agency_code": r.agency_code,
                    "counter": r.counter_code,
                    "status": r.status,
                    "status_label": STATUS_LABELS.get(r.status, ""),
                    "origin": r.origin,
                    "version": r.version,
                    "events": counts.get(r.uuid, 0),
                }
                if with_payload:
                    d["payload"] = json.loads(r.payload)
                dossiers.append(d)
            totals = {
                "dossiers": len(dossiers),
                "events": conn.execute(sa.select(sa.func.count()).select_from(event_t)).scalar(),
                "applied_keys": conn.execute(sa.select(sa.func.count()).select_from(applied_key_t)).scalar(),
                "changes": conn.execute(sa.select(sa.func.count()).select_from(change_t)).scalar(),
                "audit_entries": conn.execute(sa.select(sa.func.count()).select_from(audit_t)).scalar(),
                "tokens": conn.execute(sa.select(sa.func.count()).select_from(token_t)).scalar(),
                "files": conn.execute(sa.select(sa.func.count()).select_from(file_blob_t)).scalar(),
            }
        return {"totals": totals, "dossiers": dossiers}

    def files(self, agency: str = "", dossier: str = "") -> list[dict[str, Any]]:
        """What the server shows of digitised files: per dossier (of `agency`, or of every agency), each component
        scan and result file its last upsert lists, with whether the agency holds the bytes here. Read through the
        agency's own `file_ref` rows only, as a counter of that agency would see them."""
        out: list[dict[str, Any]] = []
        with self.engine.connect() as conn:
            query = sa.select(dossier_t.c.code, dossier_t.c.agency_code, dossier_t.c.payload).order_by(
                dossier_t.c.agency_code, dossier_t.c.created_at, dossier_t.c.code
            )
            if agency:
                query = query.where(dossier_t.c.agency_code == agency)
            if dossier:
                query = query.where(sa.or_(dossier_t.c.code == dossier, dossier_t.c.official_code == dossier))
            for r in conn.execute(query):
                if '"Sha256"' not in r.payload:
                    continue
                p = json.loads(r.payload)
                listed: list[tuple[str, str, FileRef]] = []
                for doc in p.get("TaiLieuNop") or []:
                    if isinstance(doc, dict):
                        for f in payload_files({"TaiLieuNop": [doc]}):
                            listed.append(("component", str(doc.get("TenTaiLieu") or "")[:200], f))
                for f in payload_files({"KetQuaSoHoa": p.get("KetQuaSoHoa") or []}):
                    listed.append(("result", "", f))
                held = self._held(conn, r.agency_code, {f.sha256 for _k, _d, f in listed})
                sizes = dict(
                    conn.execute(
                        sa.select(file_blob_t.c.sha256, file_blob_t.c.size).where(file_blob_t.c.sha256.in_(held))
                    ).all()
                    if held
                    else []
                )
                out += [
                    {
                        "agency_code": r.agency_code,
                        "dossier_code": r.code,
                        "kind": kind,
                        "document": doc_name,
                        "name": f.name,
                        "sha256": f.sha256,
                        "size": sizes.get(f.sha256, f.size),
                        "held": f.sha256 in held,
                    }
                    for kind, doc_name, f in listed
                ]
        return out

    def events(self, ref: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            row = self._find(conn, ref)
            return [
                {"seq": e.seq, "status": e.status, "source": e.source, "payload": json.loads(e.payload)}
                for e in conn.execute(
                    sa.select(event_t).where(event_t.c.dossier_uuid == row.uuid).order_by(event_t.c.id)
                )
            ]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


_DOSSIER_MUTABLE = ("payload", "version", "rev", "updated_at", "counter_code", "status", "official_code")
_UPDATE_DOSSIER = (
    dossier_t.update()
    .where(dossier_t.c.uuid == sa.bindparam("b_uuid"))
    .values(**{c: sa.bindparam(f"b_{c}") for c in _DOSSIER_MUTABLE})
)
_SELECT_EVENTS = (
    sa.select(event_t.c.seq, event_t.c.status, event_t.c.source, event_t.c.payload)
    .where(event_t.c.dossier_uuid == sa.bindparam("b_uuid"))
    .order_by(event_t.c.id)
)
_SELECT_DOSSIER = sa.select(dossier_t).where(dossier_t.c.uuid == sa.bindparam("b_uuid"))


class _Batch:
    """One push transaction's working set: dossiers and steps read once, inserts sent with executemany."""

    def __init__(self, conn: Connection, agency: str = "") -> None:
        self.conn = conn
        self.agency = agency  # the caller's agency: keys are looked up in it, `own()` sees only its dossiers
        self._dossiers: dict[str, dict[str, Any] | None] = {}
        self._codes: dict[str, str | None] = {}
        self._events: dict[str, list[dict[str, Any]]] = {}
        self.keys: dict[str, tuple[str, str]] = {}
        self.files: set[str] = set()  # SHA-256 of the files the caller's agency holds (preloaded per batch)
        self.new_keys: list[dict[str, Any]] = []
        self.new_dossiers: dict[str, dict[str, Any]] = {}
        self.new_events: list[dict[str, Any]] = []
        self.new_changes: list[dict[str, Any]] = []

    def preload(self, *, uuids: set[str], codes: set[str], keys: set[str]) -> None:
        uuids.discard("")
        codes.discard("")
        keys.discard("")
        for chunk in _chunks(sorted(keys)):
            for r in self.conn.execute(
                sa.select(applied_key_t.c.key, applied_key_t.c.payload_hash, applied_key_t.c.dossier_uuid).where(
                    applied_key_t.c.key.in_([self.key_id(k) for k in chunk])
                )
            ):
                self.keys[r.key.split("|", 1)[1]] = (r.payload_hash, r.dossier_uuid)
        for uuid in uuids:
            self._dossiers[uuid] = None
        for chunk in _chunks(sorted(uuids)):
            for r in self.conn.execute(sa.select(dossier_t).where(dossier_t.c.uuid.in_(chunk))):
                self._dossiers[r.uuid] = self._row(r)
        for code in codes:
            self._codes.setdefault(code, None)
        for chunk in _chunks(sorted(codes)):
            for owner in self.conn.execute(
                sa.select(dossier_t.c.uuid, dossier_t.c.code).where(dossier_t.c.code.in_(chunk))
            ):
                self._codes[owner.code] = owner.uuid

    @staticmethod
    def _row(r: Any) -> dict[str, Any]:
        d = dict(r._mapping)
        d["payload"] = json.loads(d["payload"])
        return d

    def dossier(self, uuid: str) -> dict[str, Any] | None:
        if uuid not in self._dossiers:
            r = self.conn.execute(_SELECT_DOSSIER, {"b_uuid": uuid}).first()
            self._dossiers[uuid] = self._row(r) if r is not None else None
        return self._dossiers[uuid]

    def key_id(self, key: str) -> str:
        return f"{self.agency}|{key}"

    def own(self, uuid: str) -> dict[str, Any] | None:
        """The dossier when it belongs to the caller's agency; None when unknown *or another agency's*."""
        row = self.dossier(uuid) if uuid else None
        return row if row is not None and row["agency_code"] == self.agency else None

    def exists_elsewhere(self, uuid: str) -> bool:
        row = self.dossier(uuid)
        return row is not None and row["agency_code"] != self.agency

    def code_owner(self, code: str) -> str | None:
        if code not in self._codes:
            r = self.conn.execute(sa.select(dossier_t.c.uuid).where(dossier_t.c.code == code)).first()
            self._codes[code] = r.uuid if r is not None else None
        return self._codes[code]

    def events(self, uuid: str) -> list[dict[str, Any]]:
        if uuid not in self._events:
            self._events[uuid] = [
                json.loads(e.payload) | {"BuocSo": e.seq, "TrangThai": e.status, "Nguon": e.source}
                for e in self.conn.execute(_SELECT_EVENTS, {"b_uuid": uuid})
            ]
        return self._events[uuid]

    def insert_dossier(self, values: dict[str, Any]) -> None:
        """Buffered until `flush()`; later changes in the same batch edit the buffered row."""
        row = dict(values)
        self.new_dossiers[row["uuid"]] = row
        self._dossiers[values["uuid"]] = row
        self._codes[values["code"]] = values["uuid"]
        self._events[values["uuid"]] = []

    def update_dossier(self, uuid: str, **changes: Any) -> None:
        row = self._dossiers[uuid]
        assert row is not None
        row.update(changes)
        if uuid in self.new_dossiers:
            return
        params = {f"b_{c}": row[c] for c in _DOSSIER_MUTABLE} | {"b_uuid": uuid}
        params["b_payload"] = json.dumps(row["payload"], ensure_ascii=False, sort_keys=True)
        self.conn.execute(_UPDATE_DOSSIER, params)

    def add_event(self, uuid: str, seq: int, status: int, source: str, payload: dict[str, Any]) -> None:
        self.events(uuid).append(dict(payload) | {"BuocSo": seq, "TrangThai": status, "Nguon": source})
        self.new_events.append(
            {
                "dossier_uuid": uuid,
                "seq": seq,
                "status": status,
                "source": source,
                "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True),
                "at": now_text(),
            }
        )

    def snapshot(self, uuid: str) -> dict[str, Any] | None:
        row = self.dossier(uuid) if uuid else None
        if row is None:
            return None
        return {
            "Uuid": row["uuid"],
            "MaHoSo": row["code"],
            "MaHoSoChinhThuc": row["official_code"],
            "MaDinhDanhDonVi": row["agency_code"],
            "MaQuay": row["counter_code"],
            "TrangThaiHoSo": row["status"],
            "PhienBan": row["version"],
            "PhienBanMay": row["rev"],
            "NguonGoc": row["origin"],
            "HoSo": row["payload"],
            "TienDo": list(self.events(uuid)),
        }

    def emit(self, agency: str, source: str, uuid: str, reason: str) -> None:
        snap = (self.snapshot(uuid) or {}) | {"LyDo": reason}
        self.new_changes.append(
            {
                "agency_code": agency,
                "source": source,
                "kind": "dossier",
                "dossier_uuid": uuid,
                "payload": json.dumps(snap, ensure_ascii=False),
                "at": now_text(),
            }
        )

    def flush(self) -> None:
        if self.new_dossiers:
            self.conn.execute(
                dossier_t.insert(),
                [
                    row | {"payload": json.dumps(row["payload"], ensure_ascii=False, sort_keys=True)}
                    for row in self.new_dossiers.values()
                ],
            )
            self.new_dossiers = {}
        if self.new_events:
            self.conn.execute(event_t.insert(), self.new_events)
        if self.new_changes:
            number_changes(self.conn, self.new_changes)
            self.conn.execute(change_t.insert(), self.new_changes)
        if self.new_keys:
            self.conn.execute(applied_key_t.insert(), self.new_keys)
        self.new_events, self.new_changes, self.new_keys = [], [], []


def number_changes(conn: Connection, changes: list[dict[str, Any]]) -> None:
    """Give each change its agency's next feed number (`aseq`), taken from the agency's `feed_head` row.

    The row is updated as the transaction's last step before commit and stays locked until then, so writers of one
    agency commit in feed order: no change with a lower number can become visible after one with a higher number,
    and a reader's cursor never skips one. Writers of different agencies lock different rows and never wait on each
    other (the single province-wide advisory lock this replaces serialised every push). SQLite has a single writer.
    """
    counts: dict[str, int] = {}
    for c in changes:
        counts[c["agency_code"]] = counts.get(c["agency_code"], 0) + 1
    base: dict[str, int] = {}
    for agency in sorted(counts):  # a fixed order: two writers touching the same agencies cannot deadlock
        n = counts[agency]
        head = conn.execute(
            feed_head_t.update()
            .where(feed_head_t.c.agency_code == agency)
            .values(seq=feed_head_t.c.seq + n)
            .returning(feed_head_t.c.seq)
        ).scalar()
        if head is None:  # the agency's first change; a concurrent first insert fails the unique key → retried
            conn.execute(feed_head_t.insert().values(agency_code=agency, seq=n))
            head = n
        base[agency] = int(head) - n
    for c in changes:
        base[c["agency_code"]] += 1
        c["aseq"] = base[c["agency_code"]]


def _small_int(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18


def _feed_page(where: Any, after: int, head: int, limit: int) -> Any:
    return (
        sa.select(change_t)
        .where(where, change_t.c.aseq > after, change_t.c.aseq <= head)
        .order_by(change_t.c.aseq)
        .limit(limit)
    )


def _chunks(values: list[Any], size: int = 500) -> list[list[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]
