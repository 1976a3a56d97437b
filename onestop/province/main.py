"""The reference provincial server: a FastAPI app over `ProvinceStore`, speaking docs/sync-protocol.md."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from onestop.province.api.routes import admin, files, health, sync
from onestop.province.faults import DroppedReply, Faults
from onestop.province.store import ProvinceStore, StoreError
from onestop.sync import protocol

FAULT_PATHS = (protocol.PUSH_PATH, protocol.CHANGES_PATH)
X_DATES = "Mọi ngày giờ trong dữ liệu hồ sơ: yyyyMMddHHmmss, giờ Việt Nam (Asia/Ho_Chi_Minh)."


def create_app(store: ProvinceStore, *, faults: Faults | None = None) -> FastAPI:
    """Build the ASGI app bound to a store."""
    app = FastAPI(
        title="onestop — máy chủ tỉnh tham chiếu",
        version=protocol.API_VERSION,
        description="Giao thức đồng bộ giữa quầy Một cửa cấp xã và hệ thống tỉnh (docs/sync-protocol.md).",
    )
    app.state.store = store
    app.state.faults = faults or Faults(**json.loads(os.environ.get("ONESTOP_PROVINCE_FAULTS") or "{}"))

    @app.middleware("http")
    async def inject_faults(request: Request, call_next):  # type: ignore[no-untyped-def]
        path = request.url.path
        if path not in FAULT_PATHS and not path.startswith(protocol.FILES_PATH):
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
            return DroppedReply(response)
        return response

    @app.exception_handler(StoreError)
    async def store_error(_request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    for module in (health, sync, files, admin):
        app.include_router(module.router)
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
