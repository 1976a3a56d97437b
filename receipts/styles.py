"""Fonts, page geometry and the named paragraph styles of the counter forms (Nghị định 30/2020, Phụ lục I)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
"""The shipped Liberation Serif faces (SIL OFL 1.1, see fonts/LICENSE.txt)."""

FONT_REGULAR = "OneStopSerif"
FONT_BOLD = "OneStopSerif-Bold"
FONT_ITALIC = "OneStopSerif-Italic"
FONT_BOLD_ITALIC = "OneStopSerif-BoldItalic"

FONT_FILES: dict[str, str] = {
    FONT_REGULAR: "LiberationSerif-Regular.ttf",
    FONT_BOLD: "LiberationSerif-Bold.ttf",
    FONT_ITALIC: "LiberationSerif-Italic.ttf",
    FONT_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}

_font_lock = threading.Lock()
_fonts_registered = False


def register_fonts() -> None:
    """Register the four Liberation Serif faces with ReportLab once per process (thread-safe, idempotent)."""
    global _fonts_registered
    if _fonts_registered:
        return
    with _font_lock:
        if _fonts_registered:
            return
        for name, file_name in FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file_name)))
        pdfmetrics.registerFontFamily(
            FONT_REGULAR, normal=FONT_REGULAR, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        _fonts_registered = True


@dataclass(frozen=True)
class PageGeometry:
    """A paper size with its margins, in points, and the factor applied to every font size."""

    size: tuple[float, float]
    top: float
    bottom: float
    left: float
    right: float
    scale: float

    @property
    def frame_width(self) -> float:
        return self.size[0] - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.size[1] - self.top - self.bottom


PORTRAIT_A4 = PageGeometry(A4, top=20 * mm, bottom=20 * mm, left=30 * mm, right=15 * mm, scale=1.0)
PORTRAIT_A5 = PageGeometry(A5, top=12 * mm, bottom=12 * mm, left=18 * mm, right=10 * mm, scale=0.72)
LANDSCAPE_A4 = PageGeometry(landscape(A4), top=20 * mm, bottom=15 * mm, left=20 * mm, right=15 * mm, scale=1.0)


def geometry_for(page_size: str) -> PageGeometry:
    """The portrait geometry for "A4" (default) or "A5"."""
    return PORTRAIT_A5 if page_size.strip().upper() == "A5" else PORTRAIT_A4


@dataclass(frozen=True)
class FormStyles:
    """The named paragraph styles of one page size; sizes follow Nghị định 30/2020 at scale 1."""

    scale: float
    parent: ParagraphStyle  # ĐƠN VỊ CHỦ QUẢN: caps, not bold
    unit: ParagraphStyle  # issuing unit: caps, bold
    number: ParagraphStyle  # "Số: …"
    motto_national: ParagraphStyle  # Quốc hiệu
    motto: ParagraphStyle  # Tiêu ngữ
    place_date: ParagraphStyle  # italic place and date
    title: ParagraphStyle  # Tên loại
    subtitle: ParagraphStyle  # italic line under a title
    body: ParagraphStyle  # a field line
    body_justified: ParagraphStyle  # running text with first-line indent
    list_item: ParagraphStyle  # numbered lines
    cell: ParagraphStyle  # table cell
    cell_center: ParagraphStyle
    cell_header: ParagraphStyle
    sign_title: ParagraphStyle  # NGƯỜI NỘP HỒ SƠ …
    sign_hint: ParagraphStyle  # (Ký và ghi rõ họ tên)
    sign_name: ParagraphStyle
    note: ParagraphStyle  # small italic notes
    caption: ParagraphStyle  # under the QR code and the barcode
    margin_label: str  # font of the copy label and page numbers
    margin_size: float

    def pt(self, size: float) -> float:
        """A font size in points scaled for this page size."""
        return round(size * self.scale, 2)


def _style(
    name: str, scale: float, size: float, font: str = FONT_REGULAR, leading: float | None = None, **kw: Any
) -> ParagraphStyle:
    """A ParagraphStyle at `size` points times `scale`; leading defaults to 1.2 × size (single spacing)."""
    scaled = size * scale
    return ParagraphStyle(name, fontName=font, fontSize=scaled, leading=(leading or size * 1.2) * scale, **kw)


@lru_cache(maxsize=16)
def styles_for(scale: float) -> FormStyles:
    """Build (once per scale) the paragraph styles used by every renderer."""
    register_fonts()
    s = scale
    return FormStyles(
        scale=s,
        parent=_style("Parent", s, 12.5, alignment=TA_CENTER),
        unit=_style("Unit", s, 12.5, FONT_BOLD, alignment=TA_CENTER),
        number=_style("Number", s, 13, alignment=TA_CENTER),
        motto_national=_style("NationalName", s, 12, FONT_BOLD, alignment=TA_CENTER),
        motto=_style("Motto", s, 13, FONT_BOLD, alignment=TA_CENTER),
        place_date=_style("PlaceDate", s, 13, FONT_ITALIC, alignment=TA_CENTER),
        title=_style("Title", s, 14, FONT_BOLD, alignment=TA_CENTER, spaceBefore=9 * s, spaceAfter=2 * s),
        subtitle=_style("Subtitle", s, 13, FONT_ITALIC, alignment=TA_CENTER, spaceAfter=4 * s),
        body=_style("Body", s, 13, alignment=TA_LEFT, leading=15, spaceAfter=2 * s),
        body_justified=_style(
            "BodyJustified", s, 13, alignment=TA_JUSTIFY, leading=16, firstLineIndent=10 * mm * s, spaceAfter=4 * s
        ),
        list_item=_style(
            "ListItem", s, 13, leading=15.6, leftIndent=8 * mm * s, firstLineIndent=-5 * mm * s, spaceAfter=1.5 * s
        ),
        cell=_style("Cell", s, 11.5, leading=13.5),
        cell_center=_style("CellCenter", s, 11.5, leading=13.5, alignment=TA_CENTER),
        cell_header=_style("CellHeader", s, 11.5, FONT_BOLD, leading=13.5, alignment=TA_CENTER),
        sign_title=_style("SignTitle", s, 13, FONT_BOLD, alignment=TA_CENTER),
        sign_hint=_style("SignHint", s, 12, FONT_ITALIC, alignment=TA_CENTER),
        sign_name=_style("SignName", s, 13, FONT_BOLD, alignment=TA_CENTER),
        note=_style("Note", s, 10.5, FONT_ITALIC, alignment=TA_JUSTIFY, leading=12.5, spaceBefore=2 * s),
        caption=_style("Caption", s, 9.5, alignment=TA_CENTER, leading=11),
        margin_label=FONT_ITALIC,
        margin_size=11 * s,
    )


@lru_cache(maxsize=2)
def book_styles() -> FormStyles:
    """Styles for the landscape tracking book, whose table runs at a smaller size to fit eleven columns."""
    small = 9.5
    return replace(
        styles_for(1.0),
        cell=_style("BookCell", 1.0, small, leading=11.5),
        cell_center=_style("BookCellCenter", 1.0, small, leading=11.5, alignment=TA_CENTER),
        cell_header=_style("BookCellHeader", 1.0, small, FONT_BOLD, leading=11.5, alignment=TA_CENTER),
    )


def landscape_report(buffer: Any, *, title: str, author: str) -> Any:
    """A landscape A4 document for the leaders' reports (monthly, QĐ 766), fonts registered, margins of the book."""
    from reportlab.platypus import SimpleDocTemplate

    register_fonts()
    geo = LANDSCAPE_A4
    return SimpleDocTemplate(
        buffer,
        pagesize=geo.size,
        leftMargin=geo.left,
        rightMargin=geo.right,
        topMargin=geo.top,
        bottomMargin=geo.bottom,
        title=title,
        author=author,
    )


def report_heading_styles() -> tuple[ParagraphStyle, ParagraphStyle]:
    """(title, subtitle) paragraph styles of a report's heading: bold 13 pt and italic 11 pt, centred."""
    from reportlab.lib.enums import TA_CENTER

    return (
        ParagraphStyle("title", fontName=FONT_BOLD, fontSize=13, leading=17, alignment=TA_CENTER),
        ParagraphStyle("sub", fontName=FONT_ITALIC, fontSize=11, leading=14, alignment=TA_CENTER),
    )
