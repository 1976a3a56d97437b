"""Issue 14 at the intake counter: reuse of earlier digitised papers, the tiered copy fee, no-paper procedures,
the scanned address that never silently replaces a known one, and fee receipts (series and paper)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.ui.conftest import SCAN, fill_declaration, save_intake
from tests.ui.test_intake import choose_procedure, open_intake, scan_into

SIZE = (120, 40)
BIRTH = "1.001193"
COPY = "2.000815"  # chứng thực bản sao từ bản chính: the tiered per-page fee


def footer_keys(app) -> dict[str, str]:
    """What the footer offers now: key → description."""
    return {b.binding.key: b.binding.description for b in app.active_bindings.values() if b.binding.show}


async def to_step(pilot, screen, step_key: str) -> None:
    """PgDn to `step_key`, the tờ khai filled on the way (a birth registration is not received without one)."""
    for _ in range(8):
        if screen.current_step is not None and screen.current_step.KEY == step_key:
            return
        if screen.current_step is not None and screen.current_step.KEY == "declaration":
            await fill_declaration(pilot, screen)
        await pilot.press("pagedown")
        await pilot.pause()
    raise AssertionError(f"never reached step {step_key}; on {screen.step}")


async def intake_at(app, pilot, procedure: str, step: str = "", scan: str = SCAN):
    """The intake screen with `procedure` chosen and the citizen's card scanned; at `step` when given."""
    screen = await open_intake(app, pilot)
    await choose_procedure(pilot, screen, procedure)
    await scan_into(pilot, screen, "id_number", scan)
    if step:
        await to_step(pilot, screen, step)
    return screen


# ---------------------------------------------------------------------------------------------- 1. reuse


@pytest.fixture
def scanned_birth(services, make_dossier, tmp_path):
    """Receives a birth registration of the citizen whose tờ khai was scanned (a file named `file_name` attached
    to it); `changes` go to the draft (`applicant`, `received_at`…)."""
    from onestop.domain import DocKind, DocumentLine

    def _make(file_name: str = "to-khai-cu.pdf", **changes):
        scan = tmp_path / file_name
        scan.write_bytes(b"%PDF-1.4 the scanned declaration " + file_name.encode())
        name = services.catalog.get(BIRTH).documents[0].name
        return make_dossier(
            BIRTH, documents=(DocumentLine(name, DocKind.ORIGINAL, 1),), attachments=((0, str(scan)),), **changes
        )

    return _make


@pytest.fixture
def earlier_scan(scanned_birth):
    """The citizen's earlier birth-registration dossier with its tờ khai scanned."""
    return scanned_birth()


async def test_known_citizens_earlier_digitised_paper_is_reused_with_one_key(app, services, earlier_scan):
    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_at(app, pilot, BIRTH, "documents")
        assert "Tái sử dụng" in footer_keys(app).values()
        note = str(screen.query_one("#docs-reuse-note").render())
        assert earlier_scan.code in note and "R để tái sử dụng" in note
        await pilot.press("r")
        await pilot.pause()
        assert screen.query_one("#docs-panel").lines[0].reuse_from == earlier_scan.code
        code = await save_intake(app, pilot, screen)
    dossier = services.dossiers.peek(code)
    first = dossier.documents[0]
    assert first.reused_from == earlier_scan.code
    assert first.attachments and first.attachments[0].file_name == "to-khai-cu.pdf"
    assert not dossier.documents[1].reused_from
    report = services.kpi.report("2026-11")
    assert report.total.reused_rate == 1 / 2  # the new dossier reused, the earlier one did not


async def test_the_review_step_marks_the_reused_papers(app, services, earlier_scan):
    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_at(app, pilot, BIRTH, "documents")
        names = [line.name for line in screen.query_one("#docs-panel").lines]
        await pilot.press("r")
        await pilot.pause()
        await to_step(pilot, screen, "review")
        details = str(screen.query_one("#review-details").render()).splitlines()
        first = next(line for line in details if line.startswith("  1. "))
        second = next(line for line in details if line.startswith("  2. "))
        assert first.startswith(f"  1. {names[0][:80]} — ")
        assert first.endswith(f" — dùng lại từ hồ sơ {earlier_scan.code}")
        assert second.startswith(f"  2. {names[1][:80]} — ") and "dùng lại" not in second


