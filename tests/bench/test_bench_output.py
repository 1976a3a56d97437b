"""`onestop bench` prints every figure with its floor, ratio and target (no timing is asserted, only shape and
sanity: a test must not depend on how loaded the machine is)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from onestop.bench.harness import KEYS, TARGETS, met, parse_sizes, ratios


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONESTOP_")}
    return subprocess.run(
        [sys.executable, "-m", "onestop", "bench", *args], capture_output=True, text=True, env=env, timeout=900
    )


def test_json_has_every_key_floors_ratios_and_a_cost_curve():
    done = bench("--dossiers", "300,600", "--only", "core", "--only", "search", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(KEYS) <= set(result)
    assert result["dossiers"] == 600
    for key in ("intake_save_p95_ms", "search_p95_ms"):
        figure, floor = result[key], result["floors"][key]
        assert isinstance(figure, float) and 0 < figure < 60_000
        assert isinstance(floor, float) and 0 < floor < 60_000
        assert result["ratios"][key] == pytest.approx(figure / floor, rel=0.05, abs=0.01)
    assert result["targets"]["intake_save_p95_ms"] == "≤ 5"
    assert result["met"]["intake_save_p95_ms"] in (True, False)
    assert result["met"]["home_open_ms"] is None  # not measured (tui not asked for): null, never invented
    assert result["home_open_ms"] is None and result["declaration_step_open_p95_ms"] is None
    assert [c["dossiers"] for c in result["curves"]] == [300, 600]
    for curve in result["curves"]:
        assert curve["search_p95_ms"] > 0 and curve["floors"]["search_p95_ms"] > 0
        assert curve["intake_save_p95_ms"] > 0


def test_table_prints_figure_floor_ratio_and_target_side_by_side():
    done = bench("--dossiers", "200", "--only", "search")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["figure", "value", "floor", "ratio", "target", "met"]
    search = next(line for line in lines if line.startswith("search_p95_ms "))
    assert len(search.split()) == 4  # value, floor and ratio beside the name
    home = next(line for line in lines if line.startswith("home_open_ms "))
    assert home.split()[1] == "null" and "≤ 300" in home


def test_bad_sizes_are_refused():
    done = bench("--dossiers", "10k", "--only", "search")
    assert done.returncode == 2 and "--dossiers" in done.stderr and "Traceback" not in done.stderr


def test_sizes_ratios_and_targets():
    assert parse_sizes("100000, 10000,1_000_000,10000") == [10_000, 100_000, 1_000_000]
    with pytest.raises(ValueError):
        parse_sizes("-1")
    assert ratios({"a": 10.0, "sync_push_items_per_s": 500}, {"a": 4.0, "sync_push_items_per_s": 1000}) == {
        "a": 2.5,
        "sync_push_items_per_s": 2.0,
    }
    assert met("intake_save_p95_ms", 4.9, None) is True
    assert met("intake_save_p95_ms", 5.1, 1.0) is False
    assert met("tui_first_paint_s", 0.40, 0.36) is True and met("tui_first_paint_s", 0.45, 0.36) is False
    assert met("receipt_cold_s", 0.9, 0.6) is True and met("receipt_cold_s", 0.95, 0.6) is False
    assert met("receipt_cold_s", 0.9, None) is None and met("home_open_ms", None, 3.0) is None
    assert set(TARGETS) <= set(KEYS)
