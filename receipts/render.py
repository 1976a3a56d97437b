"""Pure renderers from domain objects to PDF bytes: the counter forms (BRIEF §2.3–2.7) and the tracking book (§2.8).

This module is the public entry point; the forms live one family per module in `receipts.forms`, the shared
layout in `receipts.header`, `receipts.signatures`, `receipts.tables`, `receipts.codes` and `receipts.pages`.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, PageTemplate

from onestop.domain import FormKind, FormRequest
from onestop.text import nfc
from receipts.codes import lookup_payload
from receipts.forms.book import render_book
from receipts.forms.control import control_story, timeliness
from receipts.forms.letters import apology_story, stop_story
from receipts.forms.receipt import book_name, receipt_story
from receipts.forms.requests import rejection_story, supplement_story
from receipts.header import national_header
from receipts.markup import Story, format_date, format_long_date, format_time, format_vnd, t
from receipts.pages import COPY_LABELS, CopyMarks, CopyStart, body_frame, copy_decorator, document
from receipts.styles import FormStyles, PageGeometry, book_styles, geometry_for, register_fonts, styles_for

__all__ = [
    "COPY_LABELS",
    "FIT_STEPS",
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

FIT_STEPS = (1.0, 0.95, 0.9, 0.85, 0.8)
"""Type sizes tried, relative to the page's own, so that each copy of a form stays on one page (issue 15: a receipt
with four documents and a representative spilled its privacy note onto a second page). Content that does not fit
at the smallest step is printed at the normal size over several pages, each numbered within its copy."""

_FIT_SLACK = 2.0  # points kept free at the bottom of the frame against rounding in the measurement


def warm_up() -> None:
    """Register the fonts and build the styles so that the first real render is as fast as the rest."""
    register_fonts()
    for size in ("A4", "A5"):
        scale = geometry_for(size).scale
        for factor in FIT_STEPS:
            styles_for(round(scale * factor, 4))
    book_styles()


def _copy_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """One copy of the form: the national header, then the form's own story."""
    note = ""
    if req.kind is FormKind.RECEIPT and req.number.strip():
        volume = f", quyển {t(req.dossier.book_volume)}" if req.dossier.book_volume.strip() else ""
        note = f"Số thứ tự trong {book_name(req.dossier)}{volume}"
    header = national_header(
        req.office, req.number, req.kind.number_suffix, req.issued_at, st, geo.frame_width, number_note=note
    )
    return [header, *_RENDERERS[req.kind](req, st, geo)]


def _height(story: Story, geo: PageGeometry) -> float:
    """The height `story` takes in the body frame, with the frame's merging of space after and before."""
    canvas = Canvas(io.BytesIO(), pagesize=geo.size)
    total, space_after = 0.0, 0.0
    for index, flowable in enumerate(story):
        _, height = flowable.wrapOn(canvas, geo.frame_width, geo.frame_height)
        if index:
            total += max(space_after, flowable.getSpaceBefore())
        total += height
        space_after = flowable.getSpaceAfter()
    return total


def _fits(req: FormRequest, st: FormStyles, geo: PageGeometry) -> bool:
    return _height(_copy_story(req, st, geo), geo) <= geo.frame_height - _FIT_SLACK


def fitted_styles(req: FormRequest, geo: PageGeometry, steps: tuple[float, ...] = FIT_STEPS) -> FormStyles | None:
    """The largest type of `steps` (see `FIT_STEPS`) at which one copy fits its page; None when none does."""
    for factor in steps:
        st = styles_for(round(geo.scale * factor, 4))
        if _fits(req, st, geo):
            return st
    return None


def _build(req: FormRequest, st: FormStyles, geo: PageGeometry) -> tuple[bytes, int]:
    """The PDF of every copy at the type of `st`, and its number of pages."""
    marks = CopyMarks()
    buffer = io.BytesIO()
    doc = document(buffer, geo, req.kind.title.capitalize(), nfc(req.office.receiving_unit))
    decorate = copy_decorator(marks, st, geo, req.kind.form_label)
    doc.addPageTemplates([PageTemplate("form", [body_frame(geo)], onPageEnd=decorate)])
    story: Story = []
    for index, label in enumerate(_labels(req)):
        if index:
            story.append(PageBreak())
        story.append(CopyStart(marks, label))
        story.extend(_copy_story(req, st, geo))
    doc.build(story)
    return buffer.getvalue(), int(doc.page)


def _labels(req: FormRequest) -> tuple[str, ...]:
    return COPY_LABELS if req.copies >= 2 else ("",)


def render_form(req: FormRequest) -> bytes:
    """Render one counter form as PDF bytes; `copies >= 2` yields the citizen's and the office's copy (liên).

    A form is drawn at its page's type size; only when a copy spills over its page is the smaller type that fits
    looked for (`FIT_STEPS`), so the everyday form costs one layout pass."""
    if req.kind is FormKind.DECLARATION:
        from receipts.declaration import render_declaration

        return render_declaration(req)
    if req.kind not in _RENDERERS:
        raise ValueError(f"render_form cannot render {req.kind.value!r}; use render_book for the tracking book")
    geo = geometry_for(req.page_size)
    pdf, pages = _build(req, styles_for(geo.scale), geo)
    if pages > len(_labels(req)):
        smaller = fitted_styles(req, geo, FIT_STEPS[1:])
        if smaller is not None:
            pdf, _ = _build(req, smaller, geo)
    return pdf
