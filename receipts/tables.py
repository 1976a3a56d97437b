"""Bordered tables with Paragraph cells."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.platypus import Table, TableStyle


def grid(data: list[list[object]], widths: Sequence[float], header_rows: int = 1, repeat: bool = False) -> Table:
    """A bordered table with Paragraph cells; long text wraps inside its column."""
    table = Table(data, colWidths=list(widths), repeatRows=header_rows if repeat else 0)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table
