"""The adapter boundary: how the outbox talks to "upstream", so a province's own API can be plugged in.

The engine only needs `push(items) -> per-item results`, `changes(cursor, limit)`, the three file calls
(`has_file`, `put_file`, `get_file`: digitised files travel content-addressed by SHA-256) and `close()`. The reference
adapter speaks docs/sync-protocol.md; a province adapter (for example one wrapping an LGSP that expects
`DongBoHoSoMC` / `CapNhatTienDoHoSoMC` calls with a session) maps the same frozen payloads to its calls and its
replies back to `applied | duplicate | rejected | conflict | skipped`, raising `TransportError` for anything
that may be retried and `RequestRefused` for a refusal of the whole request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from onestop.config import SyncSettings


class Adapter(Protocol):
    """What the outbox engine needs from upstream."""

    def push(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send items in order; return one `{key, status, message, official_code?, upstream?}` per item."""
        ...

    def changes(self, cursor: str, limit: int) -> tuple[list[dict[str, Any]], str, bool]:
        """Changes after `cursor`: (items, next cursor, more pages waiting)."""
        ...

    def has_file(self, sha256: str) -> bool:
        """Whether upstream holds this digitised file for the counter's agency."""
        ...

    def put_file(self, sha256: str, data: bytes) -> None:
        """Upload a digitised file (idempotent); `RequestRefused` when upstream refuses these bytes."""
        ...

    def get_file(self, sha256: str) -> bytes | None:
        """The bytes of a digitised file, or None when upstream does not hold it."""
        ...

    def close(self) -> None: ...


_FACTORIES: dict[str, Callable[[SyncSettings], Adapter]] = {}


def register_adapter(name: str, factory: Callable[[SyncSettings], Adapter]) -> None:
    """Make a province adapter available; select it with a URL of the form `<name>+https://…`."""
    _FACTORIES[name] = factory


def make_adapter(settings: SyncSettings) -> Adapter:
    """The adapter for the configured URL: `https://…` is the reference protocol, `<name>+https://…` a plug-in."""
    from dataclasses import replace

    from onestop.sync.client import SyncClient

    scheme = settings.url.split("://", 1)[0]
    if "+" in scheme:
        name, real = scheme.split("+", 1)
        factory = _FACTORIES.get(name)
        if factory is None:
            from onestop.errors import ConfigError

            raise ConfigError(f"Không có bộ chuyển đổi đồng bộ tên '{name}'.", field="sync.url")
        return factory(replace(settings, url=real + "://" + settings.url.split("://", 1)[1]))
    return SyncClient(settings)
