"""Token lifecycle helpers for `onestop province token`: validation and the `--list` table (never the token)."""

from __future__ import annotations

import re
from typing import Any

from onestop.province.models import AGENCY_RE

COUNTER_RE = re.compile(r"[0-9]{2}")


def valid_agency(code: str) -> bool:
    return bool(AGENCY_RE.match(code)) and len(code) <= 35


def table(rows: list[dict[str, Any]]) -> str:
    """One line per token: id, role, agency, counter, issued, expires, last used, state."""
    head = f"{'Số':>4}  {'Loại':<7} {'Đơn vị':<12} {'Quầy':<4} {'Cấp lúc':<25} {'Hết hạn':<25} {'Dùng lần cuối':<25} Trạng thái"
    lines = [head]
    for r in rows:
        state = "đã thu hồi" if r["revoked"] else "còn hiệu lực"
        lines.append(
            f"{r['id']:>4}  {r['role']:<7} {r['agency_code'] or '-':<12} {r['counter_code'] or '-':<4} "
            f"{r['issued_at']:<25} {r['expires_at'] or 'không':<25} {r['last_used_at'] or 'chưa dùng':<25} {state}"
        )
    return "\n".join(lines)
