"""TUI figures: intake keystrokes, intake step latency, home and search open time, real-process RSS.

The in-process figures drive the real screens with Textual's Pilot on the bench database; the RSS figure starts
a real `onestop` process under a pseudo-terminal, logs in, opens home and search, and reads its peak RSS.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import threading
import time
from typing import Any

from onestop.bench.context import BenchContext

BENCH_USER = "bench"
BENCH_PASSWORD = "bench-password"
SCAN = "038190012345|012345678|ĐẶNG THỊ ÁNH|17051990|Nữ|Thôn Đông Hải, Xã Quảng Phú, Tỉnh Thanh Hóa|15042021"
# The officer's keys for a standard birth registration (1.001193) with a scan, besides the scan itself: the
# procedure, then the Tờ khai step (the child's facts, typed where Enter leads: `DECLARATION`), then save.
INTAKE_KEYS = ("f2", *"khai sinh", "enter", "pagedown", "ctrl+s")
INTAKE_RUNS = 10
"""Whole intakes driven per size: ~5 step changes each, so the step switch's p95 is the third-slowest of ~50 (with
five runs it was the second-slowest of 25 and read 28–52 ms from one quiet run to the next)."""
DECLARATION = (
    ("QuanHe", "me"),  # "Mẹ": the applicant (the mother) fills the mother's block
    ("HoTenKS", "Lê Minh Khang"),
    ("NgaySinhChon", ""),  # yesterday, as ddMMyyyy (filled in at run time)
    ("NgaySinhChonBangChu", ""),  # left empty: written in words on save
    ("GioiTinhKS", "nam"),
    ("DanTocKS", "kinh"),
    ("nksNoiSinh_TrongNuoc", "Trạm y tế xã Quảng Phú"),
)


def figures(ctx: BenchContext) -> dict[str, Any]:
    """`intake_keystrokes`, `screen_switch_p95_ms`, `home_open_ms`, `search_open_ms`, `tui_peak_rss_mb` and
    `tui_first_paint_s`, each beside its floor (an empty screen pushed the same way; a one-label app started
    the same way)."""
    figures: dict[str, Any] = {}
    figures.update(asyncio.run(_in_process(ctx)))
    try:
        from screens.search import measure_open

        figures["search_open_ms"] = asyncio.run(measure_open(ctx.services, "nguyen van"))
    except Exception as exc:  # noqa: BLE001  (a UI figure that cannot be measured stays null)
        sys.stderr.write(f"[bench] search_open_ms: {type(exc).__name__}: {exc}\n")
    figures.update(_real_process(ctx))
    return figures


async def _in_process(ctx: Any) -> dict[str, Any]:
    from screens.app import make_app

    services = ctx.services
    officer = services.officers.get(BENCH_USER)
    services.intake.discard_draft(BENCH_USER)
    keystrokes: int | None = None
    switches: list[float] = []
    declaration: list[float] = []
    for run in range(INTAKE_RUNS):
        app = make_app(services, officer=officer)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            count, ok = await _drive_intake(pilot, switches, declaration)
            if run == 0 and ok:
                keystrokes = count
    home_runs, empty_runs = await _home_open(services, officer)
    if empty_runs:
        empty = statistics.median(empty_runs)
        ctx.floors["home_open_ms"] = ctx.floors["search_open_ms"] = round(empty, 1)
        ctx.floors["screen_switch_p95_ms"] = round(_p95(empty_runs), 1)
        if declaration:
            ctx.floors["declaration_step_open_p95_ms"] = round(_p95(empty_runs), 1)
    return {
        "intake_keystrokes": keystrokes,
        "screen_switch_p95_ms": round(_p95(switches), 1) if switches else None,
        "home_open_ms": round(statistics.median(home_runs), 1) if home_runs else None,
        "declaration_step_open_p95_ms": round(_p95(declaration), 1) if declaration else None,
    }


async def _drive_intake(pilot: Any, switches: list[float], declaration: list[float]) -> tuple[int, bool]:
    """Press the officer's keys (timing every step change); the scan is typed by the 'scanner' at step 2."""
    app = pilot.app
    presses = 0
    for key in INTAKE_KEYS:
        screen = app.screen
        step_before = getattr(screen, "step", None)
        started = time.perf_counter()
        await pilot.press(key)
        presses += 1
        screen = app.screen
        step = getattr(screen, "step", None)
        # Saving (step 6 → the done view) is the save, timed by `intake_save_p95_ms`, not a step switch.
        if step_before is not None and step is not None and step != step_before and step < 6:
            # the press can return before the step's first frame is written: wait for that frame
            for _ in range(200):
                if screen.step_painted_at >= started:
                    break
                await pilot.pause()
            elapsed = (screen.step_painted_at - started) * 1000
            if elapsed >= 0:
                switches.append(elapsed)
                if "Declaration" in type(getattr(screen, "current_step", None)).__name__:
                    declaration.append(elapsed)
        if key == "enter" and step == 1 and step_before == 0:
            field = screen.query_one("#id_number")
            field.value = SCAN  # the scanner's keystrokes are not the officer's
            await pilot.press("enter")
        if key == "pagedown" and "Declaration" in type(getattr(screen, "current_step", None)).__name__:
            presses += await _type_declaration(pilot)
    await app.workers.wait_for_complete()
    return presses, bool(getattr(app.screen, "saved_code", ""))


