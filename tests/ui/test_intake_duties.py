"""Issue 14 at the intake counter: reuse of earlier digitised papers, the tiered copy fee, no-paper procedures,
the scanned address that never silently replaces a known one, and fee receipts (series and paper)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.ui.conftest import SCAN
from tests.ui.test_intake import choose_procedure, open_intake, scan_into

SIZE = (120, 40)
BIRTH = "1.001193"
COPY = "2.000815"  # chứng thực bản sao từ bản chính: the tiered per-page fee


def footer_keys(app) -> dict[str, str]:
    """What the footer offers now: key → description."""
    return {b.binding.key: b.binding.description for b in app.active_bindings.values() if b.binding.show}


async def to_step(pilot, screen, step_key: str) -> None:
    for _ in range(8):
        if screen.current_step is not None and screen.current_step.KEY == step_key:
            return
        await pilot.press("pagedown")
        await pilot.pause()
    raise AssertionError(f"never reached step {step_key}; on {screen.step}")


async def save(app, pilot, screen) -> str:
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert screen.saved_code, "the dossier was not saved"
    return screen.saved_code


# ---------------------------------------------------------------------------------------------- 1. reuse


@pytest.fixture
def earlier_scan(services, applicant, tmp_path):
    """The citizen's earlier birth-registration dossier with its tờ khai scanned."""
    from onestop.domain import DocKind, DocumentLine, IntakeDraft

    scan = tmp_path / "to-khai-cu.pdf"
    scan.write_bytes(b"%PDF-1.4 the earlier scanned declaration")
    name = services.catalog.get(BIRTH).documents[0].name
    earlier = services.intake.save(
        IntakeDraft(
            procedure_code=BIRTH,
            applicant=applicant,
            documents=(DocumentLine(name, DocKind.ORIGINAL, 1),),
            attachments=((0, str(scan)),),
        ),
        "canbo",
    )
    return earlier


async def test_known_citizens_earlier_digitised_paper_is_reused_with_one_key(app, services, earlier_scan):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen, BIRTH)
        await scan_into(pilot, screen, "id_number")
        await to_step(pilot, screen, "documents")
        assert "Tái sử dụng" in footer_keys(app).values()
        note = str(screen.query_one("#docs-reuse-note").render())
        assert earlier_scan.code in note and "R để tái sử dụng" in note
        await pilot.press("r")
        await pilot.pause()
        assert screen.query_one("#docs-panel").lines[0].reuse_from == earlier_scan.code
        code = await save(app, pilot, screen)
    dossier = services.dossiers.peek(code)
    first = dossier.documents[0]
    assert first.reused_from == earlier_scan.code
    assert first.attachments and first.attachments[0].file_name == "to-khai-cu.pdf"
    assert not dossier.documents[1].reused_from
    report = services.kpi.report("2026-11")
    assert report.total.reused_rate == 1 / 2  # the new dossier reused, the earlier one did not


@pytest.mark.parametrize("case", ["new-citizen", "refused-dossier"])
async def test_no_reuse_offered_to_a_new_citizen_or_from_a_refused_dossier(app, services, earlier_scan, case):
    scan = SCAN
    if case == "new-citizen":
        scan = SCAN.replace("038190012345", "038190054321")
    else:
        services.dossiers.reject(earlier_scan.code, "Giấy tờ không hợp lệ", "canbo")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen, BIRTH)
        await scan_into(pilot, screen, "id_number", scan)
        await to_step(pilot, screen, "documents")
        assert "Tái sử dụng" not in footer_keys(app).values()
        await pilot.press("r")
        await pilot.pause()
        assert not screen.query_one("#docs-panel").lines[0].reuse_from
