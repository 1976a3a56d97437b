"""HTTP client for the provincial sync protocol: one long-lived `httpx.Client`, timeouts, typed failures."""

from __future__ import annotations

from typing import Any

from onestop.config import SyncSettings


class TransportError(Exception):
    """The request may or may not have reached the server (network error, timeout, 5xx): retry later.

    `message` is Vietnamese and safe to show.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RequestRefused(Exception):
    """The server refused the whole request (4xx such as a bad token); never retried blindly."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SyncClient:
    """Speaks `/v1/push`, `/v1/changes`, `/v1/files/{sha256}` and `/v1/health` with a bearer token."""

    def __init__(self, settings: SyncSettings) -> None:
        import httpx

        self.base_url = settings.url.rstrip("/")
        verify: Any = True
        if settings.ca_file:
            import ssl

            verify = ssl.create_default_context(cafile=settings.ca_file)
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(settings.timeout_s, connect=min(5.0, settings.timeout_s)),
            headers={"Authorization": f"Bearer {settings.token}", "User-Agent": "onestop-sync/1"},
            verify=verify,
            limits=httpx.Limits(max_connections=2, max_keepalive_connections=2),
        )

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, *, ok: tuple[int, ...] = (), **kwargs: Any) -> Any:
        """The response, or TransportError (network, timeout, 5xx) / RequestRefused (4xx not listed in `ok`)."""
        import httpx

        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise TransportError("Hệ thống tỉnh không trả lời kịp (quá thời gian chờ).") from None
        except httpx.ConnectError:
            raise TransportError("Không kết nối được tới hệ thống tỉnh (mất mạng hoặc máy chủ tắt).") from None
        except httpx.TransportError as exc:
            raise TransportError(f"Kết nối tới hệ thống tỉnh bị gián đoạn ({type(exc).__name__}).") from None
        if response.status_code >= 500:
            raise TransportError(f"Hệ thống tỉnh đang lỗi (mã {response.status_code}); sẽ gửi lại sau.")
        if response.status_code >= 400 and response.status_code not in ok:
            raise RequestRefused(response.status_code, _detail(response))
        return response

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._call(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise TransportError("Hệ thống tỉnh trả về dữ liệu không đọc được; sẽ gửi lại sau.") from None

    def health(self) -> dict[str, Any]:
        return self._request("GET", "/v1/health")

    def push(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        data = self._request("POST", "/v1/push", json={"items": items})
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            raise TransportError("Hệ thống tỉnh trả về kết quả không hợp lệ; sẽ gửi lại sau.")
        return results

    def changes(self, cursor: str, limit: int) -> tuple[list[dict[str, Any]], str, bool]:
        data = self._request("GET", "/v1/changes", params={"cursor": cursor, "limit": limit})
        return list(data.get("items") or []), str(data.get("next_cursor") or cursor), bool(data.get("more"))

    def has_file(self, sha256: str) -> bool:
        """Whether upstream holds this digitised file for the counter's agency (HEAD)."""
        return self._call("HEAD", f"/v1/files/{sha256}", ok=(404,)).status_code != 404

    def put_file(self, sha256: str, data: bytes) -> None:
        """Upload a digitised file; the server checks the SHA-256 and ignores bytes it already holds."""
        self._call("PUT", f"/v1/files/{sha256}", content=data, headers={"Content-Type": "application/octet-stream"})

    def get_file(self, sha256: str) -> bytes | None:
        """The bytes of a digitised file, or None when upstream does not hold it for the counter's agency."""
        response = self._call("GET", f"/v1/files/{sha256}", ok=(404,))
        return None if response.status_code == 404 else response.content


def _detail(response: Any) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, str) and detail:
        return detail
    if response.status_code == 401:
        return "Mã truy cập (token) không hợp lệ."
    return f"Hệ thống tỉnh từ chối yêu cầu (mã {response.status_code})."
