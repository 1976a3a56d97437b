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
import secrets
import threading
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from onestop.province.schema import (
    applied_key_t,
    audit_t,
    change_t,
    dossier_t,
    event_t,
    file_blob_t,
    file_ref_t,
    metadata,
    sequence_t,
    token_t,
)
from onestop.sync.protocol import KINDS, MAX_FILE_BYTES, SHA256_RE, STATUS_LABELS, VN_TZ


def now_text() -> str:
    return datetime.now(VN_TZ).isoformat(timespec="seconds")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def payload_hash(kind: str, payload: Any) -> str:
    text = json.dumps({"kind": kind, "payload": payload}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def strict_payload_files(p: dict[str, Any]) -> list[tuple[str, str]] | None:
    """(sha256, file name) of every digitised file a dossier payload references (`TaiLieuNop[].TepDinhKem[]`);
    None when one of them has no valid SHA-256."""
    out: list[tuple[str, str]] = []
    for doc in p.get("TaiLieuNop") or []:
        if not isinstance(doc, dict):
            continue
        for f in doc.get("TepDinhKem") or []:
            if not isinstance(f, dict):
                return None
            sha = str(f.get("Sha256") or "").lower()
            if not SHA256_RE.match(sha):
                return None
            out.append((sha, str(f.get("TenTep") or "")[:255]))
    return out


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
        if self.is_sqlite:
            # hide_parameters: a server error must never print citizens' names or ID numbers into its log.
            self.engine: Engine = sa.create_engine(
                self.url, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 30}
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = sa.create_engine(
                self.url, hide_parameters=True, pool_pre_ping=True, pool_size=5, max_overflow=5
            )
        # SQLite has one writer; serialising writers in-process avoids lock-upgrade deadlocks between threads.
        self._write_lock = threading.Lock() if self.is_sqlite else None
        metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ transactions

    def _write(self, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
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

    def issue_token(self, *, agency_code: str = "", counter_code: str = "", role: str = "counter") -> str:
        """Issue a new bearer token; only its SHA-256 is stored."""
        token = secrets.token_urlsafe(32)

        def run(conn: Connection) -> None:
            conn.execute(
                token_t.insert().values(
                    token_hash=hash_token(token),
                    role=role,
                    agency_code=agency_code,
                    counter_code=counter_code,
                    created_at=now_text(),
                    revoked=False,
                )
            )

        self._write(run)
        return token

    def authenticate(self, token: str) -> Caller | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(token_t).where(token_t.c.token_hash == hash_token(token), token_t.c.revoked == sa.false())
            ).first()
        if row is None:
            return None
        return Caller(row.role, row.agency_code, row.counter_code)

    # ------------------------------------------------------------------ files

    def put_file(self, agency: str, sha256: str, data: bytes) -> bool:
        """Store a digitised file for `agency` after checking its SHA-256; True when the bytes were new here.

        Idempotent: uploading bytes already held only records that `agency` may use them."""
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
            created = False
            if conn.execute(sa.select(file_blob_t.c.size).where(file_blob_t.c.sha256 == sha256)).first() is None:
                conn.execute(
                    file_blob_t.insert().values(sha256=sha256, size=len(data), data=data, created_at=now_text())
                )
                created = True
            self._add_refs(conn, agency, {sha256})
            return created

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
        batch = _Batch(conn)
        batch.preload(
            uuids={
                str((i.get("payload") or {}).get("Uuid") or "") for i in items if isinstance(i.get("payload"), dict)
            },
            codes={
                str((i.get("payload") or {}).get("MaHoSo") or "") for i in items if isinstance(i.get("payload"), dict)
            },
            keys={str(i.get("key") or "") for i in items},
        )
        shas = {
            sha
            for i in items
            if i.get("kind") == "dossier.upsert" and isinstance(i.get("payload"), dict)
            for sha, _name in strict_payload_files(i["payload"]) or ()
        }
        if shas:
            batch.files = self._held(conn, caller.agency_code, shas)
        results: list[ItemResult] = []
        blocked: set[str] = set()
        for item in items:
            key = str(item.get("key") or "")
            dossier_uuid = str(item.get("dossier_uuid") or "")
            if dossier_uuid and dossier_uuid in blocked:
                results.append(ItemResult(key, "skipped", "Chưa xử lý: mục trước của cùng hồ sơ chưa được áp dụng."))
                continue
            result = self._apply(batch, caller, item)
            if result.status in ("rejected", "conflict") and dossier_uuid:
                blocked.add(dossier_uuid)
            results.append(result)
        batch.flush()
        return results

    def _apply(self, b: _Batch, caller: Caller, item: dict[str, Any]) -> ItemResult:
        key = str(item.get("key") or "")
        kind = str(item.get("kind") or "")
        payload = item.get("payload")
        if not key or len(key) > 120:
            return ItemResult(key, "rejected", "Thiếu khóa chống trùng (key) hoặc khóa quá dài.")
        if kind not in KINDS:
            return ItemResult(key, "rejected", f"Loại dữ liệu '{kind[:30]}' không được hỗ trợ.")
        if not isinstance(payload, dict):
            return ItemResult(key, "rejected", "Nội dung (payload) phải là một đối tượng JSON.")
        digest = payload_hash(kind, payload)
        done = b.keys.get(key)
        if done is not None:
            done_hash, done_uuid = done
            if done_hash != digest:
                return ItemResult(
                    key,
                    "conflict",
                    "Khóa chống trùng này đã được dùng cho một nội dung khác trên hệ thống tỉnh; cần cán bộ kiểm tra.",
                    upstream=b.snapshot(done_uuid),
                )
            row = b.dossier(done_uuid) if done_uuid else None
            return ItemResult(
                key,
                "duplicate",
                "Đã nhận trước đó; không áp dụng lại.",
                official_code=row["official_code"] if row else "",
            )
        force = bool(item.get("force"))
        if kind == "dossier.upsert":
            result = self._upsert(b, caller, key, payload, force)
        elif kind == "dossier.event":
            result = self._event(b, caller, key, payload, force)
        else:
            result = self._audit(b.conn, caller, key, payload)
        if result.status == "applied":
            uuid = str(payload.get("Uuid") or "")
            b.keys[key] = (digest, uuid)
            b.new_keys.append(
                {
                    "key": key,
                    "agency_code": caller.agency_code,
                    "counter_code": caller.counter_code,
                    "kind": kind,
                    "payload_hash": digest,
                    "dossier_uuid": uuid,
                    "applied_at": now_text(),
                }
            )
        return result

    def _check_dossier_payload(self, caller: Caller, key: str, p: dict[str, Any]) -> ItemResult | None:
        uuid, code = str(p.get("Uuid") or ""), str(p.get("MaHoSo") or "")
        if len(uuid) != 36 or not code or len(code) > 60:
            return ItemResult(key, "rejected", "Thiếu Uuid hoặc MaHoSo hợp lệ trong dữ liệu hồ sơ.")
        agency = str(p.get("MaDinhDanhDonVi") or caller.agency_code)
        if agency != caller.agency_code:
            return ItemResult(
                key, "rejected", f"Hồ sơ thuộc đơn vị {agency[:35]}, không phải đơn vị của quầy ({caller.agency_code})."
            )
        return None

    def _upsert(self, b: _Batch, caller: Caller, key: str, p: dict[str, Any], force: bool) -> ItemResult:
        bad = self._check_dossier_payload(caller, key, p)
        if bad:
            return bad
        if not p.get("MaTTHC") or not p.get("ChuHoSo"):
            return ItemResult(key, "rejected", "Thiếu mã thủ tục (MaTTHC) hoặc chủ hồ sơ (ChuHoSo).")
        try:
            status = int(p.get("TrangThaiHoSo") or 0)
        except (TypeError, ValueError):
            status = 0
        if status not in STATUS_LABELS:
            return ItemResult(key, "rejected", "Trạng thái hồ sơ (TrangThaiHoSo) không hợp lệ.")
        files = strict_payload_files(p)
        if files is None:
            return ItemResult(key, "rejected", "Tệp số hóa trong hồ sơ thiếu mã SHA-256 hợp lệ (TepDinhKem.Sha256).")
        missing = [name or sha[:12] for sha, name in files if sha not in b.files]
        if missing:
            return ItemResult(
                key,
                "rejected",
                f"Hệ thống tỉnh chưa có tệp số hóa «{missing[0]}» của hồ sơ "
                f"{str(p['MaHoSo'])[:60]}; quầy cần gửi tệp trước khi gửi hồ sơ.",
            )
        uuid, code = p["Uuid"], p["MaHoSo"]
        version = int(p.get("PhienBan") or 1)
        row = b.dossier(uuid)
        now = now_text()
        if row is None:
            other = b.code_owner(code)
            if other is not None:
                return ItemResult(
                    key,
                    "conflict",
                    f"Mã hồ sơ {code} đã có trên hệ thống tỉnh cho một hồ sơ khác; cần cán bộ kiểm tra.",
                    upstream=b.snapshot(other),
                )
            b.insert_dossier(
                {
                    "uuid": uuid,
                    "code": code,
                    "agency_code": caller.agency_code,
                    "counter_code": caller.counter_code,
                    "official_code": "",
                    "status": status,
                    "version": version,
                    "rev": 1,
                    "origin": "counter",
                    "payload": p,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        else:
            if row["counter_code"] and row["counter_code"] != caller.counter_code and not force:
                return ItemResult(
                    key,
                    "rejected",
                    f"Hồ sơ {code} do quầy {row['counter_code']} tiếp nhận; quầy "
                    f"{caller.counter_code} không được sửa thông tin tiếp nhận.",
                )
            if row["code"] != code:
                return ItemResult(
                    key,
                    "conflict",
                    f"Hồ sơ đã có trên hệ thống tỉnh với mã {row['code']}, khác mã {code}; cần cán bộ kiểm tra.",
                    upstream=b.snapshot(uuid),
                )
            if version < row["version"]:
                return ItemResult(
                    key,
                    "applied",
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
        return ItemResult(key, "applied", "Đã cập nhật hồ sơ.", official_code=b.dossier(uuid)["official_code"])

    def _event(self, b: _Batch, caller: Caller, key: str, p: dict[str, Any], force: bool) -> ItemResult:
        bad = self._check_dossier_payload(caller, key, p)
        if bad:
            return bad
        row = b.dossier(p["Uuid"])
        if row is None:
            return ItemResult(
                key, "rejected", f"Hệ thống tỉnh chưa có hồ sơ {p['MaHoSo']}; cần gửi hồ sơ trước tiến độ xử lý."
            )
        try:
            to_status = int(p.get("TrangThai"))  # type: ignore[arg-type]
            before = p.get("TrangThaiTruoc")
            from_status = int(before) if before is not None else None
        except (TypeError, ValueError):
            return ItemResult(key, "rejected", "Trạng thái trong tiến độ xử lý không hợp lệ.")
        if to_status not in STATUS_LABELS:
            return ItemResult(key, "rejected", "Trạng thái trong tiến độ xử lý không hợp lệ.")
        if from_status is not None and from_status != row["status"] and not force:
            return ItemResult(
                key,
                "conflict",
                f"Trên hệ thống tỉnh hồ sơ {row['code']} đang ở trạng thái «{STATUS_LABELS[row['status']]}», không "
                f"phải «{STATUS_LABELS.get(from_status, from_status)}»; cần cán bộ chọn giữ bên nào.",
                upstream=b.snapshot(row["uuid"]),
            )
        b.add_event(row["uuid"], int(p.get("BuocSo") or 0), to_status, caller.counter_code, p)
        b.update_dossier(row["uuid"], status=to_status, rev=row["rev"] + 1, updated_at=now_text())
        b.emit(caller.agency_code, caller.counter_code, row["uuid"], "event")
        return ItemResult(key, "applied", "Đã cập nhật tiến độ xử lý.", official_code=row["official_code"])

    def _audit(self, conn: Connection, caller: Caller, key: str, p: dict[str, Any]) -> ItemResult:
        entries = p.get("entries")
        if not isinstance(entries, list):
            return ItemResult(key, "rejected", "Nhật ký phải có danh sách 'entries'.")
        existing = {
            r[0]
            for r in conn.execute(
                sa.select(audit_t.c.local_id).where(
                    audit_t.c.agency_code == caller.agency_code,
                    audit_t.c.counter_code == caller.counter_code,
                    audit_t.c.local_id.in_([int(e.get("id", 0)) for e in entries if isinstance(e, dict)]),
                )
            )
        }
        rows = []
        for e in entries:
            if not isinstance(e, dict) or int(e.get("id", 0)) in existing:
                continue
            rows.append(
                {
                    "agency_code": caller.agency_code,
                    "counter_code": caller.counter_code,
                    "local_id": int(e.get("id", 0)),
                    "at": str(e.get("at", ""))[:32],
                    "officer": str(e.get("officer", ""))[:50],
                    "action": str(e.get("action", ""))[:40],
                    "dossier_code": str(e.get("dossier_code", ""))[:60],
                    "detail": str(e.get("detail", "")),
                }
            )
        if rows:
            conn.execute(audit_t.insert(), rows)
        return ItemResult(key, "applied", f"Đã nhận {len(rows)} dòng nhật ký.")

    # ------------------------------------------------------------------ snapshots and the change feed

    def _snapshot_by_uuid(self, conn: Connection, uuid: str) -> dict[str, Any] | None:
        return _Batch(conn).snapshot(uuid) if uuid else None

    def _emit_dossier(self, conn: Connection, agency: str, source: str, uuid: str, reason: str) -> None:
        b = _Batch(conn)
        b.emit(agency, source, uuid, reason)
        b.flush()

    def changes(self, caller: Caller, cursor: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Changes after `cursor` for the caller's agency, excluding those the caller's counter made itself."""
        limit = max(1, min(limit, 1000))
        q = (
            sa.select(change_t)
            .where(
                change_t.c.seq > cursor,
                change_t.c.agency_code.in_([caller.agency_code, ""]),
                change_t.c.source != caller.counter_code,
            )
            .order_by(change_t.c.seq)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            # The head first, then only rows up to it: a change committed between the two reads has a higher
            # number (writers commit in feed order, see `_lock_feed`) and comes with the next pull.
            last = conn.execute(sa.select(sa.func.max(change_t.c.seq))).scalar() or 0
            rows = conn.execute(q.where(change_t.c.seq <= last)).all()
        items = [
            {
                "seq": r.seq,
                "kind": r.kind,
                "source": r.source,
                "dossier_uuid": r.dossier_uuid,
                "at": r.at,
                "data": json.loads(r.payload),
            }
            for r in rows
        ]
        # With a full page the next cursor is the last row; otherwise the feed's head (skips others' changes).
        next_cursor = rows[-1].seq if len(rows) == limit else max(cursor, last)
        return items, next_cursor

    # ------------------------------------------------------------------ upstream activity (admin)

    def submit_online(self, agency: str, p: dict[str, Any]) -> dict[str, Any]:
        """A citizen's online submission for `agency`: status 1 (Mới đăng ký), code minted upstream."""
        return self.submit_online_many(agency, [p], snapshots=True)[0]

    def submit_online_many(
        self, agency: str, payloads: list[dict[str, Any]], *, snapshots: bool = False
    ) -> list[dict[str, Any]]:
        """Several online submissions in one transaction (training data, benchmarks)."""
        for p in payloads:
            if not p.get("MaTTHC") or not p.get("ChuHoSo"):
                raise StoreError(400, "Hồ sơ trực tuyến cần mã thủ tục (MaTTHC) và chủ hồ sơ (ChuHoSo).")

        shas: set[str] = set()
        for p in payloads:
            files = strict_payload_files(p)
            if files is None:
                raise StoreError(400, "Tệp số hóa của hồ sơ trực tuyến thiếu mã SHA-256 hợp lệ.")
            shas.update(sha for sha, _name in files)

        def run(conn: Connection) -> list[dict[str, Any]]:
            missing = shas - self._held(conn, agency, shas) if shas else set()
            if missing:
                raise StoreError(
                    400,
                    "Hệ thống tỉnh chưa có tệp số hóa của hồ sơ trực tuyến; hãy gửi tệp trước "
                    "(PUT /v1/files/{sha256}?agency_code=…).",
                )
            batch = _Batch(conn)
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

        def run(conn: Connection) -> int:
            _lock_feed(conn)
            res = conn.execute(
                change_t.insert().values(
                    agency_code=agency,
                    source="upstream",
                    kind=kind,
                    dossier_uuid="",
                    payload=json.dumps(data, ensure_ascii=False),
                    at=now_text(),
                )
            )
            return int(res.inserted_primary_key[0])

        return self._write(run)

    # ------------------------------------------------------------------ inspection

    def dump(self, *, with_payload: bool = False) -> dict[str, Any]:
        with self.engine.connect() as conn:
            counts = dict(
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

    def events(self, ref: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            row = self._find(conn, ref)
            return [
                {"seq": e.seq, "status": e.status, "source": e.source, "payload": json.loads(e.payload)}
                for e in conn.execute(
                    sa.select(event_t).where(event_t.c.dossier_uuid == row.uuid).order_by(event_t.c.id)
                )
            ]


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
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

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
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
                    applied_key_t.c.key.in_(chunk)
                )
            ):
                self.keys[r.key] = (r.payload_hash, r.dossier_uuid)
        for uuid in uuids:
            self._dossiers[uuid] = None
        for chunk in _chunks(sorted(uuids)):
            for r in self.conn.execute(sa.select(dossier_t).where(dossier_t.c.uuid.in_(chunk))):
                self._dossiers[r.uuid] = self._row(r)
        for code in codes:
            self._codes.setdefault(code, None)
        for chunk in _chunks(sorted(codes)):
            for r in self.conn.execute(
                sa.select(dossier_t.c.uuid, dossier_t.c.code).where(dossier_t.c.code.in_(chunk))
            ):
                self._codes[r.code] = r.uuid

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
            _lock_feed(self.conn)
            self.conn.execute(change_t.insert(), self.new_changes)
        if self.new_keys:
            self.conn.execute(applied_key_t.insert(), self.new_keys)
        self.new_events, self.new_changes, self.new_keys = [], [], []


FEED_LOCK_ID = 0x6F6E6573  # "ones": PostgreSQL advisory lock serialising writers of the change feed


def _lock_feed(conn: Connection) -> None:
    """Make feed numbers commit in order: taken just before a transaction inserts into `change` and held until
    it ends, so no change with a lower `seq` can become visible after one with a higher `seq`. Without it two
    concurrent PostgreSQL writers can commit out of order and a reader's cursor would skip the late one for good.
    SQLite already has a single writer per database."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK_ID})


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]
