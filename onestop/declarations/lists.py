"""Choice lists shipped as data (`onestop/data/forms/lists/*.json`): ethnic groups, nationalities, relationships."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def _load(name: str) -> dict:
    ref = resources.files("onestop") / "data" / "forms" / "lists" / f"{name}.json"
    if not ref.is_file():
        raise KeyError(name)
    return json.loads(ref.read_text(encoding="utf-8"))


def choice_list(name: str) -> tuple[tuple[str, str], ...]:
    """(value, label) pairs of a shipped list, in its printed order; `KeyError` for an unknown list."""
    data = _load(name)
    return tuple((str(item["value"]), str(item["label"])) for item in data["items"])


def list_source(name: str) -> str:
    return str(_load(name).get("source", ""))
