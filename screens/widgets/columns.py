"""Table columns fitted to the terminal's width by priority: the rest drop, long text is cut with "…", essentials stay.

A screen describes its columns once (label, how far its text may be cut, whether it may drop, in which order it gives
up room) and refits on every resize: `fit_columns` decides which columns show and how wide, `cut_cells` cuts each
row's text to those widths. Nothing here touches a widget, so the choice is tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from rich.cells import cell_len
from rich.text import Text

PADDING = 2
"""Cells a DataTable puts around each column (cell_padding 1 on either side)."""


@dataclass(frozen=True)
class Col:
    """One column: `floor` is the narrowest its text may be cut to (None: never cut); `drop` says whether it may
    leave the table. `give` orders the giving-up: lower gives first (drops, or is cut to its floor)."""

    label: str
    give: int = 99
    floor: int | None = None
    drop: bool = False
    early: tuple[int, int] | None = None
    """(give, width): a first cut to `width` at an earlier rank, before columns that drop at ranks in between."""


@dataclass(frozen=True)
class Forms:
    """A cell said several ways, longest first ("17:00 02/04/2026", "02/04/2026"): the longest that fits is shown,
    and only the last is ever cut with "…"."""

    forms: tuple[Any, ...]

    def __str__(self) -> str:
        return str(self.forms[0])


def text_width(cell: Any) -> int:
    if isinstance(cell, Forms):
        return text_width(cell.forms[0])
    return cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))


def natural_widths(columns: Sequence[Col], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Each column's width with nothing cut: its label or its longest cell."""
    widths = [cell_len(c.label) for c in columns]
    for cells in rows:
        for i, cell in enumerate(cells[: len(columns)]):
            widths[i] = max(widths[i], text_width(cell))
    return widths


def fit_columns(
    columns: Sequence[Col], natural: Sequence[int], room: int, measure: Callable[[int, int], int] | None = None
) -> list[int | None]:
    """The width of each column in `room` cells (None: the column is dropped).

    Columns give up room in `give` order (lowest first): a droppable one without a floor drops; one with a floor is
    cut down to it, and if it may also drop it drops later, after every column giving up more has been cut. Room
    left over goes back to cut columns, the most important first. If even then the essentials do not fit, they keep
    their floors and the table scrolls sideways. `measure(i, w)` says how wide column i's cells really are once cut
    to w (a `Forms` cell jumps to its shorter form), so the room a column does not use goes to the others."""
    widths: list[int | None] = list(natural)
    real = measure or (lambda _i, w: w)

    def used() -> int:
        return sum(w + PADDING for w in widths if w is not None)

    # steps: (give, kind, index); cutting to a floor comes before any drop of equal rank
    steps: list[tuple[int, int, int, int]] = []
    for i, col in enumerate(columns):
        if col.early is not None:
            steps.append((col.early[0], 0, i, col.early[1]))
        if col.floor is not None:
            steps.append((col.give, 0, i, col.floor))
        if col.drop:
            steps.append((col.give + (100 if col.floor is not None else 0), 1, i, 0))
    for _give, kind, i, floor in sorted(steps):
        if used() <= room:
            break
        if kind == 1:
            widths[i] = None
            continue
        current = widths[i]
        if current is None:
            continue
        widths[i] = real(i, min(current, max(floor, current - (used() - room))))
    for i in sorted(range(len(columns)), key=lambda i: -columns[i].give):
        current = widths[i]
        spare = room - used()
        if spare <= 0:
            break
        if current is None or current >= natural[i]:
            continue
        widths[i] = real(i, min(natural[i], current + spare))
    return widths


def fit_rows(columns: Sequence[Col], rows: Sequence[Sequence[Any]], room: int) -> list[int | None]:
    """`fit_columns` for these rows: their natural widths, and each cut measured on them."""

    def measure(i: int, width: int) -> int:
        cells = [cut(cells[i], width) for cells in rows if i < len(cells)]
        return max([cell_len(columns[i].label), *(text_width(cell) for cell in cells)])

    floors = [0] * len(columns)
    for cells in rows:
        for i, cell in enumerate(cells[: len(columns)]):
            if isinstance(cell, Forms):
                floors[i] = max(floors[i], text_width(cell.forms[-1]))
    columns = [  # a column of Forms is not cut below its shortest forms: "· QH" stays, "…" never replaces it
        replace(col, floor=max(col.floor, floors[i])) if col.floor is not None and floors[i] else col
        for i, col in enumerate(columns)
    ]
    return fit_columns(columns, natural_widths(columns, rows), room, measure)


def cut(cell: Any, width: int) -> Any:
    """`cell` cut to `width` cells with "…" (a rich Text keeps its style; `Forms`: the longest form that fits)."""
    if isinstance(cell, Forms):
        fitting = next((form for form in cell.forms if text_width(form) <= width), None)
        return fitting if fitting is not None else cut(cell.forms[-1], width)
    if text_width(cell) <= width:
        return cell
    if isinstance(cell, Text):
        out = cell.copy()
        out.truncate(width, overflow="ellipsis")
        return out
    text = str(cell)
    while cell_len(text) > width - 1:
        text = text[:-1]
    return text.rstrip() + "…"


def cut_cells(cells: Sequence[Any], widths: Sequence[int | None]) -> tuple[Any, ...]:
    """The row's cells of the columns shown, each cut to its column's width."""
    return tuple(cut(cell, w) for cell, w in zip(cells, widths, strict=False) if w is not None)


def shown_labels(columns: Sequence[Col], widths: Sequence[int | None]) -> list[str]:
    return [c.label for c, w in zip(columns, widths, strict=True) if w is not None]


def procedure_label(name: str) -> str:
    """The procedure's name without the "Thủ tục " every other one starts with (the column says it already), so a
    cut name keeps its distinctive words: "Thủ tục đăng ký khai sinh" → "Đăng ký khai sinh"."""
    rest = name.removeprefix("Thủ tục ").strip()
    return rest[:1].upper() + rest[1:] if rest else name


def table_room(table: Any, rows: int, fallback: int) -> int:
    """Cells a DataTable's columns may take: its width (`fallback` before it is laid out) less the vertical scroll
    bar when its `rows` overflow its height."""
    width = table.size.width or fallback
    if table.size.height and rows + table.header_height <= table.size.height:
        return width
    return width - table.styles.scrollbar_size_vertical
