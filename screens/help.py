"""F1: every key of the screen underneath, with what it does (its bindings and the app's)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label

KEY_NAMES = {
    "escape": "Esc",
    "slash": "/",
    "space": "Space",
    "enter": "Enter",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "plus": "+",
    "minus": "-",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
}


def key_label(key: str) -> str:
    """`ctrl+s` → `Ctrl+S`, `f2` → `F2`, `escape` → `Esc`."""
    out = []
    for part in key.split(","):
        part = part.strip()
        if part in KEY_NAMES:
            out.append(KEY_NAMES[part])
            continue
        out.append("+".join(p.upper() if len(p) <= 3 else p.capitalize() for p in part.split("+")))
    return " / ".join(out)


def bindings_of(node: Any) -> list[Binding]:
    """The bindings declared on a screen or app class and its bases (nearest first)."""
    seen: list[Binding] = []
    for cls in type(node).__mro__:
        if cls.__module__.startswith("textual."):  # Textual's own keys (Tab, copy) carry English text; Tab is added
            continue
        for item in cls.__dict__.get("BINDINGS", []):
            if isinstance(item, Binding) and item.description and not item.system:
                seen.append(item)
    return seen


class HelpScreen(ModalScreen[None]):
    """A table of keys: the screen's own first, then the keys that work everywhere."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 70%; }
    HelpScreen #help-box { width: 90; max-width: 98%; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    HelpScreen #help-title { text-style: bold; color: $accent; }
    HelpScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape,f1", "close", "Đóng", tooltip="Đóng trợ giúp", id="help.close")]

    def __init__(self, underneath: Any) -> None:
        super().__init__()
        self.underneath = underneath

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Label(
                f"Phím tắt — {getattr(self.underneath, 'HELP_TITLE', type(self.underneath).__name__)}", id="help-title"
            )
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Phím", "Việc", "Phạm vi")
        rows: list[tuple[str, str, str]] = []
        seen_keys: set[str] = set()
        for scope, node in (("Màn hình này", self.underneath), ("Mọi nơi", self.app)):
            for binding in bindings_of(node):
                if (
                    node is self.app
                    and "(" not in binding.action
                    and self.app.check_action(binding.action, ()) is False
                ):
                    continue  # not this officer's (e.g. F6 reports for a counter officer)
                label = key_label(binding.key)
                if label in seen_keys:
                    continue
                seen_keys.add(label)
                rows.append((label, binding.tooltip or binding.description, scope))
        if "Ctrl+P" not in seen_keys:
            rows.append(("Ctrl+P", "Bảng lệnh (tìm mọi chức năng)", "Mọi nơi"))
        rows.append(("Tab / Shift+Tab", "Ô kế tiếp / ô trước", "Mọi nơi"))
        table.add_rows(rows)
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
