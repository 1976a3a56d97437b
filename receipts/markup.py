"""Text helpers shared by every form: user text as Paragraph markup, the blank placeholder, and the forms' names for
the product's one vocabulary of dates, times and money (`onestop.formats`)."""

from __future__ import annotations

from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from onestop import formats
from onestop.text import nfc
from receipts.styles import FormStyles

BLANK = "……………"
"""Printed where a value is unknown, so the officer can fill it in by hand."""

Story = list[Flowable]


def t(value: object) -> str:
    """User text as Paragraph markup: NFC, XML-escaped, whitespace collapsed."""
    return escape(" ".join(nfc(str(value)).split()))


def v(value: object) -> str:
    """A field value as markup, or the blank placeholder when empty."""
    text = t(value) if value not in (None, "") else ""
    return text or BLANK


def local(moment: datetime) -> datetime:
    """A timestamp in Vietnam time (naive values are taken as already local)."""
    return formats.to_vn(moment)


def format_time(moment: datetime | None) -> str:
    """`HH giờ mm phút, ngày dd/MM/yyyy`, the time format of the counter forms; blank dots when unknown."""
    return formats.datetime_long(moment, empty=BLANK)


def format_date(day: date | datetime | None) -> str:
    """`dd/MM/yyyy`; blank dots when unknown."""
    return formats.date_vn(day, empty=BLANK)


format_long_date = formats.date_long
"""`ngày dd tháng MM năm yyyy` with Nghị định 30/2020 zeros (`onestop.formats.date_long`)."""

format_vnd = formats.money
"""An amount in đồng with dots between thousands, e.g. `8.000` (`onestop.formats.money`)."""


def short_time(moment: datetime | None) -> str:
    """`dd/MM/yyyy` over `HH:mm` for narrow table columns."""
    if moment is None:
        return ""
    m = formats.to_vn(moment)
    return f"{formats.date_vn(m)}<br/>{m:%H:%M}"


def para(markup: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup, style)


def field(label: str, value_markup: str, st: FormStyles) -> Paragraph:
    """One `Label: value` line of a form."""
    return para(f"{label}: {value_markup}", st.body)


def text_width(text: str, style: ParagraphStyle) -> float:
    return float(stringWidth(text, style.fontName, style.fontSize))
