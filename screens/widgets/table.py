"""The counter's DataTable: auto-width columns repainted once they widen, or columns sized from their rows' text.

Textual 8.2.8 measures new rows on the table's next idle, but lines painted between `add_row` and that idle stay
in its line cache (same update count), so a table filled by a message handler could keep header-width columns.

Lists that open often (home, search) use `set_columns` and `fill` instead: the widths come from the rows' text
lengths, set before any row is added, so Textual renders no cell to measure it (only the lines on screen are
rendered, once) and lays the table out once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.widgets import DataTable

if TYPE_CHECKING:
    from screens.widgets.columns import Col

Cells = Sequence[Any]


class CounterTable(DataTable[Any]):
    """`DataTable` for rows that arrive from workers: after the idle width update the table repaints itself."""

    _fixed_widths = False

    def set_columns(self, labels: Iterable[str]) -> None:
        """Add columns whose widths `fill` sets from its rows' text lengths (no cell is ever rendered to measure
        it): the same widths auto-width columns would get, at a fraction of the cost."""
        for label in labels:
            self.add_column(label, width=cell_len(label))
        self._fixed_widths = True

    def fill_fitted(
        self, columns: Sequence[Col], rows: Sequence[tuple[str, Cells]], fallback: int, *, keep_cursor: bool = False
    ) -> None:
        """`fill` with the columns fitted to the table's width by priority (`screens.widgets.columns`): columns
        shrink, cut their text with … or drop as `columns` says; the highlighted row stays when `keep_cursor`.
        `fallback`: the width to fit before the table is laid out."""
        from screens.widgets.columns import cut_cells, fit_rows, shown_labels, table_room

        widths = fit_rows(columns, [cells for _key, cells in rows], table_room(self, len(rows), fallback))
        labels = shown_labels(columns, widths)
        row = self.cursor_row
        if [str(c.label) for c in self.ordered_columns] != labels:
            self.clear(columns=True)
            self.set_columns(labels)
        self.fill([(key, cut_cells(cells, widths)) for key, cells in rows])
        if keep_cursor and rows:
            self.move_cursor(row=min(max(row, 0), len(rows) - 1))

    def fill(self, rows: Sequence[tuple[str, Cells]]) -> None:
        """Replace the rows with `rows` (key, cells), the column widths fitting every row from the start.

        All rows go in before the next paint: the table renders only the lines on screen, but it caches them by
        its update count, so rows added after a first paint would have every visible line rendered again."""
        self.clear()
        if self._fixed_widths:
            self._fit_widths(rows)
        for key, cells in rows:
            self.add_row(*cells, key=key)

    def _fit_widths(self, rows: Sequence[tuple[str, Cells]]) -> None:
        for index, column in enumerate(self.ordered_columns):
            width = cell_len(column.label.plain)
            for _key, cells in rows:
                if index < len(cells):
                    width = max(width, _width(cells[index]))
            column.width = column.content_width = width
        self._require_update_dimensions = True

    def _update_dimensions(self, new_rows: Iterable[Any]) -> None:
        """With fixed widths and one-line rows the size is known without measuring (or rendering) any cell."""
        if not self._fixed_widths or self._labelled_row_exists:
            super()._update_dimensions(new_rows)
            return
        rows = self.rows
        if any(rows[key].auto_height or rows[key].label is not None for key in new_rows if key in rows):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width, self._total_row_height + header)

    async def _on_idle(self, event: events.Idle) -> None:
        widened = not self._fixed_widths and bool(self._new_rows or self._updated_cells)
        await super()._on_idle(event)
        if widened:
            self.notify_style_update()
        event.prevent_default()  # DataTable._on_idle already ran through super()


def _width(cell: Any) -> int:
    """Cells a value takes on one line, as DataTable would render it (plain text; markup-free cells)."""
    if isinstance(cell, Text):
        return cell.cell_len
    return cell_len(cell if isinstance(cell, str) else str(cell))
