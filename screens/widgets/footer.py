"""The key footer, wrapped onto a second (third) line when a narrow terminal cannot show every key on one.

Textual's `Footer` is one line that cuts what does not fit: at 100 columns the home screen lost F6 … Esc. Every
screen's `Footer()` becomes a `CounterFooter` (see `OneStopScreen.compose_add_child`), so no screen changes.
"""

from __future__ import annotations

from math import ceil

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

GUTTER = 1
MAX_ROWS = 3


def rows_needed(widths: list[int], room: int) -> tuple[int, int]:
    """(rows, columns) of the smallest grid, filled row by row, whose columns (each as wide as its widest key,
    `GUTTER` apart) fit `room` cells; one row when everything fits, `MAX_ROWS` at most."""
    if sum(widths) <= room:
        return 1, len(widths)
    for rows in range(2, MAX_ROWS + 1):
        columns = ceil(len(widths) / rows)
        column_widths = [max(widths[i::columns]) for i in range(columns)]
        if sum(column_widths) + GUTTER * (columns - 1) <= room:
            return rows, columns
    return MAX_ROWS, ceil(len(widths) / MAX_ROWS)


class CounterFooter(Footer):
    """`Footer` whose keys wrap onto more lines (a grid of auto-width columns) instead of being cut."""

    DEFAULT_CSS = """
    CounterFooter.-wrapped { layout: grid; grid-columns: auto; grid-gutter: 0 1; }
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._widths: list[int] = []
        self._reserved = 0

    def compose(self) -> ComposeResult:
        items: list[Widget] = list(super().compose())
        keys = [item for item in items if isinstance(item, FooterKey) and not item.has_class("-command-palette")]
        self._widths = [cell_len(k.key_display) + cell_len(k.description) + 3 for k in keys]
        palette = [item for item in items if item.has_class("-command-palette")]
        self._reserved = sum(cell_len(k.key_display) + cell_len(k.description) + 4 for k in palette)  # + its border
        self._fit(self.app.size.width)
        yield from items

    def on_resize(self) -> None:
        self._fit(self.size.width or self.app.size.width)

    def _fit(self, width: int) -> None:
        rows, columns = rows_needed(self._widths, width - self._reserved) if self._widths else (1, 1)
        self.set_class(rows > 1, "-wrapped")
        if rows > 1:
            self.styles.grid_size_columns = columns
            self.styles.grid_size_rows = rows
        self.styles.height = rows
