"""Giấy tiếp nhận hồ sơ và hẹn trả kết quả (BRIEF §2.3)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from onestop.domain import Dossier, FormKind, FormRequest, ReturnVia
from receipts.codes import barcode, lookup_payload, qr_code
from receipts.forms.common import officer_name, person_lines
from receipts.header import title
from receipts.markup import Story, field, format_time, format_vnd, para, t, v
from receipts.signatures import Signer, signatures
from receipts.styles import FormStyles, PageGeometry
from receipts.tables import grid

PRIVACY_NOTICE = (
    "Thông tin cá nhân của Ông (Bà) được {unit} thu thập và xử lý để thực hiện nhiệm vụ công theo quy định "
    "của Luật Bảo vệ dữ liệu cá nhân năm 2025; chỉ được sử dụng để giải quyết thủ tục hành chính này, "
    "không chia sẻ, cung cấp cho bên thứ ba hay sử dụng vào mục đích khác."
)


def codes_band(req: FormRequest, st: FormStyles, width: float) -> Table:
    """Fields 1–2 (Mã hồ sơ with its Code128 barcode, receiving unit) on the left, the lookup QR code on the right."""
    d = req.dossier
    qr_size = 23 * mm * st.scale
    qr = qr_code(lookup_payload(req.office, d), qr_size)
    code_line = f"Mã hồ sơ: <b>{v(d.code)}</b>"
    if d.lookup_key:
        code_line += f"&nbsp;&nbsp;&nbsp;&nbsp;Mã tra cứu: <b>{t(d.lookup_key)}</b>"
    left = [
        para(code_line, st.body),
        Spacer(1, 1 * st.scale),
        barcode(d.code, st.scale),
        Spacer(1, 3 * st.scale),
        field("Đơn vị tiếp nhận", v(req.office.receiving_unit), st),
    ]
    right = [qr, para("Quét mã để tra cứu hồ sơ", st.caption)]
    table = Table([[left, right]], colWidths=[width - qr_size - 14 * mm * st.scale, qr_size + 14 * mm * st.scale])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def documents_table(d: Dossier, st: FormStyles, width: float) -> Flowable:
    """Field 8: the numbered list of submitted papers with their kind (bản chính/bản sao) and count."""
    if not d.documents:
        return para("(Không có giấy tờ kèm theo)", st.list_item)
    rows: list[list[object]] = [[para(h, st.cell_header) for h in ("TT", "Tên giấy tờ", "Loại bản", "Số lượng")]]
    for index, line in enumerate(d.documents, start=1):
        rows.append(
            [
                para(str(index), st.cell_center),
                para(t(line.name), st.cell),
                para(line.kind.label, st.cell_center),
                para(str(line.count), st.cell_center),
            ]
        )
    s = st.scale
    fixed = (10 + 24 + 18) * mm * s
    return grid(rows, [10 * mm * s, width - fixed, 24 * mm * s, 18 * mm * s])


def fee_text(d: Dossier) -> str:
    """Fee total in đồng plus any exemption reasons and the fee receipt (biên lai) numbers."""
    exemptions = [t(p.exemption) for p in d.payments if p.exemption.strip()]
    receipts = [fee_receipt_text(p.receipt_number) for p in d.payments if p.receipt_number.strip()]
    text = f"{format_vnd(d.fee_total)} đồng"
    if exemptions:
        text += f" (Miễn, giảm: {'; '.join(exemptions)})"
    if receipts:
        text += "; " + "; ".join(receipts)
    return text


def fee_receipt_text(number: str) -> str:
    """A fee receipt as printed (`onestop.formats.fee_receipt`), introduced as one unless it already says so."""
    text = t(number)
    return text if text.lower().startswith("biên lai") else f"Biên lai thu: {text}"


def book_name(d: Dossier) -> str:
    """Which tracking book the receipt's number counts in: the book is kept per field (BRIEF §2.8)."""
    field_name = " ".join(d.procedure.field.split())
    return f"sổ lĩnh vực {t(field_name)}" if field_name else "sổ chung"


def return_text(d: Dossier) -> str:
    text = t(d.return_via.label)
    if d.return_via is ReturnVia.POST:
        text += f"; địa chỉ nhận kết quả: {v(d.return_address)}"
    return text


def representative_block(d: Dossier, st: FormStyles) -> Story:
    """Field 6: the authorised person's details and the authorisation paper."""
    rep = d.representative
    if rep is None:
        return []
    return [
        para(f"Người được ủy quyền: <b>{v(rep.full_name)}</b>; Số định danh cá nhân: {v(rep.id_number)}", st.body),
        *person_lines(rep, st),
        field("Giấy tờ ủy quyền", v(d.authorisation_doc), st),
    ]


def receipt_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả: every field of §2.3 in order."""
    d, w = req.dossier, geo.frame_width
    due = format_time(d.due_at) if d.due_at else "Trả kết quả ngay sau khi giải quyết xong"
    book = f"Quyển số {v(d.book_volume)}, Số thứ tự {v(d.book_number if d.book_number is not None else '')}"
    book += f" ({book_name(d)})"
    story: Story = [
        title(FormKind.RECEIPT, st),
        Spacer(1, 4 * st.scale),
        codes_band(req, st, w),
        field("Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức", f"<b>{v(d.applicant.full_name)}</b>", st),
        field("Số định danh cá nhân/tổ chức", v(d.applicant.id_number), st),
        *person_lines(d.applicant, st),
        *representative_block(d, st),
        field("Nội dung yêu cầu giải quyết", v(d.summary or d.procedure.name), st),
        para("Thành phần hồ sơ nộp gồm:", st.body),
        documents_table(d, st, w),
        Spacer(1, 3 * st.scale),
        field("Số lượng hồ sơ", f"{d.sets_count} (bộ)", st),
        field("Thời gian giải quyết hồ sơ theo quy định là", t(d.procedure.deadline_text), st),
        field("Thời gian nhận hồ sơ", format_time(d.received_at), st),
        field("Thời gian trả kết quả giải quyết hồ sơ", due, st),
        field("Đăng ký nhận kết quả tại", return_text(d), st),
        field("Phí, lệ phí", fee_text(d), st),
        para(f"Vào Sổ theo dõi hồ sơ, {book}.", st.body),
        signatures(
            [
                Signer("NGƯỜI NỘP HỒ SƠ", d.submitter.full_name),
                # a reprint still names the officer who received the dossier, not the one reprinting it
                Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", d.officer_name or officer_name(req)),
            ],
            st,
            w,
        ),
        para(notice(req), st.note),
    ]
    return story


def notice(req: FormRequest) -> str:
    """The personal-data notice, plus how to look the dossier up when the office has a lookup page."""
    text = "<b>Lưu ý:</b> " + PRIVACY_NOTICE.format(unit=t(req.office.receiving_unit))
    if req.office.lookup_url:
        text += f" Tra cứu hồ sơ: quét mã QR hoặc truy cập {t(req.office.lookup_url)}."
    return text
