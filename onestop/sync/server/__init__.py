"""The reference provincial server (`onestop province serve`): FastAPI + uvicorn, an optional extra."""

from __future__ import annotations

from onestop.errors import OneStopError

MISSING_EXTRA = ("Chưa cài thành phần máy chủ (FastAPI, uvicorn). Hãy cài: pip install 'onestop[server]'.")


def require_server_extra() -> None:
    """Raise a Vietnamese error when the optional server packages are not installed."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ModuleNotFoundError as exc:
        raise OneStopError(MISSING_EXTRA) from exc


def serve(db_url: str, host: str = "127.0.0.1", port: int = 8700, *, log_level: str = "warning") -> None:
    """Run the server in the foreground until interrupted."""
    require_server_extra()
    import uvicorn

    from onestop.sync.server.app import create_app
    from onestop.sync.server.store import ProvinceStore

    store = ProvinceStore(db_url)
    config = uvicorn.Config(create_app(store), host=host, port=port, log_level=log_level, access_log=False)
    try:
        uvicorn.Server(config).run()
    finally:
        store.close()
