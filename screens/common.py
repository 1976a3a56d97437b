"""Small helpers shared by the screens: optional services, date formatting, money, lazy screen lookup."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def optional_service(services: Any, name: str) -> Any | None:
    """`services.<name>` when that area's module exists yet, else None (areas land in parallel)."""
    if services is None:
        return None
    try:
        return getattr(services, name)
    except (ModuleNotFoundError, ImportError, AttributeError):
        return None


def optional_screen(module_name: str, class_name: str) -> Any | None:
    """A screen class from another area's module, or None when that module has not landed."""
    import importlib

    return getattr(importlib.import_module(module_name), class_name, None)


def fmt_date(value: date | None) -> str:
    """dd/MM/yyyy, or an em dash."""
    return value.strftime("%d/%m/%Y") if value else "—"


def fmt_datetime(value: datetime | None) -> str:
    """`HH giờ mm phút, ngày dd/MM/yyyy` as printed on the receipt."""
    if value is None:
        return "—"
    return f"{value:%H} giờ {value:%M} phút, ngày {value:%d/%m/%Y}"


def fmt_short(value: datetime | None) -> str:
    """`HH:MM dd/MM/yyyy`, compact for tables."""
    return f"{value:%H:%M %d/%m/%Y}" if value else "—"


def fmt_money(amount: int | None) -> str:
    """Vietnamese đồng with dot separators, or "chưa có"."""
    if amount is None:
        return "chưa có trong danh mục"
    return f"{amount:,}".replace(",", ".") + " đ"


def attr(obj: Any, *names: str, default: Any = None) -> Any:
    """The first present, non-None attribute (or dict key) among `names`: tolerant of sibling areas' shapes."""
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return default


def describe_print(outcome: Any, form_label: str = "giấy tiếp nhận") -> tuple[str, bool]:
    """What the officer is told after a form went to the printer: (text, printed). The PDF is always kept."""
    code = getattr(outcome, "code", "")
    if getattr(outcome, "printed", False):
        return (f"Đã gửi {form_label} {code} tới máy in {outcome.printer} (lệnh {outcome.job_id}).", True)
    again = (
        "Nhấn F8 để in lại."
        if getattr(outcome, "form", None) is None or outcome.form.value == "receipt"
        else f"In lại: onestop receipt {code} --form {outcome.form.value} --print."
    )
    return (
        f"Hồ sơ {code} đã lưu; chưa in được {form_label}: {outcome.message} Bản PDF: {outcome.pdf_path}. {again}",
        False,
    )
