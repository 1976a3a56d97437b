"""The reference provincial server: a FastAPI app over `ProvinceStore`, speaking docs/sync-protocol.md."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from onestop.province.api.guard import DB_DOWN, Guard
from onestop.province.api.routes import admin, files, health, sync
from onestop.province.faults import DroppedReply, Faults
from onestop.province.store import ProvinceStore, StoreError
from onestop.sync import protocol

log = logging.getLogger("onestop.province")
FAULT_PATHS = (protocol.PUSH_PATH, protocol.CHANGES_PATH)
X_DATES = "Mọi ngày giờ trong dữ liệu hồ sơ: yyyyMMddHHmmss, giờ Việt Nam (Asia/Ho_Chi_Minh)."


class Refusal(BaseModel):
    detail: str = Field(description="Vietnamese, for the officer")


class Invalid(BaseModel):
    detail: list[dict[str, Any]]


REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"model": Refusal, "description": "A parameter the server cannot use (cursor, hash, agency)"},
    401: {"model": Refusal, "description": "No token, or an unknown, revoked or expired one (checked before the body)"},
    403: {"model": Refusal, "description": "A token of the wrong role for this path"},
    404: {"model": Refusal, "description": "Not found for the caller's agency"},
    413: {"model": Refusal, "description": "Body over the cap (8 MB; files 50 MB), refused as it streams in"},
    422: {"model": Invalid, "description": "The request's shape is wrong (items not a list, a key not a string, …)"},
    503: {"model": Refusal, "description": "The database is unreachable (PostgreSQL restarting); retry later"},
}


def create_app(store: ProvinceStore, *, faults: Faults | None = None, docs: bool = False) -> FastAPI:
    """Build the ASGI app bound to a store. `docs`: serve /docs, /redoc and /openapi.json (off unless asked)."""
    app = FastAPI(
        title="onestop — máy chủ tỉnh tham chiếu",
        version=protocol.API_VERSION,
        description="Giao thức đồng bộ giữa quầy Một cửa cấp xã và hệ thống tỉnh (docs/sync-protocol.md).",
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.store = store
    app.state.faults = faults or Faults(**json.loads(os.environ.get("ONESTOP_PROVINCE_FAULTS") or "{}"))

    @app.middleware("http")
    async def inject_faults(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response | DroppedReply:
        path = request.url.path
        if path not in FAULT_PATHS and not path.startswith(protocol.FILES_PATH):
            return await call_next(request)
        if request.method == "PUT" and app.state.faults.take_upload():
            return JSONResponse({"detail": "Lỗi máy chủ giả lập khi nhận tệp (fault injection)."}, status_code=500)
        fail, delay, drop = app.state.faults.take()
        if fail:
            await asyncio.sleep(delay)
            return JSONResponse({"detail": "Lỗi máy chủ giả lập (fault injection)."}, status_code=500)
        response = await call_next(request)
        if delay:
            # applied, then the reply held back: a counter that gives up waiting retries what is already upstream
            # (held before the handler instead, a request whose client had gone was never applied at all)
            await asyncio.sleep(delay)
        if drop:
            return DroppedReply(response)
        return response

    @app.exception_handler(StoreError)
    async def store_error(_request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # where and why only: echoing the input back could carry invalid Unicode (and is the caller's own data)
        detail = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(sa.exc.DBAPIError)
    async def database_down(request: Request, exc: sa.exc.DBAPIError) -> JSONResponse:
        # PostgreSQL restarting or unreachable: the counter retries a 503 later; the log names the error class only
        log.warning("database error on %s %s: %s", request.method, request.url.path, type(exc.orig).__name__)
        return JSONResponse(
            {"detail": DB_DOWN},
            status_code=503,
            headers={"Retry-After": "30"},
        )

    for module in (health, sync, files, admin):
        app.include_router(module.router, responses={} if module is health else REFUSALS)
    app.add_middleware(Guard, store=store, docs=docs)  # outermost: nothing reads a body before the token is known
    return app


def app_from_env() -> FastAPI:
    """The app of one worker process when `serve --workers N` runs several (uvicorn factory)."""
    return create_app(
        ProvinceStore(os.environ["ONESTOP_PROVINCE_DB"]), docs=bool(os.environ.get("ONESTOP_PROVINCE_DOCS"))
    )


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
    """Regenerate the OpenAPI document: `python -m onestop.province.main docs/openapi.json`."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        store = ProvinceStore(str(Path(tmp) / "openapi.db"))
        try:
            text = json.dumps(openapi_document(create_app(store, faults=Faults())), ensure_ascii=False, indent=1)
        finally:
            store.close()
    Path(path).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    import sys

    write_openapi(sys.argv[1] if len(sys.argv) > 1 else "docs/openapi.json")
