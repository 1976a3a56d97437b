"""The Tờ khai step widget through Textual Pilot: keyboard order, inline errors, conditions, dates, ID scans."""

from __future__ import annotations

from datetime import date, datetime

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll

from onestop.declarations.service import shipped_definitions
from onestop.domain import VN_TZ, Person
from screens.widgets.declaration_form import DeclarationForm

FATHER = Person(
    full_name="Lê Văn Dũng",
    id_number="038088001234",
    birth_date=date(1988, 3, 2),
    gender="Nam",
    address="Thôn Đông Hải, Xã Quảng Phú, Tỉnh Thanh Hóa",
)
MOTHER_SCAN = "038192004567|012345999|LÊ THỊ HOA|02031992|Nữ|Thôn Đông Hải, Xã Quảng Phú, Tỉnh Thanh Hóa|01012022"


def form(name: str):
    return next(d for d in shipped_definitions() if d.name == name)


class Host(App):
    def __init__(self, definition, values=None, applicant=None) -> None:
        super().__init__()
        self.definition, self.initial, self.applicant = definition, values or {}, applicant
        self.keys = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield DeclarationForm(self.definition, self.initial, applicant=self.applicant, id="decl")


async def type_in(pilot, text: str, counter: list[int]) -> None:
    for ch in text:
        await pilot.press(ch if ch != " " else "space")
    counter[0] += len(text)


async def test_birth_declaration_filled_by_keyboard_with_both_parents_scanned():
    from onestop.declarations.service import prefill

    defn = form("to-khai-khai-sinh")
    start = prefill(defn, {"KinhGui": "Ủy ban nhân dân xã Quảng Phú"}, FATHER)  # the applicant's ID scan
    app = Host(defn, start, FATHER)
    keys = [0]  # keystrokes besides the scans and the child's own name, date and place of birth
    async with app.run_test(size=(140, 60)) as pilot:
        f = app.query_one(DeclarationForm)
        while not f.ready:
            await pilot.pause()
        await pilot.pause()
        assert f.raw("HoVaTenC") == "Lê Văn Dũng"  # pre-filled "Người yêu cầu"
        f.focus_field("QuanHe")
        await pilot.pause()
        await type_in(pilot, "cha", keys)
        await pilot.press("enter")
        keys[0] += 1
        await pilot.pause()
        assert f.raw("QuanHe") == "Cha"
        assert f.raw("HoTenChaKS") == "Lê Văn Dũng" and f.raw("SoDinhDanhCha") == "038088001234"  # copied
        assert app.focused.id == "decl-HoTenKS"  # Enter moved on in form order
        await type_in(pilot, "Lê Minh Khang", [0])
        await pilot.press("enter")
        await type_in(pilot, "15032026", [0])
        await pilot.press("enter")
        await pilot.pause()
        assert f.raw("NgaySinhChon") == "15/03/2026"  # typed date shown formatted
        assert app.focused.id == "decl-NgaySinhChonBangChu"
        await pilot.press("enter")  # left empty: written in words on save
        await type_in(pilot, "nam", keys)
        await pilot.press("enter")
        await type_in(pilot, "kinh", keys)
        await pilot.press("enter")
        await type_in(pilot, "viet", keys)
        await pilot.press("enter")
        keys[0] += 4
        await pilot.pause()
        assert (f.raw("GioiTinhKS"), f.raw("DanTocKS"), f.raw("QuocTichKS")) == ("Nam", "Kinh", "Việt Nam")
        await type_in(pilot, "Trạm y tế xã Quảng Phú", [0])
        await pilot.press("enter")
        # the mother's card scanned while her block has focus fills the block
        f.focus_field("HoTenMeKS")
        await pilot.pause()
        await type_in(pilot, MOTHER_SCAN, [0])
        await pilot.press("enter")
        await pilot.pause()
        assert f.raw("HoTenMeKS") == "Lê Thị Hoa" and f.raw("NamSinhMeKS") == "02/03/1992"
        assert f.raw("SoDinhDanhMe") == "038192004567" and f.raw("LoaiGiayToDinhDanhMe") == "Thẻ căn cước"
        assert f.raw("NgayCapDDMe") == "01/01/2022"
        assert f.raw("HoTenChaKS") == "Lê Văn Dũng"  # the other block untouched
        f.focus_field("DanTocMeKS")
        await pilot.pause()
        await type_in(pilot, "kinh", keys)
        await pilot.press("enter")
        await type_in(pilot, "viet", keys)
        await pilot.press("enter")
        keys[0] += 2
        f.focus_field("CapBanSao")
        await pilot.pause()
        # conditional: hidden until "Có" (its row is not even built before an answer shows it)
        assert not f.query("#row-SoLuong") and "SoLuong" not in f.visible_keys()
        await type_in(pilot, "co", keys)
        await pilot.press("enter")
        keys[0] += 1
        await pilot.pause()
        assert not f.query_one("#row-SoLuong").has_class("-hidden")
        await type_in(pilot, "2", keys)
        await pilot.press("enter")
        keys[0] += 1
        now = datetime(2026, 11, 20, 9, tzinfo=VN_TZ)
        values = f.validate(now.date(), now)
        assert values is not None
        assert values["HoTenKS"] == "Lê Minh Khang" and values["HoTenMeKS"] == "Lê Thị Hoa"
        assert values["CapBanSao"] == "Co" and values["SoLuong"] == 2 and values["DanTocKS"] == "01"
        assert values["NgaySinhChonBangChu"].startswith("Ngày mười lăm tháng ba")
    print(f"keystrokes for the birth declaration (both parents scanned): {keys[0]}")
    assert keys[0] <= 60, keys[0]


async def test_inline_errors_at_the_field():
    defn = form("to-khai-khai-sinh")
    app = Host(defn, {"KinhGui": "UBND", "HoVaTenC": "Đặng Thị Ánh"})
    async with app.run_test(size=(140, 60)) as pilot:
        f = app.query_one(DeclarationForm)
        while not f.ready:
            await pilot.pause()
        await pilot.pause()
        f.focus_field("NgaySinhChon")
        await pilot.pause()
        for ch in "31022026":
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause()
        err = f.error("NgaySinhChon")
        assert "không tồn tại" in err and app.focused.id == "decl-NgaySinhChon"
        f.focus_field("DanTocKS")
        await pilot.pause()
        for ch in "xyz":
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause()
        assert "không có trong danh sách lựa chọn" in f.error("DanTocKS")
        assert "không có trong danh sách lựa chọn" in str(f.query_one("#err-DanTocKS").render())
        now = datetime(2026, 11, 20, 9, tzinfo=VN_TZ)
        f.set_value("NgaySinhChon", "01/01/2026")
        f.set_value("DanTocKS", "01")
        assert f.validate(now.date(), now) is None  # the child's name is missing
        await pilot.pause()
        assert "Chưa nhập" in f.error("HoTenKS") and app.focused.id == "decl-HoTenKS"


async def test_every_shipped_form_opens_with_every_field_reachable_in_order():
    for defn in shipped_definitions():
        app = Host(defn)
        async with app.run_test(size=(140, 60)) as pilot:
            f = DeclarationForm(defn, id="second")
            await app.query_one(VerticalScroll).mount(f)
            while not f.ready:
                await pilot.pause()
            await pilot.pause()
            keys = f.visible_keys()
            f.focus_field(keys[0])
            seen = [keys[0]]
            for _ in range(len(keys) - 1):
                await pilot.press("tab")
                focused = app.focused
                key = (focused.id or "").removeprefix("decl-") if focused else ""
                seen.append(key)
            assert seen == keys, defn.name
