"""Shared pieces of the command line: options, global options, opening services, parsing, output, errors.

Only Typer is imported at module level; everything heavy is imported inside commands so `--help` stays fast.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from onestop.config import Settings
    from onestop.domain import Status
    from onestop.services import Services

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Tệp cơ sở dữ liệu SQLite (mặc định: $ONESTOP_DB hoặc thư mục dữ liệu).", show_default=False
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Tệp cấu hình TOML (mặc định: $ONESTOP_CONFIG hoặc thư mục cấu hình).", show_default=False
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON trên stdout.")]
OfficerOpt = Annotated[
    str | None,
    typer.Option("--officer", help="Tên đăng nhập của cán bộ thực hiện (được ghi nhật ký).", show_default=False),
]


@dataclass
class GlobalOptions:
    """`--db` / `--config` given before the sub-command (`onestop --db X dossier list`).

    Set by the root callback on every invocation; an option given after the sub-command wins.
    """

    db: Path | None = None
    config: Path | None = None


GLOBAL = GlobalOptions()


def db_option(db: Path | None) -> Path | None:
    """The `--db` of the sub-command, else the one given before it (None: environment or default)."""
    return db if db is not None else GLOBAL.db


def config_option(config: Path | None) -> Path | None:
    """The `--config` of the sub-command, else the one given before it (None: environment or default)."""
    return config if config is not None else GLOBAL.config


def resolve_db(db: Path | None) -> Path:
    """The database file named by the options or the environment (CONTRACT.md)."""
    from onestop.config import resolve_db_path

    return resolve_db_path(db_option(db))


def resolve_config(config: Path | None) -> Path:
    """The configuration file named by the options or the environment (CONTRACT.md)."""
    from onestop.config import resolve_config_path

    return resolve_config_path(config_option(config))


def load(config: Path | None) -> Settings:
    from onestop.config import load_settings

    return load_settings(resolve_config(config))


def open_with(db: Path | None, settings: Settings, *, prepare: bool = True) -> Services:
    """Open the database named by the options with these settings and the real form renderer."""
    from onestop.printing import ReceiptsRenderer
    from onestop.services import open_services

    return open_services(resolve_db(db), settings, renderer=ReceiptsRenderer(), prepare=prepare)


def open_ctx(db: Path | None, config: Path | None, *, prepare: bool = True) -> Services:
    """Load settings and open the database named by the options/environment (CONTRACT.md)."""
    return open_with(db, load(config), prepare=prepare)


def emit_json(data: Any) -> None:
    """One JSON document on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def say(message: str) -> None:
    """A message for the person at the terminal (stderr, so stdout stays parseable)."""
    sys.stderr.write(message + "\n")


def fail(message: str, code: int = 2) -> NoReturn:
    say(message)
    raise typer.Exit(code)


def read_password_stdin() -> str:
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        fail("Chưa nhận được mật khẩu trên stdin (--password-stdin).")
    return value


def parse_when(value: str | None, option: str) -> datetime | None:
    """An ISO moment (Vietnam time when no offset is given), None for an empty value; `BadInput` otherwise."""
    from onestop.formats import parse_datetime

    if not value:
        return None
    from onestop.domain import now_vn
    from onestop.plausible import check_stored_time

    return check_stored_time(parse_datetime(value, field=option), now_vn(), label=option, field=option)


def parse_day(value: str, option: str) -> date:
    """A day as YYYY-MM-DD or dd/MM/yyyy; `BadInput` (exit 2) otherwise."""
    from onestop.domain import now_vn
    from onestop.formats import parse_date
    from onestop.plausible import check_day

    return check_day(parse_date(value, field=option), now_vn().date(), field=option, label=option)


def parse_status(value: str) -> Status:
    """A status by its name (received, in_progress, …) or national code 1–10; `BadInput` otherwise."""
    from onestop.domain import Status
    from onestop.errors import BadInput

    text = value.strip().lower()
    if text.isdigit():
        try:
            return Status.from_national(int(text))
        except ValueError:
            pass
    try:
        return Status(text)
    except ValueError:
        names = ", ".join(s.value for s in Status)
        raise BadInput(
            f"Trạng thái '{value[:30]}' không hợp lệ; dùng một trong: {names} (hoặc mã 1–10).", field="status"
        ) from None


def fmt_moment(value: datetime | None) -> str:
    """`HH:MM dd/MM/yyyy`, or an em dash."""
    from onestop.formats import datetime_short

    return datetime_short(value)
