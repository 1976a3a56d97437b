"""Search figures: the one-box search and the work queues through the service, on the bench database, beside the
same queries as raw FTS5 / indexed SQL on the same table."""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta
from typing import Any

from onestop.bench.context import BenchContext
from onestop.bench.floors import p95, search_floor
from onestop.domain import Status

_BENCH_QUERIES = (
    "nguyen van an",
    "dang thi anh",
    "tran",
    "le thi hoa",
    "pham minh",
    "khai sinh",
    "chung thuc",
    "hoang duc",
    "vu thi",
    "bui xuan truong",
    "ngo",
    "duong thu",
    "dinh van vinh",
    "mai kim",
)


def figures(ctx: BenchContext) -> dict[str, Any]:
    """`search_p95_ms` through the service on ctx's database (`search_open_ms` is the TUI's, in onestop.bench.tui)."""
    import random

    services = ctx.services
    search = services.search
    rng = random.Random(5)
    with services.engine.connect() as conn:
        sample = conn.exec_driver_sql(
            "SELECT code, applicant_id_number, applicant_phone FROM dossier WHERE id IN "
            "(SELECT id FROM dossier ORDER BY random() LIMIT 40)"
        ).fetchall()
    queries: list[dict[str, Any]] = [{"text": q} for q in _BENCH_QUERIES]
    for code, id_number, phone in sample:
        queries += [{"text": code}, {"text": id_number}, {"text": phone[:7]}]
    queries += [
        {"text": "nguyen", "status": Status.SUPPLEMENT},
        {"text": "", "overdue": True},
        {"text": "", "status": Status.RESULT_READY},
        {"text": "thi", "overdue": True},
        {"text": "", "date_from": date.today() - timedelta(days=30), "date_to": date.today()},
        {"text": ""},
    ]
    timings: list[float] = []
    for _ in range(3):
        rng.shuffle(queries)
        for q in queries:
            kwargs = dict(q)
            text = kwargs.pop("text")
            t0 = time.perf_counter()
            page = search.search(text, limit=50, **kwargs)
            if page.next_cursor:
                search.search(text, limit=50, after=page.next_cursor, with_total=False, **kwargs)
            timings.append((time.perf_counter() - t0) * 1000)
    floor = search_floor(ctx.db_path, queries)
    ctx.floors["search_p95_ms"] = round(p95(floor), 2)
    ctx.floors["search_p50_ms"] = round(statistics.median(floor), 2)
    figures: dict[str, Any] = {
        "search_p95_ms": round(p95(timings), 2),
        "search_p50_ms": round(statistics.median(timings), 2),
    }
    t0 = time.perf_counter()
    search.queue_counts()
    figures["queue_counts_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    return figures
