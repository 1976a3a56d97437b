"""Cross-field checks of a declaration, kept as data in the definition (`properties.rules`), and date helpers.

Rule kinds (each names fields by key; all messages are Vietnamese and name the fields' labels):
- `not_after_registration` {field}: the date is not after the dossier's registration date (a child born after
  the registration date);
- `not_future` {date, hour?, minute?}: the moment is not in the future (a death time in the future);
- `min_years_before` {earlier, later, years}: `later` is at least `years` after `earlier` (a mother younger than 10);
- `not_before` {earlier, later}: `later` is not before `earlier` (a death before the birth);
- `different` {fields: [a, b]}: two values differ (the two parties of a marriage with the same ID number);
- `date_in_words` {from, to}: fills `to` with the date of `from` written in Vietnamese words when left empty.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from onestop.errors import BadInput

KINDS = {
    "not_after_registration": ("field",),
    "not_future": ("date",),
    "min_years_before": ("earlier", "later", "years"),
    "not_before": ("earlier", "later"),
    "different": ("fields",),
    "date_in_words": ("from", "to"),
}


def check_rules(rules: tuple[dict[str, Any], ...], fields: dict[str, Any]) -> None:
    """Refuse, at import, a rule of an unknown kind or one naming a field the form does not have."""
    for rule in rules:
        if not isinstance(rule, dict) or rule.get("kind") not in KINDS:
            kind = rule.get("kind") if isinstance(rule, dict) else rule
            raise BadInput(f"Quy tắc kiểm tra '{str(kind)[:40]}' của tờ khai chưa được hỗ trợ.", field="form")
        for arg in KINDS[rule["kind"]]:
            if arg not in rule:
                raise BadInput(f"Quy tắc '{rule['kind']}' thiếu tham số '{arg}'.", field="form")
        names = [rule.get(k) for k in ("field", "date", "hour", "minute", "earlier", "later", "from", "to")]
        names += list(rule.get("fields") or [])
        for name in names:
            if name is not None and name not in fields:
                raise BadInput(f"Quy tắc '{rule['kind']}' nhắc tới trường không có: '{str(name)[:40]}'.", field="form")


# ---------------------------------------------------------------- dates


def parse_date(text: str, *, year_only: bool = False) -> tuple[date | None, int | None]:
    """`dd/MM/yyyy`, `ddMMyyyy`, `d/M/yyyy`, `yyyy-MM-dd` (or `yyyy` alone when allowed) → (date, year).

    Raises `ValueError("format")` for an unreadable text and `ValueError("missing")` for a day that does not exist.
    """
    s = text.strip().replace(".", "/").replace("-", "/") if "-" not in text[:4] else text.strip()
    if year_only and len(s) == 4 and s.isdigit():
        return None, int(s)
    if len(s) == 8 and s.isdigit():
        d, m, y = int(s[:2]), int(s[2:4]), int(s[4:])
    elif len(s) == 10 and s[4] == "-":
        try:
            y, m, d = (int(p) for p in s.split("-"))
        except ValueError:
            raise ValueError("format") from None
    else:
        parts = s.split("/")
        if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
            raise ValueError("format")
        d, m, y = (int(p) for p in parts)
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1800 <= y <= 9999):
        raise ValueError("missing" if 1 <= m <= 12 or m > 12 else "format")
    try:
        return date(y, m, d), y
    except ValueError:
        raise ValueError("missing") from None


def stored_date(value: str) -> tuple[date | None, int | None]:
    """A stored date value (`dd/MM/yyyy` or `yyyy`) → (date or None, year)."""
    if not value:
        return None, None
    if len(value) == 4:
        return None, int(value)
    return parse_date(value)


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _under_100(n: int, *, full: bool) -> str:
    tens, unit = divmod(n, 10)
    if tens == 0:
        return ("lẻ " if full else "") + _DIGITS[unit] if unit else ""
    word = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
    if unit == 0:
        return word
    if unit == 1 and tens > 1:
        return f"{word} mốt"
    if unit == 5:
        return f"{word} lăm"
    if unit == 4 and tens > 1:
        return f"{word} tư"
    return f"{word} {_DIGITS[unit]}"


def number_words(n: int) -> str:
    """Vietnamese words for 0 ≤ n < 10000, e.g. 2026 → "hai nghìn không trăm hai mươi sáu"."""
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        return _under_100(n, full=False)
    out = []
    thousands, rest = divmod(n, 1000)
    if thousands:
        out.append(f"{_DIGITS[thousands]} nghìn")
    hundreds, rest = divmod(rest, 100)
    if thousands or hundreds:
        if hundreds or rest:
            out.append(f"{_DIGITS[hundreds]} trăm")
    if rest:
        out.append(_under_100(rest, full=bool(thousands or hundreds)))
    return " ".join(out)


def date_in_words(day: date) -> str:
    """ "Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu" (the date written in words on the tờ khai)."""
    return f"Ngày {number_words(day.day)} tháng {number_words(day.month)} năm {number_words(day.year)}"


# ---------------------------------------------------------------- checks


def apply_rules(defn: Any, values: dict[str, Any], *, registered_on: date, now: datetime) -> dict[str, Any]:
    """Check the cross-field rules on normalised values; returns values with derived fields filled in."""
    values = dict(values)

    from onestop.declarations.values import field_label

    def lab(key: str) -> str:
        return field_label(defn.field(key))

    for rule in defn.rules:
        kind = rule["kind"]
        if kind == "not_after_registration":
            d, _ = stored_date(values.get(rule["field"], ""))
            if d and d > registered_on:
                raise BadInput(
                    f"{lab(rule['field'])}: ngày {d:%d/%m/%Y} sau ngày đăng ký ({registered_on:%d/%m/%Y}).",
                    field=rule["field"],
                )
        elif kind == "not_future":
            d, _ = stored_date(values.get(rule["date"], ""))
            if d is None:
                continue
            hour = int(values.get(rule.get("hour", ""), 0) or 0) if rule.get("hour") else 0
            minute = int(values.get(rule.get("minute", ""), 0) or 0) if rule.get("minute") else 0
            moment = datetime(d.year, d.month, d.day, hour, minute, tzinfo=now.tzinfo)
            if moment > now:
                raise BadInput(
                    f"{lab(rule['date'])}: thời điểm {hour:02d} giờ {minute:02d} phút ngày {d:%d/%m/%Y} ở tương lai.",
                    field=rule["date"],
                )
        elif kind in ("min_years_before", "not_before"):
            early_d, early_y = stored_date(values.get(rule["earlier"], ""))
            late_d, late_y = stored_date(values.get(rule["later"], ""))
            if early_y is None or late_y is None:
                continue
            years = int(rule.get("years", 0))
            if early_d and late_d:
                age = late_d.year - early_d.year - ((late_d.month, late_d.day) < (early_d.month, early_d.day))
                bad = age < years if years else late_d < early_d
            else:
                bad = (late_y - early_y) < years if years else late_y < early_y
            if bad:
                message = rule.get("message") or (
                    f"{lab(rule['later'])} phải sau {lab(rule['earlier'])} ít nhất {years} năm."
                    if years
                    else f"{lab(rule['later'])} không được trước {lab(rule['earlier'])}."
                )
                raise BadInput(str(message), field=rule["earlier"] if years else rule["later"])
        elif kind == "different":
            a, b = rule["fields"][:2]
            if values.get(a) and values.get(a) == values.get(b):
                message = rule.get("message") or f"{lab(a)} và {lab(b)} không được trùng nhau."
                raise BadInput(str(message), field=b)
        elif kind == "date_in_words":
            d, _ = stored_date(values.get(rule["from"], ""))
            if d and not values.get(rule["to"]):
                values[rule["to"]] = date_in_words(d)
    return values
