"""`--db` and `--config` mean the same before and after the sub-command (`onestop --db X dossier list`)."""

from __future__ import annotations

import json

import pytest

from tests.trust.conftest import run_cli


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """The environment names another database and config: an ignored option would silently open those."""
    other = tmp_path / "elsewhere"
    monkeypatch.setenv("ONESTOP_DB", str(other / "onestop.db"))
    monkeypatch.setenv("ONESTOP_CONFIG", str(other / "config.toml"))
    return other


def test_options_before_the_subcommand_are_honoured(make_dossier, db_path, config_path, elsewhere) -> None:
    code = make_dossier().code
    before = run_cli(["--db", str(db_path), "--config", str(config_path), "dossier", "list", "--json"])
    after = run_cli(["dossier", "list", "--json", "--db", str(db_path), "--config", str(config_path)])
    assert before.code == 0, before.output
    assert [d["code"] for d in json.loads(before.stdout)["items"]] == [code]
    assert before.stdout == after.stdout
    assert not elsewhere.exists()


def test_options_may_be_split_around_the_subcommand(make_dossier, db_path, config_path, elsewhere) -> None:
    code = make_dossier().code
    result = run_cli(["--config", str(config_path), "dossier", "show", code, "--json", "--db", str(db_path)])
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["code"] == code


def test_the_subcommand_option_wins(make_dossier, db_path, config_path, tmp_path) -> None:
    make_dossier()
    empty = tmp_path / "empty" / "onestop.db"
    result = run_cli(
        ["--db", str(db_path), "dossier", "list", "--json", "--db", str(empty), "--config", str(config_path)]
    )
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["items"] == []


def test_a_global_db_before_province_is_refused_not_ignored(tmp_path) -> None:
    result = run_cli(["--db", str(tmp_path / "x.db"), "province", "dump"])
    assert result.code == 2 and "onestop province serve --db" in result.stderr
    assert not (tmp_path / "x.db").exists()
