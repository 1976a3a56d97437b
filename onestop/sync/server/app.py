"""The reference provincial server: FastAPI over `ProvinceStore`, speaking docs/sync-protocol.md.

Fault injection (admin only, for training and tests): fail the next N sync requests with 500, delay them, or
commit and then drop the connection before the reply is read; fail the next N file uploads with 500.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from onestop.sync.server.store import MAX_FILE_BYTES, SHA256_RE, Caller, ProvinceStore, StoreError

API_VERSION = "1"
FAULT_PATHS = ("/v1/push", "/v1/changes")
FILES_PREFIX = "/v1/files/"
X_DATES = "Mọi ngày giờ trong dữ liệu hồ sơ: yyyyMMddHHmmss, giờ Việt Nam (Asia/Ho_Chi_Minh)."


@dataclass
class Faults:
    """Armed faults, consumed one request at a time."""

    fail_next: int = 0
    delay_next: int = 0
    delay_s: float = 0.0
    drop_next: int = 0
    fail_uploads: int = 0

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

    def take_upload(self) -> bool:
        with self._lock:
            fail = self.fail_uploads > 0
            if fail:
                self.fail_uploads -= 1
            return fail


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
    fail_uploads: int = Field(default=0, ge=0)


class FileStored(BaseModel):
    sha256: str
    size: int
    created: bool = Field(description="false: the server already held these bytes (idempotent re-upload)")


class TokenRequest(BaseModel):
    agency_code: str
    counter_code: str = Field(pattern=r"^[0-9]{2}$")


def create_app(store: ProvinceStore, *, faults: Faults | None = None) -> FastAPI:
    """Build the ASGI app bound to a store."""
    app = FastAPI(
        title="onestop — máy chủ tỉnh tham chiếu",
        version=API_VERSION,
        description="Giao thức đồng bộ giữa quầy Một cửa cấp xã và hệ thống tỉnh (docs/sync-protocol.md).",
    )
    app.state.store = store
    app.state.faults = faults or Faults(**json.loads(os.environ.get("ONESTOP_PROVINCE_FAULTS") or "{}"))

    @app.middleware("http")
    async def inject_faults(request: Request, call_next):  # type: ignore[no-untyped-def]
        path = request.url.path
        if path not in FAULT_PATHS and not path.startswith(FILES_PREFIX):
            return await call_next(request)
        if request.method == "PUT" and app.state.faults.take_upload():
            return JSONResponse({"detail": "Lỗi máy chủ giả lập khi nhận tệp (fault injection)."}, status_code=500)
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
    def changes(
        cursor: str = Query(default=""), limit: int = Query(default=500, ge=1, le=1000), c: Caller = Depends(counter)
    ) -> dict[str, Any]:
        try:
            start = int(cursor or 0)
        except ValueError:
            raise HTTPException(400, "Con trỏ (cursor) không hợp lệ.") from None
        items, next_cursor = store.changes(c, start, limit)
        return {"items": items, "next_cursor": str(next_cursor), "more": len(items) == limit}

    def file_agency(c: Caller, agency_code: str) -> str:
        """A counter uses its own agency's files; an admin names the agency (online submissions)."""
        if c.role == "admin":
            if not agency_code:
                raise HTTPException(400, "Cần tham số agency_code cho mã truy cập quản trị.")
            return agency_code
        return c.agency_code

    def checked_sha(sha256: str) -> str:
        sha = sha256.lower()
        if not SHA256_RE.match(sha):
            raise HTTPException(400, "Mã SHA-256 của tệp không hợp lệ (cần 64 chữ số thập lục phân).")
        return sha

    @app.put(
        "/v1/files/{sha256}",
        response_model=FileStored,
        status_code=201,
        responses={
            200: {"model": FileStored, "description": "Already held (no-op)"},
            400: {"description": "SHA-256 does not match the bytes"},
            413: {"description": f"More than {MAX_FILE_BYTES // (1024 * 1024)} MB"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    )
    async def put_file(
        sha256: str, request: Request, agency_code: str = Query(default=""), c: Caller = Depends(caller)
    ) -> Response:
        sha = checked_sha(sha256)
        agency = file_agency(c, agency_code)
        too_big = HTTPException(413, f"Tệp quá lớn (tối đa {MAX_FILE_BYTES // (1024 * 1024)} MB).")
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_FILE_BYTES:
            raise too_big
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FILE_BYTES:
                raise too_big
        created = await run_in_threadpool(store.put_file, agency, sha, bytes(body))
        return JSONResponse({"sha256": sha, "size": len(body), "created": created}, status_code=201 if created else 200)

    @app.head(
        "/v1/files/{sha256}",
        response_class=Response,
        responses={
            200: {"description": "Held; `X-File-Size` gives its size"},
            404: {"description": "Not held for the caller's agency"},
        },
    )
    def head_file(sha256: str, agency_code: str = Query(default=""), c: Caller = Depends(caller)) -> Response:
        size = store.file_size(file_agency(c, agency_code), checked_sha(sha256))
        if size is None:
            return Response(status_code=404)
        return Response(status_code=200, headers={"X-File-Size": str(size)})

    @app.get(
        "/v1/files/{sha256}",
        response_class=Response,
        responses={
            200: {"content": {"application/octet-stream": {}}},
            404: {"description": "Not held for the caller's agency"},
        },
    )
    def get_file(sha256: str, agency_code: str = Query(default=""), c: Caller = Depends(caller)) -> Response:
        sha = checked_sha(sha256)
        data = store.get_file(file_agency(c, agency_code), sha)
        if data is None:
            raise HTTPException(404, "Hệ thống tỉnh không có tệp này cho đơn vị của quầy.")
        return Response(content=data, media_type="application/octet-stream", headers={"X-Sha256": sha})

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
    def publish_catalog(
        body: dict[str, Any], agency_code: str = Query(default=""), _a: Caller = Depends(admin)
    ) -> dict:
        return {"seq": store.publish("catalog", body, agency_code)}

    @app.post("/v1/admin/calendar")
    def publish_calendar(
        body: dict[str, Any], agency_code: str = Query(default=""), _a: Caller = Depends(admin)
    ) -> dict:
        return {"seq": store.publish("calendar", body, agency_code)}

    @app.post("/v1/admin/token")
    def issue_token(body: TokenRequest, _a: Caller = Depends(admin)) -> dict:
        return {"token": store.issue_token(agency_code=body.agency_code, counter_code=body.counter_code)}

    @app.post("/v1/admin/faults")
    def set_faults(body: FaultRequest, _a: Caller = Depends(admin)) -> dict:
        f: Faults = app.state.faults
        with f._lock:
            f.fail_next, f.delay_next, f.delay_s, f.drop_next, f.fail_uploads = (
                body.fail_next,
                body.delay_next,
                body.delay_s,
                body.drop_next,
                body.fail_uploads,
            )
        return body.model_dump()

    @app.get("/v1/admin/dump")
    def dump(payload: bool = False, _a: Caller = Depends(admin)) -> dict:
        return store.dump(with_payload=payload)

    return app


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """docs/openapi.json: FastAPI's schema plus the bearer scheme and the date convention."""
    spec = app.openapi()
    spec["info"]["x-dates"] = X_DATES
    spec.setdefault("components", {})["securitySchemes"] = {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "Mã truy cập theo quầy (onestop province token --counter AA) hoặc mã quản trị (--admin).",
        }
    }
    spec["security"] = [{"bearer": []}]
    return spec


def write_openapi(path: str) -> None:
    """Regenerate the OpenAPI document: `python -c "from onestop.sync.server.app import write_openapi;
    write_openapi('docs/openapi.json')"`."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        store = ProvinceStore(str(Path(tmp) / "openapi.db"))
        try:
            text = json.dumps(openapi_document(create_app(store, faults=Faults())), ensure_ascii=False, indent=1)
        finally:
            store.close()
    Path(path).write_text(text + "\n", encoding="utf-8")


class _DroppedReply:
    """An ASGI response that announces a body and then stops short: the server closes the connection.

    The handler has already committed, so this is "applied upstream, reply lost on the way back".
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        async for _chunk in self.inner.body_iterator:
            pass
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"100000")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"results": [', "more_body": False})
