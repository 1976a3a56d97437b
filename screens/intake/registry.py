"""The intake steps in the order the officer meets them. A new step: one module, one line here."""

from __future__ import annotations

from screens.intake.applicant import ApplicantStep
from screens.intake.appointment import AppointmentStep
from screens.intake.base import IntakeStep
from screens.intake.declaration import DeclarationStep
from screens.intake.documents import DocumentsStep
from screens.intake.fee import FeeStep
from screens.intake.procedure import ProcedureStep
from screens.intake.review import ReviewStep

STEPS: tuple[type[IntakeStep], ...] = (
    ProcedureStep,
    ApplicantStep,
    DeclarationStep,
    DocumentsStep,
    FeeStep,
    AppointmentStep,
    ReviewStep,
)
