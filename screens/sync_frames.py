"""Benchmark helper: frame-to-frame intervals of a Textual app while a sync worker runs.

`python -m screens.sync_frames DB CONFIG` runs `services.sync.run_once()` in a thread worker (as the app shell
does) while a 60 Hz timer repaints a widget, then prints one JSON line: p95 and max interval in milliseconds.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import Static


class FrameProbe(App[dict[str, Any]]):
    """A screen that repaints every frame and records how late each frame was."""

    class Synced(Message):
        """The sync worker finished."""

        def __init__(self, pushed: int, pulled: int) -> None:
            super().__init__()
            self.pushed, self.pulled = pushed, pulled

    def __init__(self, services: Any) -> None:
        super().__init__()
        self.services = services
        self.intervals: list[float] = []
        self._last = 0.0
        self._ticks = 0
        self._syncing = False

    def compose(self) -> ComposeResult:
        yield Static("đang đồng bộ…", id="probe")

    def on_mount(self) -> None:
        self._last = time.perf_counter()
        self.set_interval(1 / 60, self._tick)
        self.set_timer(0.3, self._start)

    def _start(self) -> None:
        self._syncing = True
        self._sync()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._syncing:
            self.intervals.append((now - self._last) * 1000)
        self._last = now
        self._ticks += 1
        self.query_one("#probe", Static).update(f"đang đồng bộ… khung {self._ticks}")

    @work(thread=True, exclusive=True, group="sync")
    def _sync(self) -> None:
        report = self.services.sync.run_once(force=True)
        self.post_message(self.Synced(report.pushed, report.pulled))

    @on(Synced)
    def _finish(self, message: Synced) -> None:
        pushed, pulled = message.pushed, message.pulled
        self._syncing = False
        ordered = sorted(self.intervals) or [0.0]
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        self.exit(
            {
                "p95_ms": round(p95, 1),
                "max_ms": round(ordered[-1], 1),
                "frames": len(self.intervals),
                "pushed": pushed,
                "pulled": pulled,
            }
        )


def main() -> None:
    from onestop.config import load_settings
    from onestop.services import open_services

    services = open_services(Path(sys.argv[1]), load_settings(Path(sys.argv[2])), prepare=False)
    result = FrameProbe(services).run(headless=True)
    services.sync.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
