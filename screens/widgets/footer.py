"""The key footer, wrapped onto more lines when a narrow terminal cannot show every key on one.

Textual's `Footer` is one line that cuts what does not fit: at 100 columns the home screen lost F6 … Esc. Every
screen's `Footer()` becomes a `CounterFooter` (see `OneStopScreen.mount_composed_widgets`), so no screen changes.

It is also rebuilt only when the keys it shows change. Textual's Footer recomposes (removes and mounts a widget per
key, each styled by the stylesheet) every time the screen signals that bindings may have changed: on every focus
change, every mount, every screen resume: several times per screen switch, and most of a screen's opening time.
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
        self._counts_shown: list[int] = [0]
        self._widths: list[int] = []
        self._reserved = 0
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
        self._widths = [key_width(item) for item in keys]
        self._reserved = sum(key_width(item) + 2 for item in palette)  # + its border and padding
        counts = self._counts(self.size.width or self.app.size.width)
        self._counts_shown = counts
        self.set_class(len(counts) > 1, "-wrapped")
        self.styles.height = len(counts)
        if len(counts) == 1:
            yield from items
            return
        start = 0
        for line, count in enumerate(counts):
            extra = palette if line == 0 else []  # docked right in the first line only, not beside every line
            yield HorizontalGroup(*keys[start : start + count], *extra, classes="footer-line")
            start += count

    def _counts(self, width: int) -> list[int]:
        return flow(self._widths, width - self._reserved, width)

    def on_resize(self) -> None:
        if self._widths and self._counts(self.size.width) != self._counts_shown:
            self.call_after_refresh(self.recompose)
