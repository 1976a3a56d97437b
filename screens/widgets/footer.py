"""The key footer, wrapped onto more lines when a narrow terminal cannot show every key on one.

Textual's `Footer` is one line that cuts what does not fit: at 100 columns the home screen lost F6 … Esc. Every
screen's `Footer()` becomes a `CounterFooter` (see `OneStopScreen.mount_composed_widgets`), so no screen changes.

It is also rebuilt only when the keys it shows change. Textual's Footer recomposes (removes and mounts a widget per
key, each styled by the stylesheet) every time the screen signals that bindings may have changed: on every focus
change, every mount, every screen resume: several times per screen switch, and most of a screen's opening time.

On a narrow terminal the footer keeps to a line budget (one line below 90 columns, two below 110) so the screen keeps
its rows: the screen's own keys are always shown (they are what the officer is doing); the app-wide keys (F2 … F10,
Esc, Ctrl+Q) fill what room is left by priority, and when any is left out, F1 reads "Mọi phím": its help lists
every key of the screen and of the app. The command-palette key (Ctrl+P, also in F1's list) gives its room to the
keys below 90 columns. Every key still works whether shown or not.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

OTHER_ITEM = 12  # a binding group's label, should a screen ever use one
HELP_ACTION = "help"
HELP_SHORT = "Mọi phím"
"""F1's label when some app-wide keys are not shown: its help lists them all."""
GLOBAL_PRIORITY = ("help", "back", "intake", "search", "home", "lock", "sync", "large_print", "reports", "catalog")
"""App-wide actions in the order a narrow footer keeps them (anything not listed, e.g. Ctrl+Q quit, goes first)."""


def line_budget(width: int) -> int | None:
    """How many lines the footer may take at `width` columns (None: as many as every key needs)."""
    if width < 90:
        return 1
    if width < 110:
        return 2
    return None


def choose(
    widths: list[int],
    is_global: list[bool],
    ranks: list[int],
    first_room: int,
    room: int,
    budget: int | None,
    help_index: int | None,
    help_short: int,
) -> tuple[list[int], list[int]]:
    """Which keys to show (indices, in display order) and how many go on each line.

    Local keys come first and always stay; global keys are dropped lowest rank first until the rest fit the budget
    (F1, the help, is never dropped; once anything is dropped its width is `help_short`)."""
    local = [i for i, g in enumerate(is_global) if not g]
    kept = [i for i, g in enumerate(is_global) if g]
    dropped = False
    while True:
        order = local + kept
        sizes = [help_short if dropped and i == help_index else widths[i] for i in order]
        counts = flow(sizes, first_room, room)
        if budget is None or len(counts) <= budget:
            return order, counts
        candidates = [i for i in kept if i != help_index]
        if not candidates:
            return order, counts  # the screen's own keys need more lines: they wrap, none is hidden
        kept.remove(max(candidates, key=lambda i: (ranks[i], i)))
        dropped = True


def key_width(item: Widget) -> int:
    """Cells a footer key takes: ` f2 Tiếp nhận ` (key and description padded as Textual's default footer does)."""
    if isinstance(item, FooterKey):
        return cell_len(item.key_display) + cell_len(item.description) + 3
    return OTHER_ITEM


def flow(widths: list[int], first_room: int, room: int) -> list[int]:
    """How many keys go on each line, in order: the first line leaves room for the command-palette key."""
    counts: list[int] = []
    used, count, limit = 0, 0, first_room
    for width in widths:
        if count and used + width > limit:
            counts.append(count)
            used, count, limit = 0, 0, room
        used += width
        count += 1
    if count:
        counts.append(count)
    return counts or [0]


class CounterFooter(Footer):
    """`Footer` whose keys flow onto as many lines as the width needs, in their order, instead of being cut."""

    DEFAULT_CSS = """
    CounterFooter.-wrapped { layout: vertical; }
    CounterFooter .footer-line { height: 1; width: 1fr; }
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._plan_shown: tuple[list[int], list[int]] = ([], [0])
        self._keys: list[Widget] = []
        self._palette: list[Widget] = []
        self._widths: list[int] = []
        self._global: list[bool] = []
        self._ranks: list[int] = []
        self._help: int | None = None
        self._shown: tuple[Any, ...] | None = None
        """What the keys were when last composed (see `_signature`)."""

    def _signature(self) -> tuple[Any, ...]:
        """The keys as shown: (key, action, label, enabled, tooltip) in order, the palette key, the style."""
        screen = self.screen
        keys = tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )
        palette = self.app.COMMAND_PALETTE_BINDING in screen.active_bindings
        return keys, palette, self.compact, self.show_command_palette

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self._bindings_ready and self.is_attached and screen is self.screen and self._shown is not None:
            shown = self._signature()
            if shown == self._shown:
                return
            if screen.app.app_focus:  # a rebuild is on its way: further signals before it runs need no other
                self._shown = shown
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        if self.is_attached:  # the screen's bindings are known once mounted: no empty first footer to rebuild
            self.set_reactive(Footer._bindings_ready, True)
            self._shown = self._signature()
        items: list[Widget] = list(super().compose())
        palette = [item for item in items if item.has_class("-command-palette")]
        keys = [item for item in items if item not in palette]
        self._keys = keys
        self._palette = palette
        self._widths = [key_width(item) for item in keys]
        self._global = [self._is_global(item) for item in keys]
        self._ranks = [_rank(getattr(item, "action", "")) for item in keys]
        self._help = next((i for i, item in enumerate(keys) if getattr(item, "action", "") == HELP_ACTION), None)
        order, counts = self._plan(self.size.width or self.app.size.width)
        self._plan_shown = (order, counts)
        self.set_class(len(counts) > 1, "-wrapped")
        self.styles.height = len(counts)
        shown: list[Widget] = [keys[i] for i in order]
        if self._help is not None and len(order) < len(keys):
            help_key = keys[self._help]
            if isinstance(help_key, FooterKey):
                help_key.description = HELP_SHORT
        extra = palette if self._show_palette(self.size.width or self.app.size.width) else []
        if len(counts) == 1:
            yield from shown
            yield from extra
            return
        start = 0
        for line, count in enumerate(counts):
            line_extra = extra if line == 0 else []  # docked right in the first line only, not beside every line
            yield HorizontalGroup(*shown[start : start + count], *line_extra, classes="footer-line")
            start += count

    def _is_global(self, item: Widget) -> bool:
        """Whether the key is one of the app's (F2, F3 …), not the screen's or the focused widget's."""
        action = getattr(item, "action", None)
        for node, binding, _enabled, _tooltip in self.screen.active_bindings.values():
            if binding.action == action and binding.show:
                return node is self.app
        return False

    @staticmethod
    def _show_palette(width: int) -> bool:
        return line_budget(width) != 1

    def _plan(self, width: int) -> tuple[list[int], list[int]]:
        reserved = sum(key_width(item) + 2 for item in self._palette) if self._show_palette(width) else 0
        help_key = self._keys[self._help] if self._help is not None else None
        short = cell_len(help_key.key_display) + cell_len(HELP_SHORT) + 3 if isinstance(help_key, FooterKey) else 0
        return choose(
            self._widths, self._global, self._ranks, width - reserved, width, line_budget(width), self._help, short
        )

    def on_resize(self) -> None:
        if self._widths and self._plan(self.size.width) != self._plan_shown:
            self.call_after_refresh(self.recompose)


def _rank(action: str) -> int:
    """Lower is kept longer on a narrow footer; unlisted app keys (quit) go first."""
    return GLOBAL_PRIORITY.index(action) if action in GLOBAL_PRIORITY else len(GLOBAL_PRIORITY)