async def _type_declaration(pilot: Any) -> int:
    """Type the birth declaration where Enter leads (from "Quan hệ" through the place of birth); the keys pressed."""
    from datetime import date, timedelta

    yesterday = (date.today() - timedelta(days=1)).strftime("%d%m%Y")
    wanted = dict(DECLARATION) | {"NgaySinhChon": yesterday}
    presses = 0
    for _ in range(len(wanted) + 5):
        await pilot.pause()
        key = (getattr(pilot.app.focused, "id", "") or "").removeprefix("decl-")
        if key not in wanted:
            break
        keys = [c if c != " " else "space" for c in wanted.pop(key)] + ["enter"]
        await pilot.press(*keys)
        presses += len(keys)
        if key == "nksNoiSinh_TrongNuoc":
            break
    return presses


async def _home_open(services: Any, officer: Any) -> tuple[list[float], list[float]]:
    """Push → the home screen's `Loaded` message handled (queues on screen), five times; alternately an empty
    screen pushed the same way until it is mounted and painted (the floor)."""
    from textual.message import Message
    from textual.screen import Screen
    from textual.widgets import Label

    from screens.app import make_app
    from screens.home import HomeScreen

    mounted = asyncio.Event()

    class Empty(Screen[None]):
        def compose(self) -> Any:
            yield Label("")

        def on_mount(self) -> None:
            mounted.set()

    runs: list[float] = []
    empty_runs: list[float] = []
    loaded = asyncio.Event()

    def hook(message: Message) -> None:
        if isinstance(message, HomeScreen.Loaded):
            loaded.set()

    app = make_app(services, officer=officer)
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(5):
            loaded.clear()
            started = time.perf_counter()
            app.call_later(app.push_screen, HomeScreen())  # from the app's context, where the hook is set
            await asyncio.wait_for(loaded.wait(), 60)
            await pilot.pause()
            runs.append((time.perf_counter() - started) * 1000)
            app.pop_screen()
            await pilot.pause()
            mounted.clear()
            started = time.perf_counter()
            app.call_later(app.push_screen, Empty())
            await asyncio.wait_for(mounted.wait(), 60)
            await pilot.pause()
            empty_runs.append((time.perf_counter() - started) * 1000)
            app.pop_screen()
            await pilot.pause()
    return runs, empty_runs


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


# ---------------------------------------------------------------- a real process under a pty


class _Terminal:
    """A pseudo-terminal running one `onestop` process, with its output drained in a thread."""

    def __init__(self, argv: list[str]) -> None:
        import fcntl
        import pty
        import struct
        import subprocess
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
        env.pop("NO_COLOR", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode cached (see onestop.bench.floors)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
        os.close(slave)
        self.output = b""
        self.first_output_at: float | None = None
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk
            if self.first_output_at is None and "Một cửa".encode() in self.output:
                self.first_output_at = time.perf_counter()

    def wait_for(self, text: str, timeout: float = 15.0) -> bool:
        deadline = time.perf_counter() + timeout
        marker = text.encode()
        while time.perf_counter() < deadline:
            if marker in self.output:
                return True
            time.sleep(0.02)
        return False

    def send(self, data: str) -> None:
        os.write(self.master, data.encode())
        time.sleep(0.15)

    def peak_rss_mb(self) -> float | None:
        try:
            with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        try:
            import psutil

            return psutil.Process(self.proc.pid).memory_info().rss / (1024 * 1024)
        except Exception:
            return None

    def close(self) -> None:
        try:
            self.send("\x11")  # Ctrl+Q
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()
            self.proc.wait(timeout=5)
        finally:
            os.close(self.master)


def _first_paint(argv: list[str]) -> float | None:
    """Seconds from exec to the first screen showing the marker, for one process under a pty (then quit)."""
    term = _Terminal(argv)
    try:
        if not term.wait_for("NHẬP", 60):
            return None
        return term.first_output_at - term.started if term.first_output_at else None
    finally:
        term.close()


def _real_process(ctx: Any) -> dict[str, Any]:
    if not sys.platform.startswith("linux"):
        return {}
    from onestop.bench.floors import FIRST_PAINT_FLOOR_APP

    argv = [sys.executable, "-m", "onestop", "--db", str(ctx.db_path), "--config", str(ctx.config_path)]
    paints: list[float] = []
    floors: list[float] = []
    _first_paint(argv)  # warm-up: writes the bytecode cache, fills the OS file cache
    for _ in range(3):  # alternately, so a burst of load from elsewhere tends to hit both
        paint = _first_paint(argv)
        floor = _first_paint([sys.executable, "-c", FIRST_PAINT_FLOOR_APP])
        if paint is not None:
            paints.append(paint)
        if floor is not None:
            floors.append(floor)
    if floors:
        ctx.floors["tui_first_paint_s"] = round(statistics.median(floors), 3)
    term = _Terminal(argv)
    try:
        if not term.wait_for("NHẬP", 60):
            return {}
        term.send(BENCH_USER + "\r")
        term.send(BENCH_PASSWORD + "\r")
        if not term.wait_for("HÀNG ĐỢI", 60):
            return {}
        time.sleep(1.0)
        term.send("\x1bOR")  # F3: search
        time.sleep(1.5)
        rss = term.peak_rss_mb()
    finally:
        term.close()
    return {
        "tui_peak_rss_mb": round(rss, 1) if rss else None,
        "tui_first_paint_s": round(statistics.median(paints), 3) if paints else None,
    }
