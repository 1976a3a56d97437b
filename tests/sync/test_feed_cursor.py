"""The pull feed's cursor never skips a change, whatever the order writers commit in.

A sequence/autoincrement cursor is only safe when no change with a lower number can become visible after a reader
has moved past it. These tests pause real server transactions at the exact moment that matters, against the real
reference server on 127.0.0.1 (SQLite, and PostgreSQL when ONESTOP_TEST_PG_URL is set).
"""

from __future__ import annotations

import threading

import sqlalchemy as sa

from tests.sync.conftest import local_dossiers, make_counter


def _hook(store, predicate, action):  # type: ignore[no-untyped-def]
    """Run `action()` once, right after the first statement of the server's engine matching `predicate`."""
    armed = {"on": True}

    def after(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if armed["on"] and predicate(statement.lower()):
            armed["on"] = False
            action()

    sa.event.listen(store.engine, "after_cursor_execute", after)
    return lambda: sa.event.remove(store.engine, "after_cursor_execute", after)


def test_change_committed_between_feed_reads_is_not_skipped(tmp_path, province, counter01, receive):
    """A change committed while the server is answering a pull must come in this pull or the next one."""
    counter02 = make_counter(tmp_path, "02", province.url, province.token("02"))
    try:
        d = receive(counter01)
        assert counter01.sync.run_once().complete
        assert counter02.sync.run_once().complete
        assert local_dossiers(counter02)[d.uuid]["status"] == 2

        def upstream_moves_on() -> None:  # another request, committed on another thread mid-pull
            t = threading.Thread(target=province.store.set_status, args=(d.uuid, 4, "Chuyển phòng chuyên môn"))
            t.start()
            t.join(30)

        remove = _hook(province.store, lambda s: s.startswith("select") and "from change" in s, upstream_moves_on)
        try:
            counter02.sync.run_once()
        finally:
            remove()
        counter02.sync.run_once()
        assert local_dossiers(counter02)[d.uuid]["status"] == 4
    finally:
        counter02.sync.close()
        counter02.close()


def test_change_committed_out_of_order_is_not_skipped(tmp_path, province, counter01, receive):
    """Push A takes feed number N and is still committing when request B takes N+1 and commits: a reader must not
    move its cursor past N before A is visible (PostgreSQL: concurrent writers)."""
    counter02 = make_counter(tmp_path, "02", province.url, province.token("02"))
    try:
        d0 = receive(counter01)
        assert counter01.sync.run_once().complete
        assert counter02.sync.run_once().complete
        d1 = receive(counter01)

        reached, release = threading.Event(), threading.Event()

        def pause() -> None:  # inside counter01's push transaction, its change rows inserted, not committed
            reached.set()
            release.wait(30)

        remove = _hook(province.store, lambda s: s.startswith("insert into change"), pause)
        pusher = threading.Thread(target=counter01.sync.run_once)
        pusher.start()
        other = None
        try:
            assert reached.wait(30)
            other = threading.Thread(target=province.store.set_status, args=(d0.uuid, 4, "Chuyển phòng chuyên môn"))
            other.start()
            other.join(2)  # commits now unless the server orders feed writers
            counter02.sync.run_once()
        finally:
            release.set()
            pusher.join(30)
            if other is not None:
                other.join(30)
            remove()
        counter02.sync.run_once()
        mine = local_dossiers(counter02)
        assert mine[d0.uuid]["status"] == 4
        assert d1.uuid in mine, "counter02 never received the dossier committed out of order"
    finally:
        counter02.sync.close()
        counter02.close()
