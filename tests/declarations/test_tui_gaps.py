"""The Tờ khai step as an officer meets it (Textual Pilot, real database, real PDFs read back as text):
a required declaration, a known citizen's data offered on one key, a repeating group typed row by row, and the
filled tờ khai printed from the intake's saved view and from the dossier screen."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader

from tests.declarations.conftest import BIRTH
from tests.declarations.test_pilot_intake import FATHER_SCAN, SIZE, fill_child, start, type_into
from tests.declarations.test_service import draft
from tests.ui.conftest import app, fixed_clock, messages, officer, renderer, save_intake, settle  # noqa: F401
from tests.ui.test_dossier_screen import open_dossier


def footer_actions(pilot_app) -> dict[str, str]:
    """The keys the footer offers now: action → description."""
    return {
        b.binding.action: b.binding.description
        for b in pilot_app.screen.active_bindings.values()
        if b.enabled and b.binding.show
    }


def declaration_pdfs(services, code: str) -> list[str]:
    """The text of every tờ khai PDF archived for the dossier (one page each)."""
    from onestop.domain import FormKind

    out = []
    for form in services.dossiers.peek(code).forms:
        if form.form is FormKind.DECLARATION:
            reader = PdfReader(io.BytesIO(open(form.file, "rb").read()))
            assert len(reader.pages) == 1
            out.append(" ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages))
    return out


async def test_save_refused_while_required_declaration_fields_are_missing(app, services):  # noqa: F811
    """A birth registration cannot be saved without its tờ khai: the officer is told which fields are missing, in
    Vietnamese, and brought back to the Tờ khai step at the first of them."""
    from screens.intake.declaration import DeclarationStep

    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        screen, form = await start(app, pilot, "1.001193", FATHER_SCAN)
        real_notify = app.notify
        app.notify = lambda message, **kw: (notes.append(str(message)), real_notify(message, **kw))[1]
        await pilot.press("pagedown")  # on to the documents without typing the declaration
        await pilot.pause()
        assert screen.current_step is screen.step_of(DeclarationStep)  # not let through
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not screen.saved_code
        assert screen.current_step is screen.step_of(DeclarationStep)
        said = " ".join(notes)
        assert "Tờ khai còn thiếu" in said
        for label in ("Người được khai sinh – Họ, chữ đệm, tên", "Ngày, tháng, năm sinh", "Nơi sinh"):
            assert label in said, label
        assert form.error("HoTenKS") == "Chưa nhập Người được khai sinh – Họ, chữ đệm, tên."
        assert app.focused.id == "decl-HoTenKS"
        await fill_child(pilot, form)
        await save_intake(app, pilot, screen, open_fee="0")
    stored = services.dossiers.peek(screen.saved_code).declaration
    assert stored.values["HoTenKS"] == "Lê Minh Khang" and stored.values["QuanHe"] == "ChaDe"


async def test_known_mother_offered_on_one_key_and_the_tokhai_printed_from_intake_and_dossier(
    app,  # noqa: F811
    services,
    applicant,
    messages,  # noqa: F811
):
    """The mother (Đặng Thị Ánh) registered her first child here; at her second child's registration the father
    comes, the officer types her ID number in her block and Ctrl+Y fills her block. Then I prints the tờ khai."""
    first = services.intake.save(draft(applicant, "1.001193", dict(BIRTH)), "canbo")
    assert first.declaration.values["DanTocMeKS"] == "01"
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        screen, form = await start(app, pilot, "1.001193", FATHER_SCAN)
        await fill_child(pilot, form)
        # "Quan hệ = Cha" copied the applicant into the father's block: the first declaration named him too, with
        # the ethnicity and nationality his ID card does not carry
        assert "Lê Văn Dũng" in str(form.query_one("#decl-known").render())
        assert footer_actions(app)["use_known"] == "Điền dữ liệu đã biết"
        await type_into(pilot, form, "SoDinhDanhMe", "038190012345")
        offer = str(form.query_one("#decl-known").render())
        assert "Đặng Thị Ánh" in offer and "17/05/1990" in offer and "Kinh" in offer and "Ctrl+Y" in offer
        assert footer_actions(app)["use_known"] == "Điền dữ liệu đã biết"
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert form.raw("HoTenMeKS") == "Đặng Thị Ánh" and form.raw("NamSinhMeKS") == "17/05/1990"
        assert form.raw("DanTocMeKS") == "Kinh" and form.raw("QuocTichMeKS") == "Việt Nam"
        assert form.raw("MeNoiCuTru_TrongNuoc") == applicant.address
        assert not form.query_one("#decl-known").display and "use_known" not in footer_actions(app)
        code = await save_intake(app, pilot, screen, open_fee="0")
        assert footer_actions(app)["print_declaration"] == "In tờ khai"
        await pilot.press("i")
        await settle(app, pilot)
        printed = declaration_pdfs(services, code)
        assert len(printed) == 1
        assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in printed[0] and "Lê Minh Khang" in printed[0]
        assert "Đặng Thị Ánh" in printed[0] and "Lê Văn Dũng" in printed[0]
        # the same key on the dossier screen, for a dossier received earlier
        dossier_screen = await open_dossier(app, pilot, messages, first.code)
        assert footer_actions(app)["print_declaration"] == "Tờ khai"
        await pilot.press("i")
        await settle(app, pilot)
        assert dossier_screen is app.screen
    stored = services.dossiers.peek(code).declaration.values
    assert stored["HoTenMeKS"] == "Đặng Thị Ánh" and stored["DanTocMeKS"] == "01"
    assert stored["SoDinhDanhMe"] == "038190012345"
    again = declaration_pdfs(services, first.code)
    assert len(again) == 1 and "Lê Minh Khang" in again[0] and "Đặng Thị Ánh" in again[0]


async def test_dossier_without_a_declaration_offers_no_print_key(app, services, make_dossier, messages):  # noqa: F811
    d = make_dossier()  # a procedure without an electronic form
    async with app.run_test(size=SIZE, message_hook=messages) as pilot:
        await open_dossier(app, pilot, messages, d.code)
        assert "print_declaration" not in footer_actions(app)


def test_known_person_reads_citizens_and_earlier_declarations(services, applicant, db_path):
    from onestop.declarations.service import known_summary, known_values

    declarations = services.intake.declarations
    assert declarations.known_person("038190012345") is None  # nobody received yet
    first = services.intake.save(draft(applicant, "1.001193", dict(BIRTH)), "canbo")
    mother = declarations.known_person("038190012345")
    assert mother is not None and mother.sources[0] == "công dân đã tiếp nhận"
    assert mother.facts["name"] == "Đặng Thị Ánh" and mother.facts["ethnicity"] == "01"
    assert mother.facts["nationality"] == "VN" and mother.facts["birth"] == "17/05/1990"
    assert "Kinh" in known_summary(mother) and "Việt Nam" in known_summary(mother)
    # the father was only named by the declaration (never an applicant): still known, by what it said
    father = declarations.known_person("038088001234")
    assert father is not None and father.facts["name"] == "Lê Văn Dũng" and father.facts["birth"] == "1988"
    assert father.sources == (f"tờ khai hồ sơ {first.code}",)
    # into another form's block (the groom of a marriage): the year of birth does not fit a full date there
    marriage = declarations.get("to-khai-ket-hon")
    assert known_values(marriage, "groom", father) == {
        "HoTenBenNam": "Lê Văn Dũng",
        "DanTocBenNam": "01",
        "QuocTichBenNam": "VN",
    }
    assert declarations.known_person("12345") is None
    # a dossier pulled from the province leaves no citizen row here: its applicant is still known
    import sqlite3

    with sqlite3.connect(db_path) as con:
        con.execute("UPDATE dossier SET citizen_id = NULL")
        con.execute("DELETE FROM citizen")
    pulled = declarations.known_person("038190012345")
    assert pulled is not None and pulled.sources[0] == f"người nộp hồ sơ {first.code}"
    assert pulled.facts["name"] == "Đặng Thị Ánh" and pulled.facts["birth"] == "17/05/1990"


REPEAT_FORM = {
    "name": "to-khai-thu-con",
    "title": "TỜ KHAI THỬ NHÓM LẶP",
    "properties": {"version": 1, "procedures": ["2.001035"], "signatures": ["Người yêu cầu"]},
    "components": [
        {
            "type": "panel",
            "key": "p",
            "title": "Người khai",
            "components": [
                {
                    "type": "textfield",
                    "key": "HoTen",
                    "label": "Họ tên",
                    "validate": {"required": True},
                    "properties": {"person": "requester", "role": "name"},
                },
                {"type": "checkbox", "key": "CoCon", "label": "Có con chung"},
                {
                    "type": "editgrid",
                    "key": "Con",
                    "label": "Các con chung",
                    "conditional": {"show": True, "when": "CoCon", "eq": "true"},
                    "components": [
                        {"type": "textfield", "key": "TenCon", "label": "Tên con", "validate": {"required": True}},
                        {"type": "day", "key": "NgaySinhCon", "label": "Ngày sinh của con"},
                    ],
                },
                {"type": "textfield", "key": "GhiChu", "label": "Ghi chú"},
            ],
        }
    ],
}


async def test_repeating_group_rows_added_removed_checked_saved_and_printed(app, services, tmp_path):  # noqa: F811
    path = tmp_path / "form.json"
    path.write_text(json.dumps(REPEAT_FORM, ensure_ascii=False), encoding="utf-8")
    services.intake.declarations.import_file(path, "admin")

    async def type_here(text: str) -> None:
        await pilot.press(*[c if c != " " else "space" for c in text])
        await pilot.press("enter")
        await pilot.pause()

    async with app.run_test(size=SIZE) as pilot:
        screen, form = await start(app, pilot, "2.001035")
        assert form.query_one("#rep-Con").has_class("-hidden")  # until "Có con chung" is ticked
        form.focus_field("CoCon")
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        assert not form.query_one("#rep-Con").has_class("-hidden")
        await pilot.press("tab")  # into the group's first (empty) row
        await pilot.pause()
        assert app.focused.id.startswith("rin-Con-") and app.focused.id.endswith("-TenCon")
        assert {"add_row", "remove_row"} <= set(footer_actions(app))
        await type_here("Bé Na")
        await type_here("01022020")  # Enter in the row's last field: no further row, on to "Ghi chú"
        assert form.row_values("Con") == [{"TenCon": "Bé Na", "NgaySinhCon": "01/02/2020"}]
        assert app.focused.id == "decl-GhiChu" and "add_row" not in footer_actions(app)
        form._focus_row("Con", form.row_ids["Con"][0])
        await pilot.pause()
        await pilot.press("ctrl+n")  # a second row, focused
        await pilot.pause()
        assert len(form.row_ids["Con"]) == 2 and app.focused.id.endswith("-TenCon")
        await type_here("Bé Bi")
        await type_here("31022021")  # no such day: refused under the field
        assert "không tồn tại" in form.row_error("Con", 2, "NgaySinhCon")
        focused = app.focused
        focused.value = ""
        await type_here("03042021")
        assert form.row_error("Con", 2, "NgaySinhCon") == ""
        form._focus_row("Con", form.row_ids["Con"][1])
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("tab")
        await type_here("05062022")  # a birth date with no name: the row's name is required
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not screen.saved_code
        assert form.row_error("Con", 3, "TenCon") == "Chưa nhập Các con chung – Tên con."
        form._focus_row("Con", form.row_ids["Con"][2])
        await pilot.pause()
        await pilot.press("ctrl+b")  # the third row goes
        await pilot.pause()
        assert len(form.row_ids["Con"]) == 2
        assert form.row_values("Con")[1] == {"TenCon": "Bé Bi", "NgaySinhCon": "03/04/2021"}
        await type_into(pilot, form, "HoTen", "Đặng Thị Ánh")
        code = await save_intake(app, pilot, screen, open_fee="0")
        await pilot.press("i")
        await settle(app, pilot)
    stored = services.dossiers.peek(code).declaration
    assert stored.form == "to-khai-thu-con" and stored.values["Con"] == [
        {"TenCon": "Bé Na", "NgaySinhCon": "01/02/2020"},
        {"TenCon": "Bé Bi", "NgaySinhCon": "03/04/2021"},
    ]
    shown = {r["label"]: r["display"] for r in services.intake.declarations.show(stored)}  # `dossier show`
    assert shown["Tên con (1)"] == "Bé Na" and shown["Tên con (2)"] == "Bé Bi"
    assert shown["Ngày sinh của con (2)"] == "03/04/2021"
    text = declaration_pdfs(services, code)[0]
    assert "Tên con (1)" in text and "Bé Na" in text and "Tên con (2)" in text and "Bé Bi" in text
    assert "03/04/2021" in text
