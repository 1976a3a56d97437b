"""Text helpers shared by every form: user text as Paragraph markup, the blank placeholder, dates, times and money."""

from __future__ import annotations

from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from onestop.domain import VN_TZ
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
    return moment.astimezone(VN_TZ) if moment.tzinfo else moment


def format_time(moment: datetime | None) -> str:
    """`HH giờ mm phút, ngày dd/MM/yyyy`, the time format of the counter forms."""
    if moment is None:
        return BLANK
    m = local(moment)
    return f"{m:%H} giờ {m:%M} phút, ngày {m:%d/%m/%Y}"


def format_date(day: date | datetime | None) -> str:
    """`dd/MM/yyyy`."""
    if day is None:
        return BLANK
    d = local(day) if isinstance(day, datetime) else day
    return f"{d:%d/%m/%Y}"


def format_long_date(day: date | datetime) -> str:
    """`ngày dd tháng MM năm yyyy` with Nghị định 30/2020 zeros: days below 10 and months 1–2 get a leading 0."""
    d = local(day) if isinstance(day, datetime) else day
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def format_vnd(amount: int) -> str:
    """An amount in đồng with dots between thousands, e.g. `8.000`."""
    return f"{amount:,}".replace(",", ".")


def short_time(moment: datetime | None) -> str:
    """`dd/MM/yyyy` over `HH:mm` for narrow table columns."""
    if moment is None:
        return ""
    m = local(moment)
    return f"{m:%d/%m/%Y}<br/>{m:%H:%M}"


def para(markup: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup, style)


def field(label: str, value_markup: str, st: FormStyles) -> Paragraph:
    """One `Label: value` line of a form."""
    return para(f"{label}: {value_markup}", st.body)


def text_width(text: str, style: ParagraphStyle) -> float:
    return float(stringWidth(text, style.fontName, style.fontSize))
