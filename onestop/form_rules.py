"""Which counter forms a dossier's state allows (BRIEF §2.3–2.8, §11.1): one rule per form, Vietnamese refusals.

Pure functions over the domain `Dossier`; the forms service refuses a request with `BadInput` (CLI exit 2) and
screens offer only the forms in `allowed_forms`.
"""

from __future__ import annotations

from datetime import datetime

from onestop.domain import Dossier, FormKind, Status, StatusEvent, now_vn

# A stop notice answers the submitter's request to stop: it is issued once the dossier is stopped or withdrawn.
STOP_STATUSES = frozenset({Status.STOPPED, Status.WITHDRAWN})
# A rejection is decided at intake, before the dossier goes to the deciding officer.
REJECTION_STATUSES = frozenset({Status.SUBMITTED, Status.RECEIVED, Status.REJECTED})
# Statuses in which a supplement can be requested (or its request reprinted).
SUPPLEMENT_STATUSES = frozenset({Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT})
# Statuses in which processing can still be late and an extension proposed.
APOLOGY_STATUSES = frozenset(
    {Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT, Status.FINANCIAL, Status.RESULT_READY}
)


def apology_event(dossier: Dossier) -> StatusEvent | None:
    """The latest recorded apology with a new appointment (an event that keeps the status and sets `new_due`)."""
    for event in sorted(dossier.events, key=lambda e: e.seq, reverse=True):
        if event.new_due is not None and event.from_status is not None and event.from_status is event.to_status:
            return event
    return None


def is_late(dossier: Dossier, at: datetime | None = None) -> bool:
    """Late for an apology: past its appointment and unfinished, or an apology with a new date is on record."""
    return dossier.is_overdue(at) or apology_event(dossier) is not None


def form_refusal(kind: FormKind, dossier: Dossier, at: datetime | None = None) -> str:
    """Why `kind` cannot be issued for `dossier` now, in Vietnamese; an empty string when it can."""
    status, code = dossier.status, dossier.code
    state = f"hồ sơ {code} đang ở trạng thái «{status.label}»"
    if kind is FormKind.BOOK:
        return "Sổ theo dõi hồ sơ (Mẫu số 07) in theo khoảng ngày: onestop report book."
    if kind is FormKind.RECEIPT:
        if status is Status.REJECTED:
            return (
                f"Hồ sơ {code} không được tiếp nhận: không cấp Giấy tiếp nhận; hãy in Phiếu từ chối (--form rejection)."
            )
        if status is Status.SUBMITTED:
            return f"Hồ sơ {code} nộp trực tuyến chưa được tiếp nhận: tiếp nhận hồ sơ trước khi in Giấy tiếp nhận."
        return ""
    if kind is FormKind.SUPPLEMENT:
        return "" if status in SUPPLEMENT_STATUSES else f"Không lập Phiếu yêu cầu bổ sung: {state}."
    if kind is FormKind.REJECTION:
        if status in REJECTION_STATUSES:
            return ""
        return f"Không lập Phiếu từ chối tiếp nhận: {state} (chỉ từ chối khi tiếp nhận)."
    if kind is FormKind.APOLOGY:
        if status not in APOLOGY_STATUSES:
            return f"Không lập Văn bản xin lỗi: {state}."
        if not is_late(dossier, at or now_vn()):
            return (
                f"Hồ sơ {code} chưa quá hạn và chưa ghi «Xin lỗi, hẹn lại»: không lập Văn bản xin lỗi (Mẫu số 04). "
                "Nếu biết trước sẽ trễ hạn, hãy ghi «Xin lỗi, hẹn lại» với ngày hẹn mới trước."
            )
        return ""
    if kind is FormKind.STOP:
        if status is Status.REJECTED:
            return f"Hồ sơ {code} không được tiếp nhận: không có Thông báo dừng giải quyết hồ sơ (Mẫu số 05)."
        if status not in STOP_STATUSES:
            return (
                f"Không lập Thông báo dừng giải quyết: {state}. "
                "Hãy ghi thao tác «Dừng xử lý» hoặc «Rút hồ sơ» theo đề nghị của người nộp trước."
            )
        return ""
    if kind is FormKind.DECLARATION:
        if dossier.declaration is None:
            return f"Hồ sơ {code} không có tờ khai điện tử để in."
        return ""
    if kind is FormKind.CONTROL:
        if status in (Status.SUBMITTED, Status.REJECTED):
            return f"Không lập Phiếu kiểm soát: {state} (hồ sơ chưa được tiếp nhận giải quyết)."
        return ""
    return ""


def allowed_forms(dossier: Dossier, at: datetime | None = None) -> tuple[FormKind, ...]:
    """The numbered counter forms (Mẫu 01–06) that can be issued for `dossier` now, in official order."""
    numbered = (k for k in FormKind if k.official_number and k is not FormKind.BOOK)
    return tuple(k for k in numbered if not form_refusal(k, dossier, at))