@pytest.mark.parametrize("case", ["new-citizen", "refused-dossier"])
async def test_no_reuse_offered_to_a_new_citizen_or_from_a_refused_dossier(app, services, earlier_scan, case):
    scan = SCAN
    if case == "new-citizen":
        scan = SCAN.replace("038190012345", "038190054321")
    else:
        services.dossiers.reject(earlier_scan.code, "Giấy tờ không hợp lệ", "canbo")
    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_at(app, pilot, BIRTH, "documents", scan=scan)
        assert "Tái sử dụng" not in footer_keys(app).values()
        await pilot.press("r")
        await pilot.pause()
        assert not screen.query_one("#docs-panel").lines[0].reuse_from


# ---------------------------------------------------------------------------------------------- 2. tiered fee


async def test_copy_certification_asks_pages_and_copies_and_prefills_the_tiered_fee(app, services):
    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_at(app, pilot, COPY, "fee")
        assert app.focused.id == "fee-pages"  # the pages are asked first
        assert screen.query_one("#fee").value == ""  # not the flat 2.000 đ of the catalog
        await pilot.press("pagedown")
        await pilot.pause()
        assert screen.current_step.KEY == "fee"
        assert "số trang" in str(screen.query_one("#fee-pages-error").render())
        await pilot.press("5", "enter")
        assert app.focused.id == "fee-copies"
        await pilot.press("backspace", "2", "enter")
        await pilot.pause()
        assert app.focused.id == "fee"
        assert screen.query_one("#fee").value == "14000"
        how = str(screen.query_one("#fee-how").render())
        assert "2 trang × 2.000 đ + 3 trang × 1.000 đ = 7.000 đ/bản × 2 bản = 14.000 đ" in how
        # 300 pages: 4.000 + 298.000 đ, capped at 200.000 đ a copy
        await pilot.press("shift+tab", "shift+tab", "backspace", "3", "0", "0")
        await pilot.pause()
        assert screen.query_one("#fee").value == "400000"
        assert "tối đa 200.000 đ/bản" in str(screen.query_one("#fee-how").render())
        await pilot.press("tab", "backspace", "1")  # one copy
        await pilot.pause()
        assert screen.query_one("#fee").value == "200000"
        code = await save_intake(app, pilot, screen)
    dossier = services.dossiers.peek(code)
    assert dossier.payments[0].amount_vnd == 200_000


async def test_a_fee_typed_by_the_officer_is_kept_and_shown_as_edited(app, services):
    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_at(app, pilot, COPY, "fee")
        await pilot.press("3", "enter", "enter")
        await pilot.pause()
        assert screen.query_one("#fee").value == "5000"
        await pilot.press("backspace", "backspace", "backspace", "backspace", "4")
        await pilot.pause()
        how = str(screen.query_one("#fee-how").render())
        assert "sửa tay" in how and "5.000" in how
        await pilot.press("shift+tab", "shift+tab", "backspace", "4")  # a new page count keeps the typed fee
        await pilot.pause()
        assert screen.query_one("#fee").value == "4"


# ---------------------------------------------------------------------------------------------- 3. no paper


@pytest.fixture
def birth_is_no_paper(tmp_path, monkeypatch):
    import onestop.catalog_flags as flags

    path = tmp_path / "no_paper.toml"
    path.write_text(f'schema = 1\n[[procedure]]\ncode = "{BIRTH}"\nsource = "QĐ thử nghiệm của tỉnh"\n', "utf-8")
    monkeypatch.setattr(flags, "NO_PAPER_PATH", path)


