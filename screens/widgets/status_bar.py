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
    return sync_badges(status, now, warn_days)[0], sync_is_late(status, now, warn_days)


def sync_is_late(status: SyncStatus | None, now: datetime, warn_days: int) -> bool:
    if status is None:
        return False
    if status.backlog_warning:
        return True
    return status.oldest_unsent_at is not None and now - status.oldest_unsent_at > timedelta(days=warn_days)


def sync_badges(status: SyncStatus | None, now: datetime, warn_days: int) -> list[str]:
    """The sync badge from the fullest to the shortest wording; every one keeps the state and what waits to be sent.

    Dropped in this order: the last success, the reason in brackets, the age of the oldest unsent item.
    """
    if status is None:
        return ["Đồng bộ: —"]
    state = status.message.split(" · ")[0]
    short_state = state.split(" (")[0]
    pending = [f"chờ gửi {status.pending}"]
    for key, label in (("conflict", "xung đột"), ("rejected", "bị từ chối")):
        if status.counts.get(key):
            pending.append(f"{status.counts[key]} {label}")
    age = [f"cũ nhất {format_age(now - status.oldest_unsent_at)}"] if status.oldest_unsent_at is not None else []
    success = [f"thành công lần cuối: {fmt_short(status.last_success_at)}"]
    variants = (
        [state, *pending, *age, *success],
        [state, *pending, *age],
        [short_state, *pending, *age],
        [short_state, *pending],
    )
    out: list[str] = []
    for parts in variants:
        text = "Đồng bộ: " + ", ".join(p for p in parts if p)
        if text not in out:
            out.append(text)
    return out


def format_age(age: timedelta) -> str:
    """`3 ngày`, `5 giờ`, `12 phút`."""
    seconds = max(0, int(age.total_seconds()))
    if seconds >= 86400:
        return f"{seconds // 86400} ngày"
    if seconds >= 3600:
        return f"{seconds // 3600} giờ"
    return f"{seconds // 60} phút"


def initials(full_name: str) -> str:
    """`Nguyễn Thị Lan` → `N.T. Lan`: the given name whole, the others by their first letter."""
    words = full_name.split()
    if len(words) < 2:
        return full_name
    return "".join(w[0] + "." for w in words[:-1]) + " " + words[-1]


def fit_status(place: str, who: str, clock: str, badges: str | list[str], width: int) -> str:
    """The status line within `width` cells, shortened by priority: the counter, the officer's name and the sync
    state (with what waits to be sent) stay; the commune, the login, the date, the clock and the sync details go
    first (F5 and the sync screen carry those)."""
    if isinstance(badges, str):
        badges = [badges]
    badge = badges[0]
    short_badges = badges[1:] or [badge]
    counter = place.split(" · ")[-1] if " · " in place else place
    tiny_counter = counter.replace("quầy ", "Q.")
    name = who.split(" (")[0]
    time_only = clock[:5]
    candidates = [
        (place, who, clock, badge),
        (place, name, clock, badge),
        (counter, name, clock, badge),
        (counter, name, time_only, badge),
        *((counter, name, time_only, b) for b in short_badges[:2]),
        *((counter, name, "", b) for b in short_badges[1:]),
        (counter, initials(name), "", short_badges[-1]),
        (tiny_counter, initials(name), "", short_badges[-1].replace("Đồng bộ: ", "ĐB: ").replace("chờ gửi", "chờ")),
    ]
    line = ""
    for parts in candidates:
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
        badges: list[str] = [app.sync_text]
        if app.has_services:
            office = app.services.settings.office
            place = f"{office.commune_name} · quầy {office.counter_code}"
            if app.sync_status is not None:
                badges = sync_badges(app.sync_status, app.now(), app.services.settings.sync.backlog_warn_days)
        who = f"{app.officer.full_name} ({app.officer.username})" if app.logged_in else "chưa đăng nhập"
        self.update(fit_status(place, who, f"{app.now():%H:%M %d/%m/%Y}", badges, self.size.width - 2))

    def on_resize(self) -> None:
        self._paint()
