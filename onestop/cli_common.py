"""Shared pieces of the command line: options, opening services, JSON output, error reporting.

Only Typer is imported at module level; everything heavy is imported inside commands so `--help` stays fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from onestop.config import Settings
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


def load(config: Path | None) -> Settings:
    from onestop.config import load_settings, resolve_config_path

    return load_settings(resolve_config_path(config))


def open_ctx(db: Path | None, config: Path | None, *, prepare: bool = True) -> Services:
    """Load settings and open the database named by the options/environment (CONTRACT.md)."""
    from onestop.config import resolve_db_path
    from onestop.printing import install
    from onestop.services import open_services

    settings = load(config)
    return install(open_services(resolve_db_path(db), settings, prepare=prepare))


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
