"""Pure renderers from domain objects to PDF bytes: the counter forms (BRIEF §2.3–2.7) and the tracking book (§2.8).

This module is the public entry point; the forms live one family per module in `receipts.forms`, the shared
layout in `receipts.header`, `receipts.signatures`, `receipts.tables`, `receipts.codes` and `receipts.pages`.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.platypus import PageBreak, PageTemplate

from onestop.domain import FormKind, FormRequest
from onestop.text import nfc
from receipts.codes import lookup_payload
from receipts.forms.book import render_book
from receipts.forms.control import control_story, timeliness
from receipts.forms.letters import apology_story, stop_story
from receipts.forms.receipt import receipt_story
from receipts.forms.requests import rejection_story, supplement_story
from receipts.header import national_header
from receipts.markup import Story, format_date, format_long_date, format_time, format_vnd
from receipts.pages import COPY_LABELS, CopyMarks, CopyStart, body_frame, copy_decorator, document
from receipts.styles import FormStyles, PageGeometry, book_styles, geometry_for, register_fonts, styles_for

__all__ = [
    "COPY_LABELS",
    "format_date",
    "format_long_date",
    "format_time",
    "format_vnd",
    "lookup_payload",
    "render_book",
    "render_form",
    "timeliness",
    "warm_up",
]

_RENDERERS: dict[FormKind, Callable[[FormRequest, FormStyles, PageGeometry], Story]] = {
    FormKind.RECEIPT: receipt_story,
    FormKind.SUPPLEMENT: supplement_story,
    FormKind.REJECTION: rejection_story,
    FormKind.APOLOGY: apology_story,
    FormKind.STOP: stop_story,
    FormKind.CONTROL: control_story,
}


def warm_up() -> None:
    """Register the fonts and build the styles so that the first real render is as fast as the rest."""
    register_fonts()
    styles_for(geometry_for("A4").scale)
    styles_for(geometry_for("A5").scale)
    book_styles()


def render_form(req: FormRequest) -> bytes:
    """Render one counter form as PDF bytes; `copies >= 2` yields the citizen's and the office's copy (liên)."""
    renderer = _RENDERERS.get(req.kind)
    if renderer is None:
        raise ValueError(f"render_form cannot render {req.kind.value!r}; use render_book for the tracking book")
    geo = geometry_for(req.page_size)
    st = styles_for(geo.scale)
    marks = CopyMarks()
    buffer = io.BytesIO()
    doc = document(buffer, geo, req.kind.title.capitalize(), nfc(req.office.receiving_unit))
    doc.addPageTemplates([PageTemplate("form", [body_frame(geo)], onPageEnd=copy_decorator(marks, st, geo))])
    labels = COPY_LABELS if req.copies >= 2 else ("",)
    story: Story = []
    for index, label in enumerate(labels):
        if index:
            story.append(PageBreak())
        story.append(CopyStart(marks, label))
        story.append(
            national_header(req.office, req.number, req.kind.number_suffix, req.issued_at, st, geo.frame_width)
        )
        story.extend(renderer(req, st, geo))
    doc.build(story)
    return buffer.getvalue()
