"""The national two-column header of every form (BRIEF §2.2) and the form title."""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.platypus import HRFlowable, Paragraph, Table, TableStyle

from onestop.domain import FormKind, Office
from onestop.text import nfc
from receipts.markup import format_long_date, para, t, text_width
from receipts.styles import FormStyles


def form_number(number: str, suffix: str) -> str:
    """`Số: 07/PBS-TTPVHCC`; numbers below 10 get a leading zero, an empty number leaves dots."""
    raw = nfc(number).strip()
    shown = f"{int(raw):02d}" if raw.isdigit() else (raw or "……")
    tail = f"{suffix}-TTPVHCC" if suffix else "TTPVHCC"
    return f"Số: {escape(shown)}/{tail}"


def national_header(
    office: Office, number: str, suffix: str, issued_at: datetime, st: FormStyles, width: float, number_note: str = ""
) -> Table:
    """The two-column national header of §2.2 with the Số line and the place-date line on one row; `number_note`
    (markup) says under the Số line what the number counts in, e.g. which tracking book."""
    left_w, right_w = width * 0.4, width * 0.6
    unit_rule = HRFlowable(width=left_w / 3, thickness=0.6, color=colors.black, spaceBefore=1.5, spaceAfter=0)
    motto_w = text_width("Độc lập - Tự do - Hạnh phúc", st.motto)
    motto_rule = HRFlowable(width=motto_w, thickness=0.6, color=colors.black, spaceBefore=1.5, spaceAfter=0)
    left = [para(t(office.parent.upper()), st.parent), para(t(office.receiving_unit.upper()), st.unit), unit_rule]
    right = [
        para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st.motto_national),
        para("Độc lập - Tự do - Hạnh phúc", st.motto),
        motto_rule,
    ]
    place_date = f"{t(office.place)}, {format_long_date(issued_at)}"
    number_cell: list[object] = [para(form_number(number, suffix), st.number)]
    if number_note:
        number_cell.append(para(f"<i>{number_note}</i>", st.caption))
    table = Table(
        [[left, right], [number_cell, para(place_date, st.place_date)]],
        colWidths=[left_w, right_w],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 5 * st.scale),
            ]
        )
    )
    return table


def title(kind: FormKind, st: FormStyles) -> Paragraph:
    return para(kind.title, st.title)
