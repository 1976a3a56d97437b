"""The intake screen's pure parts: choice lists, splitting a scan, parsing of fee and appointment."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

FEE_METHODS = (("cash", "Tiền mặt"), ("transfer", "Chuyển khoản"), ("card", "Thẻ"), ("online", "Trực tuyến"))
CHANNELS = (("paper", "Trực tiếp (hồ sơ giấy)"), ("online", "Nộp trực tuyến thay công dân"))
RETURNS = (("counter", "Tại Bộ phận Một cửa"), ("post", "Qua bưu chính công ích"), ("online", "Trực tuyến"))

_SCAN_START_RE = re.compile(r"[0-9]{12}$")


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
    from onestop.errors import BadInput
    from onestop.formats import parse_money

    if not text.strip():
        if procedure is not None and procedure.fee_vnd is not None:
            return procedure.fee_vnd, ""
        return None, "Thủ tục chưa có mức lệ phí trong danh mục: hãy nhập lệ phí (0 nếu miễn)."
    try:
        return parse_money(text, field="fee"), ""
    except BadInput:
        return None, "Lệ phí không hợp lệ (tối đa 100.000.000 đ)."


def parse_due_override(text: str, reason: str, now: datetime) -> tuple[datetime | None, str, str]:
    """(new appointment or None, error on the date, error on the reason)."""
    from onestop.errors import BadInput
    from onestop.formats import parse_datetime
    from onestop.text import clean

    text = clean(text)
    if not text:
        return None, "", ""
    try:
        due = parse_datetime(text, field="due_override")
    except BadInput:
        return None, "Ngày hẹn phải có dạng dd/MM/yyyy HH:MM, ví dụ 25/11/2026 16:00.", ""
    if due < now:
        return None, "Ngày hẹn trả không được trước thời điểm tiếp nhận.", ""
    if not clean(reason):
        return None, "", "Đổi ngày hẹn trả: cần ghi lý do."
    if len(clean(reason)) > 500:
        return None, "", "Lý do quá dài (tối đa 500 ký tự)."
    return due, "", ""
