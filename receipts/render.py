"""Pure renderers from domain objects to PDF bytes: the counter forms (BRIEF §2.3–2.7) and the tracking book (§2.8)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from onestop.domain import (
    VN_TZ,
    BookRequest,
    Dossier,
    FormKind,
    FormRequest,
    Office,
    Person,
    ReturnVia,
    Status,
)
from onestop.text import nfc
from receipts.styles import (
    FONT_REGULAR,
    LANDSCAPE_A4,
    FormStyles,
    PageGeometry,
    book_styles,
    geometry_for,
    register_fonts,
    styles_for,
)

__all__ = [
    "COPY_LABELS",
    "format_date",
    "format_long_date",
    "format_time",
    "format_vnd",
    "lookup_payload",
    "render_book",
    "render_form",
    "timeliness",
    "warm_up",
]

COPY_LABELS = ("Liên 1: Giao người nộp", "Liên 2: Lưu tại Bộ phận Một cửa")
"""The labels printed on the citizen's copy and the office's copy when two copies are requested."""

BLANK = "……………"
"""Printed where a value is unknown, so the officer can fill it in by hand."""

PRIVACY_NOTICE = (
    "Thông tin cá nhân của Ông (Bà) được {unit} thu thập và xử lý để thực hiện nhiệm vụ công theo quy định "
    "của Luật Bảo vệ dữ liệu cá nhân năm 2025; chỉ được sử dụng để giải quyết thủ tục hành chính này, "
    "không chia sẻ, cung cấp cho bên thứ ba hay sử dụng vào mục đích khác."
)

Story = list[Flowable]


def warm_up() -> None:
    """Register the fonts and build the styles so that the first real render is as fast as the rest."""
    register_fonts()
    styles_for(geometry_for("A4").scale)
    styles_for(geometry_for("A5").scale)
    book_styles()


# ---------------------------------------------------------------- text helpers


def _t(value: object) -> str:
    """User text as Paragraph markup: NFC, XML-escaped, whitespace collapsed."""
    return escape(" ".join(nfc(str(value)).split()))


def _v(value: object) -> str:
    """A field value as markup, or the blank placeholder when empty."""
    text = _t(value) if value not in (None, "") else ""
    return text or BLANK


def _local(moment: datetime) -> datetime:
    """A timestamp in Vietnam time (naive values are taken as already local)."""
    return moment.astimezone(VN_TZ) if moment.tzinfo else moment


def format_time(moment: datetime | None) -> str:
    """`HH giờ mm phút, ngày dd/MM/yyyy`, the time format of the counter forms."""
    if moment is None:
        return BLANK
    m = _local(moment)
    return f"{m:%H} giờ {m:%M} phút, ngày {m:%d/%m/%Y}"


def format_date(day: date | datetime | None) -> str:
    """`dd/MM/yyyy`."""
    if day is None:
        return BLANK
    d = _local(day) if isinstance(day, datetime) else day
    return f"{d:%d/%m/%Y}"


def format_long_date(day: date | datetime) -> str:
    """`ngày dd tháng MM năm yyyy` with Nghị định 30/2020 zeros: days below 10 and months 1–2 get a leading 0."""
    d = _local(day) if isinstance(day, datetime) else day
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def format_vnd(amount: int) -> str:
    """An amount in đồng with dots between thousands, e.g. `8.000`."""
    return f"{amount:,}".replace(",", ".")


def _form_number(number: str, suffix: str) -> str:
    """`Số: 07/PBS-TTPVHCC`; numbers below 10 get a leading zero, an empty number leaves dots."""
    raw = nfc(number).strip()
    shown = f"{int(raw):02d}" if raw.isdigit() else (raw or "……")
    tail = f"{suffix}-TTPVHCC" if suffix else "TTPVHCC"
    return f"Số: {escape(shown)}/{tail}"


def lookup_payload(office: Office, dossier: Dossier) -> str:
    """The text of the receipt QR: the lookup URL with code and key, else `<code>|<lookup_key>`."""
    if office.lookup_url:
        separator = "&" if "?" in office.lookup_url else "?"
        return office.lookup_url + separator + urlencode({"ma": dossier.code, "k": dossier.lookup_key})
    return f"{dossier.code}|{dossier.lookup_key}"


# ---------------------------------------------------------------- building blocks


def _para(markup: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup, style)


def _field(label: str, value_markup: str, st: FormStyles) -> Paragraph:
    """One `Label: value` line of a form."""
    return _para(f"{label}: {value_markup}", st.body)


def _header(office: Office, number: str, suffix: str, issued_at: datetime, st: FormStyles, width: float) -> Table:
    """The two-column national header of §2.2 with the Số line and the place-date line on one row."""
    left_w, right_w = width * 0.4, width * 0.6
    unit_rule = HRFlowable(width=left_w / 3, thickness=0.6, color=colors.black, spaceBefore=1.5, spaceAfter=0)
    motto_w = _text_width("Độc lập - Tự do - Hạnh phúc", st.motto)
    motto_rule = HRFlowable(width=motto_w, thickness=0.6, color=colors.black, spaceBefore=1.5, spaceAfter=0)
    left = [_para(_t(office.parent.upper()), st.parent), _para(_t(office.receiving_unit.upper()), st.unit), unit_rule]
    right = [
        _para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st.motto_national),
        _para("Độc lập - Tự do - Hạnh phúc", st.motto),
        motto_rule,
    ]
    place_date = f"{_t(office.place)}, {format_long_date(issued_at)}"
    table = Table(
        [[left, right], [_para(_form_number(number, suffix), st.number), _para(place_date, st.place_date)]],
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


def _text_width(text: str, style: ParagraphStyle) -> float:
    return float(stringWidth(text, style.fontName, style.fontSize))


def _title(kind: FormKind, st: FormStyles) -> Paragraph:
    return _para(kind.title, st.title)


@dataclass(frozen=True)
class _Signer:
    title: str
    name: str
    hint: str = "(Ký và ghi rõ họ tên)"


def _signatures(signers: Sequence[_Signer | None], st: FormStyles, width: float) -> KeepTogether:
    """Signature blocks side by side: bold title, italic hint, room to sign, bold name; None leaves a column empty."""
    gap = 18 * mm * st.scale
    cells: list[object] = []
    for signer in signers:
        if signer is None:
            cells.append("")
            continue
        cells.append(
            [
                _para(signer.title, st.sign_title),
                _para(signer.hint, st.sign_hint),
                Spacer(1, gap),
                _para(_t(signer.name) if signer.name.strip() else "", st.sign_name),
            ]
        )
    table = Table([cells], colWidths=[width / len(cells)] * len(cells))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 6 * st.scale), table])


def _grid(data: list[list[object]], widths: Sequence[float], header_rows: int = 1, repeat: bool = False) -> Table:
    """A bordered table with Paragraph cells; long text wraps inside its column."""
    table = Table(data, colWidths=list(widths), repeatRows=header_rows if repeat else 0)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _person_lines(person: Person, st: FormStyles) -> Story:
    """Địa chỉ, then Số điện thoại and Email on one line."""
    return [
        _field("Địa chỉ", _v(person.address), st),
        _para(f"Số điện thoại: {_v(person.phone)}&nbsp;&nbsp;&nbsp;&nbsp;Email: {_v(person.email)}", st.body),
    ]


def _officer_name(req: FormRequest) -> str:
    return req.officer_name or req.dossier.officer_name or req.dossier.officer


# ---------------------------------------------------------------- receipt (§2.3)


def _codes_band(req: FormRequest, st: FormStyles, width: float) -> Table:
    """Fields 1–2 (Mã hồ sơ with its Code128 barcode, receiving unit) on the left, the lookup QR code on the right."""
    d = req.dossier
    qr_size = 23 * mm * st.scale
    bar_width = max(0.33 * mm, 0.33 * mm * st.scale)
    barcode = Code128(d.code, barWidth=bar_width, barHeight=10 * mm * st.scale, humanReadable=False)
    barcode.hAlign = "LEFT"
    qr = QrCode(lookup_payload(req.office, d), width=qr_size, height=qr_size, qrLevel="M", qrBorder=4)
    qr.hAlign = "CENTER"
    code_line = f"Mã hồ sơ: <b>{_v(d.code)}</b>"
    if d.lookup_key:
        code_line += f"&nbsp;&nbsp;&nbsp;&nbsp;Mã tra cứu: <b>{_t(d.lookup_key)}</b>"
    left = [
        _para(code_line, st.body),
        Spacer(1, 1 * st.scale),
        barcode,
        Spacer(1, 3 * st.scale),
        _field("Đơn vị tiếp nhận", _v(req.office.receiving_unit), st),
    ]
    right = [qr, _para("Quét mã để tra cứu hồ sơ", st.caption)]
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


def _documents_table(d: Dossier, st: FormStyles, width: float) -> Flowable:
    """Field 8: the numbered list of submitted papers with their kind (bản chính/bản sao) and count."""
    if not d.documents:
        return _para("(Không có giấy tờ kèm theo)", st.list_item)
    rows: list[list[object]] = [[_para(h, st.cell_header) for h in ("TT", "Tên giấy tờ", "Loại bản", "Số lượng")]]
    for index, line in enumerate(d.documents, start=1):
        rows.append(
            [
                _para(str(index), st.cell_center),
                _para(_t(line.name), st.cell),
                _para(line.kind.label, st.cell_center),
                _para(str(line.count), st.cell_center),
            ]
        )
    s = st.scale
    fixed = (10 + 24 + 18) * mm * s
    return _grid(rows, [10 * mm * s, width - fixed, 24 * mm * s, 18 * mm * s])


def _fee_text(d: Dossier) -> str:
    """Fee total in đồng plus any exemption reasons."""
    exemptions = [_t(p.exemption) for p in d.payments if p.exemption.strip()]
    text = f"{format_vnd(d.fee_total)} đồng"
    if exemptions:
        text += f" (Miễn, giảm: {'; '.join(exemptions)})"
    return text


def _return_text(d: Dossier) -> str:
    text = _t(d.return_via.label)
    if d.return_via is ReturnVia.POST:
        text += f"; địa chỉ nhận kết quả: {_v(d.return_address)}"
    return text


def _representative_block(d: Dossier, st: FormStyles) -> Story:
    """Field 6: the authorised person's details and the authorisation paper."""
    rep = d.representative
    if rep is None:
        return []
    return [
        _para(f"Người được ủy quyền: <b>{_v(rep.full_name)}</b>; Số định danh cá nhân: {_v(rep.id_number)}", st.body),
        *_person_lines(rep, st),
        _field("Giấy tờ ủy quyền", _v(d.authorisation_doc), st),
    ]


