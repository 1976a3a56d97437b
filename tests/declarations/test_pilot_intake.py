"""Officers fill each shipped core declaration in the intake screen (Textual Pilot), save, print and sync it:
the stored values, the printed tờ khai's text and the payload that reached a real reference server."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.declarations.conftest import FILLED
from tests.sync.conftest import make_counter
from tests.ui.conftest import SCAN, fixed_clock, save_intake  # noqa: F401

SIZE = (140, 50)
FATHER_SCAN = "038088001234|012345111|LÊ VĂN DŨNG|02031988|Nam|Thôn Đông Hải, Xã Quảng Phú, Tỉnh Thanh Hóa|10062022"
MOTHER_SCAN = "038192004567|012345999|LÊ THỊ HOA|02031992|Nữ|Thôn Đông Hải, Xã Quảng Phú, Tỉnh Thanh Hóa|01012022"
CHILD = (  # the child's required fields of the birth tờ khai, as the officer types them
    ("HoTenKS", "Lê Minh Khang"),
    ("NgaySinhChon", "15112026"),
    ("GioiTinhKS", "nam"),
    ("DanTocKS", "kinh"),
    ("QuocTichKS", "viet"),
    ("nksNoiSinh_TrongNuoc", "Trạm y tế xã Quảng Phú"),
)


@pytest.fixture
def counter(tmp_path, server_db, province):
    if not server_db.endswith(".db"):  # the server's storage of ToKhai on PostgreSQL: tests/declarations/test_sync.py
        pytest.skip("UI test runs once (SQLite server)")
    svc = make_counter(tmp_path, "01", province.url, province.token("01"))
    from onestop.printing import ReceiptsRenderer

    svc.renderer = ReceiptsRenderer()  # before the forms service is first built
    yield svc
    svc.sync.close()
    svc.close()


async def start(app, pilot, procedure: str, scan: str = SCAN):
    from screens.intake import IntakeScreen
    from screens.intake.declaration import DeclarationStep

    await pilot.press("f2")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, IntakeScreen)
    screen.query_one("#proc-query").value = procedure
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    widget = screen.query_one("#id_number")
    widget.focus()
    widget.value = scan
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("pagedown")
    await pilot.pause()
    step = screen.step_of(DeclarationStep)
    assert screen.current_step is step and step.form is not None
    while not step.form.ready:
        await pilot.pause()
    await pilot.pause()
    return screen, step.form


async def type_into(pilot, form, key: str, text: str) -> None:
    form.focus_field(key)
    await pilot.pause()
    form.widget(key).value = ""
    await pilot.press(*[c if c != " " else "space" for c in text]) if len(text) < 40 else None
    if len(text) >= 40:
        form.widget(key).value = text
    await pilot.press("enter")
    await pilot.pause()


async def fill_child(pilot, form) -> None:
    """The father registers ("Quan hệ = Cha" copies him into his block) and the child's required fields are typed."""
    await type_into(pilot, form, "QuanHe", "cha")
    for key, text in CHILD:
        await type_into(pilot, form, key, text)


async def save_and_sync(app, pilot, screen, counter, province):
    code = await save_intake(app, pilot, screen, open_fee="0")  # a fee the province sets: the officer types it
    assert counter.sync.run_once().complete
    upstream = {d["code"]: d for d in province.store.dump(with_payload=True)["dossiers"]}[code]
    return code, upstream["payload"]["ToKhai"]


def pdf_text(counter, code: str) -> str:
    from onestop.domain import FormKind

    outcome = counter.forms.issue(code, FormKind.DECLARATION, officer="canbo", print_it=False)
    reader = PdfReader(io.BytesIO(outcome.pdf_path.read_bytes()))
    assert len(reader.pages) == 1
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


async def test_birth_registration_with_both_parents_scanned(counter, province, fixed_clock):  # noqa: F811
    from screens.app import make_app

    app = make_app(counter, officer=counter.officers.get("canbo"), clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        screen, form = await start(app, pilot, "1.001193", FATHER_SCAN)  # the father comes to register
        assert form.raw("HoVaTenC") == "Lê Văn Dũng" and app.focused.id == "decl-QuanHe"
        await type_into(pilot, form, "QuanHe", "cha")  # copies the applicant into the father's block
        assert form.raw("HoTenChaKS") == "Lê Văn Dũng" and form.raw("SoDinhDanhCha") == "038088001234"
        for key, text in CHILD:
            await type_into(pilot, form, key, text)
        assert form.raw("NgaySinhChon") == "15/11/2026"
        # the mother's card, scanned while her block has focus, fills her block
        form.focus_field("HoTenMeKS")
        await pilot.pause()
        form.widget("HoTenMeKS").value = MOTHER_SCAN
        await pilot.press("enter")
        await pilot.pause()
        assert form.raw("HoTenMeKS") == "Lê Thị Hoa" and form.raw("SoDinhDanhMe") == "038192004567"
        for key, text in (("DanTocMeKS", "kinh"), ("QuocTichMeKS", "viet"), ("CapBanSao", "co"), ("SoLuong", "2")):
            await type_into(pilot, form, key, text)
        # large print shows the declaration's key facts
        await pilot.press("f9")
        await pilot.pause()
        facts = str(screen.query_one("#review-declaration").render())
        assert "LÊ MINH KHANG" in facts and "15/11/2026" in facts and "LÊ THỊ HOA" in facts
        await pilot.press("f9")
        await pilot.pause()
        code, tk = await save_and_sync(app, pilot, screen, counter, province)
    stored = counter.dossiers.peek(code).declaration
    assert stored.form == "to-khai-khai-sinh" and stored.values["HoTenKS"] == "Lê Minh Khang"
    assert stored.values["HoTenMeKS"] == "Lê Thị Hoa" and stored.values["NamSinhMeKS"] == "02/03/1992"
    assert stored.values["HoTenChaKS"] == "Lê Văn Dũng" and stored.values["QuanHe"] == "ChaDe"
    assert stored.values["SoLuong"] == 2 and stored.values["KinhGui"] == "Ủy ban nhân dân xã Quảng Phú"
    assert tk["DuLieu"] == stored.values and tk["MaMau"] == "to-khai-khai-sinh"
    text = pdf_text(counter, code)
    assert "TỜ KHAI ĐĂNG KÝ KHAI SINH" in text and "Lê Minh Khang" in text and "Lê Thị Hoa" in text
    assert "Làm tại: Xã Quảng Phú, ngày 23 tháng 11 năm 2026" in text


@pytest.mark.parametrize("procedure", ["1.000656", "1.000894", "1.004873", "2.000635"])
async def test_other_core_declarations_typed_in_the_intake_screen(counter, province, fixed_clock, procedure):  # noqa: F811
    from screens.app import make_app

    form_name, values = FILLED[procedure]
    app = make_app(counter, officer=counter.officers.get("canbo"), clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        screen, form = await start(app, pilot, procedure)
        for key, text in values.items():
            if key in form.by_key:
                await type_into(pilot, form, key, str(text))
        code, tk = await save_and_sync(app, pilot, screen, counter, province)
    stored = counter.dossiers.peek(code).declaration
    assert stored.form == form_name and tk["DuLieu"] == stored.values
    first_name = next(v for k, v in values.items() if k.startswith(("HoTen", "HoVaTen", "NDK_HoVaTen")))
    assert first_name in stored.values.values()
    text = pdf_text(counter, code)
    assert stored.title in text and first_name in text
