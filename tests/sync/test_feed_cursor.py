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


def test_writers_of_different_agencies_do_not_wait_on_each_other(province):
    """The feed is numbered per agency: while a transaction of agency A holds A's feed row (a long push), a push of
    agency B commits at once, and a second writer of A waits its turn (so A's numbers still commit in order)."""
    import httpx

    from onestop.province.schema import feed_head_t
    from tests.sync.test_isolation import upsert

    if province.store.is_sqlite:
        import pytest

        pytest.skip("SQLite has a single writer: the property is PostgreSQL's")
    a, b = "H56.14", "H56.15"
    ta, ta2, tb = province.token("01", agency=a), province.token("02", agency=a), province.token("01", agency=b)
    with httpx.Client(base_url=province.url, timeout=60) as http:
        for token, agency, counter in ((ta, a, "01"), (tb, b, "01")):  # both agencies have a feed row
            r = http.post(
                "/v1/push", json={"items": [upsert(agency, counter)]}, headers={"Authorization": f"Bearer {token}"}
            )
            assert r.json()["results"][0]["status"] == "applied"
        holder = province.store.engine.connect()
        tx = holder.begin()
        holder.execute(feed_head_t.update().where(feed_head_t.c.agency_code == a).values(seq=feed_head_t.c.seq))
        waited: dict[str, object] = {}

        def second_writer_of_a() -> None:
            with httpx.Client(base_url=province.url, timeout=60) as h2:
                waited["a"] = h2.post(
                    "/v1/push", json={"items": [upsert(a, "02")]}, headers={"Authorization": f"Bearer {ta2}"}
                ).json()["results"][0]["status"]

        t = threading.Thread(target=second_writer_of_a)
        try:
            t.start()
            r = http.post("/v1/push", json={"items": [upsert(b, "01")]}, headers={"Authorization": f"Bearer {tb}"})
            assert r.json()["results"][0]["status"] == "applied"  # B did not wait for A's open transaction
            assert _lock_waiters(province.store) >= 1  # A's second writer waits for A's row…
            assert t.is_alive() and "a" not in waited  # …and has not committed
        finally:
            tx.rollback()
            holder.close()
        t.join(30)
        assert waited.get("a") == "applied"


def _lock_waiters(store, timeout: float = 30.0) -> int:  # type: ignore[no-untyped-def]
    """Backends waiting on a row lock, once there is one (polled until `timeout`)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        with store.engine.connect() as conn:
            n = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            ).scalar()
        if n or time.monotonic() > deadline:
            return int(n or 0)
        time.sleep(0.05)
