"""The `onestop` command line (CONTRACT.md): the same services as the TUI, never a second implementation.

Layout (Typer's "one file per command group"): `root.py` holds the top-level app and joins one sub-app per module
with `add_typer`; `common.py` holds the shared options and helpers; `tui.py` starts the counter application.
Heavy libraries (SQLModel, ReportLab, httpx, Textual) are imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Console entry point (`onestop`): the TUI without Typer when only `--db`/`--config` are given, else the CLI."""
    from onestop.cli.tui import run_tui, tui_only_args
    from onestop.owneronly import owner_only_umask

    owner_only_umask()  # every file and folder this process creates is the owner's alone
    tui_paths = tui_only_args(sys.argv[1:])
    if tui_paths is not None:  # plain `onestop [--db X] [--config Y]`: skip Typer so the first screen paints fast
        try:
            run_tui(*tui_paths)
        except KeyboardInterrupt:
            sys.exit(130)
        sys.exit(0)
    from onestop.cli.root import run

    sys.exit(run())
