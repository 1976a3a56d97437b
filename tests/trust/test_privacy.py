"""Personal data: retention purge of closed and synced dossiers, a citizen's export, nothing personal in logs."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from onestop.domain import now_vn
from onestop.errors import BadInput, NotFound
from tests.trust.conftest import row_counts


def person(applicant, n: int, name: str = "Nguyễn Văn Bình"):  # type: ignore[no-untyped-def]
    return replace(applicant, id_number=f"038190{n:06d}", full_name=name)


def close(
    db_path: Path, code: str, *, days_ago: int, status: str = "returned", synced: bool = True, outbox_sent: bool = True
) -> None:
    """Make a dossier look as the lifecycle and sync leave it: closed at a given time, synced, outbox acknowledged."""
    at = (now_vn() - timedelta(days=days_ago)).isoformat(timespec="seconds")
    conn = sqlite3.connect(db_path)
    with conn:
        dossier_id, uuid = conn.execute("SELECT id, uuid FROM dossier WHERE code=?", (code,)).fetchone()
        conn.execute("UPDATE status_event SET at=? WHERE dossier_id=?", (at, dossier_id))
        if status != "received":
            conn.execute(
                "INSERT INTO status_event(dossier_id, seq, at, from_status, to_status, officer, reason, note,"
                " origin) VALUES (?, 2, ?, 'received', ?, 'canbo', '', '', 'local')",
                (dossier_id, at, status),
            )
        conn.execute(
            "UPDATE dossier SET status=?, sync_state=? WHERE id=?",
            (status, "synced" if synced else "queued", dossier_id),
        )
        if outbox_sent:
            conn.execute("UPDATE outbox_item SET state='synced' WHERE dossier_uuid=?", (uuid,))
    conn.close()


@pytest.fixture
def scans(tmp_path: Path) -> tuple[Path, Path]:
    own, shared = tmp_path / "own.pdf", tmp_path / "shared.pdf"
    own.write_bytes(b"%PDF own scan")
    shared.write_bytes(b"%PDF shared scan")
    return own, shared


def test_purge_removes_only_closed_synced_and_old(services, make_dossier, applicant, db_path, scans) -> None:
    own, shared = scans
    old = make_dossier(applicant=person(applicant, 1), attachments=((0, str(own)),))
    also_old = make_dossier(applicant=person(applicant, 2), attachments=((0, str(shared)),))
    unsynced = make_dossier(applicant=person(applicant, 3), attachments=((0, str(shared)),))
    pending = make_dossier(applicant=person(applicant, 4))
    still_open = make_dossier(applicant=person(applicant, 5))
    recent = make_dossier(applicant=person(applicant, 6))
    keeps_citizen = make_dossier(applicant=person(applicant, 2))  # same citizen as also_old, still open
    retention = services.settings.security.retention_days
    close(db_path, old.code, days_ago=retention + 10)
    close(db_path, also_old.code, days_ago=retention + 1, status="rejected")
    close(db_path, unsynced.code, days_ago=retention + 10, synced=False, outbox_sent=False)
    close(db_path, pending.code, days_ago=retention + 10, outbox_sent=False)
    close(db_path, still_open.code, days_ago=retention + 10, status="received")
    close(db_path, recent.code, days_ago=retention - 1)
    before = row_counts(db_path)

    preview = services.privacy.purge("admin", dry_run=True)
    assert set(preview.purged_codes) == {old.code, also_old.code} and preview.kept_unsynced == 2
    assert row_counts(db_path) == before  # a dry run changes nothing

    report = services.privacy.purge("admin")
    assert set(report.purged_codes) == {old.code, also_old.code}
    assert report.citizens_removed == 1 and report.files_removed == 1
    conn = sqlite3.connect(db_path)
    remaining = {r[0] for r in conn.execute("SELECT code FROM dossier")}
    assert remaining == {unsynced.code, pending.code, still_open.code, recent.code, keeps_citizen.code}
    for table in ("status_event", "payment", "dossier_document"):
        orphans = conn.execute(f"SELECT count(*) FROM {table} WHERE dossier_id NOT IN (SELECT id FROM dossier)")
        assert orphans.fetchone()[0] == 0, table
    assert (
        conn.execute(
            "SELECT count(*) FROM attachment WHERE document_id NOT IN (SELECT id FROM dossier_document)"
        ).fetchone()[0]
        == 0
    )
    assert (
        conn.execute(
            "SELECT count(*) FROM outbox_item WHERE dossier_code IN (?, ?)", (old.code, also_old.code)
        ).fetchone()[0]
        == 0
    )
    citizens = {r[0] for r in conn.execute("SELECT id_number FROM citizen")}
    assert "038190000001" not in citizens and "038190000002" in citizens
    purged = conn.execute(
        "SELECT dossier_code, closed_at, note, officer FROM purge_record ORDER BY dossier_code"
    ).fetchall()
    conn.close()
    assert [p[0] for p in purged] == sorted([old.code, also_old.code])
    assert all(p[1] and p[3] == "admin" for p in purged)
    assert not any("Nguyễn" in p[2] or "038190" in p[2] for p in purged)  # codes and dates only
    sha_own = old.documents[0].attachments[0].sha256
    sha_shared = also_old.documents[0].attachments[0].sha256
    assert not (services.files_dir / sha_own[:2] / sha_own).exists()
    assert (services.files_dir / sha_shared[:2] / sha_shared).exists()  # still used by the unsynced dossier
    assert sqlite3.connect(db_path).execute("PRAGMA foreign_key_check").fetchall() == []
    entry = services.audit.entries(limit=1)[0]
    assert entry.action == "privacy.purge" and entry.officer == "admin" and "2 hồ sơ" in entry.detail
    assert {r["dossier_code"] for r in services.privacy.purge_records()} == {old.code, also_old.code}
    assert services.privacy.purge("admin").count == 0  # idempotent


def test_purge_honours_the_configured_retention(services, make_dossier, applicant, db_path) -> None:
    d = make_dossier()
    close(db_path, d.code, days_ago=40)
    assert services.privacy.purge("admin").count == 0
    services.settings = replace(services.settings, security=replace(services.settings.security, retention_days=30))
    services.__dict__.pop("privacy", None)
    assert services.privacy.purge("admin").purged_codes == (d.code,)


def test_cli_purge(cli, make_dossier, db_path) -> None:
    d = make_dossier()
    close(db_path, d.code, days_ago=1000)
    dry = cli("purge", "--officer", "admin", "--dry-run", "--json")
    assert dry.code == 0 and json.loads(dry.stdout)["codes"] == [d.code]
    assert row_counts(db_path)["dossier"] == 1
    done = cli("purge", "--officer", "admin")
    assert done.code == 0 and done.stdout.strip() == d.code and row_counts(db_path)["dossier"] == 0


def test_citizen_export_holds_everything_and_is_audited(services, make_dossier, applicant, tmp_path) -> None:
    first = make_dossier()
    second = make_dossier("2.000815") if _procedure_exists(services, "2.000815") else make_dossier()
    make_dossier(applicant=person(applicant, 9, "Lê Văn Khác"))
    data = services.privacy.export_citizen(f" {applicant.id_number} ", "lanhdao")
    assert data["citizen"]["id_number"] == applicant.id_number and data["citizen"]["full_name"] == applicant.full_name
    assert data["citizen"]["address"] == applicant.address and data["citizen"]["birth_date"] == "1990-05-17"
    assert {d["code"] for d in data["dossiers"]} == {first.code, second.code}
    assert all(d["events"] and d["payments"] for d in data["dossiers"])
    assert "Lê Văn Khác" not in json.dumps(data, ensure_ascii=False)
    assert [e.action for e in services.audit.entries(dossier_code=first.code, limit=5)][0] == "dossier.export"
    assert services.audit.entries(limit=3)[-1].action == "privacy.export"
    out = services.privacy.write_export(data, tmp_path / "x" / "export.json")
    assert json.loads(out.read_text(encoding="utf-8"))["citizen"]["full_name"] == "Đặng Thị Ánh"
    assert out.stat().st_mode & 0o777 == 0o600
    with pytest.raises(NotFound):
        services.privacy.export_citizen("038190999999", "lanhdao")
    for bad in ("123", "abcdefghijkl", "", "0381900123451"):
        with pytest.raises(BadInput):
            services.privacy.export_citizen(bad, "lanhdao")


def _procedure_exists(services, code: str) -> bool:  # type: ignore[no-untyped-def]
    try:
        services.catalog.get(code)
        return True
    except Exception:
        return False


def test_cli_citizen_export(cli, make_dossier, applicant, tmp_path) -> None:
    make_dossier()
    shown = cli("citizen", "export", applicant.id_number, "--officer", "lanhdao")
    assert shown.code == 0 and json.loads(shown.stdout)["citizen"]["full_name"] == applicant.full_name
    out = tmp_path / "e.json"
    assert cli("citizen", "export", applicant.id_number, "--officer", "lanhdao", "--out", str(out)).code == 0
    assert out.stat().st_mode & 0o777 == 0o600
    assert cli("citizen", "export", "038190999999", "--officer", "lanhdao").code == 3
    assert cli("citizen", "export", "12ab", "--officer", "lanhdao").code == 2


# ---------------------------------------------------------------- logs carry no personal data


def test_unexpected_error_log_carries_no_personal_data(services, make_dossier, applicant, tmp_path) -> None:
    """A failing SQL statement with a citizen's data as parameters: the crash log names code, not values."""
    from sqlalchemy import text

    from onestop.crashlog import report_unexpected

    qr = f"{applicant.id_number}|123456789|{applicant.full_name}|17051990|Nữ|{applicant.address}|01012021"
    make_dossier()
    try:
        with services.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO citizen(id_number, full_name, name_fold, gender, address, phone, email,"
                    " old_id_number, updated_at) VALUES (:i, :n, :n, '', :a, :q, '', '', 'x')"
                ),
                {"i": applicant.id_number, "n": applicant.full_name, "a": applicant.address, "q": qr},
            )
    except Exception as exc:  # duplicate id_number
        log = tmp_path / "logs" / "onestop.log"
        assert report_unexpected(exc, log) == 1
    else:
        pytest.fail("the duplicate insert should have failed")
    content = log.read_text(encoding="utf-8")
    assert "IntegrityError" in content
    for secret in (applicant.id_number, applicant.full_name, applicant.address, qr, "Đặng"):
        assert secret not in content
    assert log.stat().st_mode & 0o777 == 0o600 and log.parent.stat().st_mode & 0o777 == 0o700


