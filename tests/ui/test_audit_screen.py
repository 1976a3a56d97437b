"""The audit screen as a leader reads it: every action named in Vietnamese, no internal codes."""

from __future__ import annotations


async def actions_shown(services, clock, column: int = 2) -> set[str]:
    """The "action" column (or another) of the audit screen as a leader opens it."""
    from textual.widgets import DataTable

    from screens.app import make_app
    from screens.audit import AuditScreen

    app = make_app(services, officer=services.officers.get("lanhdao"), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await app.push_screen(AuditScreen(export_dir=services.backup_dir / "exports"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        return {str(table.get_row_at(i)[column]) for i in range(table.row_count)}


async def test_form_and_sync_actions_are_named_in_vietnamese(services, officer, fixed_clock, make_dossier):
    from screens.audit import ACTION_LABELS

    code = make_dossier().code
    for action in ("form.render", "form.print", "form.print_failed", "sync.run"):
        services.audit.log("canbo", action, code)
    shown = await actions_shown(services, fixed_clock)
    assert not {s for s in shown if "." in s or "_" in s}, shown
    assert {"form.render", "form.print", "form.print_failed", "sync.run"} <= set(ACTION_LABELS)


async def test_actions_recorded_by_real_use_are_named_in_vietnamese(services, officer, fixed_clock):
    """A morning's real actions — failed logins that lock an account, the account unlocked, a receipt series set,
    a logout from the TUI — read in Vietnamese on the audit screen, none as the code stored in the log."""
    from datetime import timedelta

    from onestop.errors import OneStopError
    from screens.app import make_app

    start = services.officers.clock()
    for attempt in range(5):  # each try after the wait the throttle asks for (at most 8 s here)
        services.officers.clock = lambda at=start + timedelta(seconds=20 * attempt): at
        try:
            services.officers.authenticate("canbo", "sai-mat-khau")
        except OneStopError:
            pass
    services.officers.unlock("canbo", actor="admin")
    services.fee_receipts.set_series("AB/26E", "01", 1, actor="lanhdao")
    app = make_app(services, officer=services.officers.get("canbo"), clock=fixed_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("f12")
        await pilot.pause()
    stored = {e.action for e in services.audit.entries()}
    assert {"login.failed", "officer.locked", "officer.unlock", "fee.series", "logout"} <= stored, stored
    shown = await actions_shown(services, fixed_clock)
    assert not shown & stored, shown & stored


async def test_details_name_statuses_channels_roles_and_day_kinds_in_vietnamese(
    services, officer, fixed_clock, make_dossier
):
    """What was recorded with codes ("received→in_progress", "kênh paper", "(officer)", "off") reads in Vietnamese
    on the screen; the log itself keeps what was written (the CSV export is the record)."""
    from datetime import date

    from onestop.domain import Role, Status

    d = make_dossier()
    services.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo")
    services.officers.add("canbo2", "Trần Thị Hoa", Role.OFFICER, "matkhau-dai-du", actor="admin")
    services.calendar.set_day(date(2026, 12, 24), "off", "Nghỉ theo quyết định của UBND tỉnh", actor="lanhdao")
    details = await actions_shown(services, fixed_clock, column=4)
    assert "Được tiếp nhận → Đang xử lý" in details, details
    assert any(x.endswith("; kênh trực tiếp") for x in details), details
    assert "canbo2 (Cán bộ tiếp nhận)" in details, details
    assert any(x.startswith("24/12/2026 ngày nghỉ: Nghỉ theo quyết định") for x in details), details
    stored = {e.detail for e in services.audit.entries()}
    assert "received→in_progress" in stored and "canbo2 (officer)" in stored
