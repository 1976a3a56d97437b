"""An unexpected failure inside a sync run is logged privately and told plainly; the counter keeps working."""

from __future__ import annotations


async def test_unexpected_sync_error_is_told_not_crashed(app, services, monkeypatch):
    citizen_id = "".join(["0381900", "12345"])  # built at run time: the traceback quotes source lines

    def broken(**_kwargs):
        raise RuntimeError(f"database disk image is malformed {citizen_id}")

    monkeypatch.setattr(services.sync, "run_once", broken)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        told = " ".join(str(n.message) for n in app._notifications)
        assert "lỗi không mong đợi" in told and "an toàn" in told
        assert app.is_running and app.screen.__class__.__name__ == "HomeScreen"
    log = services.data_dir / "logs" / "onestop.log"
    assert log.exists() and "RuntimeError" in log.read_text(encoding="utf-8")
    assert citizen_id not in log.read_text(encoding="utf-8")  # no citizen data in the log
