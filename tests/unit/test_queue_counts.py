"""The per-status counts table (migration 0005) stays equal to `count(*)` whatever writes the dossiers, and the home
screen's queue counts read from it equal the plain counts over the table."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from onestop.domain import Status, now_vn


def table_counts(engine) -> dict[str, tuple[int, int]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT status, n, undated FROM dossier_count WHERE n <> 0 OR undated <> 0")
        return {status: (n, undated) for status, n, undated in rows}


def counted(engine) -> dict[str, tuple[int, int]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT status, count(*), sum(due_at IS NULL) FROM dossier GROUP BY status"
        ).fetchall()
        return {status: (n, undated) for status, n, undated in rows}


def plain_queue_counts(services, now) -> dict[str, int]:
    """The queues counted the slow way: `count(*)` over each queue's own conditions."""
    search = services.search
    out = {}
    with services.engine.connect() as conn:
        for name in ("received_today", "due_today", "overdue", "supplement", "ready_to_return"):
            out[name] = sum(
                conn.exec_driver_sql(f"SELECT count(*) FROM dossier d WHERE {where}", tuple(params)).scalar_one()
                for where, params, _order in search._queue_sql(name, now)
            )
    return out


def assert_right(services, now=None) -> dict[str, tuple[int, int]]:
    now = now or now_vn()
    expected = counted(services.engine)
    assert table_counts(services.engine) == expected
    assert services.search.queue_counts(now=now) == plain_queue_counts(services, now)
    return expected


def age(services, code: str, days: int) -> None:
    """Move a dossier's dates into the past (received and due), as if received `days` ago."""
    with services.engine.begin() as conn:
        for column in ("received_at", "due_at"):
            value = conn.exec_driver_sql(f"SELECT {column} FROM dossier WHERE code = ?", (code,)).scalar_one()
            if value:
                from datetime import datetime

                moved = datetime.fromisoformat(value) - timedelta(days=days)
                conn.exec_driver_sql(
                    f"UPDATE dossier SET {column} = ? WHERE code = ?", (moved.isoformat(timespec="seconds"), code)
                )


def test_counts_follow_intakes_and_every_lifecycle_action(services, make_dossier) -> None:
    assert table_counts(services.engine) == {}
    made = [make_dossier() for _ in range(12)]
    assert assert_right(services) == {"received": (12, 0)}
    codes = [d.code for d in made]
    for code in codes[:6]:
        age(services, code, 40)  # overdue ones
    assert services.search.queue_counts()["overdue"] == 6
    dossiers = services.dossiers
    dossiers.transition(codes[0], Status.IN_PROGRESS, actor="canbo")
    assert_right(services)
    dossiers.transition(codes[1], Status.FINANCIAL, actor="canbo")
    assert_right(services)
    dossiers.request_supplement(codes[2], ["Bản sao giấy khai sinh"], "Thiếu giấy tờ", "canbo")
    assert_right(services)
    dossiers.receive_supplement(codes[2], "canbo")
    assert_right(services)
    dossiers.request_supplement(codes[3], ["Bản sao"], "Thiếu", "canbo")
    assert_right(services)
    dossiers.result_ready(codes[4], "canbo")
    assert_right(services)
    dossiers.result_ready(codes[5], "canbo")
    dossiers.return_result(codes[5], collected_by="Đặng Thị Ánh", actor="canbo")
    assert_right(services)
    dossiers.reject(codes[6], "Không thuộc thẩm quyền", "canbo")
    dossiers.withdraw(codes[7], "Công dân xin rút", "canbo")
    dossiers.stop(codes[8], "Công dân không bổ sung", "canbo")
    assert_right(services)
    dossiers.apologise(codes[0], now_vn() + timedelta(days=5), "Chậm do thẩm định", "lanhdao")
    assert_right(services)
    dossiers.set_official_code(codes[9], "H56.14-261129-000123", "canbo")
    assert_right(services)
    # a repair by hand (plain SQL, no service): the triggers keep the table right all the same
    with services.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE dossier SET due_at = NULL WHERE code = ?", (codes[10],))
        conn.exec_driver_sql("UPDATE dossier SET status = 'in_progress' WHERE code = ?", (codes[11],))
    final = assert_right(services)
    assert sum(n for n, _ in final.values()) == 12
    assert final["received"][1] == 1  # the one whose due date was cleared


