"""Fees that depend on the paper: copy certification's tiered per-page fee (data in onestop/data/fee_rules.toml).

2.000 đ/trang for the first two pages, 1.000 đ/trang from page 3, at most 200.000 đ per copy, times the copies
(chứng thực bản sao từ bản chính) — not a flat 2.000 đ. Pure: no database.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from onestop.errors import BadInput, ConfigError
from onestop.formats import money

__all__ = ["FEE_RULES_PATH", "FeeQuote", "PerPageRule", "load_rules", "quote", "rule_for"]

FEE_RULES_PATH = Path(__file__).with_name("data") / "fee_rules.toml"
MAX_PAGES = 10_000
MAX_COPIES = 1_000


@dataclass(frozen=True)
class PerPageRule:
    """`first_rate` per page before `from_page`, `later_rate` from it, at most `cap_per_copy` a copy."""

    procedures: tuple[str, ...]
    first_rate: int
    later_rate: int
    from_page: int
    cap_per_copy: int
    source: str

    def per_copy(self, pages: int) -> int:
        first = min(pages, self.from_page - 1)
        later = max(pages - first, 0)
        return min(first * self.first_rate + later * self.later_rate, self.cap_per_copy)


@dataclass(frozen=True)
class FeeQuote:
    """The fee for `copies` copies of a `pages`-page original, and how it was computed (Vietnamese)."""

    amount: int
    pages: int
    copies: int
    per_copy: int
    explanation: str


@lru_cache(maxsize=4)
def load_rules(path: Path = FEE_RULES_PATH) -> tuple[PerPageRule, ...]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Không đọc được tệp quy tắc lệ phí {path}: {exc}") from exc
    rules = []
    for i, r in enumerate(raw.get("rule", []), start=1):
        try:
            if r["kind"] != "per_page":
                raise ValueError
            rule = PerPageRule(
                tuple(str(c) for c in r["procedures"]),
                int(r["first_rate"]),
                int(r["later_rate"]),
                int(r["from_page"]),
                int(r["cap_per_copy"]),
                str(r.get("source", "")),
            )
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"{path.name}, quy tắc thứ {i}: thiếu hoặc sai kind/procedures/mức phí") from None
        if rule.from_page < 2 or min(rule.first_rate, rule.later_rate, rule.cap_per_copy) < 0:
            raise ConfigError(f"{path.name}, quy tắc thứ {i}: mức phí không hợp lệ")
        rules.append(rule)
    return tuple(rules)


def rule_for(procedure_code: str) -> PerPageRule | None:
    """The per-page rule of a procedure, or None when its catalog fee is flat."""
    return next((r for r in load_rules() if procedure_code in r.procedures), None)


def quote(procedure_code: str, pages: int, copies: int = 1) -> FeeQuote | None:
    """The tiered fee for `copies` copies of a `pages`-page original; None when the procedure's fee is flat."""
    rule = rule_for(procedure_code)
    if rule is None:
        return None
    if not 1 <= pages <= MAX_PAGES:
        raise BadInput(f"Số trang phải từ 1 đến {MAX_PAGES}.", field="pages")
    if not 1 <= copies <= MAX_COPIES:
        raise BadInput(f"Số bản phải từ 1 đến {MAX_COPIES}.", field="copies")
    per_copy = rule.per_copy(pages)
    first = min(pages, rule.from_page - 1)
    parts = [f"{first} trang × {money(rule.first_rate)} đ"]
    if pages > first:
        parts.append(f"{pages - first} trang × {money(rule.later_rate)} đ")
    capped = " (tối đa " + money(rule.cap_per_copy) + " đ/bản)" if per_copy == rule.cap_per_copy else ""
    text = f"{' + '.join(parts)} = {money(per_copy)} đ/bản{capped} × {copies} bản = {money(per_copy * copies)} đ"
    return FeeQuote(per_copy * copies, pages, copies, per_copy, text)