async def test_no_paper_procedure_takes_no_paper_and_steers_to_assisted_online_filing(app, services, birth_is_no_paper):
    from onestop.domain import Channel

    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_at(app, pilot, BIRTH, "documents")
        banner = str(screen.query_one("#docs-no-paper").render())
        assert "KHÔNG THU GIẤY TỜ" in banner and "Chỉ thị 24/CT-TTg" in banner
        lines = screen.query_one("#docs-panel").lines
        assert lines and not any(line.received for line in lines)
        assert {line.kind for line in lines} == {"present_only"}
        await pilot.press("space", "k", "pagedown")  # ticked and turned into a kept original: refused
        await pilot.pause()
        assert screen.current_step.KEY == "documents"
        assert "Chỉ thị 24/CT-TTg" in str(screen.query_one("#documents-error").render())
        await pilot.press("k", "k", "pagedown")  # back to "Xuất trình": only shown, not collected
        await pilot.pause()
        assert screen.current_step.KEY == "fee"
        assert "Chỉ thị 24/CT-TTg" in str(screen.query_one("#fee-no-paper").render())
        assert screen.step_of(type(screen.current_step)).channel() == "online"
        await pilot.press("pagedown")  # the citizen's consent is not recorded yet
        await pilot.pause()
        assert screen.current_step.KEY == "fee"
        assert "đồng ý" in str(screen.query_one("#consent-error").render())
        assert app.focused.id == "consent"
        await pilot.press("space", "tab", "space")  # consent, then the VNeID account
        await pilot.pause()
        code = await save_intake(app, pilot, screen)
    dossier = services.dossiers.peek(code)
    assert dossier.channel is Channel.ONLINE and dossier.consent_recorded and dossier.has_eid_account
    assert [d.kind.value for d in dossier.documents] == ["present_only"]


# ---------------------------------------------------------------------------------------------- 5. receipts


async def test_fee_gets_the_next_number_of_the_series_shown_before_and_after_saving(app, services):
    services.fee_receipts.set_series("AA/26P", "01", 123, actor="lanhdao")
    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_at(app, pilot, COPY, "fee")
        assert "Ký hiệu AA/26P, quyển 01, số 0000123" in str(screen.query_one("#receipt-series").render())
        await pilot.press("1", "enter", "enter")
        code = await save_intake(app, pilot, screen)
        assert "Biên lai: Ký hiệu AA/26P, quyển 01, số 0000123" in str(screen.query_one("#done-code").render())
    assert services.dossiers.peek(code).payments[0].receipt_number == "Ký hiệu AA/26P, quyển 01, số 0000123"
    assert services.fee_receipts.series().next_number == 124


async def test_paper_receipt_is_recorded_while_the_payment_system_is_down(app, services):
    services.fee_receipts.set_series("AA/26P", "01", 123, actor="lanhdao")
    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_at(app, pilot, COPY, "fee")
        await pilot.press("1", "enter", "enter")  # on the fee: 2.000 đ
        await pilot.press("tab", "tab", "tab")  # exemption, payment method, the payment system is down
        assert app.focused.id == "paper-toggle"
        await pilot.press("space")
        await pilot.pause()
        assert app.focused.id == "paper_receipt"
        assert "không cấp số điện tử" in str(screen.query_one("#receipt-series").render())
        await pilot.press("pagedown")  # no number written yet: refused
        await pilot.pause()
        assert "số biên lai giấy" in str(screen.query_one("#paper_receipt-error").render())
        await pilot.press(*"BL-0042", "enter")
        await pilot.pause()
        assert screen.current_step.KEY != "fee"
        code = await save_intake(app, pilot, screen)
        assert "Biên lai giấy số BL-0042" in str(screen.query_one("#done-code").render())
    assert services.dossiers.peek(code).payments[0].receipt_number == "Biên lai giấy số BL-0042"
    assert services.fee_receipts.series().next_number == 123  # no electronic number was used up
    assert [(r.dossier_code, r.paper_number) for r in services.fee_receipts.unreconciled()] == [(code, "BL-0042")]


# ---------------------------------------------------------------------------------------------- 4. address


CURRENT = "Số 5 đường Lê Lợi, Phường Hạc Thành, Tỉnh Thanh Hóa"
ON_CARD = "Thôn Đông Hải, Xã Quảng Phú, Tỉnh Thanh Hóa"  # what SCAN says: a commune merged away in 2025


@pytest.mark.parametrize(("key", "kept"), [("g", CURRENT), ("c", ON_CARD)], ids=["keep-current", "update"])
async def test_a_scanned_address_replaces_a_known_one_only_when_the_officer_says_so(
    app, services, make_dossier, applicant, key, kept
):
    from screens.dialogs import ChoiceDialog

    make_dossier(applicant=replace(applicant, address=CURRENT))
    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_at(app, pilot, BIRTH)
        assert screen.query_one("#address").value == ON_CARD
        assert CURRENT in str(screen.query_one("#recall-note").render())
        await pilot.press("pagedown")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        question = str(app.screen.query_one("#choice-question").render())
        assert CURRENT in question and ON_CARD in question and "sắp xếp đơn vị hành chính" in question
        await pilot.press(key)
        await pilot.pause()
        assert app.screen is screen and screen.current_step.KEY != "applicant"
        assert screen.query_one("#address").value == kept
        await fill_declaration(pilot, screen)  # a birth registration is not received without its tờ khai
        code = await save_intake(app, pilot, screen)
    assert services.intake.recall_citizen(applicant.id_number).address == kept
    assert services.dossiers.peek(code).applicant.address == kept


