"""Phiếu kiểm soát quá trình giải quyết hồ sơ (BRIEF §2.7)."""

from __future__ import annotations

from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from onestop.domain import FormKind, FormRequest
from receipts.header import title
from receipts.markup import BLANK, Story, field, format_time, local, para, t, v
from receipts.styles import FormStyles, PageGeometry
from receipts.tables import grid


def timeliness(at: datetime, due_at: datetime | None) -> str:
    """`Trước hạn` before the due day, `Đúng hạn` on it (not after the time), `Quá hạn` after the due time."""
    if due_at is None:
        return ""
    if local(at) > local(due_at):
        return "Quá hạn"
    return "Đúng hạn" if local(at).date() == local(due_at).date() else "Trước hạn"


def control_story(req: FormRequest, st: FormStyles, geo: PageGeometry) -> Story:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ: header fields and one table row per hand-over event."""
    d, w, s = req.dossier, geo.frame_width, st.scale
    agency = d.procedure.deciding_agency or req.office.parent

    def officer(login: str) -> str:
        """The officer's full name when known (the control sheet is read by people, not by logins)."""
        return req.officer_names.get(login, "") or login

    rows: list[list[object]] = [
        [
            para("Tên đơn vị / bước xử lý", st.cell_header),
            para("Thời gian giao nhận hồ sơ", st.cell_header),
            para("Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)", st.cell_header),
            para("Ghi chú", st.cell_header),
        ]
    ]
    for index, event in enumerate(sorted(d.events, key=lambda e: e.seq), start=1):
        note = "; ".join(t(x) for x in (event.reason, event.note) if x.strip())
        if event.new_due:
            note = (note + "; " if note else "") + f"Hẹn mới: {format_time(event.new_due)}"
        rows.append(
            [
                para(f"{index}. {t(event.to_status.label)}<br/>Cán bộ: {v(officer(event.officer))}", st.cell),
                [
                    para(format_time(event.at), st.cell_center),
                    para("<i>Người giao&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;Người nhận</i>", st.cell_center),
                    Spacer(1, 8 * mm * s),
                ],
                para(timeliness(event.at, d.due_at), st.cell_center),
                para(note, st.cell),
            ]
        )
    if len(rows) == 1:
        rows.append([para(BLANK, st.cell), "", "", ""])
    widths = [w * 0.3, w * 0.3, w * 0.2, w * 0.2]
    return [
        title(FormKind.CONTROL, st),
        Spacer(1, 6 * st.scale),
        field("Mã số hồ sơ", f"<b>{v(d.code)}</b>", st),
        field("Cơ quan (bộ phận) giải quyết hồ sơ", v(agency), st),
        field("Cơ quan phối hợp giải quyết hồ sơ", BLANK, st),
        field("Ngày nhận", format_time(d.received_at), st),
        field("Hẹn trả kết quả vào", format_time(d.due_at), st),
        Spacer(1, 4 * s),
        grid(rows, widths, repeat=True),
        para(
            "Ghi chú: Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn) do bên nhận hồ sơ ghi khi nhận bàn giao. "
            "Việc giao nhận được ghi tự động trên Hệ thống thông tin giải quyết thủ tục hành chính và thể hiện "
            "trên phiếu điện tử.",
            st.note,
        ),
    ]
