"""The intake service keeps procedures, officers, forms and the working calendar in memory (issue 16); a change made
by another process — another `Services` on the same file here, as the command line beside the TUI — is used at the
next save, because migration 0008's stamp is checked inside every save's transaction. Also: checkpoints run in the
background, never inside a save's commit, and the bench's floor recorder sees every statement of a save.
No test here times anything."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from onestop.domain import VN_TZ, DocKind, DocumentLine, IntakeDraft
from onestop.errors import PermissionDenied
from tests.conftest import new_contract_version, sample_declaration


@pytest.fixture
def elsewhere(db_path, settings):
    """A second set of services on the same database file: what another process would do."""
    from onestop.services import open_services

    other = open_services(db_path, settings)
    yield other
    other.close()


def _draft(applicant, procedure: str = "2.001035", **changes) -> IntakeDraft:
    changes.setdefault("declaration", sample_declaration(procedure, changes.get("received_at")))
    return IntakeDraft(
        procedure_code=procedure,
        applicant=applicant,
        documents=(DocumentLine("Tờ khai (theo mẫu)", DocKind.ORIGINAL, 1),),
        **changes,
    )


def _stamp(db_path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT n FROM reference_stamp WHERE id = 1").fetchone()[0]


def _dossiers(db_path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT count(*) FROM dossier").fetchone()[0]


def test_a_procedure_imported_elsewhere_is_the_one_the_next_save_uses(services, elsewhere, applicant, tmp_path):
    first = services.intake.save(_draft(applicant), "canbo")  # the procedure is now held in memory
    path = new_contract_version(tmp_path)
    version = elsewhere.catalog.import_file(path, actor="admin", merge=True)
    assert version > first.procedure.version

    second = services.intake.save(_draft(applicant), "canbo")
    assert second.procedure.version == version
    assert second.procedure.name == "Chứng thực giao dịch (bản mới)"
    assert second.payments[0].amount_vnd == 60000
    # and the check alone, after that save, answers from the new catalog too
    assert services.intake.check(_draft(applicant), "canbo").procedure.version == version


def test_a_day_off_set_elsewhere_moves_the_next_due_date(services, elsewhere, applicant):
    received = datetime.now(VN_TZ).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=1)
    first = services.intake.save(_draft(applicant, received_at=received), "canbo")
    assert first.due_at is not None
    due_day = first.due_at.astimezone(VN_TZ).date()
    elsewhere.calendar.set_day(due_day, "off", "Nghỉ theo quyết định của UBND tỉnh", actor="lanhdao")

    second = services.intake.save(_draft(applicant, received_at=received), "canbo")
    assert second.due_at is not None and second.due_at.astimezone(VN_TZ).date() > due_day
    assert services.intake.preview_due(second.procedure, received).due_at == second.due_at


def test_an_officer_renamed_or_locked_elsewhere(services, elsewhere, applicant, db_path):
    services.intake.save(_draft(applicant), "canbo")  # the officer is now held in memory
    with sqlite3.connect(db_path) as conn:  # a rename, as an administrator's tool would write it
        conn.execute("UPDATE officer SET full_name = 'Nguyễn Thị Lan Anh' WHERE username = 'canbo'")
    renamed = services.intake.save(_draft(applicant), "canbo")
    assert renamed.officer_name == "Nguyễn Thị Lan Anh"

    elsewhere.officers.set_active("canbo", False, actor="admin")
    before = _dossiers(db_path)
    with pytest.raises(PermissionDenied):
        services.intake.save(_draft(applicant), "canbo")
    assert _dossiers(db_path) == before  # nothing written


def test_the_stamp_moves_with_reference_data_and_not_with_a_password_or_a_save(services, applicant, db_path):
    stamp = _stamp(db_path)
    services.intake.save(_draft(applicant), "canbo")
    assert _stamp(db_path) == stamp  # a save changes no reference data
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE officer SET password_hash = 'x' WHERE username = 'canbo'")
    assert _stamp(db_path) == stamp
    for statement in (
        "UPDATE officer SET role = 'leader' WHERE username = 'canbo'",
        "UPDATE procedure SET fee_vnd = fee_vnd + 1 WHERE code = '2.001035'",
        "UPDATE calendar_day SET reason = reason || '.' WHERE rowid = (SELECT min(rowid) FROM calendar_day)",
        "INSERT INTO calendar_year (year, reference, entered_by, entered_at) "
        "VALUES (2031, 'Thông báo 1/TB', 'lanhdao', '2026-11-30T09:00:00+07:00')",
    ):
        with sqlite3.connect(db_path) as conn:
            conn.execute(statement)
        assert _stamp(db_path) > stamp, statement
        stamp = _stamp(db_path)


def test_a_procedure_changed_in_place_is_read_again(services, applicant, db_path):
    services.intake.save(_draft(applicant), "canbo")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE procedure SET fee_vnd = 70000 WHERE code = '2.001035' AND active = 1")
    assert services.intake.save(_draft(applicant), "canbo").payments[0].amount_vnd == 70000


def test_checkpoints_run_in_the_background_once_the_writer_pauses(services, applicant, db_path):
    from db.engine import WAL_AUTOCHECKPOINT

    with services.engine.connect() as conn:  # a commit checkpoints only past this (a writer that never pauses)
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == WAL_AUTOCHECKPOINT > 1000
    checkpointer = services.engine.checkpointer
    done = checkpointer.done
    for _ in range(3):
        services.intake.save(_draft(applicant), "canbo")
    assert checkpointer.wait_done(done + 1)  # the saves stopped: the thread folds the WAL back
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_autocheckpoint=0")
        _busy, log, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert log == copied  # everything committed is in the database file already


def test_the_floor_recorder_sees_every_statement_of_a_save(services, applicant, db_path):
    from onestop.bench.floors import StatementRecorder, raw_connection, replay_save
    from onestop.services import intake

    recorder = StatementRecorder(services.engine)
    try:
        saved = services.intake.save(_draft(applicant), "canbo")
        statements = recorder.take()
    finally:
        recorder.close()
    assert intake.STATEMENT_OBSERVERS == []
    heads = [sql.split("(")[0].strip() for sql, _, _ in statements]
    for table in ("citizen", "dossier", "dossier_document", "payment", "status_event", "audit_entry", "outbox_item"):
        assert f"INSERT INTO {table}" in heads, table
    assert any(sql.startswith("SELECT o.active") for sql, _, _ in statements)
    assert heads[-1] == "DELETE FROM draft WHERE officer = ?"
    raw = raw_connection(db_path)
    try:
        old_id = raw.execute("SELECT id FROM dossier WHERE uuid = ?", (saved.uuid,)).fetchone()[0]
        before = _dossiers(db_path)
        replay_save(raw, statements, (saved.uuid, saved.code, old_id), 1)
        assert _dossiers(db_path) == before + 1
        copy = raw.execute("SELECT count(*) FROM dossier_document WHERE dossier_id = (SELECT max(id) FROM dossier)")
        assert copy.fetchone()[0] == 1
    finally:
        raw.close()


def test_closing_the_services_waits_for_the_checkpoint_under_way(services, applicant, db_path, tmp_path):
    """A checkpoint started by the last saves is finished when `close()` returns: the file can then be copied (a
    backup, a restore's swap, a test's template) without a background thread still writing it or removing its WAL."""
    import shutil

    checkpointer = services.engine.checkpointer
    for _ in range(8):
        services.intake.save(_draft(applicant), "canbo")
    started = checkpointer._thread
    assert started is not None  # the first save started it
    services.close()
    assert not started.is_alive()
    copy = tmp_path / "copy.db"
    shutil.copy2(db_path, copy)
    if db_path.with_name(db_path.name + "-wal").exists():
        shutil.copy2(db_path.with_name(db_path.name + "-wal"), copy.with_name("copy.db-wal"))
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM dossier").fetchone()[0] >= 8
