"""The top-level `onestop` Typer app: global options, and one sub-app per command group joined with `add_typer`.

A sub-app added without a name contributes top-level commands (`onestop intake`, `onestop backup`, …); one added
with a name is a command group (`onestop dossier …`).
"""

from __future__ import annotations

import sys

import typer

from onestop.cli import (
    audit,
    backup,
    bench,
    calendar,
    catalog,
    citizen,
    doctor,
    dossier,
    fee,
    form,
    intake,
    officer,
    province,
    purge,
    receipt,
    report,
    session,
    setup,
    sync,
)
from onestop.cli.common import GLOBAL, ConfigOpt, DbOpt, say
from onestop.cli.tui import run_tui

app = typer.Typer(
    name="onestop",
    help="onestop — phần mềm Bộ phận Một cửa cấp xã: tiếp nhận hồ sơ, in phiếu, theo dõi, đồng bộ.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

# Top-level commands, one module per area.
for area in (setup, session, doctor, intake, receipt, sync, backup, purge, bench):
    app.add_typer(area.app)
# Command groups.
app.add_typer(officer.app, name="officer")
app.add_typer(catalog.app, name="catalog")
app.add_typer(calendar.app, name="calendar")
app.add_typer(dossier.app, name="dossier")
app.add_typer(report.app, name="report")
app.add_typer(province.app, name="province")
app.add_typer(citizen.app, name="citizen")
app.add_typer(audit.app, name="audit")
app.add_typer(fee.app, name="fee")
app.add_typer(form.app, name="form")


@app.callback(invoke_without_command=True)
def root(ctx: typer.Context, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Without a command: open the counter application (TUI)."""
    GLOBAL.db, GLOBAL.config = db, config  # honoured by every sub-command that has no --db/--config of its own
    if ctx.invoked_subcommand is None:
        run_tui(db, config)


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
