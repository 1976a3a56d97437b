"""The app syncs by itself every `sync.interval_s` while the officer works, and says who synced in the audit log."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest


@pytest.fixture
def sqlite_only(server_db):
    if not server_db.endswith(".db"):
        pytest.skip("UI test runs once (SQLite server)")


async def test_periodic_sync_pushes_without_a_key(sqlite_only, counter01, province, receive):
    from screens.app import make_app

    settings = counter01.settings
    counter01.settings = replace(settings, sync=replace(settings.sync, interval_s=5))
    dossier = receive(counter01)
    app = make_app(counter01, officer=counter01.officers.get("canbo"))
    async with app.run_test(size=(120, 40)) as pilot:
        # one interval, no key pressed: wait until the server holds the dossier (30 s at most)
        deadline = time.monotonic() + 30
        while not _held(province, dossier.uuid) and time.monotonic() < deadline:
            await pilot.pause(0.1)
        await app.workers.wait_for_complete()
    assert _held(province, dossier.uuid)
    assert counter01.sync.status().pending == 0
    with counter01.engine.connect() as conn:
        actors = conn.exec_driver_sql("SELECT officer FROM audit_entry WHERE action = 'sync.run'").fetchall()
    assert ("workstation",) in actors  # the periodic run is the workstation's own, not the officer's (trust)


def _held(province, uuid: str) -> bool:
    return uuid in {d["uuid"] for d in province.store.dump()["dossiers"]}
