"""The `onestop` console script: opens the TUI with nothing but Textual imported, else hands over to the CLI.

Importing Typer and the command modules costs ~100–300 ms on a counter PC; the officer's first screen should not
wait for it.
"""

from __future__ import annotations

import sys
from pathlib import Path


def tui_only_args(argv: list[str]) -> tuple[Path | None, Path | None] | None:
    """(db, config) when the arguments only open the TUI (`--db`/`--config`, either form), else None."""
    values: dict[str, Path | None] = {"--db": None, "--config": None}
    rest = list(argv)
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if name not in values:
            return None
        if not eq:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        values[name] = Path(value)
    return values["--db"], values["--config"]


def main() -> None:
    paths = tui_only_args(sys.argv[1:])
    if paths is None:
        from onestop.cli import main as cli_main

        cli_main()
        return
    from onestop.config import resolve_config_path, resolve_db_path
    from screens.app import run

    try:
        run(db_path=resolve_db_path(paths[0]), config_path=resolve_config_path(paths[1]))
    except KeyboardInterrupt:
        sys.exit(130)
