"""Page machinery: the document template, the body frame, copy (liên) labels and page numbers."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame

from receipts.styles import FONT_BOLD, FONT_REGULAR, LANDSCAPE_A4, FormStyles, PageGeometry, styles_for

COPY_LABELS = ("Liên 1: Giao người nộp", "Liên 2: Lưu tại Bộ phận Một cửa")
"""The labels printed on the citizen's copy and the office's copy when two copies are requested."""


class CopyMarks:
    """What the page decorator needs to know: the current copy's label and the page it started on."""

    def __init__(self) -> None:
        self.label = ""
        self.first_page = 1


class CopyStart(Flowable):
    """A zero-size marker that records, when drawn, that a copy (liên) starts on this page."""

    def __init__(self, marks: CopyMarks, label: str) -> None:
        super().__init__()
        self.marks, self.label = marks, label

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        self.marks.label = self.label
        self.marks.first_page = self.canv.getPageNumber()


def copy_decorator(
    marks: CopyMarks, st: FormStyles, geo: PageGeometry, form_label: str = ""
) -> Callable[[Canvas, BaseDocTemplate], None]:
    """Draw the form's official number (top right of a copy's first page), the copy label (top left) and, from the
    second page of a copy on, its page number (top centre)."""

    def decorate(canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = geo.size
        baseline = height - geo.top / 2
        page_in_copy = canvas.getPageNumber() - marks.first_page + 1
        canvas.saveState()
        if form_label and page_in_copy == 1:
            canvas.setFont(FONT_BOLD, st.margin_size * 1.1)
            canvas.drawRightString(width - geo.right, baseline, form_label)
        if marks.label:
            canvas.setFont(st.margin_label, st.margin_size)
            canvas.drawString(geo.left, baseline, marks.label)
        if page_in_copy > 1:
            canvas.setFont(FONT_REGULAR, st.pt(13))
            canvas.drawCentredString(geo.left + geo.frame_width / 2, baseline, str(page_in_copy))
        canvas.restoreState()

    return decorate


def document(buffer: io.BytesIO, geo: PageGeometry, title: str, author: str) -> BaseDocTemplate:
    """A deterministic (invariant) document on `geo`'s paper and margins."""
    return BaseDocTemplate(
        buffer,
        pagesize=geo.size,
        leftMargin=geo.left,
        rightMargin=geo.right,
        topMargin=geo.top,
        bottomMargin=geo.bottom,
        title=title,
        author=author,
        creator="onestop",
        subject=title,
        invariant=1,
    )


def body_frame(geo: PageGeometry) -> Frame:
    """The text area inside the margins, without padding."""
    return Frame(
        geo.left,
        geo.bottom,
        geo.frame_width,
        geo.frame_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )


class NumberedCanvas(Canvas):
    """A landscape canvas that defers pages so it can print `Trang n/N` once the page count is known, and the
    form's official number (`form_label`, set by the caller) at the top right of the first page."""

    form_label = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, object]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            width, height = LANDSCAPE_A4.size
            self.saveState()
            self.setFont(styles_for(1.0).margin_label, 11)
            self.drawCentredString(width / 2, height - LANDSCAPE_A4.top / 2, f"Trang {self.getPageNumber()}/{total}")
            if self.form_label and self.getPageNumber() == 1:
                self.setFont(FONT_BOLD, 12)
                self.drawRightString(width - LANDSCAPE_A4.right, height - LANDSCAPE_A4.top / 2, self.form_label)
            self.restoreState()
            super().showPage()
        super().save()
