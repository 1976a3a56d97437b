"""The audit screen as a leader reads it: every action named in Vietnamese, no internal codes."""

from __future__ import annotations


async def test_form_and_sync_actions_are_named_in_vietnamese(services, officer, fixed_clock, make_dossier):
    from textual.widgets import DataTable

    from screens.app import make_app
    from screens.audit import ACTION_LABELS, AuditScreen

    code = make_dossier().code
    for action in ("form.render", "form.print", "form.print_failed", "sync.run"):
        services.audit.log("canbo", action, code)
    app = make_app(services, officer=services.officers.get("lanhdao"), clock=fixed_clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await app.push_screen(AuditScreen(export_dir=services.backup_dir / "exports"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        shown = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert not {s for s in shown if "." in s or "_" in s}, shown
        assert {"form.render", "form.print", "form.print_failed", "sync.run"} <= set(ACTION_LABELS)