def _receipt_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả: every field of §2.3 in order."""
    d, w = req.dossier, geo.frame_width
    due = format_time(d.due_at) if d.due_at else "Trả kết quả ngay sau khi giải quyết xong"
    book = f"Quyển số {_v(d.book_volume)}, Số thứ tự {_v(d.book_number if d.book_number is not None else '')}"
    story: Story = [
        _title(FormKind.RECEIPT, st),
        Spacer(1, 4 * st.scale),
        _codes_band(req, st, w),
        _field("Tiếp nhận hồ sơ của Ông (Bà)/Tổ chức", f"<b>{_v(d.applicant.full_name)}</b>", st),
        _field("Số định danh cá nhân/tổ chức", _v(d.applicant.id_number), st),
        *_person_lines(d.applicant, st),
        *_representative_block(d, st),
        _field("Nội dung yêu cầu giải quyết", _v(d.summary or d.procedure.name), st),
        _para("Thành phần hồ sơ nộp gồm:", st.body),
        _documents_table(d, st, w),
        Spacer(1, 3 * st.scale),
        _field("Số lượng hồ sơ", f"{d.sets_count} (bộ)", st),
        _field("Thời gian giải quyết hồ sơ theo quy định là", _t(d.procedure.deadline_text), st),
        _field("Thời gian nhận hồ sơ", format_time(d.received_at), st),
        _field("Thời gian trả kết quả giải quyết hồ sơ", due, st),
        _field("Đăng ký nhận kết quả tại", _return_text(d), st),
        _field("Phí, lệ phí", _fee_text(d), st),
        _para(f"Vào Sổ theo dõi hồ sơ, {book}.", st.body),
        _signatures(
            [
                _Signer("NGƯỜI NỘP HỒ SƠ", d.submitter.full_name),
                # a reprint still names the officer who received the dossier, not the one reprinting it
                _Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", d.officer_name or _officer_name(req)),
            ],
            st,
            w,
        ),
        _para(_notice(req), st.note),
    ]
    return story


def _notice(req: FormRequest) -> str:
    """The personal-data notice, plus how to look the dossier up when the office has a lookup page."""
    text = "<b>Lưu ý:</b> " + PRIVACY_NOTICE.format(unit=_t(req.office.receiving_unit))
    if req.office.lookup_url:
        text += f" Tra cứu hồ sơ: quét mã QR hoặc truy cập {_t(req.office.lookup_url)}."
    return text


# ---------------------------------------------------------------- supplement (§2.4)


def _supplement_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: numbered requirements, reason, contact, signed by the guide."""
    d = req.dossier
    items = req.items or ("",)
    contact_name = req.contact_name or _officer_name(req)
    contact_phone = req.contact_phone or req.office.phone
    return [
        _title(FormKind.SUPPLEMENT, st),
        Spacer(1, 6 * st.scale),
        _field("Hồ sơ của", f"<b>{_v(d.applicant.full_name)}</b>", st),
        _field("Mã hồ sơ", _v(d.code), st),
        _field("Nội dung yêu cầu giải quyết", _v(d.summary or d.procedure.name), st),
        *_person_lines(d.applicant, st),
        _para("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", st.body),
        *[_para(f"{i}. {_v(item)}", st.list_item) for i, item in enumerate(items, start=1)],
        _field("Lý do", _v(req.reason), st),
        _para(
            "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với "
            f"{_v(contact_name)} số điện thoại {_v(contact_phone)} để được hướng dẫn.",
            st.body_justified,
        ),
        _signatures([None, _Signer("NGƯỜI HƯỚNG DẪN", _officer_name(req))], st, geo.frame_width),
    ]