def test_cli_failures_do_not_echo_scans_or_id_numbers_into_logs(cli, services, db_path, tmp_path) -> None:
    """Bad scans and IDs get a message on the terminal; no log file anywhere receives them."""
    qr = "038190012345|123456789|Đặng Thị Ánh|17051990|Nữ|Thôn Đông Hải|0101" + "X" * 40
    result = cli("intake", "--procedure", "2.001035", "--qr", qr, "--officer", "canbo")
    assert result.code == 2 and "Traceback" not in result.output
    for log in db_path.parent.rglob("*.log"):
        text = log.read_text(encoding="utf-8", errors="replace")
        assert "038190012345" not in text and "Đặng Thị Ánh" not in text


def test_crash_log_drops_messages_that_may_quote_personal_data(tmp_path) -> None:
    from onestop.crashlog import report_unexpected

    qr = "038190012345|123456789|Đặng Thị Ánh|17051990|Nữ|Thôn Đông Hải|01012021"
    try:
        try:
            raise KeyError(qr)
        except KeyError as inner:
            raise ValueError(f"could not parse {qr}") from inner
    except ValueError as exc:
        log = tmp_path / "logs" / "onestop.log"
        report_unexpected(exc, log)
    content = log.read_text(encoding="utf-8")
    assert "ValueError" in content and "KeyError" in content and "test_privacy.py" in content
    assert "038190012345" not in content and "Đặng" not in content and "Thôn" not in content
    try:
        raise OSError(28, "No space left on device")
    except OSError as exc:
        report_unexpected(exc, log)
    assert "No space left on device" in log.read_text(encoding="utf-8")
