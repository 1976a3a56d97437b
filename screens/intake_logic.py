"""The intake screen's pure parts: choice lists, splitting a scan, parsing of fee and appointment."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

FEE_METHODS = (("cash", "Tiền mặt"), ("transfer", "Chuyển khoản"), ("card", "Thẻ"), ("online", "Trực tuyến"))
CHANNELS = (("paper", "Trực tiếp (hồ sơ giấy)"), ("online", "Nộp trực tuyến thay công dân"))
RETURNS = (("counter", "Tại Bộ phận Một cửa"), ("post", "Qua bưu chính công ích"), ("online", "Trực tuyến"))

_SCAN_START_RE = re.compile(r"[0-9]{12}$")
_DUE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y")


def split_scan(value: str) -> tuple[str, str]:
    """Split what was in a field before the scanner started typing from the scan itself."""
    head, bar, _ = value.partition("|")
    match = _SCAN_START_RE.search(head)
    if not bar or match is None:
        return "", value
    return value[: match.start()], value[match.start() :]


def parse_fee(text: str, procedure: Any, exemption_index: int) -> tuple[int | None, str]:
    """(fee in đồng, error message); an exemption makes the fee 0."""
    if exemption_index > 0:
        return 0, ""
    digits = text.replace(".", "").strip()
    if not digits:
        if procedure is not None and procedure.fee_vnd is not None:
            return procedure.fee_vnd, ""
        return None, "Thủ tục chưa có mức lệ phí trong danh mục: hãy nhập lệ phí (0 nếu miễn)."
    if len(digits) > 9 or not digits.isdigit():
        return None, "Lệ phí không hợp lệ (tối đa 100.000.000 đ)."
    fee = int(digits)
    if fee > 100_000_000:
        return None, "Lệ phí không hợp lệ (tối đa 100.000.000 đ)."
    return fee, ""


def parse_due_override(text: str, reason: str, now: datetime) -> tuple[datetime | None, str, str]:
    """(new appointment or None, error on the date, error on the reason)."""
    from onestop.domain import VN_TZ
    from onestop.text import clean

    text = clean(text)
    if not text:
        return None, "", ""
    for fmt in _DUE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if "%H" not in fmt:
            parsed = parsed.replace(hour=17)
        due = parsed.replace(tzinfo=VN_TZ)
        if due < now:
            return None, "Ngày hẹn trả không được trước thời điểm tiếp nhận.", ""
        if not clean(reason):
            return None, "", "Đổi ngày hẹn trả: cần ghi lý do."
        if len(clean(reason)) > 500:
            return None, "", "Lý do quá dài (tối đa 500 ký tự)."
        return due, "", ""
    return None, "Ngày hẹn phải có dạng dd/MM/yyyy HH:MM, ví dụ 25/11/2026 16:00.", ""