# ---------------------------------------------------------------- rejection (§2.5)


def _rejection_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ with the concrete reason."""
    d = req.dossier
    return [
        _title(FormKind.REJECTION, st),
        Spacer(1, 6 * st.scale),
        _field("Đơn vị tiếp nhận", _v(req.office.receiving_unit), st),
        _field("Tiếp nhận hồ sơ của", f"<b>{_v(d.applicant.full_name)}</b>", st),
        _field("Số định danh cá nhân/tổ chức", _v(d.applicant.id_number), st),
        *_person_lines(d.applicant, st),
        _field("Mã hồ sơ (nếu có)", _v(d.code), st),
        _field("Nội dung yêu cầu giải quyết", _v(d.summary or d.procedure.name), st),
        _para(
            "Qua xem xét, Bộ phận Tiếp nhận và Trả kết quả thông báo không tiếp nhận, giải quyết hồ sơ này "
            f"với lý do cụ thể như sau: {_v(req.reason)}",
            st.body_justified,
        ),
        _para("Xin thông báo để Ông/Bà được biết và thực hiện./.", st.body_justified),
        _signatures(
            [_Signer("NGƯỜI NỘP HỒ SƠ", d.submitter.full_name), _Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", _officer_name(req))],
            st,
            geo.frame_width,
        ),
    ]


# ---------------------------------------------------------------- apology (§2.6)


def _apology_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """Phiếu xin lỗi và đề nghị gia hạn: original appointment, reason, apology and the new date."""
    d, unit = req.dossier, _t(req.office.receiving_unit)
    new_due = f"{format_time(req.new_due)}" if req.new_due else BLANK
    return [
        _title(FormKind.APOLOGY, st),
        Spacer(1, 6 * st.scale),
        _para(f"Kính gửi: Ông/Bà/Tổ chức <b>{_v(d.applicant.full_name)}</b>", st.body),
        Spacer(1, 2 * st.scale),
        _para(
            f"Ngày {format_date(d.received_at)}, {unit} tiếp nhận giải quyết hồ sơ đề nghị giải quyết thủ tục "
            f"hành chính {_v(d.procedure.name)} của Ông/Bà/Tổ chức {_v(d.applicant.full_name)}; số định danh: "
            f"{_v(d.applicant.id_number)}; mã số hồ sơ: {_v(d.code)}.",
            st.body_justified,
        ),
        _para(f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {format_time(d.due_at)}.", st.body_justified),
        _para(
            "Tuy nhiên, đến nay hồ sơ của Ông/Bà/Tổ chức chưa được giải quyết đúng thời hạn hẹn trả kết quả.",
            st.body_justified,
        ),
        _field("Lý do", _v(req.reason), st),
        _para(
            f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà/Tổ chức. {unit} xin trân trọng xin lỗi Ông/Bà/Tổ chức "
            f"và đề nghị gia hạn thời gian giải quyết; kết quả giải quyết hồ sơ sẽ được trả vào: {new_due}.",
            st.body_justified,
        ),
        _para("Xin trân trọng cảm ơn sự hợp tác của Ông/Bà/Tổ chức./.", st.body_justified),
        _signatures(
            [None, _Signer("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", _officer_name(req), "(Ký, ghi rõ họ tên và đóng dấu)")],
            st,
            geo.frame_width,
        ),
    ]


# ---------------------------------------------------------------- stop (TT 03/2025, ND 118 Điều 21 k1)


def _stop_event_reason(d: Dossier) -> str:
    """The reason recorded on the latest stop or withdrawal event, if any."""
    for event in sorted(d.events, key=lambda e: e.seq, reverse=True):
        if event.to_status in (Status.STOPPED, Status.WITHDRAWN) and event.reason.strip():
            return event.reason
    return ""


def _stop_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """Thông báo dừng giải quyết hồ sơ at the submitter's request: who asked, why, which dossier."""
    d, unit = req.dossier, _t(req.office.receiving_unit)
    asker = d.submitter
    reason = req.reason or _stop_event_reason(d)
    return [
        _title(FormKind.STOP, st),
        Spacer(1, 6 * st.scale),
        _para(f"Kính gửi: Ông/Bà/Tổ chức <b>{_v(d.applicant.full_name)}</b>", st.body),
        Spacer(1, 2 * st.scale),
        _para(
            f"Ngày {format_date(d.received_at)}, {unit} đã tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính "
            f"{_v(d.procedure.name)}, mã hồ sơ: <b>{_v(d.code)}</b>.",
            st.body_justified,
        ),
        _field("Người đề nghị dừng giải quyết hồ sơ", f"<b>{_v(asker.full_name)}</b>", st),
        _field("Số định danh cá nhân/tổ chức", _v(asker.id_number), st),
        _field("Lý do", _v(reason), st),
        _para(
            f"{unit} thông báo dừng giải quyết hồ sơ nêu trên kể từ {format_long_date(req.issued_at)}. "
            "Giấy tờ đã nộp (nếu có) được trả lại cho Ông/Bà/Tổ chức theo quy định./.",
            st.body_justified,
        ),
        _signatures(
            [None, _Signer("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", _officer_name(req), "(Ký, ghi rõ họ tên và đóng dấu)")],
            st,
            geo.frame_width,
        ),
    ]


