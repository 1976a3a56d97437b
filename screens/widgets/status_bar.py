"""The top status line: commune, counter, officer, clock and the workstation's sync badge."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from textual.widgets import Static

from screens.common import attr, fmt_short


def describe_sync(status: Any, now: datetime, warn_days: int) -> tuple[str, bool]:
    """A short Vietnamese sync summary and whether the backlog is old enough to flag in red."""
    if status is None:
        return "Đồng bộ: —", False
    pending = attr(status, "pending", "pending_items", "queued", default=0) or 0
    oldest = attr(status, "oldest_unsent_at", "oldest_pending_at", "oldest_at")
    last_ok = attr(status, "last_success_at", "last_success", "last_ok_at")
    message = str(attr(status, "message", default="") or "").split(" · ")[0]
    parts = ([message] if message else []) + [f"chờ gửi {pending}"]
    late = bool(attr(status, "backlog_warning", default=False))
    if oldest is not None and isinstance(oldest, datetime):
        age = now - oldest
        parts.append(f"cũ nhất {format_age(age)}")
        late = late or age > timedelta(days=warn_days)
    parts.append(f"thành công lần cuối: {fmt_short(last_ok) if isinstance(last_ok, datetime) else '—'}")
    return "Đồng bộ: " + ", ".join(parts), late


def format_age(age: timedelta) -> str:
    """`3 ngày`, `5 giờ`, `12 phút`."""
    seconds = max(0, int(age.total_seconds()))
    if seconds >= 86400:
        return f"{seconds // 86400} ngày"
    if seconds >= 3600:
        return f"{seconds // 3600} giờ"
    return f"{seconds // 60} phút"


class StatusBar(Static):
    """Who is at which counter, and how far behind the provincial system this workstation is."""

    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $text; padding: 0 1; }
    StatusBar.-late { background: $error; color: $text; }
    """

    def on_mount(self) -> None:
        self.refresh_badge()
        self.set_interval(30, self.refresh_badge)

    def refresh_badge(self) -> None:
        """Repaint from the app's current state (officer, clock, last sync status)."""
        app: Any = self.app
        self.set_class(bool(getattr(app, "sync_late", False)), "-late")
        self._paint()

    def _paint(self) -> None:
        app: Any = self.app
        services = getattr(app, "services", None)
        officer = getattr(app, "officer", None)
        place = ""
        if services is not None:
            office = services.settings.office
            place = f"{office.commune_name} · quầy {office.counter_code}"
        who = f"{officer.full_name} ({officer.username})" if officer else "chưa đăng nhập"
        now = app.now() if hasattr(app, "now") else datetime.now()
        badge = getattr(app, "sync_text", "Đồng bộ: —")
        self.update(f"{place} │ {who} │ {now:%H:%M %d/%m/%Y} │ {badge}")