def test_counts_survive_a_failed_transaction(services, make_dossier) -> None:
    """The table moves with the dossier's own transaction: a rolled-back change leaves both as they were."""
    d = make_dossier()
    before = assert_right(services)
    try:
        with services.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE dossier SET status = 'returned' WHERE code = ?", (d.code,))
            raise RuntimeError("power cut")
    except RuntimeError:
        pass
    assert assert_right(services) == before


def test_counts_after_a_restore(services, make_dossier) -> None:
    kept = [make_dossier() for _ in range(3)]
    services.dossiers.result_ready(kept[0].code, "canbo")
    at_backup = assert_right(services)
    result = services.backup.backup(actor="canbo")
    later = make_dossier()
    services.dossiers.reject(later.code, "Sai thủ tục", "canbo")
    services.dossiers.transition(kept[1].code, Status.IN_PROGRESS, actor="canbo")
    assert assert_right(services) != at_backup
    services.backup.restore(result.path, actor="admin")
    assert assert_right(services) == at_backup
    make_dossier()
    assert_right(services)


def test_migration_backfills_existing_dossiers(services, make_dossier) -> None:
    """A database from before 0005 gets the table filled from its rows, and the triggers from then on."""
    from alembic import command

    from db.engine import alembic_config

    for _ in range(4):
        make_dossier()
    cfg = alembic_config(services.engine)
    command.downgrade(cfg, "0004")
    with services.engine.begin() as conn:
        assert not conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'dossier_count'").first()
        conn.exec_driver_sql("UPDATE dossier SET status = 'supplement', due_at = NULL WHERE id = 1")
        conn.exec_driver_sql("UPDATE dossier SET status = 'result_ready' WHERE id = 2")
    command.upgrade(cfg, "head")
    assert assert_right(services) == {"received": (2, 0), "supplement": (1, 1), "result_ready": (1, 0)}
    make_dossier()
    assert assert_right(services)["received"] == (3, 0)


def test_bulk_load_keeps_counts_and_the_schema(services, db_path: Path) -> None:
    """The bench's bulk loader drops the insert trigger for speed: it adds the loaded rows itself and puts the
    trigger back exactly as migration 0005 wrote it (a restore compares the schema with the migration's)."""
    import importlib

    from db.engine import SCHEMA_HEAD
    from db.queries import COUNT_INSERT_TRIGGER
    from onestop.bench.synthetic import bulk_insert
    from onestop.services.backup import schema_problems

    migration = importlib.import_module("db.migrations.versions.0005_counts")
    assert COUNT_INSERT_TRIGGER == migration.COUNT_DDL[1].replace("IF NOT EXISTS ", "")
    bulk_insert(services, 800, chunk=300)
    counts = assert_right(services)
    assert sum(n for n, _ in counts.values()) == 800
    assert schema_problems(db_path, SCHEMA_HEAD) == []
    conn = sqlite3.connect(db_path)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        conn.close()
    assert {"dossier_count_ai", "dossier_count_ad", "dossier_count_au"} <= names


def test_a_database_without_the_table_is_counted_the_slow_way(services, make_dossier) -> None:
    """A development database stamped 0007 while 0005 was still an empty slot has no table: same answers."""
    for _ in range(3):
        make_dossier()
    with services.engine.begin() as conn:
        for name in ("dossier_count_ai", "dossier_count_ad", "dossier_count_au"):
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        conn.exec_driver_sql("DROP TABLE dossier_count")
    now = now_vn()
    assert services.search.queue_counts(now=now) == plain_queue_counts(services, now)
    assert services.search.queue_counts(now=now)["received_today"] == 3
