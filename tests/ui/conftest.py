"""UI fixtures: the app on a real migrated database, a fixed clock, and a scan string matching a real person."""

from __future__ import annotations

from datetime import datetime

import pytest

FIXED_NOW = datetime(2026, 11, 23, 9, 30)  # a Monday, office hours
SCAN = "038190012345|012345678|ĐẶNG THỊ ÁNH|17051990|Nữ|Thôn Đông Hải, Xã Quảng Phú, Tỉnh Thanh Hóa|15042021"


@pytest.fixture
def fixed_clock():
    from onestop.domain import VN_TZ

    moment = FIXED_NOW.replace(tzinfo=VN_TZ)
    return lambda: moment


@pytest.fixture
def renderer():
    """The app prints through the real renderer, as `onestop` does."""
    from onestop.printing import ReceiptsRenderer

    return ReceiptsRenderer()


@pytest.fixture
def officer(services):
    return services.officers.get("canbo")


@pytest.fixture
def app(services, officer, fixed_clock):
    from screens.app import make_app

    return make_app(services, officer=officer, clock=fixed_clock)


class MessageLog:
    """Every message dispatched during a Pilot run: pass it as `app.run_test(message_hook=log)`.

    Textual calls the hook just before a message's handler runs, so `wait_for` pauses the pilot once more before
    returning: by then the screen has handled the message and repainted.
    """

    def __init__(self) -> None:
        import asyncio

        self.messages: list[object] = []
        self._arrived = asyncio.Event()

    def __call__(self, message: object) -> None:
        self.messages.append(message)
        self._arrived.set()

    def of(self, kind: type) -> list:
        return [m for m in self.messages if isinstance(m, kind)]

    def mark(self) -> int:
        """A position in the log: `wait_for(..., since=mark)` ignores what came before."""
        return len(self.messages)

    async def wait_for(self, kind: type, pilot, *, since: int = 0, timeout: float = 10.0):
        """The first message of `kind` dispatched after position `since` (waits for it to arrive)."""
        import asyncio

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [m for m in self.messages[since:] if isinstance(m, kind)]
            if found:
                await pilot.pause()
                return found[0]
            self._arrived.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no {kind.__qualname__} message within {timeout} s")
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                pass

    async def wait_for_worker(self, pilot, group: str, *, since: int = 0, timeout: float = 10.0):
        """The end (success or error) of a worker of `group` started after position `since`."""
        from textual.worker import Worker, WorkerState

        position = since
        while True:
            message = await self.wait_for(Worker.StateChanged, pilot, since=position, timeout=timeout)
            position = self.messages.index(message) + 1
            if message.worker.group == group and message.state in (WorkerState.SUCCESS, WorkerState.ERROR):
                return message


@pytest.fixture
def messages() -> MessageLog:
    return MessageLog()


async def workers_done(app) -> None:
    """Like `app.workers.wait_for_complete()`, for runs where a worker is expected to fail (a wrong password):
    its failure is the screen's business (`Worker.StateChanged`), not the test's exception."""
    import asyncio

    await asyncio.gather(*[worker.wait() for worker in app.workers], return_exceptions=True)


async def fill_declaration(pilot, screen) -> None:
    """Put a valid tờ khai into the intake's Tờ khai step (a procedure with a form is not received without one),
    for tests about the other steps; tests/declarations type it key by key."""
    from onestop.declarations.samples import sample
    from screens.intake.declaration import DeclarationStep

    form = screen.step_of(DeclarationStep).form
    assert form is not None, "the procedure has no tờ khai"
    values = sample(screen.procedure.code, screen.received_at().date()) or {}
    for key, value in values.items():
        form.set_value(key, value)
    form.refresh_visibility()
    await pilot.pause()


async def settle(app, pilot) -> None:
    """Wait for the screen's workers, then for what they posted to be handled."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def save_intake(app, pilot, screen, *, open_fee: str = "") -> str:
    """Ctrl+S on the intake screen; the saved dossier's code (asserts it was saved). `open_fee` is typed into an
    empty fee first (a fee the province sets, not in the catalog)."""
    if open_fee:
        fee = screen.query_one("#fee")
        fee.value = fee.value or open_fee
    await pilot.press("ctrl+s")
    await settle(app, pilot)
    assert screen.saved_code, "the dossier was not saved"
    return screen.saved_code


async def wait_until(pilot, condition, *, timeout: float = 10.0, what: str = "") -> None:
    """Let the app work until `condition()` holds: polled every few milliseconds, never longer than `timeout` seconds
    (a bound for a stuck app, not a delay the test relies on: a busy machine only makes it poll longer)."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"still not {what or 'so'} after {timeout} s")
        await pilot.pause(0.01)
    await pilot.pause()
