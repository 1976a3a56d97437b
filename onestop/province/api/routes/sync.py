"""`POST /v1/push` and `GET /v1/changes`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query

from onestop.province.api.deps import CounterDep, StoreDep
from onestop.province.models import ChangesResponse, PushRequest, PushResponse

router = APIRouter()


@router.post("/v1/push", response_model=PushResponse, response_model_exclude_none=True)
def push(body: PushRequest, c: CounterDep, store: StoreDep) -> dict[str, Any]:
    results = store.push(c, [i.model_dump() for i in body.items])
    return {"results": [r.to_json() for r in results]}


@router.get("/v1/changes", response_model=ChangesResponse)
def changes(
    c: CounterDep, store: StoreDep, cursor: str = Query(default=""), limit: int = Query(default=500, ge=1, le=1000)
) -> dict[str, Any]:
    try:
        start = int(cursor or 0)
    except ValueError:
        raise HTTPException(400, "Con trỏ (cursor) không hợp lệ.") from None
    items, next_cursor = store.changes(c, start, limit)
    return {"items": items, "next_cursor": str(next_cursor), "more": len(items) == limit}
