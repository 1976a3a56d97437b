"""Optional parts: an attribute of a module that may not be installed or may not have landed yet."""

from __future__ import annotations

import importlib
from typing import Any


def optional_attr(module_name: str, name: str) -> Any | None:
    """`module_name.name`, or None when that module itself is absent (a missing dependency *inside* it raises)."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None
        raise
    return getattr(module, name, None)
