"""The real form ports: ReportLab renderers and CUPS printing from `receipts`, wired into the services.

This module is a composition root (like the CLI and the TUI), not part of the core: it may import `receipts`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from onestop.domain import BookRequest, FormRequest


class ReceiptsPorts:
    """Adapter from `FormsService` to `receipts`; imports ReportLab on first use only."""

    def render(self, request: FormRequest) -> bytes:
        from receipts.render import render_form

        return render_form(request)

    def render_book(self, request: BookRequest) -> bytes:
        from receipts.render import render_book

        return render_book(request)

    def print_pdf(self, path: Path, printer: str | None, copies: int, media: str) -> Any:
        from receipts.printing import print_pdf

        return print_pdf(path, printer, copies=copies, media=media)


def install(services: Any) -> Any:
    """Give `services` the real renderer and printer; returns it for chaining."""
    services.form_ports = ReceiptsPorts()
    return services
