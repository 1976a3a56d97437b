"""Counter forms as PDF (ReportLab, shipped Liberation Serif) and printing through CUPS; imports domain types only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from receipts.printing import PrintResult, default_printer, job_state, list_printers, print_pdf
    from receipts.render import render_book, render_form, warm_up

__all__ = [
    "PrintResult",
    "default_printer",
    "job_state",
    "list_printers",
    "print_pdf",
    "render_book",
    "render_form",
    "warm_up",
]

_HOMES = {
    "render_form": "receipts.render",
    "render_book": "receipts.render",
    "warm_up": "receipts.render",
    "print_pdf": "receipts.printing",
    "PrintResult": "receipts.printing",
    "job_state": "receipts.printing",
    "list_printers": "receipts.printing",
    "default_printer": "receipts.printing",
}


def __getattr__(name: str) -> Any:
    """Import ReportLab only when a renderer is first used, so `import receipts` stays cheap for the TUI."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'receipts' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(home), name)
