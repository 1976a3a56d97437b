"""The QĐ 766/QĐ-TTg scorecard (Bộ chỉ số phục vụ người dân), computed from plain per-dossier facts.

Pure: no database. `onestop.services.kpi` gathers one `KpiDossier` per dossier; `figures` turns a month of them into
`KpiFigures`. Definitions (rates are 0–1, ``None`` when the denominator is 0):

* **received** — dossiers received in the month, not counting those refused at reception (status rejected).
  Over them: **online_rate** (submitted online or assisted online at the counter), **digitised_rate** (at least one
  component with a scanned file), **reused_rate** (at least one component reused from an earlier digitised paper
  instead of being brought again), **synced_rate** (acknowledged by the provincial system).
* **finished** — dossiers whose result was first ready (or handed over) in the month, whenever received. Over them:
  **on_time_rate** (finished at or before the effective due moment), **avg_working_days** (mean office time from
  receipt to result, in working days on the current, corrected calendar), **results_digitised_rate** (a digitised
  result attached), **rated_rate** (the citizen gave a rating; a refusal is not a rating) and, over the rated ones,
  **satisfied_rate** (Rất hài lòng or Hài lòng).
* The effective due moment is the appointment recomputed on the corrected calendar when the dossier kept the
  appointment the rules gave it; the stored appointment when an officer changed it, an apology extended it or a
  supplement request paused the clock. A dossier keeps its printed appointment either way; only the report changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

__all__ = [
    "KPI_KEYS",
    "KPI_LABELS",
    "KpiDossier",
    "cell",
    "KpiFigures",
    "KpiReport",
    "ReceivedCounts",
    "figures",
    "figures_from",
    "month_bounds",
    "previous_months",
]

KPI_KEYS = (
    "received",
    "on_time_rate",
    "avg_working_days",
    "online_rate",
    "digitised_rate",
    "reused_rate",
    "results_digitised_rate",
    "synced_rate",
    "rated_rate",
    "satisfied_rate",
)
"""The `--json` keys of `onestop report kpi`, in the order of the printed table."""

KPI_LABELS = {
    "received": "Hồ sơ tiếp nhận",
    "finished": "Hồ sơ có kết quả",
    "on_time_rate": "Tỷ lệ đúng hạn",
    "avg_working_days": "Thời gian giải quyết TB (ngày làm việc)",
    "online_rate": "Tỷ lệ trực tuyến",
    "digitised_rate": "Tỷ lệ có thành phần số hóa",
    "reused_rate": "Tỷ lệ tái sử dụng dữ liệu",
    "results_digitised_rate": "Tỷ lệ số hóa kết quả",
    "synced_rate": "Tỷ lệ đồng bộ lên tỉnh",
    "rated_rate": "Tỷ lệ được đánh giá",
    "satisfied_rate": "Tỷ lệ hài lòng",
}


@dataclass(frozen=True)
class KpiDossier:
    """What the scorecard needs to know about one dossier."""

    code: str
    field: str
    received_at: datetime
    rejected: bool = False
    online: bool = False
    digitised: bool = False
    reused: bool = False
    synced: bool = False
    finished_at: datetime | None = None
    due_at: datetime | None = None  # the effective due moment (see the module docstring)
    working_days: float | None = None  # office time from receipt to result
    result_digitised: bool = False
    rating_level: int | None = None  # 1–3; None = not rated or declined


@dataclass(frozen=True)
class KpiFigures:
    """One month's scorecard for one field (or all fields: `field` "")."""

    month: str
    field: str
    received: int
    finished: int
    on_time_rate: float | None
    avg_working_days: float | None
    online_rate: float | None
    digitised_rate: float | None
    reused_rate: float | None
    results_digitised_rate: float | None
    synced_rate: float | None
    rated_rate: float | None
    satisfied_rate: float | None

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"month": self.month, "field": self.field or None, "finished": self.finished}
        out.update({k: getattr(self, k) for k in KPI_KEYS})
        return out


@dataclass(frozen=True)
class KpiReport:
    """The scorecard of a month: all fields, per field, and the 12-month trend (oldest first, all fields)."""

    month: str
    commune: str
    generated_at: datetime
    total: KpiFigures
    by_field: tuple[KpiFigures, ...] = ()
    trend: tuple[KpiFigures, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def month_bounds(year: int, month: int, tz: tzinfo) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def previous_months(year: int, month: int, count: int = 12) -> list[tuple[int, int]]:
    """`count` months ending with (year, month), oldest first."""
    out = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class ReceivedCounts:
    """Counts over the dossiers received in a month (refused ones left out): what the received-side rates need.
    The database sums these in SQL (`onestop.services.kpi`); `figures` counts them from `KpiDossier`s."""

    received: int = 0
    online: int = 0
    digitised: int = 0
    reused: int = 0
    synced: int = 0

    def __add__(self, other: ReceivedCounts) -> ReceivedCounts:
        return ReceivedCounts(
            self.received + other.received,
            self.online + other.online,
            self.digitised + other.digitised,
            self.reused + other.reused,
            self.synced + other.synced,
        )


def figures_from(month: str, field: str, received: ReceivedCounts, finished: list[KpiDossier]) -> KpiFigures:
    """The scorecard of one month from its received counts and the dossiers finished in it (not refused)."""
    timed = [d for d in finished if d.due_at is not None]
    on_time = sum(1 for d in timed if d.finished_at is not None and d.due_at is not None and d.finished_at <= d.due_at)
    spans = [d.working_days for d in finished if d.working_days is not None]
    rated = [d for d in finished if d.rating_level is not None]
    n = received.received
    return KpiFigures(
        month=month,
        field=field,
        received=n,
        finished=len(finished),
        on_time_rate=_rate(on_time, len(timed)),
        avg_working_days=sum(spans) / len(spans) if spans else None,
        online_rate=_rate(received.online, n),
        digitised_rate=_rate(received.digitised, n),
        reused_rate=_rate(received.reused, n),
        results_digitised_rate=_rate(sum(d.result_digitised for d in finished), len(finished)),
        synced_rate=_rate(received.synced, n),
        rated_rate=_rate(len(rated), len(finished)),
        satisfied_rate=_rate(sum(1 for d in rated if d.rating_level in (1, 2)), len(rated)),
    )


def figures(dossiers: list[KpiDossier], start: datetime, end: datetime, *, field: str = "") -> KpiFigures:
    """The scorecard of [start, end) over `dossiers` (restricted to `field` when given)."""
    pool = [d for d in dossiers if not field or d.field == field]
    received = [d for d in pool if start <= d.received_at < end and not d.rejected]
    finished = [d for d in pool if d.finished_at is not None and start <= d.finished_at < end and not d.rejected]
    counts = ReceivedCounts(
        received=len(received),
        online=sum(d.online for d in received),
        digitised=sum(d.digitised for d in received),
        reused=sum(d.reused for d in received),
        synced=sum(d.synced for d in received),
    )
    return figures_from(f"{start:%Y-%m}", field, counts, finished)


def cell(key: str, value: object) -> str:
    """A figure for people: rates as "87,5%", days with a decimal comma, missing as "—"."""
    if value is None:
        return "—"
    if key.endswith("_rate") and isinstance(value, float):
        return f"{value * 100:.1f}%".replace(".", ",")
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)
