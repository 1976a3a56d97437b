"""The audit log: append-only at the SQL level, an entry for each action, no personal data, leaders' screen."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from onestop.errors import PermissionDenied
from tests.conftest import OFFICER_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def actions(services, **filters) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.action for e in services.audit.entries(limit=1000, **filters)]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET officer='ai-do'",
        "UPDATE audit_entry SET detail='' WHERE id=1",
        "DELETE FROM audit_entry",
        "DELETE FROM audit_entry WHERE id=1",
        "INSERT OR REPLACE INTO audit_entry (id, at, officer, action, dossier_code, detail) "
        "VALUES (1, '2026-01-01T08:00:00+07:00', 'ai-do', 'login', '', '')",
        "REPLACE INTO audit_entry (id, at, officer, action, dossier_code, detail) "
        "VALUES (1, '2026-01-01T08:00:00+07:00', 'ai-do', 'login', '', '')",
        "INSERT INTO audit_entry (id, at, officer, action, dossier_code, detail) "
        "VALUES (1, '2026-01-01T08:00:00+07:00', 'ai-do', 'login', '', '') "
        "ON CONFLICT(id) DO UPDATE SET officer=excluded.officer",
        "INSERT INTO audit_entry (id, at, officer, action, dossier_code, detail) "
        "VALUES (1, '2026-01-01T08:00:00+07:00', 'ai-do', 'login', '', '') ON CONFLICT DO NOTHING",
        "INSERT OR IGNORE INTO audit_entry (id, at, officer, action, dossier_code, detail) "
        "VALUES (1, '2026-01-01T08:00:00+07:00', 'ai-do', 'login', '', '')",
        "INSERT INTO audit_entry (id, at, officer, action, dossier_code, detail) "
        "SELECT id, at, 'ai-do', action, dossier_code, '' FROM audit_entry",
        "UPDATE OR REPLACE audit_entry SET id=1 WHERE id=1",
    ],
)
def test_append_only_at_the_sql_level(services, db_path, statement) -> None:
    services.audit.log("admin", "test.entry", detail="x")
    before = (
        sqlite3.connect(db_path).execute("SELECT count(*), group_concat(officer || detail) FROM audit_entry").fetchone()
    )
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(statement)
    conn.close()
    from sqlalchemy.exc import DatabaseError

    with pytest.raises(DatabaseError):
        with services.engine.begin() as c:
            c.exec_driver_sql(statement)
    after = (
        sqlite3.connect(db_path).execute("SELECT count(*), group_concat(officer || detail) FROM audit_entry").fetchone()
    )
    assert after == before


def test_a_day_of_work_never_edits_or_removes_an_earlier_entry(services, make_dossier, applicant, tmp_path) -> None:
    """Every action that touches many rows (purge, restore, export, catalog import, officer changes) runs; each
    entry that existed before is still there, byte for byte, and the ids only grow."""
    from onestop.domain import Role, Status

    def snapshot() -> list[tuple]:
        conn = sqlite3.connect(services.db_path)
        try:
            return conn.execute(
                "SELECT id, at, officer, action, dossier_code, detail FROM audit_entry ORDER BY id"
            ).fetchall()
        finally:
            conn.close()

    services.audit.log("admin", "test.first", detail="x")
    first = snapshot()
    from tests.trust.test_privacy import close

    old = make_dossier()
    close(services.db_path, old.code, days_ago=services.settings.security.retention_days + 10)
    services.dossiers.transition(make_dossier().code, Status.IN_PROGRESS, actor="canbo")
    middle = snapshot()
    services.privacy.export_citizen(applicant.id_number, actor="lanhdao")
    services.audit.export_csv(tmp_path / "audit.csv", actor="lanhdao")
    services.officers.add("moi", "Cán Bộ Mới", Role.OFFICER, "mat-khau-moi-1", actor="admin")
    services.officers.set_active("moi", False, actor="admin")
    backup = services.backup.backup(tmp_path / "b.osbak", actor="admin")
    assert services.privacy.purge("admin").purged_codes == (old.code,)
    services.backup.restore(backup.path, actor="admin")
    after = snapshot()
    assert after[: len(middle)] == middle and after[: len(first)] == first
    assert [row[0] for row in after] == sorted({row[0] for row in after})
    assert len(after) > len(middle)


def test_each_action_leaves_an_entry_without_personal_data(services, make_dossier, applicant, tmp_path) -> None:
    d = make_dossier()
    assert ("canbo", "dossier.create") in [(e.officer, e.action) for e in services.audit.entries(dossier_code=d.code)]
    services.officers.authenticate("canbo", OFFICER_PASSWORD)
    with pytest.raises(Exception):
        services.officers.authenticate("canbo", "sai-mat-khau")
    catalog = tmp_path / "tinh.json"
    catalog.write_text(
        json.dumps(
            {
                "procedures": [
                    {
                        "code": "2.001035",
                        "name": "Chứng thực giao dịch",
                        "field": "Chứng thực",
                        "fee_vnd": 50000,
                        "deadline": {"amount": 2, "unit": "working_days"},
                    }
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    services.catalog.import_file(catalog, actor="lanhdao", merge=True)
    services.calendar.set_day(date(2026, 12, 24), "off", "Thông báo của UBND tỉnh", actor="lanhdao")
    backup = services.backup.backup(actor="canbo")
    services.privacy.export_citizen(applicant.id_number, "lanhdao")
    services.audit.export_csv(tmp_path / "audit.csv", actor="lanhdao")
    services.privacy.purge("admin")
    from onestop.domain import Status

    services.dossiers.get(d.code, actor="canbo")
    services.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo")
    seen = actions(services)
    for expected in (
        "dossier.create",
        "login",
        "login.failed",
        "catalog.import",
        "calendar.set",
        "backup.create",
        "privacy.export",
        "dossier.export",
        "audit.export",
        "privacy.purge",
    ):
        assert expected in seen, expected
    assert {"dossier.view", "dossier.transition"} <= set(actions(services, dossier_code=d.code))
    services.backup.restore(backup.path, actor="admin")
    assert actions(services)[0] == "backup.restore"
    text = "\n".join(f"{e.officer} {e.action} {e.dossier_code} {e.detail}" for e in services.audit.entries(limit=1000))
    for secret in (applicant.id_number, applicant.full_name, "Đặng", applicant.phone, applicant.address):
        assert secret not in text


def test_browse_and_csv_export_are_for_leaders(services, make_dossier, tmp_path) -> None:
    d = make_dossier()
    make_dossier()
    with pytest.raises(PermissionDenied):
        services.audit.browse("canbo")
    mine = services.audit.browse("lanhdao", dossier_code=d.code)
    assert [e.action for e in mine] == ["dossier.create"]
    assert services.audit.count(dossier_code=d.code) == 1
    out = tmp_path / "exports" / "audit.csv"
    rows = services.audit.export_csv(out, actor="lanhdao", officer="canbo")
    assert rows == 2 and (out.stat().st_mode & 0o777) == 0o600
    with out.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["id", "thoi_gian", "can_bo", "hanh_dong", "ma_ho_so", "chi_tiet"]
    assert [r[3] for r in table[1:]] == ["dossier.create", "dossier.create"]
    assert actions(services)[0] == "audit.export"


def test_cli_audit_list_and_export(cli, make_dossier, tmp_path) -> None:
    d = make_dossier()
    assert cli("audit", "list", "--dossier", d.code).code == 4  # no session: `onestop login` first (was: no check)
    listed = cli("audit", "list", "--dossier", d.code, "--json", "--officer", "lanhdao")
    assert listed.code == 0 and [e["action"] for e in json.loads(listed.stdout)] == ["dossier.create"]
    assert cli("audit", "list", "--officer", "canbo").code == 4
    out = tmp_path / "nk.csv"
    assert cli("audit", "export", "--out", str(out)).code == 4  # the session's officer (canbo) is no leader (was 2)
    ok = cli("audit", "export", "--out", str(out), "--officer", "lanhdao")
    assert ok.code == 0 and out.exists(), ok.output


# ---------------------------------------------------------------- the leaders' screen


def _host(services, officer):  # type: ignore[no-untyped-def]
    from textual.app import App

    from screens.audit import AuditScreen

    class Host(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.services, self.officer = services, officer

        def on_mount(self) -> None:
            self.push_screen(AuditScreen(export_dir=services.backup_dir / "exports"))

    return Host()


async def test_audit_screen_pages_filters_and_exports(services, make_dossier) -> None:
    from textual.widgets import DataTable, Input

    from screens.audit import PAGE_SIZE

    codes = [make_dossier().code for _ in range(3)]
    for i in range(PAGE_SIZE + 5):
        services.audit.log("lanhdao", "dossier.view", codes[i % 3])
    app = _host(services, services.officers.get("lanhdao"))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        table = screen.query_one(DataTable)
        assert table.row_count == PAGE_SIZE
        await pilot.press("pagedown")
        assert table.row_count > 0 and screen.page_starts[-1] is not None
        await pilot.press("pageup")
        assert table.row_count == PAGE_SIZE
        screen.query_one("#audit-dossier", Input).value = codes[0]
        screen.apply_filter()
        await pilot.pause()
        assert {e.dossier_code for e in screen.entries} == {codes[0]}
        await pilot.press("ctrl+e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        exported = list((services.backup_dir / "exports").glob("nhat-ky-*.csv"))
        assert len(exported) == 1 and codes[0] in exported[0].read_text(encoding="utf-8-sig")
        assert not any("delete" in (b.action or "") or "edit" in (b.action or "") for b in screen.BINDINGS)


async def test_audit_screen_refuses_a_counter_officer(services, make_dossier) -> None:
    from textual.widgets import DataTable, Static

    make_dossier()
    app = _host(services, services.officers.get("canbo"))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.screen.query_one(DataTable).row_count == 0
        assert "không có quyền" in str(app.screen.query_one("#audit-status", Static).render())
