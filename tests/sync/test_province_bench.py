"""`onestop province bench` end to end on a small load: a real server subprocess, counters through the real client,
checks on both sides and through the feed (SQLite here; PostgreSQL when ONESTOP_TEST_PG_URL is set)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("storage", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_bench_counts_nothing_lost_or_duplicated(storage, tmp_path):
    args = ["--counters", "4", "--dossiers", "15", "--batch", "10", "--resend", "0.5", "--per-agency", "2", "--json"]
    if storage == "postgres":
        url = os.environ.get("ONESTOP_TEST_PG_URL")
        if not url:
            pytest.skip("ONESTOP_TEST_PG_URL chưa đặt (không có PostgreSQL)")
        from tests.sync.conftest import _reset_pg

        _reset_pg(url)
        args += ["--db", url]
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    done = subprocess.run(
        [sys.executable, "-m", "onestop", "province", "bench", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["lost"] == result["duplicated"] == 0
    assert result["many_counters"]["items"] == 4 * 15 * 2 and result["one_counter"]["items"] == 4 * 15 * 2
    for key in ("feed_incomplete_dossiers", "feed_foreign", "feed_duplicated", "feed_out_of_order"):
        assert result[key] == 0, key
    assert result["many_counters"]["items_per_s"] > 0 and result["many_counters"]["batch_p95_ms"] > 0
    assert not result["many_counters"]["refused"]
