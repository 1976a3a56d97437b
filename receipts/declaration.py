"""The printed declaration (tờ khai) for the citizen to sign: national header, title, "Kính gửi", the groups and labels
of the form with the values typed at the counter, the closing "Tôi cam đoan…", place and date, signature blocks, notes.

Blank values print as dotted leaders so the paper can still be completed by hand. A4 portrait, one page where the
paper form is one page (the notes shrink before anything else does).
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from onestop.domain import DeclarationLine, DeclarationPrint, FormRequest
from onestop.text import nfc
from receipts.styles import FONT_BOLD, FONT_BOLD_ITALIC, FONT_ITALIC, FONT_REGULAR, register_fonts

DOTS = "………………………"
MARGINS = {"top": 15 * mm, "bottom": 12 * mm, "left": 25 * mm, "right": 15 * mm}


def _t(value: object) -> str:
    return escape(" ".join(nfc(str(value)).split()))


def _styles(size: float) -> dict[str, ParagraphStyle]:
    lead = size * 1.22
    note = min(size - 3.5, 9.0)
    return {
        "motto_national": ParagraphStyle("DNat", fontName=FONT_BOLD, fontSize=12.5, leading=15, alignment=TA_CENTER),
        "motto": ParagraphStyle("DMotto", fontName=FONT_BOLD, fontSize=13, leading=15.5, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "DTitle", fontName=FONT_BOLD, fontSize=14, leading=17, alignment=TA_CENTER, spaceBefore=8, spaceAfter=4
        ),
        "kinh_gui": ParagraphStyle(
            "DKinhGui", fontName=FONT_REGULAR, fontSize=size + 0.5, leading=lead, alignment=TA_CENTER, spaceAfter=3
        ),
        "group": ParagraphStyle(
            "DGroup", fontName=FONT_BOLD, fontSize=size, leading=lead, spaceBefore=2.5, alignment=TA_LEFT
        ),
        "static": ParagraphStyle("DStatic", fontName=FONT_ITALIC, fontSize=size, leading=lead, spaceBefore=2),
        "body": ParagraphStyle("DBody", fontName=FONT_REGULAR, fontSize=size, leading=lead, alignment=TA_LEFT),
        "closing": ParagraphStyle(
            "DClosing",
            fontName=FONT_REGULAR,
            fontSize=size,
            leading=lead,
            alignment=TA_JUSTIFY,
            firstLineIndent=8 * mm,
            spaceBefore=1,
        ),
        "place": ParagraphStyle("DPlace", fontName=FONT_ITALIC, fontSize=size, leading=lead, alignment=TA_CENTER),
        "sign_title": ParagraphStyle("DSign", fontName=FONT_BOLD, fontSize=size, leading=lead, alignment=TA_CENTER),
        "sign_hint": ParagraphStyle(
            "DSignHint", fontName=FONT_ITALIC, fontSize=size - 1, leading=lead, alignment=TA_CENTER
        ),
        "sign_name": ParagraphStyle("DSignName", fontName=FONT_BOLD, fontSize=size, leading=lead, alignment=TA_CENTER),
        "cell": ParagraphStyle("DCell", fontName=FONT_REGULAR, fontSize=size - 0.5, leading=lead - 0.5),
        "cell_head": ParagraphStyle(
            "DCellHead", fontName=FONT_BOLD, fontSize=size - 0.5, leading=lead - 0.5, alignment=TA_CENTER
        ),
        "note_head": ParagraphStyle(
            "DNoteHead", fontName=FONT_BOLD_ITALIC, fontSize=note, leading=note * 1.2, spaceBefore=3
        ),
        "note": ParagraphStyle("DNote", fontName=FONT_ITALIC, fontSize=note, leading=note * 1.15, alignment=TA_JUSTIFY),
        "ref": ParagraphStyle("DRef", fontName=FONT_REGULAR, fontSize=7, leading=8, textColor=colors.grey),
    }


def _value(value: str) -> str:
    return f"<b>{_t(value)}</b>" if value.strip() else DOTS


def _line(line: DeclarationLine, st: dict[str, ParagraphStyle]) -> Paragraph:
    parts = [f"{_t(line.label)}{(' ' + _t(line.note)) if line.note else ''}: {_value(line.value)}"]
    parts += [f"{_t(label)}: {_value(value)}" for label, value in line.more]
    return Paragraph("&nbsp;&nbsp;&nbsp; ".join(parts), st["body"])


def _header(width: float, st: dict[str, ParagraphStyle]) -> list:
    motto = "Độc lập - Tự do - Hạnh phúc"
    rule_w = stringWidth(motto, FONT_BOLD, 13)
    return [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st["motto_national"]),
        Paragraph(motto, st["motto"]),
        HRFlowable(width=rule_w, thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=2),
    ]


def _two_party_table(section, width: float, st: dict[str, ParagraphStyle]) -> Table:
    heads = section.columns or ("Thông tin", "", "")
    rows = [[Paragraph(_t(h), st["cell_head"]) for h in heads]]
    for line in section.lines:
        left, _, right = line.value.partition("\t")
        label = _t(line.label) + (f" {_t(line.note)}" if line.note else "")
        rows.append(
            [
                Paragraph(label, st["cell"]),
                Paragraph(_value(left) if left else DOTS, st["cell"]),
                Paragraph(_value(right) if right else DOTS, st["cell"]),
            ]
        )
    table = Table(rows, colWidths=[width * 0.32, width * 0.34, width * 0.34])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _signatures(doc: DeclarationPrint, width: float, st: dict[str, ParagraphStyle]) -> Table:
    cells: list[Any] = []
    for role, name in doc.signatures:
        cells.append(
            [
                Paragraph(_t(role), st["sign_title"]),
                Paragraph("(Ký, ghi rõ họ, chữ đệm, tên)", st["sign_hint"]),
                Spacer(1, 16 * mm),
                Paragraph(_t(name), st["sign_name"]),
            ]
        )
    if len(cells) == 1:
        cells = ["", cells[0]]
    table = Table([cells], colWidths=[width / len(cells)] * len(cells))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _story(doc: DeclarationPrint, width: float, size: float, with_notes: bool) -> list:
    st = _styles(size)
    story: list = _header(width, st)
    story.append(Paragraph(_t(doc.title), st["title"]))
    story.append(Paragraph(f"Kính gửi: {_value(doc.kinh_gui)}", st["kinh_gui"]))
    for section in doc.sections:
        if section.text:
            story.append(Paragraph(_t(section.text), st["static"]))
        if section.columns:
            story.append(Spacer(1, 2))
            story.append(_two_party_table(section, width, st))
            continue
        if section.title:
            story.append(Paragraph(_t(section.title), st["group"]))
        story += [_line(line, st) for line in section.lines]
    story.append(Spacer(1, 3))
    story += [Paragraph(_t(text), st["closing"]) for text in doc.closing]
    day = doc.signed_on
    place = (
        f"Làm tại: {_t(doc.place)}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
        if doc.place
        else f"Làm tại: {DOTS}, ngày …… tháng …… năm ……"
    )
    sign_block = [Spacer(1, 3), Paragraph(place, st["place"]), Spacer(1, 2), _signatures(doc, width, st)]
    if doc.copy_request is not None:
        wanted, count = doc.copy_request
        amount = f"<b>{count:02d}</b>" if wanted and count else "……"
        sign_block.append(
            Paragraph(
                f"Đề nghị cấp bản sao: Có [{'<b>X</b>' if wanted else '&nbsp;&nbsp;'}], "
                f"Không [{'&nbsp;&nbsp;' if wanted else '<b>X</b>'}]; Số lượng: {amount} bản",
                st["body"],
            )
        )
    story.append(KeepTogether(sign_block))
    if with_notes and doc.notes:
        story.append(Paragraph("Chú thích:", st["note_head"]))
        story += [Paragraph(_t(n), st["note"]) for n in doc.notes]
    story.append(Spacer(1, 2))
    story.append(Paragraph(_t(f"{doc.form_ref} · hồ sơ {doc.dossier_code}"), st["ref"]))
    return story


class _PageCount:
    def __init__(self) -> None:
        self.pages = 0

    def __call__(self, canvas: Any, doc: Any) -> None:
        self.pages = canvas.getPageNumber()


def _build(doc: DeclarationPrint, size: float, with_notes: bool) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGINS["left"],
        rightMargin=MARGINS["right"],
        topMargin=MARGINS["top"],
        bottomMargin=MARGINS["bottom"],
        title=nfc(doc.title).capitalize(),
        author="onestop",
        creator="onestop",
        invariant=1,
    )
    counter = _PageCount()
    width = A4[0] - MARGINS["left"] - MARGINS["right"]
    pdf.build(_story(doc, width, size, with_notes), onFirstPage=counter, onLaterPages=counter)
    return buffer.getvalue(), counter.pages


def render_declaration_print(doc: DeclarationPrint) -> bytes:
    """The filled tờ khai as PDF bytes: 13 pt body, stepping down to fit one page (notes last to go)."""
    register_fonts()
    best = b""
    for size, notes in ((13, True), (12.5, True), (12, True), (11.5, True), (11, True), (10.5, True), (12, False)):
        pdf, pages = _build(doc, size, notes)
        best = best or pdf
        if pages <= 1:
            return pdf
    return _build(doc, 12, True)[0] if best else best


def render_declaration(req: FormRequest) -> bytes:
    if req.declaration is None:
        raise ValueError("render_declaration needs FormRequest.declaration")
    return render_declaration_print(req.declaration)


__all__ = ["render_declaration", "render_declaration_print"]
