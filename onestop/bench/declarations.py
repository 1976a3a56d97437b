"""The declaration (Tờ khai) step figures (the declarations issue): its open time inside the intake, beside an
empty screen pushed the same way (measured by onestop.bench.tui while it drives the intake); null until an intake
step for the declaration exists in this build."""

from __future__ import annotations

from typing import Any

from onestop.bench.context import BenchContext


def available() -> bool:
    """Whether the intake has a declaration step (screens.intake.registry.STEPS names one)."""
    try:
        from screens.intake.registry import STEPS
    except ImportError:
        return False
    return any("Declaration" in step.__name__ for step in STEPS)


def figures(ctx: BenchContext) -> dict[str, Any]:
    if not available():
        return {"declaration_step_open_p95_ms": None, "declaration_keystrokes": None}
    return {}
