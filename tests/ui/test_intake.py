"""The intake flow driven the way an officer drives it: keys, a scanner string, drafts, bad input."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

import pytest

from tests.ui.conftest import SCAN, fill_declaration

SIZE = (120, 40)


def dossier_count(services) -> int:
    with services.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM dossier").scalar_one()


async def open_intake(app, pilot):
    from screens.intake import IntakeScreen

    await pilot.press("f2")
    await pilot.pause()
    assert isinstance(app.screen, IntakeScreen)
    return app.screen


async def choose_procedure(pilot, screen, query: str = "1.001193") -> None:
    screen.query_one("#proc-query").value = query
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert screen.step == 1, screen.query_one("#procedure-error").render()


async def scan_into(pilot, screen, input_id: str, text: str = SCAN) -> None:
    """What a keyboard-wedge scanner does: the whole string, then Enter, into whichever field has focus."""
    widget = screen.query_one(f"#{input_id}")
    widget.focus()
    widget.value = widget.value + text
    await pilot.press("enter")
    await pilot.pause()


async def test_full_intake_with_a_scan_saves_the_dossier(app, services):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await pilot.press(*"khai sinh", "enter")  # the ordinary birth registration ranks first (issue 15)
        await pilot.pause()
        assert screen.procedure.code == "1.001193"
        await scan_into(pilot, screen, "id_number")
        assert screen.query_one("#full_name").value == "Đặng Thị Ánh"
        assert screen.query_one("#birth_date").value == "17/05/1990"
        assert app.focused.id == "phone"
        screen.query_one("#phone").value = "0912345678"
        await fill_declaration(pilot, screen)  # birth registration is received with its tờ khai
        for key in ("pagedown", "pagedown", "enter", "enter", "enter"):
            await pilot.press(key)
            await pilot.pause()
        assert screen.step == 6
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        code = screen.saved_code
        assert code.startswith("H56.14-261123-01")
        assert code in str(screen.query_one("#done-code").render())
        told = str(screen.query_one("#done-print").render())
        assert code in told and ("Đã gửi" in told or ("chưa in được" in told and "F8" in told))
    dossier = services.dossiers.peek(code)
    assert dossier.applicant.full_name == "Đặng Thị Ánh"
    assert dossier.applicant.id_number == "038190012345"
    assert dossier.applicant.phone == "0912345678"
    assert services.intake.recall_citizen("038190012345").old_id_number == "012345678"
    assert dossier.procedure.code == "1.001193"
    assert dossier.received_at == app.now()
    assert dossier.due_at == datetime(2026, 11, 23, 17, 0, tzinfo=dossier.due_at.tzinfo)
    assert [d.name for d in dossier.documents] == [d.name for d in services.catalog.get("1.001193").documents]
    assert services.intake.load_draft("canbo") is None
    # The receipt was rendered from the committed dossier and archived (printing may fail here: no CUPS queue).
    receipt = [f for f in dossier.forms if f.form.value == "receipt"]
    assert len(receipt) == 1 and Path(receipt[0].file).exists()
    from pypdf import PdfReader

    text = " ".join(" ".join((p.extract_text() or "") for p in PdfReader(receipt[0].file).pages).split())
    assert code in text and "Đặng Thị Ánh" in text


async def test_scan_typed_after_text_in_the_name_field_fills_everything(app, services):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen)
        screen.query_one("#full_name").value = "Ng"
        await scan_into(pilot, screen, "full_name")
        assert screen.query_one("#id_number").value == "038190012345"
        assert screen.query_one("#full_name").value == "Đặng Thị Ánh"
        assert screen.query_one("#gender").value == "Nữ"


async def test_malformed_scan_shows_an_inline_message(app, services):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen)
        await scan_into(pilot, screen, "id_number", "038190012345|012345678|ĐẶNG THỊ ÁNH|31021990|Nữ|X|")
        message = str(screen.query_one("#id_number-error").render())
        assert "Mã QR căn cước" in message
        assert screen.query_one("#full_name").value == ""


async def test_known_citizen_is_recalled_by_id_number(app, services, make_dossier):
    make_dossier()  # Đặng Thị Ánh with phone 0912345678
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen)
        screen.query_one("#id_number").value = "038190012345"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#phone").value == "0912345678"
        assert "đã từng nộp" in str(screen.query_one("#recall-note").render())


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("full_name", "", "Chưa nhập họ tên"),
        ("id_number", "038290012345", "Chữ số thứ 4"),
        ("birth_date", "31/02/1990", "không có thật"),
        ("full_name", "A" * 5000, "dài quá"),
    ],
    ids=["empty-name", "id-digit-4", "impossible-date", "5000-char-paste"],
)
async def test_bad_applicant_input_is_refused_inline_and_nothing_is_saved(app, services, field, value, expected):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen)
        values = {"id_number": "038190012345", "full_name": "Đặng Thị Ánh", "birth_date": "17/05/1990", "gender": "Nữ"}
        values[field] = value
        for input_id, text in values.items():
            screen.query_one(f"#{input_id}").value = text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.step == 1
        assert expected in str(screen.query_one(f"#{field}-error").render())
        assert not screen.saved_code
    assert dossier_count(services) == 0


async def test_nfd_name_is_accepted_and_stored_nfc(app, services):
    nfd = unicodedata.normalize("NFD", "Đặng Thị Ánh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen)
        for input_id, text in {
            "id_number": "038190012345",
            "full_name": nfd,
            "birth_date": "17/05/1990",
            "gender": "nữ",
            "address": "Thôn Đông Hải, Xã Quảng Phú",  # birth registration requires it (catalog entry)
        }.items():
            screen.query_one(f"#{input_id}").value = text
        await fill_declaration(pilot, screen)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        code = screen.saved_code
    assert code
    name = services.dossiers.peek(code).applicant.full_name
    assert name == unicodedata.normalize("NFC", "Đặng Thị Ánh")


async def test_online_channel_needs_consent_and_post_needs_an_address(app, services):
    from textual.widgets import RadioButton

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen)
        await scan_into(pilot, screen, "id_number")
        await fill_declaration(pilot, screen)
        await pilot.press("pagedown", "pagedown", "enter")
        await pilot.pause()
        assert screen.step == 4
        list(screen.query_one("#channel").query(RadioButton))[1].value = True
        list(screen.query_one("#return_via").query(RadioButton))[1].value = True
        await pilot.pause()
        screen.query_one("#return_address").value = ""
        await pilot.press("pagedown")
        await pilot.pause()
        assert screen.step == 4
        assert "đồng ý" in str(screen.query_one("#consent-error").render())
        assert "địa chỉ" in str(screen.query_one("#return_address-error").render())
        screen.query_one("#consent").value = True
        screen.query_one("#return_address").value = "Thôn Đông Hải"
        await pilot.press("pagedown")
        await pilot.pause()
        assert screen.step == 5


async def test_appointment_override_requires_a_reason_and_is_recorded(app, services):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen)
        await scan_into(pilot, screen, "id_number")
        await fill_declaration(pilot, screen)
        await pilot.press("pagedown", "pagedown", "enter", "enter")
        await pilot.pause()
        assert screen.step == 5
        screen.query_one("#due_override").value = "25/11/2026 16:00"
        await pilot.press("pagedown")
        await pilot.pause()
        assert screen.step == 5
        assert "lý do" in str(screen.query_one("#due_override_reason-error").render())
        screen.query_one("#due_override_reason").value = "Chờ xác minh"
        await pilot.press("pagedown", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        code = screen.saved_code
    dossier = services.dossiers.peek(code)
    assert dossier.due_at.strftime("%d/%m/%Y %H:%M") == "25/11/2026 16:00"
    assert "Chờ xác minh" in dossier.due_reason


async def test_representative_block_is_saved(app, services):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen)
        await scan_into(pilot, screen, "id_number")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.focused.id == "rep_id_number"
        for input_id, text in {
            "rep_id_number": "038085001234",
            "rep_full_name": "Lê Văn Bình",
            "rep_birth_date": "02/03/1985",
            "rep_gender": "Nam",
        }.items():
            screen.query_one(f"#{input_id}").value = text
        await pilot.press("pagedown")
        await pilot.pause()
        assert screen.step == 1
        assert "ủy quyền" in str(screen.query_one("#authorisation_doc-error").render())
        screen.query_one("#authorisation_doc").value = "Giấy ủy quyền số 5"
        await fill_declaration(pilot, screen)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        code = screen.saved_code
    dossier = services.dossiers.peek(code)
    assert dossier.representative.full_name == "Lê Văn Bình"
    assert dossier.authorisation_doc == "Giấy ủy quyền số 5"


async def test_scanner_folder_file_is_attached_to_the_current_document(services, officer, fixed_clock, tmp_path):
    from dataclasses import replace

    from screens.app import make_app

    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "to-khai.pdf").write_bytes(b"%PDF-1.4 scanned")
    services.settings = replace(services.settings, scanner_folder=str(folder))
    app = make_app(services, officer=officer, clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen)
        await scan_into(pilot, screen, "id_number")
        await fill_declaration(pilot, screen)
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        assert screen.step == 3
        await pilot.press("f", "a")
        await pilot.pause()
        screen.app.screen.query_one("#reason-input").value = "Sổ hộ khẩu cũ"
        await pilot.press("enter", "space", "minus")
        await pilot.pause()
        lines = screen.query_one("#docs-panel").lines
        assert lines[0].files and lines[-1].name == "Sổ hộ khẩu cũ" and not lines[-1].received
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        code = screen.saved_code
    dossier = services.dossiers.peek(code)
    assert dossier.documents[0].attachments[0].file_name == "to-khai.pdf"
    assert "Sổ hộ khẩu cũ" not in [d.name for d in dossier.documents]


async def test_escape_keeps_the_draft_and_f2_offers_it_back(app, services):
    from screens.home import HomeScreen

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen)
        screen.query_one("#full_name").value = "Trần Văn Cường"
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        draft = services.intake.load_draft("canbo")
        assert draft["procedure_code"] == "1.001193"
        assert draft["inputs"]["full_name"] == "Trần Văn Cường"
        await pilot.press("f2")
        await pilot.pause()
        assert "Trần Văn Cường" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("y")
        await pilot.pause()
        resumed = app.screen
        assert resumed.procedure.code == "1.001193"
        assert resumed.query_one("#full_name").value == "Trần Văn Cường"
        assert resumed.step == 1


async def test_declining_the_draft_discards_it(app, services):
    services.intake.save_draft(
        "canbo", {"version": 1, "step": 1, "procedure_code": "1.001193", "inputs": {"full_name": "Bỏ Đi"}}
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one("#full_name").value == ""
    assert services.intake.load_draft("canbo") is None


async def test_large_print_toggles_on_the_review(app, services):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen)
        await scan_into(pilot, screen, "id_number")
        await fill_declaration(pilot, screen)
        await pilot.press("f9")
        await pilot.pause()
        assert screen.step == 6 and screen.has_class("-large")
        shown = str(screen.query_one("#review-name").render())  # letter-spaced in large print (issue 15)
        assert "ĐẶNG THỊ ÁNH" in shown.replace("   ", "\0").replace(" ", "").replace("\0", " ")
        await pilot.press("f9")
        await pilot.pause()
        assert not screen.has_class("-large")


async def test_document_kind_and_count_stay_visible_beside_long_names(app, services):
    """At 120×40 the K (kind) and +/- (count) columns must be on screen even when a paper's name is long."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen, "1.000689")  # khai sinh + nhận cha, mẹ, con: long paper names
        await scan_into(pilot, screen, "id_number")
        screen.query_one("#phone").value = "0912345678"
        await pilot.press("pagedown")
        await pilot.pause()
        table = screen.query_one("#docs-table")
        assert table.row_count >= 1
        assert any(len(line.name) > 60 for line in screen.query_one("DocumentsPanel").lines)
        assert table.virtual_size.width <= table.scrollable_content_region.width, "kind/count pushed off screen"
        await pilot.press("k")
        await pilot.pause()
        assert "Bản sao" in "".join(str(s) for s in table.get_row_at(table.cursor_row))