# ---------------------------------------------------------------- control (§2.7)


def timeliness(at: datetime, due_at: datetime | None) -> str:
    """`Trước hạn` before the due day, `Đúng hạn` on it (not after the time), `Quá hạn` after the due time."""
    if due_at is None:
        return ""
    if _local(at) > _local(due_at):
        return "Quá hạn"
    return "Đúng hạn" if _local(at).date() == _local(due_at).date() else "Trước hạn"


def _control_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ: header fields and one table row per hand-over event."""
    d, w, s = req.dossier, geo.frame_width, st.scale
    agency = d.procedure.deciding_agency or req.office.parent
    rows: list[list[object]] = [
        [
            _para("Tên đơn vị / bước xử lý", st.cell_header),
            _para("Thời gian giao nhận hồ sơ", st.cell_header),
            _para("Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)", st.cell_header),
            _para("Ghi chú", st.cell_header),
        ]
    ]
    for index, event in enumerate(sorted(d.events, key=lambda e: e.seq), start=1):
        note = "; ".join(_t(x) for x in (event.reason, event.note) if x.strip())
        if event.new_due:
            note = (note + "; " if note else "") + f"Hẹn mới: {format_time(event.new_due)}"
        rows.append(
            [
                _para(f"{index}. {_t(event.to_status.label)}<br/>Cán bộ: {_v(event.officer)}", st.cell),
                [
                    _para(format_time(event.at), st.cell_center),
                    _para("<i>Người giao&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;Người nhận</i>", st.cell_center),
                    Spacer(1, 8 * mm * s),
                ],
                _para(timeliness(event.at, d.due_at), st.cell_center),
                _para(note, st.cell),
            ]
        )
    if len(rows) == 1:
        rows.append([_para(BLANK, st.cell), "", "", ""])
    widths = [w * 0.3, w * 0.3, w * 0.2, w * 0.2]
    return [
        _title(FormKind.CONTROL, st),
        Spacer(1, 6 * st.scale),
        _field("Mã số hồ sơ", f"<b>{_v(d.code)}</b>", st),
        _field("Cơ quan (bộ phận) giải quyết hồ sơ", _v(agency), st),
        _field("Cơ quan phối hợp giải quyết hồ sơ", BLANK, st),
        _field("Ngày nhận", format_time(d.received_at), st),
        _field("Hẹn trả kết quả vào", format_time(d.due_at), st),
        Spacer(1, 4 * s),
        _grid(rows, widths, repeat=True),
        _para(
            "Ghi chú: Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn) do bên nhận hồ sơ ghi khi nhận bàn giao. "
            "Việc giao nhận được ghi tự động trên Hệ thống thông tin giải quyết thủ tục hành chính và thể hiện "
            "trên phiếu điện tử.",
            st.note,
        ),
    ]


_RENDERERS: dict[FormKind, Callable[[FormRequest, FormStyles, PageGeometry], Story]] = {
    FormKind.RECEIPT: _receipt_story,
    FormKind.SUPPLEMENT: _supplement_story,
    FormKind.REJECTION: _rejection_story,
    FormKind.APOLOGY: _apology_story,
    FormKind.STOP: _stop_story,
    FormKind.CONTROL: _control_story,
}


# ---------------------------------------------------------------- documents and page decoration


class _CopyMarks:
    """What the page decorator needs to know: the current copy's label and the page it started on."""

    def __init__(self) -> None:
        self.label = ""
        self.first_page = 1


