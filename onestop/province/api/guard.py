"""The ASGI layer in front of every route: authenticate, then read (a bounded) body.

FastAPI parses a JSON body before it runs a route's dependencies, so a token check in a dependency comes after a
300 MB body has been read into memory. This middleware looks at the headers only: no or a bad token → 401, a token
of the wrong role for the path → 403, a declared `Content-Length` over the cap → 413, all before one byte of the
body is read (and the connection is closed). A body sent without a length is counted as it streams in and refused
with 413 the moment it passes the cap.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio
import sqlalchemy as sa

from onestop.province.api.deps import BAD_TOKEN
from onestop.sync import protocol

log = logging.getLogger("onestop.province")
DB_DOWN = "Cơ sở dữ liệu của hệ thống tỉnh tạm thời không sẵn sàng; quầy sẽ gửi lại sau."
MAX_BODY = 8 * 1024 * 1024  # push, admin: a batch of 1,000 dossiers is ~2 MB
OPEN_PATHS = (protocol.HEALTH_PATH,)
DOC_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json")

Scope = dict[str, Any]


class Guard:
    def __init__(self, app: Any, *, store: Any, docs: bool = False, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.store = store
        self.open_paths = OPEN_PATHS + (DOC_PATHS if docs else ())
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] in self.open_paths:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        try:
            caller = await anyio.to_thread.run_sync(self.store.authenticate, token) if token else None
        except sa.exc.DBAPIError as exc:  # PostgreSQL restarting: the counter retries a 503 later
            log.warning("database error while checking a token: %s", type(exc.orig).__name__)
            await refuse(send, 503, DB_DOWN, {"retry-after": "30"})
            return
        if caller is None:
            await refuse(send, 401, BAD_TOKEN, {"www-authenticate": "Bearer"})
            return
        if path.startswith("/v1/admin/") and caller.role != "admin":
            await refuse(send, 403, "Cần mã truy cập quản trị của hệ thống tỉnh.")
            return
        if path in (protocol.PUSH_PATH, protocol.CHANGES_PATH) and caller.role != "counter":
            await refuse(send, 403, "Mã truy cập này không phải của một quầy tiếp nhận.")
            return
        cap = protocol.MAX_FILE_BYTES if path.startswith(protocol.FILES_PATH) else self.max_body
        declared = headers.get("content-length", "")
        if declared and (not declared.isdigit() or int(declared) > cap):
            await refuse(send, 413, too_big(cap))
            return
        scope.setdefault("state", {})["caller"] = caller
        body = _BoundedBody(receive, send, cap)
        try:
            await self.app(scope, body.receive, body.send)
        except Exception:
            if not body.refused:  # a refused body ends the app with a disconnect: nothing left to report
                raise


def too_big(cap: int) -> str:
    return f"Yêu cầu quá lớn (tối đa {cap // (1024 * 1024)} MB)."


class _BoundedBody:
    """Counts the body as the app reads it; past the cap, answers 413 itself and tells the app the client left."""

    def __init__(self, receive: Any, send: Any, cap: int) -> None:
        self._receive, self._send, self.cap = receive, send, cap
        self.seen = 0
        self.refused = False
        self.started = False

    async def receive(self) -> dict[str, Any]:
        if self.refused:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.cap:
                self.refused = True
                if not self.started:
                    self.started = True
                    await refuse(self._send, 413, too_big(self.cap))
                return {"type": "http.disconnect"}
        return message

    async def send(self, message: dict[str, Any]) -> None:
        if self.refused:
            return  # whatever the app still says after the refusal is dropped
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


async def refuse(send: Any, status: int, detail: str, extra: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ] + [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
