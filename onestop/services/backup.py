"""Online backup of the whole workstation (database with its outbox, attachments, manifest) and verified restore.

A backup is one gzip'd tar holding `manifest.json`, `onestop.db` (a consistent snapshot taken with SQLite's
online backup API while the app keeps writing) and the content-addressed `files/`. With a passphrase the tar
stream is encrypted in 1 MiB chunks with AES-256-GCM under a scrypt-derived key (the `cryptography` library);
each chunk's nonce carries its index and a final flag, so a reordered, truncated or altered file is refused.
Restore verifies everything on a private copy before it replaces the database atomically, and keeps the
previous database beside it as `onestop.db.before-restore-<timestamp>`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import struct
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from onestop.domain import Role, now_vn
from onestop.errors import BadInput, Conflict, DiskFull, NotFound, OneStopError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from onestop.config import Settings
    from onestop.services.audit import AuditService
    from onestop.services.officers import OfficerService
    from onestop.services.paths import Paths

APP_NAME = "onestop"
FORMAT_VERSION = 1
SUFFIX = ".osbak"
AUTO_PREFIX = "onestop-auto-"
MANUAL_PREFIX = "onestop-"
_AUTO_NAME_RE = re.compile(r"^onestop-auto-(\d{8})-(\d{6})(?:-\d+)?\.osbak$")
# Work in progress: folders named so that nobody takes them (or the database copy inside) for a backup, each holding
# an exclusive lock on its LOCK_NAME file while its process lives; archives are written as `.NAME.part` under a lock.
# Whatever a killed process left behind has no lock holder and is removed by `clean_interrupted` (at the next start).
WORK_PREFIX = ".unfinished-backup-"
INSPECT_PREFIX = ".unfinished-inspect-"
RESTORE_PREFIX = ".unfinished-restore-"
LOCK_NAME = "in-progress.lock"
_LEFTOVER_DIR_RE = re.compile(r"^\.(?:unfinished-(?:backup|inspect|restore)|backup|inspect|restore)-[A-Za-z0-9_]+$")
_LEFTOVER_PART_RE = re.compile(r"^\..+\.osbak\.part$")
_UNLOCKED_GRACE_S = 300.0  # a folder whose lock file was never created (killed within microseconds) is old by then

MAGIC = b"ONESTOPBAK\x01"
CHUNK = 1 << 20
_SALT_LEN = 16
_PREFIX_LEN = 7
_SCRYPT_LOG2N, _SCRYPT_R, _SCRYPT_P = 15, 8, 1
_HEADER_LEN = len(MAGIC) + _SALT_LEN + 3 + _PREFIX_LEN
_CHECK_PLAIN = b"onestop-key-check"
_CHECK_LEN = len(_CHECK_PLAIN) + 16
_SAFE_FILE_RE = re.compile(r"^files/[0-9a-f]{2}/[0-9a-f]{64}$")

BACKUP_DISK_FULL = (
    "Ổ đĩa đã đầy: bản sao lưu CHƯA được tạo ở {where}; không có tệp dở dang nào được để lại. "
    "Hãy giải phóng dung lượng hoặc chọn ổ khác (--out) rồi sao lưu lại"
)
CORRUPT = "Tệp sao lưu {name} bị hỏng hoặc không đầy đủ ({why}). Không có gì bị thay đổi."


@dataclass(frozen=True)
class BackupResult:
    """A written backup: where it is and what it holds."""

    path: Path
    manifest: dict[str, Any]
    encrypted: bool
    size: int


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did: the manifest of the restored backup and where the previous database was kept."""

    source: Path
    previous_db: Path | None
    manifest: dict[str, Any]
    dossiers: int
    outbox_items: int
    files_restored: int
    warnings: tuple[str, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------- encryption (cryptography: scrypt + AES-GCM)


def _derive_key(passphrase: str, salt: bytes, log2n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=1 << log2n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if final else 0)


class _EncryptingWriter(io.RawIOBase):
    """A write-only stream that seals what it receives into authenticated chunks on `target`."""

    def __init__(self, target: IO[bytes], passphrase: str) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        salt, prefix = os.urandom(_SALT_LEN), os.urandom(_PREFIX_LEN)
        self._header = MAGIC + salt + bytes((_SCRYPT_LOG2N, _SCRYPT_R, _SCRYPT_P)) + prefix
        self._aead = AESGCM(_derive_key(passphrase, salt, _SCRYPT_LOG2N, _SCRYPT_R, _SCRYPT_P))
        self._prefix = prefix
        self._target = target
        self._buffer = bytearray()
        self._index = 0
        check = self._aead.encrypt(prefix + b"\xff" * 5, _CHECK_PLAIN, self._header)
        target.write(self._header + check)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), final=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, *, final: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index, final), plain, self._header)
        self._target.write(struct.pack(">BI", 1 if final else 0, len(sealed)) + sealed)
        self._index += 1

    def finish(self) -> None:
        self._seal(bytes(self._buffer), final=True)
        self._buffer.clear()


