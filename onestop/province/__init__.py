"""The reference provincial server (`onestop province serve`): FastAPI + uvicorn, an optional extra."""

from __future__ import annotations

from typing import Any

from onestop.errors import OneStopError

MISSING_EXTRA = "Chưa cài thành phần máy chủ (FastAPI, uvicorn). Hãy cài: pip install 'onestop[server]'."


def require_server_extra() -> None:
    """Raise a Vietnamese error when the optional server packages are not installed."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ModuleNotFoundError as exc:
        raise OneStopError(MISSING_EXTRA) from exc


def serve(
    db_url: str,
    host: str = "127.0.0.1",
    port: int = 8700,
    *,
    log_level: str = "warning",
    docs: bool = False,
    workers: int = 1,
) -> None:
    """Run the server in the foreground until interrupted. Files it creates are owner-only (umask 077)."""
    require_server_extra()
    import os

    import uvicorn

    from onestop.province.main import create_app
    from onestop.province.store import ProvinceStore

    os.umask(0o077)
    if workers > 1:  # several processes, each with its own store (PostgreSQL); uvicorn supervises them
        os.environ["ONESTOP_PROVINCE_DB"] = db_url
        os.environ["ONESTOP_PROVINCE_DOCS"] = "1" if docs else ""
        ProvinceStore(db_url).close()  # create or upgrade the tables once, before the workers race to
        uvicorn.run(
            "onestop.province.main:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            access_log=False,
        )
        return
    store = ProvinceStore(db_url)
    # access_log off: a request line can carry a file hash or a cursor, never needed in a log that outlives it
    config = uvicorn.Config(create_app(store, docs=docs), host=host, port=port, log_level=log_level, access_log=False)
    try:
        uvicorn.Server(config).run()
    finally:
        store.close()


class BackgroundServer:
    """The reference server on 127.0.0.1 in a daemon thread (benchmarks, training sessions); `stop()` ends it."""

    def __init__(self, db_url: str, *, port: int = 0) -> None:
        require_server_extra()
        from onestop.province.main import create_app
        from onestop.province.store import ProvinceStore

        self.store = ProvinceStore(db_url)
        self.app = create_app(self.store)
        self.port = port
        self._server: Any = None
        self._thread: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> BackgroundServer:
        import socket
        import threading
        import time

        import uvicorn

        if not self.port:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="critical", access_log=False, lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True, name="province-server")
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise OneStopError("Không khởi động được máy chủ tỉnh tham chiếu.")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self._server = None
        self.store.close()
