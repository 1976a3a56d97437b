"""The top status line: commune, counter, officer, clock and the workstation's sync badge."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from textual.widgets import Static

from screens.common import AppAccess, fmt_short

if TYPE_CHECKING:
    from onestop.sync.service import SyncStatus


def describe_sync(status: SyncStatus | None, now: datetime, warn_days: int) -> tuple[str, bool]:
    """A short Vietnamese sync summary and whether the backlog is old enough to flag in red."""
    if status is None:
        return "Đồng bộ: —", False
    message = status.message.split(" · ")[0]
    parts = ([message] if message else []) + [f"chờ gửi {status.pending}"]
    late = status.backlog_warning
    if status.oldest_unsent_at is not None:
        age = now - status.oldest_unsent_at
        parts.append(f"cũ nhất {format_age(age)}")
        late = late or age > timedelta(days=warn_days)
    parts.append(f"thành công lần cuối: {fmt_short(status.last_success_at)}")
    return "Đồng bộ: " + ", ".join(parts), late


def format_age(age: timedelta) -> str:
    """`3 ngày`, `5 giờ`, `12 phút`."""
    seconds = max(0, int(age.total_seconds()))
    if seconds >= 86400:
        return f"{seconds // 86400} ngày"
    if seconds >= 3600:
        return f"{seconds // 3600} giờ"
    return f"{seconds // 60} phút"


def fit_status(place: str, who: str, clock: str, badge: str, width: int) -> str:
    """The status line within `width` cells: the sync badge is kept whole; place, officer and clock shorten first."""
    short_badge = badge.split(", thành công lần cuối")[0]
    short_place = place.split(" · ")[-1] if " · " in place else place
    short_who = who.split(" (")[0]
    for parts in (
        (place, who, clock, badge),
        (place, short_who, clock, badge),
        (short_place, short_who, clock, badge),
        (short_place, short_who, clock[:5], badge),
        (short_place, short_who, clock[:5], short_badge),
        (short_who, clock[:5], short_badge),
        (clock[:5], short_badge),
    ):
        line = " │ ".join(p for p in parts if p)
        if width <= 0 or len(line) <= width:
            return line
    return line[: max(1, width - 1)] + "…"


class StatusBar(AppAccess, Static):
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
        self.set_class(self.onestop.sync_late, "-late")
        self._paint()

    def _paint(self) -> None:
        app = self.onestop
        place = ""
        if app.has_services:
            office = app.services.settings.office
            place = f"{office.commune_name} · quầy {office.counter_code}"
        who = f"{app.officer.full_name} ({app.officer.username})" if app.logged_in else "chưa đăng nhập"
        self.update(fit_status(place, who, f"{app.now():%H:%M %d/%m/%Y}", app.sync_text, self.size.width - 2))

    def on_resize(self) -> None:
        self._paint()
