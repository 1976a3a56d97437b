"""`POST /v1/push` and `GET /v1/changes`."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from fastapi import APIRouter, Query

from onestop.province.api.deps import CounterDep, StoreDep
from onestop.province.models import ChangesResponse, PushRequest, PushResponse

router = APIRouter()
log = logging.getLogger("onestop.province")


@router.post("/v1/push", response_model=PushResponse, response_model_exclude_none=True)
def push(body: PushRequest, c: CounterDep, store: StoreDep) -> dict[str, Any]:
    items = [  # shallow: the payload dicts as parsed, not deep copies
        {"key": i.key, "kind": i.kind, "dossier_uuid": i.dossier_uuid, "payload": i.payload, "force": i.force}
        for i in body.items
    ]
    results = store.push(c, items)
    # keys and codes only: a payload value (a name, an ID number) never goes into the server log
    tally = Counter(r.status for r in results)
    log.info("push %s/%s items=%d %s", c.agency_code, c.counter_code, len(results), dict(tally))
    for r in results:
        if r.status in ("rejected", "conflict"):
            log.info("push %s/%s %s key=%s", c.agency_code, c.counter_code, r.status, r.key[:120])
    return {"results": [r.to_json() for r in results]}


@router.get("/v1/changes", response_model=ChangesResponse)
def changes(
    c: CounterDep,
    store: StoreDep,
    cursor: str = Query(default="", max_length=64, description='opaque; "" from the start'),
    limit: int = Query(default=500, ge=1, le=1000),
) -> dict[str, Any]:
    items, next_cursor = store.changes(c, cursor, limit)
    return {"items": items, "next_cursor": next_cursor, "more": len(items) == limit}