class _DecryptingReader(io.RawIOBase):
    """A read-only stream that opens the chunks written by `_EncryptingWriter`, refusing any tampering."""

    def __init__(self, source: IO[bytes], passphrase: str, name: str) -> None:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        header = source.read(_HEADER_LEN)
        check = source.read(_CHECK_LEN)
        if len(header) < _HEADER_LEN or len(check) < _CHECK_LEN or not header.startswith(MAGIC):
            raise BadInput(CORRUPT.format(name=name, why="thiếu phần đầu tệp"), field="backup")
        salt = header[len(MAGIC) : len(MAGIC) + _SALT_LEN]
        log2n, r, p = header[len(MAGIC) + _SALT_LEN : len(MAGIC) + _SALT_LEN + 3]
        if not (10 <= log2n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
            raise BadInput(CORRUPT.format(name=name, why="tham số mã hóa lạ"), field="backup")
        prefix = header[-_PREFIX_LEN:]
        self._aead = AESGCM(_derive_key(passphrase, salt, log2n, r, p))
        try:
            self._aead.decrypt(prefix + b"\xff" * 5, check, header)
        except InvalidTag:
            raise BadInput(
                f"Sai mật khẩu của bản sao lưu {name}. Không có gì bị thay đổi.", field="passphrase"
            ) from None
        self._invalid_tag = InvalidTag
        self._header, self._prefix, self._source, self._name = header, prefix, source, name
        self._index = 0
        self._buffer = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        head = self._source.read(5)
        if len(head) < 5:
            raise BadInput(CORRUPT.format(name=self._name, why="tệp bị cắt cụt"), field="backup")
        flag, length = struct.unpack(">BI", head)
        if flag not in (0, 1) or length > CHUNK + 16:
            raise BadInput(CORRUPT.format(name=self._name, why="khối dữ liệu lạ"), field="backup")
        sealed = self._source.read(length)
        if len(sealed) < length:
            raise BadInput(CORRUPT.format(name=self._name, why="tệp bị cắt cụt"), field="backup")
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, self._index, bool(flag)), sealed, self._header)
        except self._invalid_tag:
            raise BadInput(CORRUPT.format(name=self._name, why="dữ liệu bị sửa đổi"), field="backup") from None
        self._index += 1
        if flag:
            self._done = True
            if self._source.read(1):
                raise BadInput(CORRUPT.format(name=self._name, why="dữ liệu thừa sau khối cuối"), field="backup")
        self._buffer += plain

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            self._next_chunk()
        if size < 0:
            out, self._buffer = self._buffer, b""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out


# ---------------------------------------------------------------- helpers


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


