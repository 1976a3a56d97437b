"""The sync screen with the real server: reasons shown, retry and conflict resolution from the keyboard."""

from __future__ import annotations

import pytest

from onestop.domain import Status


async def until(pilot, condition, what: str, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Wait on the screen's state (not on a worker, which a newer reload may cancel), up to `timeout` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for: {what}"
        await pilot.pause(0.05)


@pytest.fixture
def sqlite_only(server_db):
    if not server_db.endswith(".db"):
        pytest.skip("UI test runs once (SQLite server)")


async def test_sync_screen_lists_reasons_and_resolves(sqlite_only, counter01, province, receive):
    from screens.app import make_app
    from screens.sync_screen import SyncScreen

    a = receive(counter01)
    counter01.sync.run_once()
    province.store.set_status(a.uuid, Status.STOPPED.national_code)
    counter01.dossiers.transition(a.code, Status.IN_PROGRESS, actor="canbo")
    b = receive(counter01)
    with counter01.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE outbox_item SET payload = replace(payload, '\"H56.14\"', '\"H99.01\"') "
            f"WHERE kind = 'dossier.upsert' AND dossier_uuid = '{b.uuid}'"
        )
    counter01.sync.run_once()
    app = make_app(counter01, officer=counter01.officers.get("canbo"))
    async with app.run_test(size=(140, 40)) as pilot:
        screen = SyncScreen()
        await app.push_screen(screen)

        def states() -> dict[str, set[str]]:
            found: dict[str, set[str]] = {}
            for i in screen.items:
                found.setdefault(i.dossier_code, set()).add(i.state)
            return found

        await until(pilot, lambda: {a.code, b.code} <= set(states()), "the queue on screen")
        await until(pilot, lambda: "xung đột: 1" in str(screen.query_one("#sync-summary").render()), "the summary")
        assert "conflict" in states()[a.code] and states()[b.code] == {"rejected", "queued"}
        summary = str(screen.query_one("#sync-summary").render())
        assert "xung đột: 1" in summary and "bị từ chối: 1" in summary
        # move to the conflict and keep the province's version
        index = next(n for n, i in enumerate(screen.items) if i.state == "conflict")
        screen.query_one("#sync-table").move_cursor(row=index)
        await pilot.pause()
        assert "Xung đột" in str(screen.query_one("#sync-detail").render())
        await pilot.press("u")
        await until(pilot, lambda: "conflict" not in states().get(a.code, set()), "the conflict resolved on screen")
        assert counter01.dossiers.peek(a.code).status is Status.STOPPED
        # retry everything rejected
        await pilot.press("a")
        await until(pilot, lambda: "rejected" not in states().get(b.code, set()), "the retry on screen")
        assert not [i for i in screen.items if i.state in ("rejected", "conflict")]
