"""Officer sessions on the command line (`onestop login USER`, `onestop logout`), like `sudo` or `gh auth login`.

A counter PC is often shared by several officers under one operating-system account, so "who runs the command" must
be proven by a password, not claimed with `--officer`. `login` checks the password (throttled like the TUI), stores a
random token in an owner-only file for this OS user and this database, and only the token's SHA-256 in the database
(table `officer_session`). A session ends after 15 minutes without use, after 10 hours at most, at `logout`, or when
the account is deactivated or locked. Commands that change or export personal data act as the session's officer
(`guard_argv`, called before the command line is parsed); `--officer USER` is accepted only when it names that
officer. The workstation's own `sync` and `backup` (timer, cron) need no session and are audited as "workstation".

The check reads the database with the standard `sqlite3` module (no SQLAlchemy, no migrations): ~1 ms per command.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onestop.errors import Conflict

if TYPE_CHECKING:
    from onestop.domain import Officer
    from onestop.services.officers import OfficerService

IDLE = timedelta(minutes=15)
LONGEST = timedelta(hours=10)
WORKSTATION = "workstation"
NEED_LOGIN = (
    "Lệnh này thay đổi hoặc xuất dữ liệu nên cần cán bộ đăng nhập: chạy 'onestop login TÊN_ĐĂNG_NHẬP' "
    "(phiên tự kết thúc sau 15 phút không dùng). Không có gì được ghi."
)

# Commands with `--officer` that run without a session: the workstation's own backup (timer, cron: audited as
# "workstation"), viewing one dossier (audited as a view) and the monthly statistics (counts, no personal data).
# A `--officer` given to them must still be the session's.
OPEN_COMMANDS = {("backup",), ("dossier", "show"), ("report", "monthly")}


class NotLoggedIn(Conflict):
    """No valid session for a command that needs one (exit 4)."""

    title = "Chưa đăng nhập"


def session_dir() -> Path:
    """`$ONESTOP_SESSION_DIR`, else `$XDG_RUNTIME_DIR/onestop` (a per-user tmpfs), else `<data dir>/sessions`."""
    explicit = os.environ.get("ONESTOP_SESSION_DIR")
    if explicit:
        return Path(explicit)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / "onestop"
    from onestop.config import data_dir

    return data_dir() / "sessions"


def session_file(db_path: Path) -> Path:
    key = hashlib.sha256(str(Path(db_path).expanduser().resolve()).encode("utf-8")).hexdigest()[:24]
    return session_dir() / f"{key}.session"


def os_user() -> str:
    try:
        return getpass.getuser()[:100]
    except Exception:  # no login name (a container): the uid is as good
        return str(os.getuid()) if hasattr(os, "getuid") else "?"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    from onestop.plausible import to_vn

    return to_vn(datetime.fromisoformat(value))


@dataclass(frozen=True)
class SessionInfo:
    officer: str
    role: str
    started_at: datetime
    last_seen_at: datetime


def _write_file(path: Path, data: dict[str, Any]) -> None:
    from onestop.owneronly import private_dirs

    private_dirs(path.parent)
    tmp = path.with_name(f".{path.name}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(tmp, path)


def _read_file(path: Path) -> dict[str, Any] | None:
    try:
        st = path.stat()
        if st.st_mode & 0o077 or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
            return None  # a session file anyone else could read or plant is not ours
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("token"), str) else None


def login(officers: OfficerService, db_path: Path, username: str, password: str, *, now: datetime) -> Officer:
    """Check the password (throttled, audited) and open a session for this OS user and this database."""
    from db.engine import session_scope
    from onestop.services.audit import record

    officer = officers.authenticate(username, password)
    from sqlmodel import col, select

    from db import models

    token = secrets.token_urlsafe(32)
    with session_scope(officers.engine, write=True) as s:
        open_rows = select(models.OfficerSession).where(
            models.OfficerSession.os_user == os_user(), col(models.OfficerSession.ended_at).is_(None)
        )
        for row in s.exec(open_rows):  # one session per OS user and database: a new login ends the previous one
            row.ended_at = now
            s.add(row)
        s.add(
            models.OfficerSession(
                token_sha256=_digest(token),
                officer=officer.username,
                os_user=os_user(),
                created_at=now,
                last_seen_at=now,
            )
        )
        record(s, officer.username, "session.login", detail=f"dòng lệnh; người dùng máy {os_user()}")
    _write_file(session_file(db_path), {"db": str(db_path), "token": token, "officer": officer.username})
    return officer


def logout(db_path: Path, *, now: datetime) -> str | None:
    """End this OS user's session on this database; returns the officer it was for (None: there was none)."""
    path = session_file(db_path)
    data = _read_file(path)
    path.unlink(missing_ok=True)
    if data is None or not Path(db_path).exists():
        return None
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        with conn:
            row = conn.execute(
                "SELECT id, officer FROM officer_session WHERE token_sha256 = ? AND ended_at IS NULL",
                (_digest(data["token"]),),
            ).fetchone()
            if row is None:
                return None
            conn.execute("UPDATE officer_session SET ended_at = ? WHERE id = ?", (_iso(now), row[0]))
            _audit(conn, row[1], "session.logout", "dòng lệnh", now)
        return str(row[1])
    finally:
        conn.close()


def _audit(conn: sqlite3.Connection, officer: str, action: str, detail: str, now: datetime) -> None:
    conn.execute(
        "INSERT INTO audit_entry(at, officer, action, dossier_code, detail) VALUES (?, ?, ?, '', ?)",
        (_iso(now), officer[:50], action, detail[:2000]),
    )


