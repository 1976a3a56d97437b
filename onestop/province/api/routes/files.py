"""`/v1/files/{sha256}`: digitised files, content-addressed, visible per agency."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from onestop.province.api.deps import CallerDep, StoreDep
from onestop.province.models import FileStored
from onestop.province.store import Caller
from onestop.sync import protocol

router = APIRouter()


def file_agency(c: Caller, agency_code: str) -> str:
    """A counter uses its own agency's files; an admin names the agency (online submissions)."""
    if c.role == "admin":
        if not agency_code:
            raise HTTPException(400, "Cần tham số agency_code cho mã truy cập quản trị.")
        return agency_code
    return c.agency_code


def checked_sha(sha256: str) -> str:
    sha = sha256.lower()
    if not protocol.SHA256_RE.match(sha):
        raise HTTPException(400, "Mã SHA-256 của tệp không hợp lệ (cần 64 chữ số thập lục phân).")
    return sha


def too_big() -> HTTPException:
    return HTTPException(413, f"Tệp quá lớn (tối đa {protocol.MAX_FILE_BYTES // (1024 * 1024)} MB).")


@router.put(
    "/v1/files/{sha256}",
    response_model=FileStored,
    status_code=201,
    responses={
        200: {"model": FileStored, "description": "Already held (no-op)"},
        400: {"description": "SHA-256 does not match the bytes"},
        413: {"description": f"More than {protocol.MAX_FILE_BYTES // (1024 * 1024)} MB"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def put_file(
    sha256: str, request: Request, c: CallerDep, store: StoreDep, agency_code: str = Query(default="")
) -> Response:
    sha = checked_sha(sha256)
    agency = file_agency(c, agency_code)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > protocol.MAX_FILE_BYTES:
        raise too_big()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > protocol.MAX_FILE_BYTES:
            raise too_big()
    created = await run_in_threadpool(store.put_file, agency, sha, bytes(body))
    return JSONResponse({"sha256": sha, "size": len(body), "created": created}, status_code=201 if created else 200)


@router.head(
    "/v1/files/{sha256}",
    response_class=Response,
    responses={
        200: {"description": "Held; `X-File-Size` gives its size"},
        404: {"description": "Not held for the caller's agency"},
    },
)
def head_file(sha256: str, c: CallerDep, store: StoreDep, agency_code: str = Query(default="")) -> Response:
    size = store.file_size(file_agency(c, agency_code), checked_sha(sha256))
    if size is None:
        return Response(status_code=404)
    return Response(status_code=200, headers={"X-File-Size": str(size)})


@router.get(
    "/v1/files/{sha256}",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}},
        404: {"description": "Not held for the caller's agency"},
    },
)
def get_file(sha256: str, c: CallerDep, store: StoreDep, agency_code: str = Query(default="")) -> Response:
    sha = checked_sha(sha256)
    data = store.get_file(file_agency(c, agency_code), sha)
    if data is None:
        raise HTTPException(404, "Hệ thống tỉnh không có tệp này cho đơn vị của quầy.")
    return Response(content=data, media_type="application/octet-stream", headers={"X-Sha256": sha})