async def test_footer_offers_only_keys_that_work_before_and_after_saving(app, services):
    """Before saving F8 has nothing to reprint; once saved, step keys, Ctrl+S and Ctrl+R do nothing — hide them."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen)
        before = {b.binding.action for b in screen.active_bindings.values()}
        assert {"save", "toggle_rep"} <= before
        assert "reprint" not in before
        await scan_into(pilot, screen, "id_number")
        screen.query_one("#phone").value = "0912345678"
        await fill_declaration(pilot, screen)
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.saved_code
        after = {b.binding.action for b in screen.active_bindings.values()}
        assert not {"next_step", "prev_step", "save", "toggle_rep"} & after
        assert "reprint" in after and "print_declaration" in after  # I prints the tờ khai


async def test_a_procedure_needing_gender_and_address_refuses_them_empty_inline(app, services):
    """Birth registration's catalog entry requires the applicant's gender and address (issue 15)."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_intake(app, pilot)
        await choose_procedure(pilot, screen, "1.001193")
        values = {"id_number": "038190012345", "full_name": "Đặng Thị Ánh", "birth_date": "17/05/1990", "gender": "Nữ"}
        for input_id, text in values.items():
            screen.query_one(f"#{input_id}").value = text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.step == 1 and not screen.saved_code
        assert "Cần nhập địa chỉ của người nộp" in str(screen.query_one("#address-error").render())
        assert app.focused is screen.query_one("#address")
        screen.query_one("#address").value = "Thôn Đông Hải, Xã Quảng Phú"
        screen.query_one("#gender").value = ""
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.step == 1 and not screen.saved_code
        assert "giới tính" in str(screen.query_one("#gender-error").render())
    assert dossier_count(services) == 0
