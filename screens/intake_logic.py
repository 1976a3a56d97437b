"""The intake screen's pure parts: step table, choice lists, parsing of fee and appointment, draft state."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

STEPS = (
    ("step-procedure", "Thủ tục"),
    ("step-applicant", "Người nộp"),
    ("step-documents", "Giấy tờ"),
    ("step-fee", "Lệ phí, kênh, nhận KQ"),
    ("step-due", "Hẹn trả"),
    ("step-review", "Xác nhận"),
)
FEE_METHODS = (("cash", "Tiền mặt"), ("transfer", "Chuyển khoản"), ("card", "Thẻ"), ("online", "Trực tuyến"))
CHANNELS = (("paper", "Trực tiếp (hồ sơ giấy)"), ("online", "Nộp trực tuyến thay công dân"))
RETURNS = (("counter", "Tại Bộ phận Một cửa"), ("post", "Qua bưu chính công ích"), ("online", "Trực tuyến"))

# Which step holds the field a `BadInput.field` names.
FIELD_STEP = {
    "procedure": 0,
    "catalog": 0,
    "qr": 1,
    "id_number": 1,
    "full_name": 1,
    "birth_date": 1,
    "gender": 1,
    "address": 1,
    "phone": 1,
    "email": 1,
    "old_id_number": 1,
    "authorisation_doc": 1,
    "documents": 2,
    "attachments": 2,
    "fee": 3,
    "fee_method": 3,
    "exemption": 3,
    "consent": 3,
    "return_address": 3,
    "sets_count": 3,
    "due_override": 4,
    "due_override_reason": 4,
}
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


def build_options(screen: Any) -> dict[str, Any]:
    """Everything chosen on the fee, channel, return and appointment steps, as draft values."""
    from textual.widgets import Checkbox, Input

    exemption_index = screen.radio_index("exemption")
    fee, _ = parse_fee(screen.query_one("#fee", Input).value, screen.procedure, exemption_index)
    exemptions = screen.procedure.exemptions if screen.procedure else ()
    return {
        "rep": screen.query_one("#rep-toggle", Checkbox).value,
        "fee": fee,
        "exemption": exemptions[exemption_index - 1].label if 0 < exemption_index <= len(exemptions) else "",
        "fee_method": FEE_METHODS[screen.radio_index("fee_method")][0],
        "channel": CHANNELS[screen.radio_index("channel")][0],
        "return_via": RETURNS[screen.radio_index("return_via")][0],
        "consent": screen.query_one("#consent", Checkbox).value,
        "eid": screen.query_one("#eid", Checkbox).value,
        "due_override": screen._due_override() or None,
    }


def collect_state(screen: Any) -> dict[str, Any] | None:
    """The form as plain JSON-able data for `IntakeService.save_draft`; None when nothing was entered."""
    from textual.widgets import Checkbox, Input, RadioSet

    from screens.widgets.documents import DocumentsPanel

    inputs = {i.id: i.value for i in screen.query(Input) if i.id and i.value and i.id != "proc-query"}
    if screen.procedure is None and not inputs:
        return None
    return {
        "version": 1,
        "step": screen.step,
        "procedure_code": screen.procedure.code if screen.procedure else "",
        "inputs": inputs,
        "checkboxes": {c.id: c.value for c in screen.query(Checkbox) if c.id},
        "radios": {
            **{r.id: r.pressed_index for r in screen.query(RadioSet) if r.id},
            "exemption": screen.radio_index("exemption"),
        },
        "docs": [line.as_dict() for line in screen.query_one(DocumentsPanel).lines],
    }


def apply_state(screen: Any, data: dict[str, Any]) -> None:
    """Put a saved draft back into the screen (procedure first: documents and exemptions depend on it)."""
    from textual.widgets import Checkbox, Input, RadioButton, RadioSet

    from screens.widgets.documents import DocLine, DocumentsPanel

    if data.get("procedure_code"):
        screen.select_procedure(data["procedure_code"])
    radios = data.get("radios") or {}
    if screen.procedure is not None:
        screen._build_exemptions(max(0, int(radios.get("exemption", 0) or 0)))
    lines = [
        DocLine(
            d["name"],
            d.get("kind", "original"),
            int(d.get("count", 1)),
            bool(d.get("received", True)),
            list(d.get("files") or []),
        )
        for d in data.get("docs") or []
        if d.get("name")
    ]
    if lines:
        screen.query_one(DocumentsPanel).set_lines(lines)
    for input_id, value in (data.get("inputs") or {}).items():
        found = list(screen.query(f"#{input_id}").results(Input))
        if found:
            found[0].value = str(value)
    for box_id, value in (data.get("checkboxes") or {}).items():
        found = list(screen.query(f"#{box_id}").results(Checkbox))
        if found:
            found[0].value = bool(value)
    for radio_id, index in radios.items():
        if radio_id == "exemption":
            continue
        found = list(screen.query(f"#{radio_id}").results(RadioSet))
        buttons = list(found[0].query(RadioButton)) if found else []
        if isinstance(index, int) and 0 <= index < len(buttons):
            buttons[index].value = True
