"""How long a paper stays valid, as data (`onestop/data/paper_validity.toml`): an earlier digitised paper past it is
not offered for reuse (BRIEF §11.3: reuse of still-valid digitised components). Pure: no database."""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from onestop.errors import ConfigError
from onestop.text import fold

__all__ = ["PAPER_VALIDITY_PATH", "PaperValidity", "expired", "validity_for"]

PAPER_VALIDITY_PATH = Path(__file__).with_name("data") / "paper_validity.toml"


@dataclass(frozen=True)
class PaperValidity:
    name_contains: str
    months: int
    source: str


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int) -> tuple[PaperValidity, ...]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Không đọc được tệp {path.name}: {exc}") from exc
    out = []
    for i, entry in enumerate(raw.get("paper", []), start=1):
        name, months, source = entry.get("name_contains"), entry.get("months"), entry.get("source")
        if (
            not isinstance(name, str)
            or not fold(name)
            or not isinstance(months, int)
            or not 1 <= months <= 1200
            or not isinstance(source, str)
            or not source.strip()
        ):
            raise ConfigError(f"{path.name}, giấy tờ thứ {i}: cần name_contains, months (1–1200) và source")
        out.append(PaperValidity(fold(name), months, source.strip()))
    return tuple(out)


def validity_for(paper_name: str, path: Path | None = None) -> PaperValidity | None:
    """The validity rule of a paper (by its name), or None when it does not expire."""
    p = path or PAPER_VALIDITY_PATH
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        return None
    name = fold(paper_name)
    return next((rule for rule in _load(p, mtime) if rule.name_contains in name), None)


def _add_months(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def expired(paper_name: str, handed_in: datetime, now: datetime, path: Path | None = None) -> bool:
    """Whether a paper handed in at `handed_in` is past its validity at `now` (never, for a paper not listed)."""
    rule = validity_for(paper_name, path)
    return rule is not None and now >= _add_months(handed_in, rule.months)
