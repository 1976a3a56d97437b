"""Letters signed by the head of the agency: the apology with a new date (§2.6) and the stop notice (TT 03/2025)."""

from __future__ import annotations

from datetime import datetime

from reportlab.platypus import Spacer

from onestop.domain import Dossier, FormKind, FormRequest, Status
from onestop.form_rules import apology_event
from receipts.header import title
from receipts.markup import BLANK, Story, field, format_date, format_long_date, format_time, para, t, v
from receipts.signatures import leader_signer, signatures
from receipts.styles import FormStyles, PageGeometry


def original_due(d: Dossier) -> datetime | None:
    """The appointment the dossier missed: before a recorded apology, the one that apology replaced."""
    recorded = apology_event(d)
    if recorded is None:
        return d.due_at
    earlier = [e.new_due for e in sorted(d.events, key=lambda e: e.seq) if e.seq < recorded.seq and e.new_due]
    return earlier[-1] if earlier else None


def apology_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """Văn bản xin lỗi và đề nghị gia hạn: original appointment, reason, apology and the new date."""
    d, unit = req.dossier, t(req.office.receiving_unit)
    new_due = f"{format_time(req.new_due)}" if req.new_due else BLANK
    return [
        title(FormKind.APOLOGY, st),
        Spacer(1, 6 * st.scale),
        para(f"Kính gửi: Ông/Bà/Tổ chức <b>{v(d.applicant.full_name)}</b>", st.body),
        Spacer(1, 2 * st.scale),
        para(
            f"Ngày {format_date(d.received_at)}, {unit} tiếp nhận giải quyết hồ sơ đề nghị giải quyết thủ tục "
            f"hành chính {v(d.procedure.name)} của Ông/Bà/Tổ chức {v(d.applicant.full_name)}; số định danh: "
            f"{v(d.applicant.id_number)}; mã số hồ sơ: {v(d.code)}.",
            st.body_justified,
        ),
        para(f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {format_time(original_due(d))}.", st.body_justified),
        para(
            "Tuy nhiên, đến nay hồ sơ của Ông/Bà/Tổ chức chưa được giải quyết đúng thời hạn hẹn trả kết quả.",
            st.body_justified,
        ),
        field("Lý do", v(req.reason), st),
        para(
            f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà/Tổ chức. {unit} xin trân trọng xin lỗi Ông/Bà/Tổ chức "
            f"và đề nghị gia hạn thời gian giải quyết; kết quả giải quyết hồ sơ sẽ được trả vào: {new_due}.",
            st.body_justified,
        ),
        para("Xin trân trọng cảm ơn sự hợp tác của Ông/Bà/Tổ chức./.", st.body_justified),
        signatures([None, leader_signer(req.office)], st, geo.frame_width),
    ]


def stop_event_reason(d: Dossier) -> str:
    """The reason recorded on the latest stop or withdrawal event, if any."""
    for event in sorted(d.events, key=lambda e: e.seq, reverse=True):
        if event.to_status in (Status.STOPPED, Status.WITHDRAWN) and event.reason.strip():
            return event.reason
    return ""


def stop_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """Thông báo dừng giải quyết hồ sơ at the submitter's request: who asked, why, which dossier."""
    d, unit = req.dossier, t(req.office.receiving_unit)
    asker = d.submitter
    reason = req.reason or stop_event_reason(d)
    return [
        title(FormKind.STOP, st),
        Spacer(1, 6 * st.scale),
        para(f"Kính gửi: Ông/Bà/Tổ chức <b>{v(d.applicant.full_name)}</b>", st.body),
        Spacer(1, 2 * st.scale),
        para(
            f"Ngày {format_date(d.received_at)}, {unit} đã tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính "
            f"{v(d.procedure.name)}, mã hồ sơ: <b>{v(d.code)}</b>.",
            st.body_justified,
        ),
        field("Người đề nghị dừng giải quyết hồ sơ", f"<b>{v(asker.full_name)}</b>", st),
        field("Số định danh cá nhân/tổ chức", v(asker.id_number), st),
        field("Lý do", v(reason), st),
        para(
            f"{unit} thông báo dừng giải quyết hồ sơ nêu trên kể từ {format_long_date(req.issued_at)}. "
            "Giấy tờ đã nộp (nếu có) được trả lại cho Ông/Bà/Tổ chức theo quy định./.",
            st.body_justified,
        ),
        signatures([None, leader_signer(req.office)], st, geo.frame_width),
    ]
