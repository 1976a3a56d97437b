"""Intake: a naive received-at or due-override time means Vietnam wall-clock time (code and due date follow it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from onestop.domain import VN_TZ, DocKind, DocumentLine, IntakeDraft


def test_intake_naive_received_at_means_vietnam_time(services, applicant) -> None:
    draft = IntakeDraft(
        procedure_code="2.000815",
        applicant=applicant,
        documents=(DocumentLine("Bản chính", DocKind.ORIGINAL, 1),),
        received_at=datetime(2026, 11, 23, 23, 30),
    )  # naive: a Vietnamese wall-clock time
    saved = services.intake.save(draft, "canbo")
    assert saved.received_at.astimezone(VN_TZ).replace(tzinfo=None) == datetime(2026, 11, 23, 23, 30)
    assert "-261123-" in saved.code


def test_intake_naive_due_override_means_vietnam_time(services, applicant) -> None:
    draft = IntakeDraft(
        procedure_code="2.000815",
        applicant=applicant,
        documents=(DocumentLine("Bản chính", DocKind.ORIGINAL, 1),),
        received_at=datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ),
    )
    draft = replace(draft, due_override=datetime(2026, 11, 30, 17, 0), due_override_reason="Hẹn theo xã")
    saved = services.intake.save(draft, "canbo")
    assert saved.due_at.astimezone(VN_TZ).replace(tzinfo=None) == datetime(2026, 11, 30, 17, 0)
