"""A leader is warned at login, from 1 November, that next year's holidays are estimated and that a day waits for
confirmation; an officer is not."""

from __future__ import annotations


async def _notes(app) -> list[str]:
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        return [n.message for n in app._notifications]


async def test_leader_sees_the_calendar_warning(services, fixed_clock):
    from screens.app import make_app

    leader = await _notes(make_app(services, officer=services.officers.get("lanhdao"), clock=fixed_clock))
    warning = next(m for m in leader if "Chưa có thông báo lịch nghỉ lễ, Tết năm 2027" in m)
    assert "24/11/2026 (Ngày Văn hóa Việt Nam)" in warning  # the clock says 23/11/2026
    officer = await _notes(make_app(services, officer=services.officers.get("canbo"), clock=fixed_clock))
    assert not any("lịch nghỉ" in m for m in officer)
    services.calendar.enter_notice(2027, "Thông báo 1/TB-BNV", actor="lanhdao")
    services.calendar.set_day(__import__("datetime").date(2026, 11, 24), "off", "Đã xác nhận", actor="lanhdao")
    after = await _notes(make_app(services, officer=services.officers.get("lanhdao"), clock=fixed_clock))
    assert not any("lịch nghỉ" in m.lower() or "Lịch nghỉ" in m for m in after)