def current(db_path: Path, *, now: datetime, touch: bool = True) -> SessionInfo | None:
    """The valid session of this OS user on this database, or None; `touch` records the use (idle timer)."""
    data = _read_file(session_file(db_path))
    if data is None or not Path(db_path).exists():
        return None
    conn = sqlite3.connect(f"file:{db_path}?mode=rw", uri=True, timeout=10)
    try:
        with conn:
            row = conn.execute(
                "SELECT s.id, s.officer, s.created_at, s.last_seen_at, s.os_user, o.role, o.active "
                "FROM officer_session s JOIN officer o ON o.username = s.officer "
                "WHERE s.token_sha256 = ? AND s.ended_at IS NULL",
                (_digest(data["token"]),),
            ).fetchone()
            if row is None:
                return None
            sid, officer, created, seen, user, role, active = row
            started, last = _parse(created), _parse(seen)
            locked = conn.execute(
                "SELECT 1 FROM login_throttle WHERE username = ? AND locked_at IS NOT NULL", (officer,)
            ).fetchone()
            expired = (
                user != os_user()
                or not active
                or locked is not None
                or started is None
                or last is None
                or now - last > IDLE
                or now - started > LONGEST
            )
            if expired:
                conn.execute("UPDATE officer_session SET ended_at = ? WHERE id = ?", (_iso(now), sid))
                _audit(conn, officer, "session.expired", "hết hạn hoặc tài khoản không còn hiệu lực", now)
                return None
        if touch:  # best effort: on a full disk the command itself says so, the session stays valid
            try:
                with conn:
                    conn.execute("UPDATE officer_session SET last_seen_at = ? WHERE id = ?", (_iso(now), sid))
            except sqlite3.OperationalError:
                pass
        assert started is not None and last is not None  # an expired check above refused missing times
        return SessionInfo(str(officer), str(role), started, now if touch else last)
    finally:
        conn.close()


def _has_officers(db_path: Path) -> bool | None:
    """True/False when the database answers; None when it cannot be read (a restore in recovery mode)."""
    if not Path(db_path).exists():
        return False
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=rw", uri=True, timeout=10)
        try:
            return conn.execute("SELECT count(*) FROM officer").fetchone()[0] > 0
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


def _is_officer(db_path: Path, username: str) -> bool:
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=rw", uri=True, timeout=10)
        try:
            name = username.strip().lower()
            return conn.execute("SELECT 1 FROM officer WHERE username = ?", (name,)).fetchone() is not None
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return True  # cannot tell: treat it as an account, so the session is required


# ---------------------------------------------------------------- the command-line guard


def _option_value(argv: list[str], name: str) -> tuple[str | None, int]:
    """The value of `--name X` / `--name=X` and how many times it is given."""
    value, seen = None, 0
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            value, seen = argv[index + 1], seen + 1
        elif arg.startswith(name + "="):
            value, seen = arg[len(name) + 1 :], seen + 1
    return value, seen


def command_path(root: Any, argv: list[str]) -> tuple[tuple[str, ...], Any]:
    """The sub-command names in `argv` and the click command they lead to (global options skipped)."""
    path: list[str] = []
    current = root
    index = 0
    while hasattr(current, "commands") and index < len(argv):  # a click Group (Typer vendors its own click)
        arg = argv[index]
        if arg in ("--db", "--config"):
            index += 2
            continue
        if arg.startswith("-"):
            index += 1
            continue
        nxt = current.commands.get(arg)
        if nxt is None:
            break
        path.append(arg)
        current = nxt
        index += 1
    return tuple(path), current


def guard_argv(root: Any, argv: list[str], *, now: datetime) -> list[str]:
    """The arguments a command runs with: `--officer <session officer>` added to a command that acts on data.

    Raises `NotLoggedIn` (exit 4) without a valid session, or when `--officer` names someone else.
    """
    path, command = command_path(root, argv)
    params = {opt for p in getattr(command, "params", []) for opt in getattr(p, "opts", [])}
    if not path or "--officer" not in params or "--help" in argv:
        return argv
    named, times = _option_value(argv, "--officer")
    if path in OPEN_COMMANDS and not times:
        return argv
    from onestop.config import resolve_db_path

    db_value, _ = _option_value(argv, "--db")
    db_path = resolve_db_path(db_value)
    populated = _has_officers(db_path)
    if not populated:  # no account yet (the first `officer add`) or an unreadable database (restore's recovery)
        return argv
    if times == 1 and not _is_officer(db_path, named or ""):
        return argv  # an unknown name: the command itself says "không có cán bộ …" (exit 3), acting as no one
    try:
        session = current(db_path, now=now)
    except sqlite3.DatabaseError as exc:  # fail closed, in plain words (a full disk, a damaged file)
        from onestop.crashlog import explain
        from onestop.errors import DatabaseError

        raise explain(exc) or DatabaseError(f"Không đọc được phiên đăng nhập trong {db_path}.") from exc
    if session is None:
        raise NotLoggedIn(NEED_LOGIN, field="officer")
    if times:
        if times > 1 or (named or "").strip().lower() != session.officer:
            raise NotLoggedIn(
                f"--officer {str(named)[:50]} không phải cán bộ đang đăng nhập ({session.officer}). Hãy bỏ --officer, "
                "hoặc 'onestop logout' rồi 'onestop login' bằng tài khoản đó. Không có gì được ghi.",
                field="officer",
            )
        return argv
    if "--" in argv:
        cut = argv.index("--")
        return [*argv[:cut], "--officer", session.officer, *argv[cut:]]
    return [*argv, "--officer", session.officer]
