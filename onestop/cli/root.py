"""The top-level `onestop` Typer app: global options, and one sub-app per command group joined with `add_typer`.

A sub-app added without a name contributes top-level commands (`onestop intake`, `onestop backup`, …); one added
with a name is a command group (`onestop dossier …`).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer

from onestop.cli.common import GLOBAL, ConfigOpt, DbOpt, say
from onestop.cli.tui import run_tui

TOP_LEVEL = ("setup", "session", "doctor", "intake", "receipt", "sync", "backup", "purge", "bench")
"""Modules whose commands are top-level commands (`onestop intake`, `onestop backup`, …), in help order."""
GROUPS = ("officer", "catalog", "calendar", "dossier", "report", "province", "citizen", "audit", "fee", "form")
"""Modules that are command groups (`onestop dossier …`); the group's name is the module's."""
COMMAND_MODULES = {
    "init": "setup",
    "demo": "setup",
    "login": "session",
    "logout": "session",
    "whoami": "session",
    "doctor": "doctor",
    "intake": "intake",
    "receipt": "receipt",
    "sync": "sync",
    "backup": "backup",
    "restore": "backup",
    "purge": "purge",
    "bench": "bench",
}
"""Which module holds each top-level command (a test checks it against the modules' own apps)."""


def make_app(modules: tuple[str, ...] | None = None) -> typer.Typer:
    """The `onestop` app with the given command modules (all of them by default, in help order).

    A command run from the shell needs only its own module: building the others' commands costs more than the
    command itself (Typer reads every parameter of every command)."""
    app = typer.Typer(
        name="onestop",
        help="onestop — phần mềm Bộ phận Một cửa cấp xã: tiếp nhận hồ sơ, in phiếu, theo dõi, đồng bộ.",
        no_args_is_help=False,
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )
    wanted = (*TOP_LEVEL, *GROUPS) if modules is None else modules
    for name in (*TOP_LEVEL, *GROUPS):
        if name not in wanted:
            continue
        area = importlib.import_module(f"onestop.cli.{name}")
        if name in GROUPS:
            app.add_typer(area.app, name=name)
        else:
            app.add_typer(area.app)
    app.callback(invoke_without_command=True)(root)
    return app


def root(ctx: typer.Context, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Without a command: open the counter application (TUI)."""
    GLOBAL.db, GLOBAL.config = db, config  # honoured by every sub-command that has no --db/--config of its own
    if ctx.invoked_subcommand is None:
        run_tui(db, config)


def modules_for(argv: list[str]) -> tuple[str, ...] | None:
    """The one command module `argv` runs (None: all of them, e.g. for `--help` or a mistyped command)."""
    rest = list(argv)
    while rest and rest[0].startswith("--"):
        option = rest.pop(0)
        if option in ("--db", "--config") and rest:
            rest.pop(0)
        elif not option.startswith(("--db=", "--config=")):
            return None
    if not rest:
        return None
    first = rest[0]
    if first in GROUPS:
        return (first,)
    module = COMMAND_MODULES.get(first)
    return (module,) if module else None


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole app, for tools and tests that import it
        return make_app()
    raise AttributeError(name)


def run() -> int:
    """Run the app on `sys.argv`; expected errors become a Vietnamese message and the exit code of CONTRACT.md."""
    from onestop.crashlog import undecodable_argument
    from onestop.errors import OneStopError

    bad_argument = undecodable_argument(sys.argv[1:])
    if bad_argument:  # bytes that are not UTF-8 would reach the database as lone surrogates
        say(bad_argument)
        return 2
    try:
        from onestop.domain import now_vn
        from onestop.session import guard_argv

        app = make_app(modules_for(sys.argv[1:]))
        argv = guard_argv(typer.main.get_command(app), sys.argv[1:], now=now_vn())  # who acts: the session's officer
        rc = app(args=argv, prog_name="onestop", standalone_mode=False)
        return rc if isinstance(rc, int) else 0
    except OneStopError as exc:
        say(exc.message)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        say("Đã hủy.")
        return 1
    except KeyboardInterrupt:
        say("Đã dừng.")
        return 130
    except typer.TyperException as exc:  # click's usage errors (exit code 2) and its other errors
        usage = exc.exit_code == 2
        say(f"Lệnh không hợp lệ: {exc.format_message()}" if usage else exc.format_message())
        return 2
    except Exception as exc:  # anything unexpected: a plain message, the traceback goes to the log
        from onestop.crashlog import db_option, explain, log_path, report_unexpected

        known = explain(exc)  # a full disk, a damaged database, a path that cannot be written: plain words
        if known is not None:
            say(known.message)
            return known.exit_code
        try:
            log = log_path(db_option(sys.argv[1:]))
        except Exception:  # the configuration itself may be what failed
            log = None
        return report_unexpected(exc, log)