async def test_escape_on_the_address_question_stays_on_the_applicant(app, services, make_dossier, applicant):
    make_dossier(applicant=replace(applicant, address=CURRENT))
    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_at(app, pilot, BIRTH)
        await pilot.press("pagedown")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.current_step.KEY == "applicant"
        assert app.focused.id == "address"
    assert services.intake.recall_citizen(applicant.id_number).address == CURRENT


async def test_a_paper_past_its_validity_is_not_offered(app, services, applicant, scanned_birth, tmp_path, monkeypatch):
    """Validity is data (onestop/data/paper_validity.toml); here the tờ khai is valid one month."""
    from datetime import datetime

    import onestop.paper_validity as validity
    from onestop.domain import VN_TZ
    from onestop.errors import Conflict

    rules = tmp_path / "paper_validity.toml"
    rules.write_text('schema = 1\n[[paper]]\nname_contains = "to khai dang ky khai sinh"\nmonths = 1\nsource = "thử"\n')
    monkeypatch.setattr(validity, "PAPER_VALIDITY_PATH", rules)
    old = scanned_birth("cu.pdf", received_at=datetime(2026, 9, 1, 9, 0, tzinfo=VN_TZ))
    assert services.digitisation.reusable(applicant.id_number) == []
    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_at(app, pilot, BIRTH, "documents")
        assert "Tái sử dụng" not in footer_keys(app).values()
        code = await save_intake(app, pilot, screen)
    with pytest.raises(Conflict):  # nor through the service
        services.digitisation.reuse(code, 1, old.code, actor="canbo")


async def test_narrow_counter_screen_keeps_reuse_in_the_footer_and_the_files_column_on_screen(
    app, services, earlier_scan
):
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await intake_at(app, pilot, BIRTH, "documents")
        table = screen.query_one("#docs-table")
        used = sum(column.get_render_width(table) for column in table.columns.values())
        assert used <= table.scrollable_content_region.width  # "SL" and "Tệp" (R?, TSD) are visible
        assert str(table.get_cell_at((0, 4))) == "R?"
        footer = [b.binding.description for b in app.active_bindings.values() if b.binding.show]
        assert footer.index("Tái sử dụng") <= 3  # right after the steps' keys: a narrow footer still shows it
        await pilot.press("r")
        await pilot.pause()
        assert str(table.get_cell_at((0, 4))) == "TSD"


async def test_a_resumed_draft_keeps_the_reuse_and_the_address_answer(app, services, applicant, scanned_birth):
    from screens.dialogs import ChoiceDialog

    earlier = scanned_birth("to-khai.pdf", applicant=replace(applicant, address=CURRENT))
    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_at(app, pilot, BIRTH)
        await pilot.press("pagedown")
        await pilot.pause()
        await pilot.press("c")  # the card's address is the current one
        await to_step(pilot, screen, "documents")
        await pilot.press("r", "escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        resumed = app.screen
        assert resumed.query_one("#docs-panel").lines[0].reuse_from == earlier.code
        code = await save_intake(app, pilot, resumed)
        assert not isinstance(app.screen, ChoiceDialog)  # answered before the draft was kept: not asked again
    dossier = services.dossiers.peek(code)
    assert dossier.documents[0].reused_from == earlier.code
    assert services.intake.recall_citizen(applicant.id_number).address == ON_CARD


async def test_choosing_another_procedure_after_a_no_paper_one_restores_paper_filing(app, services, birth_is_no_paper):
    from screens.intake.fee import FeeStep

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen, BIRTH)
        assert screen.step_of(FeeStep).channel() == "online"
        screen.select_procedure(COPY)  # what step 1 does when the officer picks another procedure
        await pilot.pause()
        assert screen.step_of(FeeStep).channel() == "paper"
        assert not screen.query_one("#fee-no-paper").has_class("-shown")
        lines = screen.query_one("#docs-panel").lines
        assert [line.kind for line in lines] == ["present_only", "copy"]
        assert not screen.query_one("#docs-no-paper").has_class("-shown")
