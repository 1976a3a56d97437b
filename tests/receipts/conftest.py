"""Fixtures of the forms tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.receipts.cli_helpers import init_workstation


@pytest.fixture
def workstation(tmp_path: Path) -> dict[str, str]:
    """A commune initialised through `onestop init` (environment with ONESTOP_DB and ONESTOP_CONFIG)."""
    return init_workstation(tmp_path)
