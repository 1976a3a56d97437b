"""A DataTable whose auto-width columns are repainted once they widen.

Textual 8.2.8 measures new rows on the table's next idle, but lines painted between `add_row` and that idle stay
in its line cache (same update count), so a table filled by a message handler could keep header-width columns.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import DataTable


class CounterTable(DataTable[Any]):
    """`DataTable` for rows that arrive from workers: after the idle width update the table repaints itself."""

    async def _on_idle(self, event: events.Idle) -> None:
        widened = bool(self._new_rows or self._updated_cells)
        await super()._on_idle(event)
        if widened:
            self.notify_style_update()
        event.prevent_default()  # DataTable._on_idle already ran through super()
