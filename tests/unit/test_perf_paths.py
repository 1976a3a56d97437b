"""The fast paths of issue 16 say the same as the slow ones they stand in for: the plain-SQL dossier read (`dossier
show`), the checked-draft save (`intake --batch`), the one-module command line, and `prepare()` skipped on a
database already prepared. No test here times anything."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from onestop.domain import DocKind, DocumentLine, IntakeDraft, Person, Status
from onestop.errors import NotFound, PermissionDenied


def _rich_dossier(services, applicant, tmp_path):
    """A dossier with every kind of child row the full read returns."""
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    services.fee_receipts.set_series("26E", "01", 41, actor="lanhdao")
    representative = Person(
        full_name="Đặng Văn Bình",
        id_number="038088012345",
        birth_date=date(1988, 3, 2),
        gender="Nam",
        address="Thôn Đông Hải",
        phone="0987654321",
    )
    draft = IntakeDraft(
        procedure_code="2.001035",
        applicant=applicant,
        documents=(
            DocumentLine("Tờ khai (theo mẫu)", DocKind.ORIGINAL, 1),
            DocumentLine("Giấy chứng sinh", DocKind.COPY, 2),
        ),
        representative=representative,
        authorisation_doc="Giấy ủy quyền số 12",
        fee_vnd=10_000,
        fee_method="cash",
        attachments=((1, str(scan)),),
        summary="Chứng thực bản sao",
    )
    d = services.intake.save(draft, "canbo")
    services.dossiers.transition(d.code, Status.IN_PROGRESS, actor="canbo")
    services.ratings.rate(d.code, 3, actor="canbo", reason="Thời gian chờ lâu", comment="…", via="paper")
    with sqlite3.connect(services.db_path) as conn:  # a printed form, as FormsService.archive records one
        dossier_id = conn.execute("SELECT id FROM dossier WHERE code = ?", (d.code,)).fetchone()[0]
        conn.execute(
            "INSERT INTO printed_form (dossier_id, form, number, at, officer, copies, file, printer, job, status, message) "
            "VALUES (?, 'receipt', '01', '2026-11-20T09:05:00+07:00', 'canbo', 2, 'a.pdf', 'HP', '7', 'printed', '')",
            (dossier_id,),
        )
    return d


def test_plain_sql_read_is_the_orm_read(services, applicant, tmp_path):
    from onestop.services import dossier_view

    d = _rich_dossier(services, applicant, tmp_path)
    expected = services.dossiers.peek(d.code)
    with services.engine.connect() as conn:
        got = dossier_view.read(conn, d.code)
        by_uuid = dossier_view.read(conn, d.uuid)
    assert got == expected and by_uuid == expected
    # what makes the dossier rich is really there, so the comparison is about something
    assert got.representative is not None and got.rating is not None and got.rating.level == 3
    assert got.payments[0].receipt_number and got.documents[1].attachments and len(got.events) == 2
    assert got.forms and got.forms[0].printer == "HP"


def test_show_audits_the_view_and_checks_the_officer(services, make_dossier):
    from onestop.services import dossier_view

    d = make_dossier()
    shown = dossier_view.show(services.engine, d.code, officer="canbo")
    assert shown == services.dossiers.peek(d.code)
    entries = services.audit.entries(dossier_code=d.code)
    assert [e.action for e in entries].count("dossier.view") == 1 and entries[0].officer == "canbo"
    with pytest.raises(NotFound):
        dossier_view.show(services.engine, "H56.14-000000-000000", officer="canbo")
    with pytest.raises(NotFound):
        dossier_view.show(services.engine, d.code, officer="khongco")
    services.officers.set_active("canbo", False, actor="admin")
    with pytest.raises(PermissionDenied):
        dossier_view.show(services.engine, d.code, officer="canbo")
    assert [e.action for e in services.audit.entries(dossier_code=d.code)].count("dossier.view") == 1


def test_a_checked_draft_is_refused_when_its_officer_was_locked_meanwhile(services, applicant):
    draft = IntakeDraft(
        procedure_code="2.001035",
        applicant=applicant,
        documents=(DocumentLine("Tờ khai (theo mẫu)", DocKind.ORIGINAL, 1),),
    )
    checked = services.intake.check(draft, "canbo")
    services.officers.set_active("canbo", False, actor="admin")
    with sqlite3.connect(services.db_path) as conn:
        before = conn.execute("SELECT count(*) FROM dossier").fetchone()[0]
    with pytest.raises(PermissionDenied):
        services.intake.save_checked(checked)
    with sqlite3.connect(services.db_path) as conn:
        assert conn.execute("SELECT count(*) FROM dossier").fetchone()[0] == before
        assert conn.execute("SELECT count(*) FROM outbox_item").fetchone()[0] == 0


def test_a_saved_checked_draft_is_the_same_as_a_plain_save(services, applicant):
    from onestop.services import dossier_view

    draft = IntakeDraft(
        procedure_code="2.001035",
        applicant=applicant,
        documents=(DocumentLine("Tờ khai (theo mẫu)", DocKind.ORIGINAL, 1),),
    )
    procedure = services.catalog.get("2.001035")
    officer = services.officers.require("canbo")
    saved = services.intake.save_checked(services.intake.check(draft, "canbo", actor=officer, procedure=procedure))
    with services.engine.connect() as conn:
        stored = dossier_view.read(conn, saved.code)
    assert stored.applicant == saved.applicant and stored.officer_name == saved.officer_name
    assert stored.due_at is not None and saved.due_at is not None
    assert stored.due_at == saved.due_at.replace(microsecond=0)  # stored moments keep whole seconds
    assert stored.documents == saved.documents
    assert [(e.seq, e.to_status, e.officer, e.reason) for e in stored.events] == [
        (e.seq, e.to_status, e.officer, e.reason) for e in saved.events
    ]


def test_one_module_per_command_covers_every_command():
    import typer

    from onestop.cli import root

    full = typer.main.get_command(root.make_app())
    for name, command in full.commands.items():  # type: ignore[attr-defined]
        modules = root.modules_for([name])
        assert modules is not None, name
        lean = typer.main.get_command(root.make_app(modules))
        assert name in lean.commands, name  # type: ignore[attr-defined]
        assert {p.name for p in lean.commands[name].params} == {p.name for p in command.params}  # type: ignore[attr-defined]
    assert root.modules_for(["--db", "x.db", "dossier", "show", "A"]) == ("dossier",)
    assert root.modules_for(["--config=c.toml", "receipt", "A"]) == ("receipt",)
    assert root.modules_for(["--help"]) is None and root.modules_for(["dosier"]) is None


def test_prepare_is_skipped_only_while_nothing_it_seeds_has_changed(services):
    from datetime import date as day

    def calendar_rows() -> int:
        with sqlite3.connect(services.db_path) as conn:
            return conn.execute("SELECT count(*) FROM calendar_day").fetchone()[0]

    seeded = calendar_rows()
    services.prepare()  # stamped now
    with sqlite3.connect(services.db_path) as conn:
        stamp = conn.execute("SELECT value FROM setting WHERE key = 'prepared.stamp'").fetchone()[0]
        conn.execute("DELETE FROM calendar_day WHERE day = ?", (day(2026, 9, 2).isoformat(),))
    assert calendar_rows() == seeded - 1
    services.prepare()  # the calendar no longer matches the stamp: seeded again
    assert calendar_rows() == seeded
    with sqlite3.connect(services.db_path) as conn:
        assert conn.execute("SELECT value FROM setting WHERE key = 'prepared.stamp'").fetchone()[0] == stamp


def _schema(db_path) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name LIKE 'dossier%' ORDER BY name"
        ).fetchall()


def test_bulk_load_leaves_the_schema_as_it_was_and_everything_searchable(services, make_dossier):
    from onestop.bench.synthetic import bulk_insert

    make_dossier()  # one dossier received before the load, indexed by the trigger
    before = _schema(services.db_path)
    phases: dict[str, float] = {}
    bulk_insert(services, 500, phases=phases, chunk=200)
    assert _schema(services.db_path) == before and set(phases) == {"rows", "fts", "indexes"}
    with sqlite3.connect(services.db_path) as conn:
        assert conn.execute("SELECT count(*) FROM dossier").fetchone()[0] == 501
        fts = conn.execute("SELECT count(*) FROM dossier_fts WHERE dossier_fts MATCH '\"h56\"*'").fetchone()[0]
        assert fts == 501
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        config = dict(conn.execute("SELECT k, v FROM dossier_fts_config").fetchall())
        assert config.get("hashsize", 1024 * 1024) == 1024 * 1024  # the load's larger buffer is not left behind
    after = make_dossier()  # the insert trigger is back: a dossier received after the load is found
    assert [item.code for item in services.search.search(after.code).items] == [after.code]


def test_bulk_load_leaves_the_search_index_merged(services, make_dossier, monkeypatch):
    """A load leaves one FTS segment, not several half-merged ones: the next saves would each pay for finishing
    those merges (seconds, at a million dossiers)."""
    import db.queries
    from onestop.bench.synthetic import bulk_insert

    monkeypatch.setattr(db.queries, "_FTS_LOAD_HASHSIZE", 16 * 1024)  # a small buffer: the load writes many segments
    bulk_insert(services, 3000, chunk=1000)
    with sqlite3.connect(services.db_path) as conn:
        # a segment's pages are stored under rowids (segment id << 37) + page (FTS5's data layout)
        segments = "SELECT count(DISTINCT id >> 37) FROM dossier_fts_data WHERE id >> 37 > 0"
        assert conn.execute(segments).fetchone()[0] == 1
        config = dict(conn.execute("SELECT k, v FROM dossier_fts_config WHERE k != 'version'").fetchall())
        assert config == {"hashsize": 1024 * 1024, "automerge": 4, "crisismerge": 16}
    after = make_dossier()  # saves after the load add their own small segments and are found
    assert [item.code for item in services.search.search(after.code).items] == [after.code]


def test_a_failed_bulk_load_leaves_nothing(services):
    from db.queries import bulk_load_dossiers

    before = _schema(services.db_path)

    def chunks():
        yield []
        raise RuntimeError("the source of the rows failed")

    with pytest.raises(RuntimeError), services.engine.connect() as conn, conn.begin():
        bulk_load_dossiers(conn, chunks())
    assert _schema(services.db_path) == before
    with sqlite3.connect(services.db_path) as conn:
        assert conn.execute("SELECT count(*) FROM dossier").fetchone()[0] == 0
