"""F2 intake: `IntakeScreen` moves between step widgets, one module per step, registered in `registry.STEPS`."""

from screens.intake.screen import IntakeScreen

__all__ = ["IntakeScreen"]
