"""Forms that ask something of the citizen at the counter: Phiếu yêu cầu bổ sung (§2.4), Phiếu từ chối (§2.5)."""

from __future__ import annotations

from reportlab.platypus import Spacer

from onestop.domain import FormKind, FormRequest
from receipts.forms.common import officer_name, person_lines
from receipts.header import title
from receipts.markup import Story, field, para, v
from receipts.signatures import Signer, signatures
from receipts.styles import FormStyles, PageGeometry


def supplement_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: numbered requirements, reason, contact, signed by the guide."""
    d = req.dossier
    items = req.items or ("",)
    contact_name = req.contact_name or officer_name(req)
    contact_phone = req.contact_phone or req.office.phone
    return [
        title(FormKind.SUPPLEMENT, st),
        Spacer(1, 6 * st.scale),
        field("Hồ sơ của", f"<b>{v(d.applicant.full_name)}</b>", st),
        field("Mã hồ sơ", v(d.code), st),
        field("Nội dung yêu cầu giải quyết", v(d.summary or d.procedure.name), st),
        *person_lines(d.applicant, st),
        para("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", st.body),
        *[para(f"{i}. {v(item)}", st.list_item) for i, item in enumerate(items, start=1)],
        field("Lý do", v(req.reason), st),
        para(
            "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà liên hệ với "
            f"{v(contact_name)} số điện thoại {v(contact_phone)} để được hướng dẫn.",
            st.body_justified,
        ),
        signatures([None, Signer("NGƯỜI HƯỚNG DẪN", officer_name(req))], st, geo.frame_width),
    ]


def rejection_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ with the concrete reason."""
    d = req.dossier
    return [
        title(FormKind.REJECTION, st),
        Spacer(1, 6 * st.scale),
        field("Đơn vị tiếp nhận", v(req.office.receiving_unit), st),
        field("Tiếp nhận hồ sơ của", f"<b>{v(d.applicant.full_name)}</b>", st),
        field("Số định danh cá nhân/tổ chức", v(d.applicant.id_number), st),
        *person_lines(d.applicant, st),
        field("Mã hồ sơ (nếu có)", v(d.code), st),
        field("Nội dung yêu cầu giải quyết", v(d.summary or d.procedure.name), st),
        para(
            "Qua xem xét, Bộ phận Tiếp nhận và Trả kết quả thông báo không tiếp nhận, giải quyết hồ sơ này "
            f"với lý do cụ thể như sau: {v(req.reason)}",
            st.body_justified,
        ),
        para("Xin thông báo để Ông/Bà được biết và thực hiện./.", st.body_justified),
        signatures(
            [Signer("NGƯỜI NỘP HỒ SƠ", d.submitter.full_name), Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", officer_name(req))],
            st,
            geo.frame_width,
        ),
    ]