@contextlib.contextmanager
def _work_dir(parent: Path, prefix: str) -> Iterator[Path]:
    """A private temporary folder under `parent`, locked while this process works in it and removed afterwards."""
    work = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        lock = os.open(work / LOCK_NAME, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield work
        finally:
            os.close(lock)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _abandoned(path: Path, lock_file: Path) -> bool:
    """True when no living process holds `lock_file` (a lock dies with its process, SIGKILL included)."""
    try:
        fd = os.open(lock_file, os.O_RDONLY)
    except FileNotFoundError:
        try:
            return now_vn().timestamp() - path.stat().st_mtime > _UNLOCKED_GRACE_S
        except OSError:
            return False
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # still being written by a running backup, inspection or restore
    finally:
        os.close(fd)  # closing drops the probe's own lock
    return True


def clean_interrupted(*folders: Path) -> list[Path]:
    """Remove what an interrupted backup, inspection or restore left in `folders` (work folders, `.part` archives);
    never touches one still in progress. Returns what was removed."""
    removed = []
    for folder in folders:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for path in entries:
            if path.is_dir() and not path.is_symlink() and _LEFTOVER_DIR_RE.match(path.name):
                if _abandoned(path, path / LOCK_NAME):
                    shutil.rmtree(path, ignore_errors=True)
                    removed.append(path)
            elif path.is_file() and _LEFTOVER_PART_RE.match(path.name) and _abandoned(path, path):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def _part_of(target: Path) -> Path:
    """Where the archive for `target` is written until it is complete (then renamed to `target`)."""
    return target.with_name(f".{target.name}.part")


def _snapshot_facts(db_file: Path) -> dict[str, Any]:
    """Facts read from a database copy: integrity, revision, agency, counts."""
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}

        def scalar(sql: str, table: str) -> Any:
            return conn.execute(sql).fetchone()[0] if table in tables else None

        revision = scalar("SELECT version_num FROM alembic_version", "alembic_version")
        agency = (
            conn.execute("SELECT value FROM setting WHERE key='commune.agency_code'").fetchone()
            if "setting" in tables
            else None
        )
        counter = (
            conn.execute("SELECT value FROM setting WHERE key='commune.counter'").fetchone()
            if "setting" in tables
            else None
        )
        outbox: dict[str, int] = {}
        if "outbox_item" in tables:
            outbox = {state: n for state, n in conn.execute("SELECT state, count(*) FROM outbox_item GROUP BY state")}
        return {
            "integrity": integrity,
            "schema_revision": revision,
            "agency_code": agency[0] if agency else None,
            "counter_code": counter[0] if counter else None,
            "dossiers": scalar("SELECT count(*) FROM dossier", "dossier") or 0,
            "outbox_items": sum(outbox.values()),
            "outbox_by_state": outbox,
            "audit_entries": scalar("SELECT count(*) FROM audit_entry", "audit_entry") or 0,
        }
    except sqlite3.DatabaseError as exc:
        return {"integrity": f"error: {exc}"}
    finally:
        conn.close()


def known_revision(revision: str | None) -> bool:
    """Whether this code's migrations know `revision` (an unknown one means a newer program wrote it)."""
    if revision is None:
        return True
    import sqlalchemy as sa
    from alembic.script import ScriptDirectory

    from db.engine import alembic_config

    script = ScriptDirectory.from_config(alembic_config(sa.create_engine("sqlite://")))
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown revision
        return False


