"""The QĐ 766 scorecard as a landscape A4 PDF (takes the `KpiReport` domain object only)."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from onestop.formats import date_vn, to_vn
from onestop.kpi import KPI_KEYS, KPI_LABELS, KpiFigures, KpiReport, cell
from receipts.styles import FONT_BOLD, FONT_REGULAR, LANDSCAPE_A4, landscape_report, report_heading_styles

_COLUMNS = ("finished", *KPI_KEYS)


def _row(first: str, f: KpiFigures) -> list[str]:
    return [first, *(cell(k, getattr(f, k)) for k in _COLUMNS)]


def render_kpi(report: KpiReport) -> bytes:
    """Render the scorecard: all fields and each field, then the 12-month trend."""
    buffer = io.BytesIO()
    doc = landscape_report(buffer, title=f"Bộ chỉ số QĐ 766 tháng {report.month}", author=report.commune)
    title, sub = report_heading_styles()
    head = ParagraphStyle("head", fontName=FONT_BOLD, fontSize=8, leading=10, alignment=TA_CENTER)
    month, year = report.month[5:], report.month[:4]
    headers = [Paragraph(h, head) for h in ("Lĩnh vực / tháng", *(KPI_LABELS[k] for k in _COLUMNS))]
    width = LANDSCAPE_A4.frame_width
    widths = [40 * mm] + [(width - 40 * mm) / len(_COLUMNS)] * len(_COLUMNS)
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT_REGULAR),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ]
    )
    fields = Table(
        [headers, _row("Tất cả lĩnh vực", report.total), *(_row(f.field, f) for f in report.by_field)],
        colWidths=widths,
        repeatRows=1,
    )
    fields.setStyle(style)
    trend = Table(
        [headers, *(_row(f"{f.month[5:]}/{f.month[:4]}", f) for f in report.trend)], colWidths=widths, repeatRows=1
    )
    trend.setStyle(style)
    story: list[object] = [
        Paragraph(report.commune, sub),
        Spacer(1, 3 * mm),
        Paragraph(f"BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN (QĐ 766/QĐ-TTg) THÁNG {month}/{year}", title),
        Paragraph(f"Lập lúc {to_vn(report.generated_at):%H:%M} ngày {date_vn(report.generated_at)}", sub),
        Spacer(1, 4 * mm),
        fields,
        Spacer(1, 6 * mm),
        Paragraph("Xu hướng 12 tháng (tất cả lĩnh vực)", title),
        Spacer(1, 2 * mm),
        trend,
    ]
    for note in report.notes:
        story += [Spacer(1, 3 * mm), Paragraph(note, sub)]
    doc.build(story)
    return buffer.getvalue()
