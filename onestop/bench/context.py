"""What a figure provider receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from onestop.services import Services


@dataclass
class BenchContext:
    """What a figure provider may use: the populated database, its config, and the services bound to them."""

    db_path: Path
    config_path: Path
    services: Services
    dossiers: int
    figures: dict[str, Any]
    floors: dict[str, Any] = field(default_factory=dict)
    """The same work done the cheapest honest way, by figure key (onestop.bench.floors)."""