def _schema_objects(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """(type, name) → normalised SQL of every trigger, index and table the schema defines."""
    rows = conn.execute(
        "SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE type IN ('trigger', 'index', 'table', 'view') "
        "AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {(kind, name): " ".join(sql.replace("IF NOT EXISTS ", "").split()) for kind, name, sql in rows}


_REFERENCE_SCHEMAS: dict[str, dict[tuple[str, str], str]] = {}


def reference_schema(revision: str) -> dict[tuple[str, str], str]:
    """The schema objects a database migrated by this program to `revision` has (built once, in memory)."""
    if revision not in _REFERENCE_SCHEMAS:
        from alembic import command

        from db.engine import alembic_config, dispose, make_engine

        with tempfile.TemporaryDirectory(prefix=".onestop-schema-") as tmp:
            path = Path(tmp) / "reference.db"
            engine = make_engine(path)
            try:
                command.upgrade(alembic_config(engine), revision)
            finally:
                dispose(engine)
            conn = sqlite3.connect(path)
            try:
                _REFERENCE_SCHEMAS[revision] = _schema_objects(conn)
            finally:
                conn.close()
    return _REFERENCE_SCHEMAS[revision]


def schema_problems(db_file: Path, revision: str | None) -> list[str]:
    """What a database lacks (or has altered) among the triggers, indexes and tables its revision must have.

    Triggers must match exactly (none missing, none redefined, none added: a trigger can rewrite any row);
    indexes and tables must all be present. An empty list means the schema is the one this program writes.
    """
    if not revision:
        return ["không có phiên bản lược đồ (alembic_version)"]
    expected = reference_schema(revision)
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        actual = _schema_objects(conn)
    except sqlite3.DatabaseError as exc:
        return [f"không đọc được lược đồ ({exc})"]
    finally:
        conn.close()
    problems = []
    for (kind, name), sql in sorted(expected.items()):
        if (kind, name) not in actual:
            problems.append(f"thiếu {kind} {name}")
        elif kind == "trigger" and actual[(kind, name)] != sql:
            problems.append(f"trigger {name} đã bị sửa")
    for kind, name in sorted(actual):
        if kind in ("trigger", "view") and (kind, name) not in expected:
            problems.append(f"có {kind} lạ {name}")
    return problems


# ---------------------------------------------------------------- service


@dataclass(eq=False)
class BackupService:
    """Consistent online backups, verified restores and the daily rotation."""

    engine: Engine
    settings: Settings
    paths: Paths
    officers: OfficerService
    audit: AuditService

    # ------------------------------------------------------------ backup

    def _actor(self, actor: str | None, role: Role) -> str:
        if actor in (None, "", "system", "workstation"):
            return "workstation"  # the workstation's own work (timer, cron, the app's daily backup)
        return self.officers.require(actor, role).username

    def default_path(self, *, auto: bool = False, when: datetime | None = None) -> Path:
        stamp = (when or now_vn()).strftime("%Y%m%d-%H%M%S")
        base = _private_dir(self.paths.backup_dir)
        name = f"{AUTO_PREFIX if auto else MANUAL_PREFIX}{stamp}"
        candidate, n = base / f"{name}{SUFFIX}", 1
        while candidate.exists() or _part_of(candidate).exists():  # a backup of the same second still being written
            candidate, n = base / f"{name}-{n}{SUFFIX}", n + 1
        return candidate

    def backup(
        self, out: Path | None = None, *, passphrase: str | None = None, actor: str | None = None, auto: bool = False
    ) -> BackupResult:
        """Write a backup of the running database, its outbox and attachments; returns where and what."""
        who = self._actor(actor, Role.OFFICER)
        if passphrase is not None and len(passphrase) < 8:
            raise BadInput("Mật khẩu sao lưu phải có ít nhất 8 ký tự.", field="passphrase")
        self.clean_interrupted()
        target = Path(out) if out else self.default_path(auto=auto)
        if target.exists() and target.is_dir():
            raise BadInput(f"{target} là một thư mục; hãy ghi rõ tên tệp sao lưu.", field="out")
        if out:
            _private_dir(target.parent) if not target.parent.exists() else None
        self._check_free_space(target.parent)
        try:
            with _work_dir(_private_dir(self.paths.backup_dir), WORK_PREFIX) as work:
                snapshot = work / "onestop.db"
                self._snapshot(snapshot)
                facts = _snapshot_facts(snapshot)
                if facts.get("integrity") != "ok":
                    raise OneStopError(
                        f"Cơ sở dữ liệu đang dùng không toàn vẹn ({facts.get('integrity')}); "
                        "hãy chạy 'onestop doctor'. Chưa tạo bản sao lưu."
                    )
                files = self._attachment_files()
                manifest = self._manifest(snapshot, facts, files, encrypted=passphrase is not None)
                size = self._write_archive(target, snapshot, files, manifest, passphrase)
        except (OSError, sqlite3.OperationalError) as exc:
            from onestop.crashlog import is_disk_full

            if is_disk_full(exc):
                raise DiskFull(BACKUP_DISK_FULL.format(where=target.parent) + ".") from exc
            raise
        self.audit.log(
            who,
            "backup.auto" if auto else "backup.create",
            detail=f"{target.name}; {manifest['dossiers']} hồ sơ; {manifest['outbox_items']} mục chờ gửi; "
            f"{'mã hóa' if passphrase else 'không mã hóa'}; sha256 {manifest['db_sha256'][:16]}",
        )
        return BackupResult(target, manifest, passphrase is not None, size)

    def clean_interrupted(self) -> list[Path]:
        """Remove what a killed backup, inspection or restore left behind (never one still running)."""
        return clean_interrupted(self.paths.backup_dir, self.paths.db_path.parent)

    def needed_bytes(self) -> int:
        """What a backup needs on disk at most: a snapshot of the database plus the archive (≤ database + files)."""
        db = self.paths.db_path
        total = sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists())
        files = self.paths.files_dir
        attachments = sum(p.stat().st_size for p in files.rglob("*") if p.is_file()) if files.is_dir() else 0
        return 2 * total + attachments + 4 * CHUNK

    def _check_free_space(self, folder: Path) -> None:
        """Refuse before writing anything when the backup cannot fit (snapshot and archive both need room)."""
        probe = folder
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        needed = self.needed_bytes()
        for where in {probe, self.paths.backup_dir if self.paths.backup_dir.exists() else probe}:
            free = shutil.disk_usage(where).free
            if free < needed:
                raise DiskFull(
                    BACKUP_DISK_FULL.format(where=where)
                    + f" (cần khoảng {needed // (1 << 20) + 1} MB, còn trống {free // (1 << 20)} MB)."
                )

    def _snapshot(self, target: Path) -> None:
        """Copy the live database page by page in one step: a consistent snapshot, writers keep going (WAL)."""
        src = sqlite3.connect(f"file:{self.paths.db_path}?mode=ro", uri=True, timeout=30)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        dst = sqlite3.connect(target)
        try:
            src.execute("PRAGMA busy_timeout=30000")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            dst.commit()
        finally:
            dst.close()
            src.close()

    def _attachment_files(self) -> list[tuple[str, Path]]:
        root = self.paths.files_dir
        if not root.is_dir():
            return []
        found = []
        for path in sorted(root.glob("??/*")):
            rel = f"files/{path.parent.name}/{path.name}"
            if path.is_file() and _SAFE_FILE_RE.match(rel):
                found.append((rel, path))
        return found

    def _manifest(
        self, snapshot: Path, facts: dict[str, Any], files: list[tuple[str, Path]], *, encrypted: bool
    ) -> dict[str, Any]:
        office = self.settings.office
        return {
            "app": APP_NAME,
            "format": FORMAT_VERSION,
            "created_at": now_vn().isoformat(timespec="seconds"),
            "schema_revision": facts["schema_revision"],
            "agency_code": facts["agency_code"] or office.agency_code,
            "counter_code": facts["counter_code"] or office.counter_code,
            "commune": office.commune_name,
            "db_sha256": _sha256_file(snapshot),
            "db_size": snapshot.stat().st_size,
            "dossiers": facts["dossiers"],
            "outbox_items": facts["outbox_items"],
            "outbox_by_state": facts["outbox_by_state"],
            "audit_entries": facts["audit_entries"],
            "files": {rel: rel.rsplit("/", 1)[1] for rel, _ in files},
            "encrypted": encrypted,
        }

    def _write_archive(
        self,
        target: Path,
        snapshot: Path,
        files: list[tuple[str, Path]],
        manifest: dict[str, Any],
        passphrase: str | None,
    ) -> int:
        tmp = _part_of(target)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held until closed: a live `.part` is never cleaned away
        except OSError as exc:
            os.close(fd)
            raise Conflict(
                f"Một bản sao lưu khác đang được ghi vào {target} ngay lúc này; hãy đợi nó xong hoặc chọn tên khác. "
                "Chưa tạo bản sao lưu.",
                field="out",
            ) from exc
        raw = os.fdopen(fd, "wb")
        try:
            raw.truncate(0)  # what a killed backup left in this `.part` is discarded
            sink: Any = _EncryptingWriter(raw, passphrase) if passphrase is not None else raw
            with tarfile.open(fileobj=sink, mode="w|gz", format=tarfile.PAX_FORMAT) as tar:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mode, info.mtime = len(data), 0o600, int(now_vn().timestamp())
                tar.addfile(info, io.BytesIO(data))
                self._add_file(tar, "onestop.db", snapshot)
                for rel, path in files:
                    self._add_file(tar, rel, path)
            if passphrase is not None:
                sink.finish()
            raw.flush()
            os.fsync(raw.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)  # still locked: renamed before anyone could take it for abandoned
            _fsync_dir(target.parent)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            raw.close()
        return target.stat().st_size

    @staticmethod
    def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = path.stat().st_size, 0o600, int(path.stat().st_mtime)
        with path.open("rb") as fh:
            tar.addfile(info, fh)

    # ------------------------------------------------------------ daily rotation

    def auto_backups(self) -> list[Path]:
        """Automatic backups in the backup folder, newest first."""
        root = self.paths.backup_dir
        if not root.is_dir():
            return []
        return sorted((p for p in root.iterdir() if _AUTO_NAME_RE.match(p.name)), key=lambda p: p.name, reverse=True)

    def maybe_daily_backup(self, *, now: datetime | None = None, actor: str = "workstation") -> BackupResult | None:
        """Make today's automatic backup if there is none yet, then keep only `security.backup_keep` of them."""
        today = (now or now_vn()).strftime("%Y%m%d")
        self.clean_interrupted()  # the app's start: what a killed start left behind goes first
        existing = self.auto_backups()
        result = None
        if not any(p.name.startswith(f"{AUTO_PREFIX}{today}") for p in existing):
            result = self.backup(self.default_path(auto=True, when=now), actor=actor, auto=True)
        self.rotate()
        return result

    def rotate(self) -> list[Path]:
        """Delete the oldest automatic backups beyond `security.backup_keep`; returns what was removed."""
        keep = self.settings.security.backup_keep
        removed = []
        for old in self.auto_backups()[keep:]:
            old.unlink(missing_ok=True)
            removed.append(old)
        return removed

    # ------------------------------------------------------------ restore

    def inspect(self, path: Path, *, passphrase: str | None = None) -> dict[str, Any]:
        """Decrypt and verify a backup without touching the database; returns its manifest."""
        with _work_dir(_private_dir(self.paths.backup_dir), INSPECT_PREFIX) as work:
            manifest, _ = self._unpack_and_verify(Path(path), passphrase, work)
            return manifest

    def restore(
        self,
        path: Path,
        *,
        passphrase: str | None = None,
        actor: str | None = None,
        force_foreign: bool = False,
        verify_actor: bool = True,
    ) -> RestoreReport:
        """Verify a backup completely, then atomically replace the database with it, keeping the previous one.

        `actor` must be an administrator of the current database (skipped when `verify_actor` is False:
        disaster recovery by the operating-system owner of the files, when the current database cannot be read).
        """
        who = self.officers.require(actor, Role.ADMIN).username if verify_actor else (actor or "system")
        path = Path(path)
        db_path = self.paths.db_path
        with _work_dir(db_path.parent, RESTORE_PREFIX) as work:
            os.chmod(work, 0o700)
            manifest, files = self._unpack_and_verify(path, passphrase, work)
            agency = self.settings.office.agency_code
            if manifest.get("agency_code") and manifest["agency_code"] != agency and not force_foreign:
                raise Conflict(
                    f"Bản sao lưu thuộc cơ quan {manifest['agency_code']}, không phải {agency} của máy này. "
                    "Không có gì bị thay đổi (dùng --force-foreign nếu thật sự muốn).",
                    field="backup",
                )
            previous = self._swap_in(work / "onestop.db")
            restored_files = self._restore_files(files)
        warnings = self._after_swap(who, path, manifest)
        return RestoreReport(
            path,
            previous,
            manifest,
            int(manifest.get("dossiers", 0)),
            int(manifest.get("outbox_items", 0)),
            restored_files,
            tuple(warnings),
        )

    def _unpack_and_verify(
        self, path: Path, passphrase: str | None, work: Path
    ) -> tuple[dict[str, Any], dict[str, Path]]:
        name = path.name
        if not path.is_file():
            raise NotFound(f"Không tìm thấy tệp sao lưu {path}.", field="backup")
        with path.open("rb") as raw:
            magic = raw.read(len(MAGIC))
            raw.seek(0)
            if magic == MAGIC:
                if not passphrase:
                    raise BadInput(
                        f"Bản sao lưu {name} được mã hóa: cần mật khẩu (--passphrase-stdin).", field="passphrase"
                    )
                source: Any = _DecryptingReader(raw, passphrase, name)
            elif magic[:2] == b"\x1f\x8b":
                self._check_gzip(path)
                source = raw
            else:
                raise BadInput(
                    f"Tệp {name} không phải bản sao lưu của onestop. Không có gì bị thay đổi.", field="backup"
                )
            manifest, files = self._extract(source, work, name)
        return manifest, self._verify(manifest, files, work, name)

    @staticmethod
    def _check_gzip(path: Path) -> None:
        """Read a plain backup's gzip stream to its end: CRCs checked, trailing garbage refused."""
        import gzip

        try:
            with gzip.open(path, "rb") as fh:
                while fh.read(CHUNK):
                    pass
        except (OSError, EOFError, zlib.error) as exc:
            raise BadInput(CORRUPT.format(name=path.name, why=type(exc).__name__), field="backup") from exc

    def _extract(self, source: IO[bytes], work: Path, name: str) -> tuple[dict[str, Any], dict[str, Path]]:
        manifest: dict[str, Any] | None = None
        files: dict[str, Path] = {}
        try:
            with tarfile.open(fileobj=source, mode="r|gz") as tar:
                for member in tar:
                    if not member.isfile():
                        raise BadInput(CORRUPT.format(name=name, why="mục lạ trong tệp"), field="backup")
                    if member.name == "manifest.json":
                        fh = tar.extractfile(member)
                        manifest = json.loads(fh.read(1 << 20).decode("utf-8")) if fh else None
                    elif member.name == "onestop.db" or _SAFE_FILE_RE.match(member.name):
                        dest = work / member.name
                        dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                        fh = tar.extractfile(member)
                        assert fh is not None  # a regular file (checked above) always has content to extract
                        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                        with os.fdopen(fd, "wb") as out:
                            shutil.copyfileobj(fh, out, CHUNK)
                            out.flush()
                            os.fsync(out.fileno())
                        files[member.name] = dest
                    else:
                        raise BadInput(CORRUPT.format(name=name, why="mục lạ trong tệp"), field="backup")
        except OneStopError:
            raise
        except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError, UnicodeDecodeError) as exc:
            raise BadInput(CORRUPT.format(name=name, why=type(exc).__name__), field="backup") from exc
        if not isinstance(manifest, dict) or manifest.get("app") != APP_NAME:
            raise BadInput(CORRUPT.format(name=name, why="thiếu bản kê"), field="backup")
        return manifest, files

    def _verify(self, manifest: dict[str, Any], files: dict[str, Path], work: Path, name: str) -> dict[str, Path]:
        if manifest.get("format") != FORMAT_VERSION:
            raise Conflict(
                f"Bản sao lưu {name} có định dạng {manifest.get('format')} mà phiên bản này không đọc "
                "được. Không có gì bị thay đổi.",
                field="backup",
            )
        db_file = files.pop("onestop.db", None)
        if db_file is None:
            raise BadInput(CORRUPT.format(name=name, why="thiếu cơ sở dữ liệu"), field="backup")
        if _sha256_file(db_file) != manifest.get("db_sha256"):
            raise BadInput(CORRUPT.format(name=name, why="mã kiểm tra sha256 không khớp"), field="backup")
        for rel, dest in files.items():
            if _sha256_file(dest) != rel.rsplit("/", 1)[1]:
                raise BadInput(
                    CORRUPT.format(name=name, why=f"tệp đính kèm {rel[-12:]} sai mã kiểm tra"), field="backup"
                )
        missing = set(manifest.get("files", {})) - set(files)
        if missing:
            raise BadInput(CORRUPT.format(name=name, why=f"thiếu {len(missing)} tệp đính kèm"), field="backup")
        facts = _snapshot_facts(db_file)
        if facts.get("integrity") != "ok":
            raise BadInput(CORRUPT.format(name=name, why="kiểm tra toàn vẹn SQLite không đạt"), field="backup")
        if facts.get("schema_revision") != manifest.get("schema_revision"):
            raise BadInput(CORRUPT.format(name=name, why="bản kê không khớp cơ sở dữ liệu"), field="backup")
        if not known_revision(facts.get("schema_revision")):
            raise Conflict(
                f"Bản sao lưu {name} được tạo bởi phiên bản onestop mới hơn (lược đồ "
                f"{facts['schema_revision']}). Hãy cập nhật phần mềm; không có gì bị thay đổi.",
                field="backup",
            )
        problems = schema_problems(db_file, facts.get("schema_revision"))
        if problems:
            raise BadInput(
                f"Bản sao lưu {name} có lược đồ cơ sở dữ liệu bị thay đổi ({'; '.join(problems[:5])}): "
                "không phải do onestop tạo ra hoặc đã bị sửa tay. Không có gì bị thay đổi.",
                field="backup",
            )
        return files

    def _swap_in(self, verified_db: Path) -> Path | None:
        """Keep a copy of the current database, then rename the verified one into place (atomic on POSIX)."""
        from db.engine import dispose

        db_path = self.paths.db_path
        engine = self.engine
        stamp = now_vn().strftime("%Y%m%d-%H%M%S")
        previous = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
        staged = db_path.with_name(f".{db_path.name}.restore-{stamp}")
        shutil.copyfile(verified_db, staged)
        os.chmod(staged, 0o600)
        with staged.open("rb") as fh:
            os.fsync(fh.fileno())
        kept = db_path.exists()
        try:
            dispose(engine)
            if kept:
                self._keep_previous(db_path, previous)
                try:
                    self._refuse_if_in_use(db_path)
                except Conflict:
                    previous.unlink(missing_ok=True)
                    raise
            os.replace(staged, db_path)
            _fsync_dir(db_path.parent)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        return previous if kept else None

    @staticmethod
    def _keep_previous(db_path: Path, previous: Path) -> None:
        fd = os.open(previous, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        try:
            src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
            dst = sqlite3.connect(previous)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
                src.close()
        except sqlite3.DatabaseError:
            shutil.copyfile(db_path, previous)  # an unreadable database is kept byte for byte
        os.chmod(previous, 0o600)
        with previous.open("rb") as fh:
            os.fsync(fh.fileno())

    @staticmethod
    def _refuse_if_in_use(db_path: Path) -> None:
        """Fold the WAL back; if it survives our last connection, another program still has the database open."""
        wal = Path(f"{db_path}-wal")
        try:
            conn = sqlite3.connect(db_path, timeout=5)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            pass
        if wal.exists():  # the last connection to close removes the WAL; it survives only if someone else is in
            raise Conflict(
                "Cơ sở dữ liệu đang được một chương trình khác mở (ứng dụng quầy, đồng bộ?). "
                "Hãy đóng chương trình đó rồi khôi phục lại; không có gì bị thay đổi."
            )
        Path(f"{db_path}-shm").unlink(missing_ok=True)

    def _restore_files(self, files: dict[str, Path]) -> int:
        count = 0
        for rel, src in files.items():
            dest = self.paths.files_dir / rel.split("/", 1)[1]
            if dest.exists():
                continue
            _private_dir(self.paths.files_dir)
            _private_dir(dest.parent)
            tmp = dest.with_suffix(".part")
            shutil.copyfile(src, tmp)
            os.chmod(tmp, 0o600)
            os.replace(tmp, dest)
            count += 1
        return count

    def _after_swap(self, who: str, path: Path, manifest: dict[str, Any]) -> list[str]:
        """Migrate the restored database forward if it is older, and audit the restore inside it."""
        from db.engine import session_scope, upgrade
        from onestop.services.audit import record
        from onestop.services.profile import store_profile

        warnings = []
        upgrade(self.engine)
        store_profile(self.engine, self.settings.office)
        with session_scope(self.engine, write=True) as s:
            record(
                s,
                who,
                "backup.restore",
                detail=f"{path.name}; tạo lúc {manifest.get('created_at')}; {manifest.get('dossiers')} hồ sơ; "
                f"{manifest.get('outbox_items')} mục chờ gửi",
            )
        queued = sum(
            n for state, n in manifest.get("outbox_by_state", {}).items() if state not in ("synced", "discarded")
        )
        if queued:
            warnings.append(
                f"Có {queued} mục đang chờ gửi lên tỉnh trong bản sao lưu; chúng sẽ được gửi lại "
                "(khóa chống trùng bảo đảm không tạo bản ghi kép)."
            )
        return warnings
