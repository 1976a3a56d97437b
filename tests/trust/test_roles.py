"""Each role's limits, proven through the services and through the CLI (CONTRACT.md "Who acts").

Roles nest: admin ⊇ leader ⊇ officer. officer: intake and counter actions; leader: reports, due-date overrides,
calendar changes, catalog import, audit log, citizen export; admin: officers, settings, restore, purge.
Exit codes: unknown officer 3, insufficient role or inactive account 4, missing --officer 2.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from onestop.domain import Role
from onestop.errors import BadInput, NotFound, PermissionDenied
from tests.conftest import INTAKE_ARGS, contract_catalog
from tests.trust.conftest import row_counts


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    return contract_catalog(tmp_path, name="Chứng thực giao dịch", days=2, fee=50000)


def _limits(services, catalog_file: Path):  # type: ignore[no-untyped-def]
    """(minimum role, action taking an actor) for every role-gated service call."""
    day = date(2026, 12, 24)
    return [
        (Role.LEADER, lambda who: services.catalog.import_file(catalog_file, actor=who, merge=True)),
        (Role.LEADER, lambda who: services.calendar.set_day(day, "off", "Thông báo thử", actor=who)),
        (Role.LEADER, lambda who: services.privacy.export_citizen("038190012345", who)),
        (Role.LEADER, lambda who: services.audit.browse(who)),
        (Role.LEADER, lambda who: services.audit.export_csv(catalog_file.with_suffix(".csv"), actor=who)),
        (
            Role.ADMIN,
            lambda who: services.officers.add(f"moi{str(who)[:3]}", "Cán Bộ Mới", Role.OFFICER, "12345678", actor=who),
        ),
        (Role.ADMIN, lambda who: services.officers.set_active("canbo", True, actor=who)),
        (Role.ADMIN, lambda who: services.privacy.purge(who, dry_run=True)),
    ]


@pytest.mark.parametrize("index", range(8))
def test_each_service_action_needs_its_role(services, make_dossier, catalog_file, index) -> None:
    make_dossier()
    minimum, action = _limits(services, catalog_file)[index]
    for username, role in (("canbo", Role.OFFICER), ("lanhdao", Role.LEADER), ("admin", Role.ADMIN)):
        if role.rank < minimum.rank:
            with pytest.raises(PermissionDenied, match="không có quyền"):
                action(username)
        else:
            action(username)
    with pytest.raises(NotFound):
        action("ghost")
    with pytest.raises(BadInput):
        action(None)


def test_officer_can_receive_but_an_inactive_or_unknown_one_cannot(services, make_dossier) -> None:
    assert make_dossier(officer="canbo").officer == "canbo"
    services.officers.set_active("canbo", False, actor="admin")
    with pytest.raises(PermissionDenied, match="khóa"):
        make_dossier(officer="canbo")
    with pytest.raises(NotFound):
        make_dossier(officer="ghost")
    with pytest.raises(BadInput):
        make_dossier(officer="")


def test_restore_is_admin_only(services, make_dossier) -> None:
    make_dossier()
    result = services.backup.backup(actor="canbo")
    for who in ("canbo", "lanhdao"):
        with pytest.raises(PermissionDenied):
            services.backup.restore(result.path, actor=who)


def test_due_date_override_needs_a_leader(services, make_dossier) -> None:
    dossiers = services.dossiers
    from onestop.domain import Status, now_vn

    d = make_dossier()
    later = now_vn() + timedelta(days=20)
    with pytest.raises(PermissionDenied):
        dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo", new_due=later, reason="Hồ sơ phức tạp")
    moved = dossiers.transition(d.code, Status.IN_PROGRESS, actor="lanhdao", new_due=later, reason="Hồ sơ phức tạp")
    assert moved.due_at is not None and abs((moved.due_at - later).total_seconds()) < 2


# ---------------------------------------------------------------- the same limits through the CLI


def _intake_args(officer: str | None) -> list[str]:
    return [*INTAKE_ARGS, *(["--officer", officer] if officer else [])]


CLI_CASES = {
    # name: (args without --officer, role needed)
    "catalog import": (lambda f: ["catalog", "import", str(f), "--merge"], Role.LEADER),
    "calendar set": (lambda f: ["calendar", "set", "2026-12-24", "off", "--reason", "Thông báo thử"], Role.LEADER),
    "officer add": (lambda f: ["officer", "add", "moi", "--name", "Cán Bộ Mới", "--password-stdin"], Role.ADMIN),
    "purge": (lambda f: ["purge", "--dry-run"], Role.ADMIN),
    "citizen export": (lambda f: ["citizen", "export", "038190012345"], Role.LEADER),
}


@pytest.mark.parametrize("name", sorted(CLI_CASES))
def test_cli_role_limits_and_exit_codes(cli, make_dossier, db_path, catalog_file, name) -> None:
    make_dossier()
    build, needed = CLI_CASES[name]
    args = build(catalog_file)
    stdin = "matkhau-moi-123\n"
    before = row_counts(db_path)
    missing = cli(*args, stdin=stdin)  # nobody logged in (CONTRACT "Who acts": exit 4, was 2 "--officer")
    assert missing.code == 4 and "onestop login" in missing.stderr, missing.output
    unknown = cli(*args, "--officer", "ghost", stdin=stdin)
    assert unknown.code == 3 and "ghost" in unknown.stderr, unknown.output
    for username, role in (("canbo", Role.OFFICER), ("lanhdao", Role.LEADER)):
        if role.rank < needed.rank:
            denied = cli(*args, "--officer", username, stdin=stdin)
            assert denied.code == 4 and "không có quyền" in denied.stderr, denied.output
    after = row_counts(db_path)
    assert {k: v for k, v in after.items() if k != "audit_entry"} == {
        k: v for k, v in before.items() if k != "audit_entry"
    }  # refusals change nothing
    allowed = "lanhdao" if needed is Role.LEADER else "admin"
    ok = cli(*args, "--officer", allowed, stdin=stdin)
    assert ok.code == 0, ok.output
    assert "Traceback" not in missing.output + unknown.output + ok.output


def test_cli_intake_officer_rules(cli, services, db_path) -> None:
    assert cli(*_intake_args(None)).code == 4  # nobody logged in: `onestop login` first (was 2)
    assert cli(*_intake_args("ghost")).code == 3
    services.officers.set_active("canbo", False, actor="admin")
    assert cli(*_intake_args("canbo")).code == 4
    assert row_counts(db_path)["dossier"] == 0
    ok = cli(*_intake_args("lanhdao"))
    assert ok.code == 0 and ok.stdout.startswith("H56.14-")


def test_cli_due_override_needs_a_leader(cli, make_dossier) -> None:
    d = make_dossier()
    later = (date.today() + timedelta(days=30)).isoformat() + "T09:00"
    args = ["dossier", "transition", d.code, "--to", "in_progress", "--new-due", later, "--reason", "Phức tạp"]
    assert cli(*args).code == 4  # nobody logged in: `onestop login` first (was 2)
    assert cli(*args, "--officer", "ghost").code == 3
    assert cli(*args, "--officer", "canbo").code == 4
    assert cli(*args, "--officer", "lanhdao").code == 0


def test_first_officer_can_be_created_without_an_admin(tmp_path, config_path) -> None:
    from tests.trust.conftest import run_cli

    db = tmp_path / "fresh" / "onestop.db"
    first = run_cli(
        [
            "officer",
            "add",
            "quantri",
            "--name",
            "Quản Trị",
            "--role",
            "admin",
            "--password-stdin",
            "--db",
            str(db),
            "--config",
            str(config_path),
        ],
        "matkhau-quantri\n",
    )
    assert first.code == 0, first.output
    second = run_cli(
        [
            "officer",
            "add",
            "canbo2",
            "--name",
            "Cán Bộ",
            "--password-stdin",
            "--db",
            str(db),
            "--config",
            str(config_path),
        ],
        "matkhau-canbo2\n",
    )
    assert second.code == 4 and "onestop login" in second.stderr  # now an admin must be logged in (was 2)
