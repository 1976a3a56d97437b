"""Starting the counter application (TUI) from the command line, with nothing but Textual imported."""

from __future__ import annotations

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


def run_tui(db: Path | None, config: Path | None, *, demo_hint: str = "") -> None:
    """Start the TUI; the Textual import lives here so that every other command starts fast. The paths are
    resolved by the app after its first frame (onestop.config is not needed to paint it)."""
    from screens.app import run  # imported here on purpose: Textual is only needed for the TUI

    run(db_path=db, config_path=config, demo_hint=demo_hint)
