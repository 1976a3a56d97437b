"""The monthly report as a landscape A4 PDF table (takes the `MonthlyReport` domain object only)."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from onestop.domain import MonthlyReport, MonthlyRow
from onestop.formats import date_vn, to_vn
from receipts.signatures import report_signatures
from receipts.styles import FONT_BOLD, FONT_REGULAR, LANDSCAPE_A4, landscape_report, report_heading_styles, styles_for

HEADERS = (
    "TT",
    "Lĩnh vực",
    "Thủ tục",
    "Trực tiếp",
    "Trực tuyến",
    "BCCI",
    "Tổng nhận",
    "Đúng hạn",
    "Quá hạn",
    "Đang giải quyết",
    "Quá hạn cuối tháng",
)


def _cells(r: MonthlyRow, index: str, cell: ParagraphStyle) -> list[object]:
    name = f"{r.procedure_code} — {r.procedure_name}" if r.procedure_code else r.procedure_name
    return [
        index,
        Paragraph(r.field, cell),
        Paragraph(name, cell),
        r.received_paper,
        r.received_online,
        r.received_post,
        r.received,
        r.resolved_on_time,
        r.resolved_late,
        r.pending,
        r.overdue,
    ]


def render_monthly(report: MonthlyReport) -> bytes:
    """Render the report; text is NFC Vietnamese in the shipped Liberation Serif."""
    buffer = io.BytesIO()
    doc = landscape_report(buffer, title=f"Báo cáo tháng {report.month}", author=report.office.receiving_unit)
    title, sub = report_heading_styles()
    cell = ParagraphStyle("cell", fontName=FONT_REGULAR, fontSize=9, leading=11)
    head = ParagraphStyle("head", fontName=FONT_BOLD, fontSize=9, leading=11, alignment=TA_CENTER)
    month, year = report.month[5:], report.month[:4]
    made = to_vn(report.generated_at)
    story: list[object] = [
        Paragraph(report.office.parent, sub),
        Paragraph(report.office.receiving_unit, sub),
        Spacer(1, 4 * mm),
        Paragraph(f"BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ THÁNG {month}/{year}", title),
        Paragraph(f"Lập lúc {made:%H:%M} ngày {date_vn(made)}", sub),
        Spacer(1, 5 * mm),
    ]
    data: list[list[object]] = [[Paragraph(h, head) for h in HEADERS]]
    for i, r in enumerate(report.rows, 1):
        data.append(_cells(r, str(i), cell))
    data.append(_cells(report.total, "", ParagraphStyle("bold", parent=cell, fontName=FONT_BOLD)))
    width = LANDSCAPE_A4.frame_width
    fixed = [10 * mm, 35 * mm]
    numbers = [17 * mm] * 8
    widths = fixed + [width - sum(fixed) - sum(numbers)] + numbers
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_REGULAR),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
                ("ALIGN", (0, 1), (0, -1), "CENTER"),
                ("FONTNAME", (0, -1), (-1, -1), FONT_BOLD),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
            ]
        )
    )
    story.append(table)
    if not report.rows:
        story += [Spacer(1, 4 * mm), Paragraph("Không có hồ sơ phát sinh trong tháng.", sub)]
    story.append(report_signatures(report.office, made, "NGƯỜI LẬP BIỂU", report.prepared_by, styles_for(1.0), width))
    doc.build(story)
    return buffer.getvalue()
