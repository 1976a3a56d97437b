"""Fault injection for training and tests (admin only): fail the next N sync requests with 500, commit them and
hold the reply back, or commit and then drop the connection before the reply is read; fail the next N file uploads
with 500."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


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

    def arm(self, **values: Any) -> None:
        with self._lock:
            for name, value in values.items():
                setattr(self, name, value)

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


class DroppedReply:
    """An ASGI response that announces a body and then stops short: the server closes the connection.

    The handler has already committed, so this is "applied upstream, reply lost on the way back".
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async for _chunk in self.inner.body_iterator:
            pass
        await send(
            {
                "type": "http.response.start",
                "status": getattr(self.inner, "status_code", 200),  # a HEAD's 404 stays a 404
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"100000")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"results": [', "more_body": False})
