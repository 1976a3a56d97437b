"""The reference provincial server: FastAPI over `ProvinceStore`, speaking docs/sync-protocol.md.

Fault injection (admin only, for training and tests): fail the next N sync requests with 500, delay them, or
commit and then drop the connection before the reply is read.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from onestop.sync.server.store import Caller, ProvinceStore, StoreError

API_VERSION = "1"
FAULT_PATHS = ("/v1/push", "/v1/changes")


@dataclass
class Faults:
    """Armed faults, consumed one request at a time."""

    fail_next: int = 0
    delay_next: int = 0
    delay_s: float = 0.0
    drop_next: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def take(self) -> tuple[bool, float, bool]:
        with self._lock:
            fail = self.fail_next > 0
            if fail:
                self.fail_next -= 1
            delay = 0.0
            if self.delay_next > 0:
                self.delay_next -= 1
                delay = self.delay_s
            drop = False
            if not fail and self.drop_next > 0:
                self.drop_next -= 1
                drop = True
            return fail, delay, drop


class PushItem(BaseModel):
    key: str = Field(max_length=120)
    kind: str = Field(max_length=30)
    dossier_uuid: str = Field(default="", max_length=36)
    dossier_code: str = Field(default="", max_length=60)
    payload: dict[str, Any]
    force: bool = False


class PushRequest(BaseModel):
    items: list[PushItem] = Field(max_length=1000)


class PushResult(BaseModel):
    key: str
    status: str = Field(description="applied | duplicate | rejected | conflict | skipped")
    message: str = ""
    official_code: str | None = None
    upstream: dict[str, Any] | None = None


class PushResponse(BaseModel):
    results: list[PushResult]


class Change(BaseModel):
    seq: int
    kind: str = Field(description="dossier | catalog | calendar")
    source: str
    dossier_uuid: str = ""
    at: str
    data: dict[str, Any]


class ChangesResponse(BaseModel):
    items: list[Change]
    next_cursor: str
    more: bool


class StatusRequest(BaseModel):
    ref: str = Field(description="uuid, MaHoSo or official code")
    status: int = Field(ge=1, le=10)
    note: str = ""
    officer: str = "Cán bộ xử lý"


class OfficialCodeRequest(BaseModel):
    ref: str
    official_code: str


class FaultRequest(BaseModel):
    fail_next: int = Field(default=0, ge=0)
    delay_next: int = Field(default=0, ge=0)
    delay_s: float = Field(default=0.0, ge=0, le=120)
    drop_next: int = Field(default=0, ge=0)


class TokenRequest(BaseModel):
    agency_code: str
    counter_code: str = Field(pattern=r"^[0-9]{2}$")


def create_app(store: ProvinceStore, *, faults: Faults | None = None) -> FastAPI:
    """Build the ASGI app bound to a store."""
    app = FastAPI(title="onestop — máy chủ tỉnh tham chiếu", version=API_VERSION,
                  description="Giao thức đồng bộ giữa quầy Một cửa cấp xã và hệ thống tỉnh (docs/sync-protocol.md).")
    app.state.store = store
    app.state.faults = faults or Faults(**json.loads(os.environ.get("ONESTOP_PROVINCE_FAULTS") or "{}"))

    @app.middleware("http")
    async def inject_faults(request: Request, call_next):  # type: ignore[no-untyped-def]
        if request.url.path not in FAULT_PATHS:
            return await call_next(request)
        fail, delay, drop = app.state.faults.take()
        if delay:
            await asyncio.sleep(delay)
        if fail:
            return JSONResponse({"detail": "Lỗi máy chủ giả lập (fault injection)."}, status_code=500)
        response = await call_next(request)
        if drop:
            return _DroppedReply(response)
        return response

    @app.exception_handler(StoreError)
    async def store_error(_request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    def caller(authorization: str = Header(default="")) -> Caller:
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
        found = store.authenticate(token)
        if found is None:
            raise HTTPException(401, "Mã truy cập (token) không hợp lệ hoặc đã bị thu hồi.")
        return found

    def counter(c: Caller = Depends(caller)) -> Caller:
        if c.role != "counter":
            raise HTTPException(403, "Mã truy cập này không phải của một quầy tiếp nhận.")
        return c

    def admin(c: Caller = Depends(caller)) -> Caller:
        if c.role != "admin":
            raise HTTPException(403, "Cần mã truy cập quản trị của hệ thống tỉnh.")
        return c

    @app.get("/v1/health")
    def health() -> dict[str, Any]:
        return {"ok": True, "version": API_VERSION, "storage": "sqlite" if store.is_sqlite else "postgresql"}

    @app.post("/v1/push", response_model=PushResponse, response_model_exclude_none=True)
    def push(body: PushRequest, c: Caller = Depends(counter)) -> dict[str, Any]:
        results = store.push(c, [i.model_dump() for i in body.items])
        return {"results": [r.to_json() for r in results]}

    @app.get("/v1/changes", response_model=ChangesResponse)
    def changes(cursor: str = Query(default=""), limit: int = Query(default=500, ge=1, le=1000),
                c: Caller = Depends(counter)) -> dict[str, Any]:
        try:
            start = int(cursor or 0)
        except ValueError:
            raise HTTPException(400, "Con trỏ (cursor) không hợp lệ.") from None
        items, next_cursor = store.changes(c, start, limit)
        return {"items": items, "next_cursor": str(next_cursor), "more": len(items) == limit}

    @app.post("/v1/admin/submit-online")
    def submit_online(body: dict[str, Any], agency_code: str = Query(...), _a: Caller = Depends(admin)) -> dict:
        return store.submit_online(agency_code, body)

    @app.post("/v1/admin/status")
    def set_status(body: StatusRequest, _a: Caller = Depends(admin)) -> dict:
        return store.set_status(body.ref, body.status, body.note, body.officer)

    @app.post("/v1/admin/official-code")
    def official_code(body: OfficialCodeRequest, _a: Caller = Depends(admin)) -> dict:
        return store.set_official_code(body.ref, body.official_code)

    @app.post("/v1/admin/catalog")
    def publish_catalog(body: dict[str, Any], agency_code: str = Query(default=""),
                        _a: Caller = Depends(admin)) -> dict:
        return {"seq": store.publish("catalog", body, agency_code)}

    @app.post("/v1/admin/calendar")
    def publish_calendar(body: dict[str, Any], agency_code: str = Query(default=""),
                         _a: Caller = Depends(admin)) -> dict:
        return {"seq": store.publish("calendar", body, agency_code)}

    @app.post("/v1/admin/token")
    def issue_token(body: TokenRequest, _a: Caller = Depends(admin)) -> dict:
        return {"token": store.issue_token(agency_code=body.agency_code, counter_code=body.counter_code)}

    @app.post("/v1/admin/faults")
    def set_faults(body: FaultRequest, _a: Caller = Depends(admin)) -> dict:
        f: Faults = app.state.faults
        with f._lock:
            f.fail_next, f.delay_next, f.delay_s, f.drop_next = (body.fail_next, body.delay_next, body.delay_s,
                                                                 body.drop_next)
        return body.model_dump()

    @app.get("/v1/admin/dump")
    def dump(payload: bool = False, _a: Caller = Depends(admin)) -> dict:
        return store.dump(with_payload=payload)

    return app


class _DroppedReply:
    """An ASGI response that announces a body and then stops short: the server closes the connection.

    The handler has already committed, so this is "applied upstream, reply lost on the way back".
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        async for _chunk in self.inner.body_iterator:
            pass
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"100000")]})
        await send({"type": "http.response.body", "body": b'{"results": [', "more_body": False})
