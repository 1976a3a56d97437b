"""`GET /v1/health`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from onestop.province.api.deps import StoreDep
from onestop.sync.protocol import API_VERSION

router = APIRouter()


@router.get("/v1/health")
def health(store: StoreDep) -> dict[str, Any]:
    return {"ok": True, "version": API_VERSION, "storage": "sqlite" if store.is_sqlite else "postgresql"}