class _CopyStart(Flowable):  # type: ignore[misc,unused-ignore]
    """A zero-size marker that records, when drawn, that a copy (liên) starts on this page."""

    def __init__(self, marks: _CopyMarks, label: str) -> None:
        super().__init__()
        self.marks, self.label = marks, label

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        self.marks.label = self.label
        self.marks.first_page = self.canv.getPageNumber()


def _decorator(marks: _CopyMarks, st: FormStyles, geo: PageGeometry) -> Callable[[Canvas, BaseDocTemplate], None]:
    """Draw the copy label (top right) and, from the second page of a copy on, its page number (top centre)."""

    def decorate(canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = geo.size
        baseline = height - geo.top / 2
        canvas.saveState()
        if marks.label:
            canvas.setFont(st.margin_label, st.margin_size)
            canvas.drawRightString(width - geo.right, baseline, marks.label)
        page_in_copy = canvas.getPageNumber() - marks.first_page + 1
        if page_in_copy > 1:
            canvas.setFont(FONT_REGULAR, st.pt(13))
            canvas.drawCentredString(geo.left + geo.frame_width / 2, baseline, str(page_in_copy))
        canvas.restoreState()

    return decorate


def _document(buffer: io.BytesIO, geo: PageGeometry, title: str, author: str) -> BaseDocTemplate:
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


def _frame(geo: PageGeometry) -> Frame:
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


def render_form(req: FormRequest) -> bytes:
    """Render one counter form as PDF bytes; `copies >= 2` yields the citizen's and the office's copy (liên)."""
    renderer = _RENDERERS.get(req.kind)
    if renderer is None:
        raise ValueError(f"render_form cannot render {req.kind.value!r}; use render_book for the tracking book")
    geo = geometry_for(req.page_size)
    st = styles_for(geo.scale)
    marks = _CopyMarks()
    buffer = io.BytesIO()
    doc = _document(buffer, geo, req.kind.title.capitalize(), nfc(req.office.receiving_unit))
    doc.addPageTemplates([PageTemplate("form", [_frame(geo)], onPageEnd=_decorator(marks, st, geo))])
    labels = COPY_LABELS if req.copies >= 2 else ("",)
    story: Story = []
    for index, label in enumerate(labels):
        if index:
            story.append(PageBreak())
        story.append(_CopyStart(marks, label))
        story.append(_header(req.office, req.number, req.kind.number_suffix, req.issued_at, st, geo.frame_width))
        story.extend(renderer(req, st, geo))
    doc.build(story)
    return buffer.getvalue()


# ---------------------------------------------------------------- tracking book (§2.8)

_BOOK_WIDTHS_MM = (9, 35, 36, 30, 36, 22, 17.5, 17.5, 17.5, 20, 21.5)


class _NumberedCanvas(Canvas):  # type: ignore[misc,unused-ignore]
    """A canvas that defers pages so it can print `Trang n/N` once the page count is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, object]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined,unused-ignore]

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            width, height = LANDSCAPE_A4.size
            self.saveState()
            self.setFont(styles_for(1.0).margin_label, 11)
            self.drawCentredString(width / 2, height - LANDSCAPE_A4.top / 2, f"Trang {self.getPageNumber()}/{total}")
            self.restoreState()
            super().showPage()
        super().save()


def _book_rows(req: BookRequest, st: FormStyles) -> list[list[object]]:
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
        [_para(x, h) if x else "" for x in top],
        [_para(x, h) if x else "" for x in sub],
        [_para(f"({i})", st.cell_center) for i in range(1, 12)],
    ]
    c, cc = st.cell, st.cell_center
    for index, d in enumerate(_book_dossiers(req), start=1):
        contact = _t(d.applicant.address) + (f"<br/>ĐT: {_t(d.applicant.phone)}" if d.applicant.phone else "")
        rows.append(
            [
                _para(str(index), cc),
                _para(_t(d.code), c),
                _para(_t(d.procedure.name), c),
                _para(_t(d.applicant.full_name), c),
                _para(contact, c),
                _para(_t(d.procedure.deciding_agency or req.office.parent), c),
                _para(_short_time(d.received_at), cc),
                _para(_short_time(d.due_at), cc),
                _para(_short_time(d.returned_at), cc),
                _para(_t(d.return_via.label), c),
                _para(_t(d.collected_by), c),
            ]
        )
    if len(rows) == 3:
        rows.append([_para("Không có hồ sơ trong kỳ.", st.cell_center)] + [""] * 10)
    return rows


def _short_time(moment: datetime | None) -> str:
    """`dd/MM/yyyy` over `HH:mm` for the narrow book columns."""
    if moment is None:
        return ""
    m = _local(moment)
    return f"{m:%d/%m/%Y}<br/>{m:%H:%M}"


def _book_dossiers(req: BookRequest) -> list[Dossier]:
    """The dossiers received in the book's date range (and field, when one is set), oldest first."""
    field = nfc(req.field).strip()
    chosen = [
        d
        for d in req.dossiers
        if req.date_from <= _local(d.received_at).date() <= req.date_to
        and (not field or nfc(d.procedure.field).strip() == field)
    ]
    return sorted(chosen, key=lambda d: (_local(d.received_at), d.code))


def render_book(req: BookRequest) -> bytes:
    """Render the Sổ theo dõi hồ sơ on landscape A4, the column header repeated on every page."""
    geo, st = LANDSCAPE_A4, book_styles()
    buffer = io.BytesIO()
    doc = _document(buffer, geo, FormKind.BOOK.title.capitalize(), nfc(req.office.receiving_unit))
    doc.addPageTemplates([PageTemplate("book", [_frame(geo)])])
    rows = _book_rows(req, st)
    table = _grid(rows, [x * mm for x in _BOOK_WIDTHS_MM], header_rows=3, repeat=True)
    spans = [("SPAN", (col, 0), (col, 1)) for col in range(6)] + [("SPAN", (6, 0), (10, 0))]
    if len(rows) == 4 and rows[3][1] == "":
        spans.append(("SPAN", (0, 3), (-1, 3)))
    table.setStyle(TableStyle([*spans, ("VALIGN", (0, 0), (-1, 2), "MIDDLE")]))
    field = f"Lĩnh vực: {_t(req.field)}" if req.field.strip() else "Lĩnh vực: Tất cả các lĩnh vực"
    period = f"Từ ngày {format_date(req.date_from)} đến ngày {format_date(req.date_to)}"
    story: Story = [
        _header(req.office, "", FormKind.BOOK.number_suffix, req.issued_at, st, geo.frame_width),
        _title(FormKind.BOOK, st),
        _para(f"{field} — {period}", st.subtitle),
        table,
    ]
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
