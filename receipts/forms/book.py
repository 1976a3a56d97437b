"""Sổ theo dõi hồ sơ (BRIEF §2.8) on landscape A4."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.platypus import PageTemplate, TableStyle

from onestop.domain import BookRequest, Dossier, FormKind
from onestop.text import nfc
from receipts.header import national_header, title
from receipts.markup import Story, format_date, local, para, short_time, t
from receipts.pages import NumberedCanvas, body_frame, document
from receipts.signatures import report_signatures
from receipts.styles import LANDSCAPE_A4, FormStyles, book_styles
from receipts.tables import grid

BOOK_WIDTHS_MM = (9, 35, 36, 30, 36, 22, 17.5, 17.5, 17.5, 20, 21.5)


class _BookCanvas(NumberedCanvas):
    form_label = FormKind.BOOK.form_label


def book_rows(req: BookRequest, st: FormStyles) -> list[list[object]]:
    """Three header rows (names, sub-columns, column numbers) and one row per dossier."""
    h = st.cell_header
    top = [
        "STT",
        "Mã hồ sơ",
        "Tên TTHC",
        "Tên tổ chức, cá nhân",
        "Địa chỉ/SĐT",
        "Cơ quan chủ trì giải quyết",
        "Nhận và trả kết quả",
        "",
        "",
        "",
        "",
    ]
    sub = [
        "",
        "",
        "",
        "",
        "",
        "",
        "Nhận hồ sơ",
        "Hẹn trả kết quả",
        "Trả kết quả",
        "Phương thức nhận kết quả",
        "Ký nhận",
    ]
    rows: list[list[object]] = [
        [para(x, h) if x else "" for x in top],
        [para(x, h) if x else "" for x in sub],
        [para(f"({i})", st.cell_center) for i in range(1, 12)],
    ]
    c, cc = st.cell, st.cell_center
    for index, d in enumerate(book_dossiers(req), start=1):
        contact = t(d.applicant.address) + (f"<br/>ĐT: {t(d.applicant.phone)}" if d.applicant.phone else "")
        rows.append(
            [
                para(str(index), cc),
                para(t(d.code), c),
                para(t(d.procedure.name), c),
                para(t(d.applicant.full_name), c),
                para(contact, c),
                para(t(d.procedure.deciding_agency or req.office.parent), c),
                para(short_time(d.received_at), cc),
                para(short_time(d.due_at), cc),
                para(short_time(d.returned_at), cc),
                para(t(d.return_via.label), c),
                para(t(d.collected_by), c),
            ]
        )
    if len(rows) == 3:
        rows.append([para("Không có hồ sơ trong kỳ.", st.cell_center)] + [""] * 10)
    return rows


def book_dossiers(req: BookRequest) -> list[Dossier]:
    """The dossiers received in the book's date range (and field, when one is set), oldest first."""
    field = nfc(req.field).strip()
    chosen = [
        d
        for d in req.dossiers
        if req.date_from <= local(d.received_at).date() <= req.date_to
        and (not field or nfc(d.procedure.field).strip() == field)
    ]
    return sorted(chosen, key=lambda d: (local(d.received_at), d.code))


def render_book(req: BookRequest) -> bytes:
    """Render the Sổ theo dõi hồ sơ on landscape A4, the column header repeated on every page."""
    geo, st = LANDSCAPE_A4, book_styles()
    buffer = io.BytesIO()
    doc = document(buffer, geo, FormKind.BOOK.title.capitalize(), nfc(req.office.receiving_unit))
    doc.addPageTemplates([PageTemplate("book", [body_frame(geo)])])
    rows = book_rows(req, st)
    table = grid(rows, [x * mm for x in BOOK_WIDTHS_MM], header_rows=3, repeat=True)
    spans = [("SPAN", (col, 0), (col, 1)) for col in range(6)] + [("SPAN", (6, 0), (10, 0))]
    if len(rows) == 4 and rows[3][1] == "":
        spans.append(("SPAN", (0, 3), (-1, 3)))
    table.setStyle(TableStyle([*spans, ("VALIGN", (0, 0), (-1, 2), "MIDDLE")]))
    field = f"Lĩnh vực: {t(req.field)}" if req.field.strip() else "Lĩnh vực: Tất cả các lĩnh vực"
    period = f"Từ ngày {format_date(req.date_from)} đến ngày {format_date(req.date_to)}"
    story: Story = [
        national_header(req.office, "", FormKind.BOOK.number_suffix, req.issued_at, st, geo.frame_width),
        title(FormKind.BOOK, st),
        para(f"{field} — {period}", st.subtitle),
        table,
        report_signatures(req.office, req.issued_at, "NGƯỜI LẬP SỔ", req.prepared_by, st, geo.frame_width),
    ]
    doc.build(story, canvasmaker=_BookCanvas)
    return buffer.getvalue()
