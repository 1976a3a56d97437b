"""Generate the shipped Form.io declaration definitions (onestop/data/forms/*.json) from FORMS.md.

Run: `python -m onestop.declarations.generate` (a maintainer's tool; the product never runs it). The JSON files are the shipped data (and what `onestop form import` reads);
this script only saves typing the same person blocks eight times. Every field carries its evidence grade
(FORMS.md §0) and whether its key is a national portal e-form id (FORMS.md §7.1). Rows graded UNSOURCED are not
built; they are listed in `properties.leftOut`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "data" / "forms"

NOTE_2 = (
    "Chỉ ghi trong trường hợp người có yêu cầu đăng ký hộ tịch chưa có/không cung cấp số định danh cá nhân/căn cước "
    'công dân/thẻ căn cước/chứng minh nhân dân{dob}. Trường hợp phải cung cấp thông tin "Nơi cư trú" thì ghi theo '
    "nơi đăng ký thường trú; nếu không có nơi đăng ký thường trú thì ghi theo nơi đăng ký tạm trú; trường hợp không "
    "có nơi đăng ký thường trú và nơi đăng ký tạm trú thì ghi theo nơi ở hiện tại."
)
NOTE_3 = (
    "Ghi số định danh cá nhân/căn cước công dân/thẻ căn cước (ví dụ: Căn cước công dân số 025188001010 do Cục Cảnh "
    "sát QLHC về TTXH cấp ngày 20/11/2021). Trường hợp không có số định danh cá nhân/căn cước công dân/thẻ căn cước "
    "thì ghi giấy tờ hợp lệ thay thế (hộ chiếu, chứng minh nhân dân,...)."
)
NOTE_COPY = "Đề nghị đánh dấu X vào ô nếu có yêu cầu cấp bản sao và ghi rõ số lượng."
ID_PATTERN = "[0-9]{12}"


def props(evidence: str, portal: bool, *, person: str = "", role: str = "", source: str = "", **extra: Any) -> dict:
    p: dict[str, Any] = {"evidence": evidence, "portalId": "yes" if portal else "no"}
    if person:
        p["person"] = person
    if role:
        p["role"] = role
    if source:
        p["source"] = source
    p.update(extra)
    return p


def text(key, label, ev, portal=True, *, required=False, max_length=200, pattern="", person="", role="", **kw):
    c = {
        "type": "textfield",
        "key": key,
        "label": label,
        "input": True,
        "validate": {"required": required, "maxLength": max_length},
        "properties": props(ev, portal, person=person, role=role, source=kw.pop("source", "")),
    }
    if pattern:
        c["validate"]["pattern"] = pattern
    c.update(kw)
    return c


def area(key, label, ev, portal=True, *, required=False, max_length=1000, **kw):
    c = text(key, label, ev, portal, required=required, max_length=max_length, **kw)
    c["type"] = "textarea"
    return c


def number(key, label, ev, portal=True, *, minimum=None, maximum=None, required=False, **kw):
    c = {
        "type": "number",
        "key": key,
        "label": label,
        "input": True,
        "validate": {"required": required},
        "properties": props(ev, portal, source=kw.pop("source", "")),
    }
    if minimum is not None:
        c["validate"]["min"] = minimum
    if maximum is not None:
        c["validate"]["max"] = maximum
    c.update(kw)
    return c


def day(key, label, ev, portal=True, *, year_only=False, required=False, person="", role="", **kw):
    """A Form.io `day` component (day/month/year, day first); day and month optional when a year alone is allowed."""
    c = {
        "type": "day",
        "key": key,
        "label": label,
        "input": True,
        "dayFirst": True,
        "fields": {
            "day": {"type": "number", "required": not year_only},
            "month": {"type": "select", "required": not year_only},
            "year": {"type": "number", "required": True},
        },
        "validate": {"required": required},
        "properties": props(ev, portal, person=person, role=role, source=kw.pop("source", "")),
    }
    if year_only:
        c["properties"]["yearOnly"] = "allowed"
    c.update(kw)
    return c


def date(key, label, ev, portal=True, *, required=False, **kw):
    """A Form.io `datetime` component without time, shown dd/MM/yyyy (issue dates, death date)."""
    c = {
        "type": "datetime",
        "key": key,
        "label": label,
        "input": True,
        "format": "dd/MM/yyyy",
        "enableTime": False,
        "validate": {"required": required},
        "properties": props(
            ev, portal, source=kw.pop("source", ""), person=kw.pop("person", ""), role=kw.pop("role", "")
        ),
    }
    c.update(kw)
    return c


def select(key, label, ev, portal=True, *, lst="", values=(), required=False, person="", role="", **kw):
    c = {
        "type": "select",
        "key": key,
        "label": label,
        "input": True,
        "dataSrc": "values",
        "data": {"values": [{"value": v, "label": lab} for v, lab in values]},
        "validate": {"required": required},
        "properties": props(ev, portal, person=person, role=role, source=kw.pop("source", "")),
    }
    if lst:
        c["properties"]["list"] = lst
    if lst == "quoc-tich":
        c["defaultValue"] = "VN"  # shown pre-selected at a Vietnamese commune counter; the officer may change it
    c.update(kw)
    return c


def radio(key, label, ev, portal=True, *, values=(), lst="", required=False, **kw):
    c = select(key, label, ev, portal, values=values, lst=lst, required=required, **kw)
    c["type"] = "radio"
    c["values"] = c.pop("data")["values"]
    c.pop("dataSrc")
    return c


def panel(key, title, components, **kw):
    return {"type": "panel", "key": key, "title": title, "input": False, "components": components, **kw}


def columns(key, *cols):
    return {
        "type": "columns",
        "key": key,
        "input": False,
        "columns": [{"components": list(c), "width": 12 // len(cols)} for c in cols],
    }


def content(key, html):
    return {"type": "content", "key": key, "input": False, "html": html}


def when(key, eq, show=True):
    return {"conditional": {"show": show, "when": key, "eq": eq}}


def kinh_gui():
    return text(
        "KinhGui",
        "Kính gửi",
        "A/B",
        False,
        required=True,
        source="Chú thích (1): ghi rõ tên cơ quan đăng ký.",
        defaultValue="",
        properties_default="office",
    )


def requester(suffix_rel_label, rel_key="QuanHe", *, dob=True, dob_ev="C", rel_list=True, rel_values=()):
    """The "Người yêu cầu" block (FORMS.md rows 1–5), keys from the portal's requester block (§7.1)."""
    p = "requester"
    comps = [
        text("HoVaTenC", "Họ, chữ đệm, tên người yêu cầu", "B", required=True, person=p, role="name"),
    ]
    if dob:
        comps.append(day("NgaySinhC", "Ngày, tháng, năm sinh", dob_ev, False, person=p, role="birth"))
    comps += [
        text("nycNoiCuTru_TrongNuoc", "Nơi cư trú", "A/B", max_length=300, description="(2)", person=p, role="address"),
        *id_block("C", "DDC", p, ev="A/B", ddc=True),
    ]
    if rel_values:
        comps.append(radio(rel_key, suffix_rel_label, "B", values=rel_values))
    elif rel_list:
        comps.append(select(rel_key, suffix_rel_label, "B", lst="quan-he"))
        comps.append(text("QuanHeKhac", "Quan hệ khác (ghi rõ)", "B", False, max_length=100, **when(rel_key, "Khac")))
    else:
        comps.append(text(rel_key, suffix_rel_label, "B", max_length=100))
    return panel("NguoiYeuCau", "Người yêu cầu", comps, properties={"person": p})


def id_block(sfx, dd_sfx, person, *, ev="A/B", ddc=False, keys=None):
    """Giấy tờ tùy thân (3): type, number, issue date, issuer."""
    keys = keys or {
        "type": f"LoaiGiayToDinhDanh{sfx}",
        "number": f"SoDinhDanh{sfx}",
        "date": f"NgayCap{dd_sfx}",
        "issuer": f"NoiCap{dd_sfx}",
    }
    return [
        columns(
            f"{keys['number']}_giayto",
            [
                select(
                    keys["type"],
                    "Loại giấy tờ tùy thân",
                    ev,
                    lst="giay-to",
                    description="(3)",
                    person=person,
                    role="id_type",
                )
            ],
            [
                text(
                    keys["number"],
                    "Số giấy tờ tùy thân",
                    ev,
                    max_length=20,
                    pattern="[0-9A-Za-z]{6,20}",
                    person=person,
                    role="id_number",
                )
            ],
            [date(keys["date"], "Ngày cấp", ev, person=person, role="id_date")],
            [text(keys["issuer"], "Nơi cấp", ev, max_length=200)],
        )
    ]


def copy_request(ev="A", wording_ev="C"):
    return panel(
        "DeNghiCapBanSao",
        "Đề nghị cấp bản sao",
        [
            radio("CapBanSao", "Đề nghị cấp bản sao", ev, values=[("Co", "Có"), ("Khong", "Không")]),
            number("SoLuong", "Số lượng (bản)", ev, minimum=1, maximum=20, **when("CapBanSao", "Co")),
        ],
        properties={"evidence": f"{ev} (existence, note); wording {wording_ev}"},
    )


def person_basic(prefix_keys, person, label_name="Họ, chữ đệm, tên", *, year_only=False, ev="B", portal=True):
    k = prefix_keys
    return [
        text(k["name"], label_name, ev, portal, required=True, person=person, role="name"),
        day(k["birth"], "Ngày, tháng, năm sinh", ev, portal, year_only=year_only, person=person, role="birth"),
        columns(
            f"{k['name']}_cot",
            [select(k["gender"], "Giới tính", ev, portal, lst="gioi-tinh", person=person, role="gender")],
            [select(k["ethnic"], "Dân tộc", ev, portal, lst="dan-toc")],
            [select(k["nation"], "Quốc tịch", ev, k.get("nation_portal", portal), lst="quoc-tich")],
        ),
    ]


def form(name, title, procedures, components, *, closing, signatures, notes, rules=(), left_out=(), **extra):
    return {
        "name": name,
        "path": name,
        "title": title,
        "type": "form",
        "display": "form",
        "components": components,
        "properties": {
            "version": 1,
            "procedures": procedures,
            "closing": closing,
            "signatures": signatures,
            "notes": notes,
            "rules": list(rules),
            "leftOut": list(left_out),
            **extra,
        },
    }


BIRTH_CLOSING = [
    "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận nhất trí của "
    "các bên liên quan theo quy định pháp luật.",
    "Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình.",
]
BIRTH_NOTES = [
    "(1) Ghi rõ tên cơ quan đăng ký khai sinh.",
    "(2) " + NOTE_2.format(dob="; không cung cấp đầy đủ thông tin ngày, tháng, năm sinh"),
    "(3) " + NOTE_3,
    "(4) Trường hợp sinh tại cơ sở y tế thì ghi rõ tên cơ sở y tế và địa chỉ trụ sở cơ sở y tế đó. Trường hợp "
    "sinh ra ngoài cơ sở y tế thì ghi địa danh của 03 cấp hành chính (xã, huyện, tỉnh), nơi sinh ra.",
    "(5) Ghi đầy đủ ngày, tháng sinh của cha, mẹ (nếu có).",
    "(6) " + NOTE_COPY,
]
DEATH_CLOSING = [
    "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam đoan "
    "của mình."
]
QUAN_HE_KS = [("BanThan", "Bản thân"), ("ChaDe", "Cha"), ("MeDe", "Mẹ"), ("Khac", "Khác")]
LEGAL_2024 = "Phụ lục, Thông tư 04/2024/TT-BTP (thay mẫu tại Phụ lục 5, Thông tư 04/2020/TT-BTP)"


def parent_block(role, key_name, key_year, key_ethnic, key_nation, key_addr, ids, title, name_label):
    return panel(
        f"Khoi{role.title()}",
        title,
        [
            text(key_name, name_label, "B", person=role, role="name"),
            day(
                key_year,
                "Năm sinh",
                "A/B",
                year_only=True,
                person=role,
                role="birth",
                description="(5) Ghi đầy đủ ngày, tháng sinh nếu có.",
            ),
            columns(
                f"{key_name}_cot",
                [select(key_ethnic, "Dân tộc", "B/C", lst="dan-toc")],
                [select(key_nation, "Quốc tịch", "B/C", lst="quoc-tich")],
            ),
            text(key_addr, "Nơi cư trú", "B", max_length=300, description="(2)", person=role, role="address"),
            *id_block("", "", role, ev="C", keys=ids),
        ],
        properties={"person": role},
    )


def birth(name="to-khai-khai-sinh", title="TỜ KHAI ĐĂNG KÝ KHAI SINH", procedures=("1.001193",), reregister=False):
    heading = (
        "Đề nghị cơ quan đăng ký lại khai sinh cho người có tên dưới đây:"
        if reregister
        else "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:"
    )
    child = panel(
        "NguoiDuocKhaiSinh",
        "Người được khai sinh",
        [
            text("HoTenKS", "Họ, chữ đệm, tên", "B", required=True, person="child", role="name"),
            day(
                "NgaySinhChon",
                "Ngày, tháng, năm sinh",
                "B",
                required=True,
                person="child",
                role="birth",
                source="Luật Hộ tịch 2014 Điều 14: nội dung bắt buộc",
            ),
            text(
                "NgaySinhChonBangChu",
                "Ghi bằng chữ",
                "B",
                max_length=200,
                source="Tự điền từ ngày sinh nếu để trống; id trên Cổng DVC 'chưa được xác nhận' (FORMS.md §7.1)",
            ),
            columns(
                "GioiTinhKS_cot",
                [select("GioiTinhKS", "Giới tính", "B", lst="gioi-tinh", required=True, person="child", role="gender")],
                [select("DanTocKS", "Dân tộc", "B", lst="dan-toc", required=True)],
                [select("QuocTichKS", "Quốc tịch", "B", lst="quoc-tich", required=True)],
            ),
            text("nksNoiSinh_TrongNuoc", "Nơi sinh", "A/B", required=True, max_length=300, description="(4)"),
            text("nksQueQuan_TrongNuoc", "Quê quán", "B", max_length=300),
        ],
        properties={"person": "child"},
    )
    mother = parent_block(
        "mother",
        "HoTenMeKS",
        "NamSinhMeKS",
        "DanTocMeKS",
        "QuocTichMeKS",
        "MeNoiCuTru_TrongNuoc",
        {"type": "LoaiGiayToDinhDanhMe", "number": "SoDinhDanhMe", "date": "NgayCapDDMe", "issuer": "NoiCapDDMe"},
        "Mẹ",
        "Họ, chữ đệm, tên người mẹ",
    )
    father = parent_block(
        "father",
        "HoTenChaKS",
        "NamSinhChaKS",
        "DanTocChaKS",
        "QuocTichChaKS",
        "ChaNoiCuTru_TrongNuoc",
        {"type": "LoaiGiayToDinhDanhCha", "number": "SoDinhDanhCha", "date": "NgayCapDDCha", "issuer": "NoiCapDDCha"},
        "Cha",
        "Họ, chữ đệm, tên người cha",
    )
    comps = [kinh_gui(), requester("Quan hệ với người được khai sinh", rel_values=QUAN_HE_KS)]
    comps += [content("LoiDeNghi", heading), child, mother, father]
    if reregister:
        comps.append(
            panel(
                "DaDangKy",
                "Đăng ký trước đây",
                [text("coQuanDKTruocDay_filter", "Đã đăng ký khai sinh tại", "B", max_length=300, description="(6)")],
            )
        )
    comps.append(copy_request())
    rules = [
        {"kind": "not_after_registration", "field": "NgaySinhChon"},
        {
            "kind": "min_years_before",
            "earlier": "NamSinhMeKS",
            "later": "NgaySinhChon",
            "years": 10,
            "message": "Mẹ – Năm sinh: người mẹ chưa đủ 10 tuổi khi sinh con; kiểm tra lại năm sinh của mẹ.",
        },
        {
            "kind": "different",
            "fields": ["SoDinhDanhMe", "SoDinhDanhCha"],
            "message": "Số giấy tờ tùy thân của mẹ và của cha trùng nhau.",
        },
        {"kind": "date_in_words", "from": "NgaySinhChon", "to": "NgaySinhChonBangChu"},
    ]
    left_out = [
        "Thông tin về Giấy chứng nhận kết hôn của cha, mẹ trẻ (Số, Quyển số, đăng ký ngày … tại …) — UNSOURCED "
        "(một mẫu bên thứ ba duy nhất, FORMS.md §1)."
    ]
    notes = list(BIRTH_NOTES)
    closing = list(BIRTH_CLOSING)
    if reregister:
        left_out.append(
            "Các chú thích của tờ khai đăng ký lại khai sinh — UNSOURCED (FORMS.md §6.1); in theo tờ khai khai sinh."
        )
        closing = ["Tôi cam đoan những nội dung khai trên đây là đúng sự thật."]
        left_out.append("Phần còn lại của lời cam đoan — UNSOURCED (bị cắt trong nguồn, FORMS.md §6.1).")
        notes = []
    return form(
        name,
        title,
        list(procedures),
        comps,
        closing=closing,
        signatures=["Người yêu cầu"],
        notes=notes,
        rules=rules,
        left_out=left_out,
        heading=heading,
        legalBasis=LEGAL_2024 if not reregister else "Thông tư 04/2020/TT-BTP Điều 9; mẫu 2024 (FORMS.md §6.1)",
        evidence="FORMS.md §1" if not reregister else "FORMS.md §6.1",
        summaryFields=["HoTenKS", "NgaySinhChon", "nksNoiSinh_TrongNuoc", "HoTenMeKS", "HoTenChaKS"],
    )


def death():
    deceased = panel(
        "NguoiDaChet",
        "Người đã chết",
        [
            text("HoTen", "Họ, chữ đệm, tên", "B", required=True, person="deceased", role="name"),
            day("NgaySinh", "Ngày, tháng, năm sinh", "B", year_only=True, person="deceased", role="birth"),
            columns(
                "GioiTinh_cot",
                [
                    select(
                        "GioiTinh",
                        "Giới tính",
                        "B",
                        lst="gioi-tinh",
                        description="(2)",
                        person="deceased",
                        role="gender",
                    )
                ],
                [select("nktDanToc", "Dân tộc", "B", lst="dan-toc", description="(2)")],
                [select("nktQuocTich", "Quốc tịch", "B", lst="quoc-tich", description="(2)")],
            ),
            text("nktNoiCuTru_TrongNuoc", "Nơi cư trú cuối cùng", "B", max_length=300, description="(2)"),
            *id_block(
                "",
                "DD",
                "deceased",
                ev="B",
                keys={"type": "LoaiGiayToDinhDanh", "number": "SoDinhDanh", "date": "NgayCapDD", "issuer": "NoiCapDD"},
            ),
            columns(
                "ThoiDiemChet",
                [number("GioMat", "Đã chết vào lúc: giờ", "B", minimum=0, maximum=23)],
                [number("PhutMat", "phút", "B", minimum=0, maximum=59)],
                [
                    date(
                        "NgayMat",
                        "ngày, tháng, năm",
                        "B",
                        required=True,
                        source="Luật Hộ tịch: giờ, ngày, tháng, năm chết là nội dung bắt buộc",
                    )
                ],
            ),
            text("nktNoiChet_TrongNuoc", "Nơi chết", "B", required=True, max_length=300),
            text("NguyenNhanMat", "Nguyên nhân chết", "B", required=True, max_length=300),
            radio(
                "gbtLoai",
                "Loại giấy",
                "A/B",
                values=[
                    ("Giấy báo tử", "Giấy báo tử"),
                    ("Giấy tờ thay thế Giấy báo tử", "Giấy tờ thay thế Giấy báo tử"),
                ],
                description="(4) Trường hợp không có thì mục này để trống.",
            ),
            text(
                "gbtSo",
                "Số Giấy báo tử/Giấy tờ thay thế Giấy báo tử",
                "A/B",
                max_length=100,
                **{"conditional": {"json": {"!!": [{"var": "data.gbtLoai"}]}}},
            ),
            text(
                "gbtCoQuanCap",
                "do (cơ quan cấp)",
                "A/B",
                max_length=200,
                **{"conditional": {"json": {"!!": [{"var": "data.gbtLoai"}]}}},
            ),
            date("gbtNgay", "cấp ngày", "A/B", **{"conditional": {"json": {"!!": [{"var": "data.gbtLoai"}]}}}),
        ],
        properties={"person": "deceased"},
    )
    comps = [
        kinh_gui(),
        requester("Quan hệ với người đã chết", dob_ev="B"),
        content("LoiDeNghi", "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:"),
        deceased,
        copy_request(ev="A", wording_ev="UNSOURCED (in theo tờ khai khai sinh)"),
    ]
    return form(
        "to-khai-khai-tu",
        "TỜ KHAI ĐĂNG KÝ KHAI TỬ",
        ["1.000656"],
        comps,
        closing=DEATH_CLOSING,
        signatures=["Người yêu cầu"],
        notes=[
            "(1) Ghi rõ tên cơ quan đăng ký khai tử.",
            "(2) " + NOTE_2.format(dob="; không cung cấp đầy đủ thông tin ngày, tháng, năm sinh"),
            "(3) " + NOTE_3,
            '(4) Nếu ghi theo Giấy báo tử, thì gạch cụm từ "Giấy tờ thay thế Giấy báo tử"; nếu ghi theo số Giấy tờ '
            'thay thế Giấy báo tử thì ghi rõ tên, số giấy tờ và gạch cụm từ "Giấy báo tử"; trường hợp không có thì '
            "mục này để trống.",
            "(5) " + NOTE_COPY,
        ],
        rules=[
            {"kind": "not_future", "date": "NgayMat", "hour": "GioMat", "minute": "PhutMat"},
            {"kind": "not_after_registration", "field": "NgayMat"},
            {"kind": "not_before", "earlier": "NgaySinh", "later": "NgayMat"},
        ],
        left_out=[
            "Câu chữ dòng 'Đề nghị cấp bản sao (5)' — UNSOURCED (có theo chú thích (5) [A]; in theo tờ khai khai sinh)."
        ],
        heading="Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:",
        legalBasis=LEGAL_2024,
        evidence="FORMS.md §2",
        summaryFields=["HoTen", "NgaySinh", "NgayMat", "nktNoiChet_TrongNuoc", "NguyenNhanMat"],
    )


def party(sfx, person, title):
    k = {
        "name": f"HoTen{sfx}",
        "birth": f"NgaySinh{sfx}",
        "ethnic": f"DanToc{sfx}",
        "nation": f"QuocTich{sfx}",
    }
    u = f"_{sfx}"
    return panel(
        f"Khoi{sfx}",
        title,
        [
            text(k["name"], "Họ, chữ đệm, tên", "B", required=True, person=person, role="name"),
            day(k["birth"], "Ngày, tháng, năm sinh", "B", required=True, person=person, role="birth"),
            select(k["ethnic"], "Dân tộc", "B", lst="dan-toc"),
            select(k["nation"], "Quốc tịch", "B", lst="quoc-tich"),
            text(
                f"NoiCuTru{u}_TrongNuoc",
                "Nơi cư trú",
                "A/B",
                max_length=300,
                description="(4)",
                person=person,
                role="address",
            ),
            *id_block(
                u,
                f"DD{u}",
                person,
                ev="A/B",
                keys={
                    "type": f"LoaiGiayToDinhDanh{u}",
                    "number": f"SoDinhDanh{u}",
                    "date": f"NgayCapDD{u}",
                    "issuer": f"NoiCapDD{u}",
                },
            ),
            number(f"SoLanKetHon{u}", "Kết hôn lần thứ mấy", "B", minimum=1, maximum=20),
        ],
        properties={"person": person},
    )


def marriage():
    comps = [
        kinh_gui(),
        columns("HaiBen", [party("BenNu", "bride", "Bên nữ")], [party("BenNam", "groom", "Bên nam")]),
        copy_request(),
    ]
    return form(
        "to-khai-ket-hon",
        "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
        ["1.000894"],
        comps,
        closing=[
            "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự nguyện, "
            "không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam.",
            "Chúng tôi chịu hoàn toàn trách nhiệm trước pháp luật về cam đoan của mình.",
            "Đề nghị Quý cơ quan đăng ký.",
        ],
        signatures=["Bên nữ", "Bên nam"],
        notes=[
            "(1)(2) Trường hợp làm thủ tục đăng ký kết hôn có yếu tố nước ngoài, thì phải dán ảnh của hai bên nam, nữ.",
            "(3) Ghi rõ tên cơ quan đăng ký kết hôn.",
            "(4) " + NOTE_2.format(dob=""),
            "(5) " + NOTE_3,
            "(6) " + NOTE_COPY,
        ],
        rules=[
            {
                "kind": "different",
                "fields": ["SoDinhDanh_BenNu", "SoDinhDanh_BenNam"],
                "message": "Số giấy tờ tùy thân của bên nữ và bên nam trùng nhau: hai bên phải là hai người khác nhau.",
            },
            {"kind": "not_after_registration", "field": "NgaySinhBenNu"},
            {"kind": "not_after_registration", "field": "NgaySinhBenNam"},
        ],
        left_out=[
            "Ảnh chụp hai bên (1)(2) — chỉ cho việc kết hôn có yếu tố nước ngoài; không thuộc quầy cấp xã.",
            "Dấu (4) trên Dân tộc/Quốc tịch ở mẫu 2024 — UNSOURCED.",
        ],
        layout="two-columns",
        legalBasis=LEGAL_2024,
        evidence="FORMS.md §3",
        summaryFields=["HoTenBenNu", "NgaySinhBenNu", "HoTenBenNam", "NgaySinhBenNam"],
    )


TTHN = [
    ("1", "Hiện tại chưa đăng ký kết hôn với ai"),
    ("2", "Hiện tại đang có vợ/chồng"),
    ("3", "Đã ly hôn; hiện tại chưa đăng ký kết hôn với ai"),
    ("4", "Vợ/chồng đã chết; hiện tại chưa đăng ký kết hôn với ai"),
    ("5", "Tình trạng hôn nhân trong một thời kỳ (từ ngày … đến ngày …)"),
]


def marital_status():
    person = "subject"
    body = panel(
        "NguoiDuocCap",
        "Người được cấp Giấy xác nhận tình trạng hôn nhân",
        [
            text("HoVaTenC1", "Họ, chữ đệm, tên", "B", required=True, person=person, role="name"),
            day("NgaySinhC1", "Ngày, tháng, năm sinh", "B", required=True, person=person, role="birth"),
            columns(
                "GioiTinhC1_cot",
                [select("GioiTinhC1", "Giới tính", "B", lst="gioi-tinh", person=person, role="gender")],
                [select("DanTocC1", "Dân tộc", "B", lst="dan-toc")],
                [select("QuocTichC1", "Quốc tịch", "B", False, lst="quoc-tich")],
            ),
            text("nxnNoiCuTru_TrongNuoc", "Nơi cư trú", "B", max_length=300, person=person, role="address"),
            *id_block("C1", "DDC1", person, ev="B"),
            select(
                "TinhTrangHonNhanC1",
                "Tình trạng hôn nhân",
                "A/B",
                values=TTHN,
                required=True,
                description="(4) Cách ghi theo Điều 33 Thông tư 04/2020/TT-BTP; mã 2 và 5 theo Cổng DVC, mã 1, 3, 4 "
                "do onestop đặt.",
            ),
            text(
                "voChongHoTen",
                "Họ tên vợ/chồng",
                "C",
                **{"conditional": {"json": {"in": [{"var": "data.TinhTrangHonNhanC1"}, ["2", "5"]]}}},
            ),
            text(
                "soGiayTo",
                "Giấy chứng nhận kết hôn/Bản án, Quyết định số",
                "C",
                max_length=100,
                **{"conditional": {"json": {"in": [{"var": "data.TinhTrangHonNhanC1"}, ["2", "3", "4"]]}}},
            ),
            date(
                "ngayCapGiayTo",
                "cấp ngày",
                "C",
                **{"conditional": {"json": {"in": [{"var": "data.TinhTrangHonNhanC1"}, ["2", "3", "4"]]}}},
            ),
            text(
                "coQuanCapGiayTo",
                "do (cơ quan cấp)",
                "C",
                max_length=200,
                **{"conditional": {"json": {"in": [{"var": "data.TinhTrangHonNhanC1"}, ["2", "3", "4"]]}}},
            ),
            date("thoiDiemBatDau", "Từ ngày", "C", **when("TinhTrangHonNhanC1", "5")),
            date("thoiDiemKetThuc", "Đến ngày", "C", **when("TinhTrangHonNhanC1", "5")),
            text(
                "mucdich",
                "Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân",
                "B",
                required=True,
                max_length=300,
                description="(5)",
            ),
        ],
        properties={"person": person},
    )
    comps = [
        kinh_gui(),
        requester(
            "Quan hệ với người được cấp Giấy xác nhận tình trạng hôn nhân",
            rel_key="quanhevoinguoiduocxacminh",
            dob=False,
        ),
        content("LoiDeNghi", "Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:"),
        body,
    ]
    return form(
        "to-khai-xac-nhan-tinh-trang-hon-nhan",
        "TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
        ["1.004873"],
        comps,
        closing=DEATH_CLOSING,
        signatures=["Người yêu cầu"],
        notes=[
            "(1) Ghi rõ tên cơ quan cấp Giấy xác nhận tình trạng hôn nhân.",
            "(2) " + NOTE_2.format(dob=""),
            "(3) " + NOTE_3,
        ],
        rules=[
            {"kind": "not_after_registration", "field": "NgaySinhC1"},
            {"kind": "not_before", "earlier": "thoiDiemBatDau", "later": "thoiDiemKetThuc"},
        ],
        left_out=[
            "Ngày, tháng, năm sinh của người yêu cầu — UNSOURCED cho mẫu 2024 (FORMS.md §4 dòng 2).",
            "Chú thích (4) phần còn lại và chú thích (5) — UNSOURCED.",
        ],
        heading="Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:",
        legalBasis=LEGAL_2024,
        evidence="FORMS.md §4",
        summaryFields=["HoVaTenC1", "NgaySinhC1", "TinhTrangHonNhanC1", "mucdich"],
    )


def extract_copy():
    person = "subject"
    comps = [
        kinh_gui(),
        panel(
            "NguoiYeuCau",
            "Người yêu cầu",
            [
                text("HoVaTenC", "Họ, chữ đệm, tên người yêu cầu", "B", required=True, person="requester", role="name"),
                text(
                    "NYC_NoiCuTru_TrongNuoc",
                    "Nơi cư trú",
                    "A/B",
                    max_length=300,
                    description="(2)",
                    person="requester",
                    role="address",
                ),
                *id_block("C", "DDC", "requester", ev="A/B"),
                radio(
                    "QuanHe",
                    "Quan hệ với người được cấp bản sao Trích lục hộ tịch",
                    "B",
                    values=[
                        ("BanThan", "Bản thân"),
                        ("VoChong", "Vợ/Chồng"),
                        ("ConDe", "Con đẻ"),
                        ("BoMeDe", "Bố/Mẹ đẻ"),
                        ("Khac", "Khác"),
                    ],
                ),
            ],
            properties={"person": "requester"},
        ),
        panel(
            "YeuCau",
            "Nội dung đề nghị",
            [
                text(
                    "HoSo_TenGiayTo",
                    "Loại việc hộ tịch đã đăng ký, nay đề nghị cấp bản sao Trích lục",
                    "A",
                    required=True,
                    max_length=200,
                    description="(4)",
                ),
            ],
        ),
        panel(
            "NguoiDuocCap",
            "Người được cấp bản sao Trích lục hộ tịch",
            [
                text("NDK_HoVaTen", "Họ, chữ đệm, tên", "C", required=True, person=person, role="name"),
                day("NDK_NgaySinh", "Ngày, tháng, năm sinh", "C", year_only=True, person=person, role="birth"),
                columns(
                    "NDK_cot",
                    [select("NDK_GioiTinh", "Giới tính", "C", lst="gioi-tinh", person=person, role="gender")],
                    [select("NDK_DanToc", "Dân tộc", "C", lst="dan-toc")],
                    [select("NDK_QuocTich", "Quốc tịch", "C", False, lst="quoc-tich")],
                ),
                text("NDK_NoiCuTru_TrongNuoc", "Nơi cư trú", "C", max_length=300),
                text(
                    "NDK_SoDinhDanh",
                    "Giấy tờ tùy thân (số)",
                    "C",
                    max_length=20,
                    pattern="[0-9A-Za-z]{6,20}",
                    person=person,
                    role="id_number",
                ),
                date("NDK_NgayCap", "Ngày cấp", "C"),
                text("NDK_NoiCap", "Nơi cấp", "C", max_length=200),
            ],
            properties={"person": person},
        ),
        panel(
            "DaDangKy",
            "Đã đăng ký",
            [
                text("HoSo_CoQuanDangKy", "Đã đăng ký tại", "A", required=True, max_length=300, description="(5)"),
                date("HoSo_NgayCapSo", "ngày", "A"),
                text("HoSo_So", "Số", "A", max_length=50),
                text("HoSo_QuyenSo", "Quyển số", "A", max_length=50),
                number("SoLuong", "Số lượng bản sao", "A", minimum=1, maximum=20, required=True, description="(6)"),
            ],
        ),
    ]
    return form(
        "to-khai-cap-ban-sao-trich-luc",
        "TỜ KHAI CẤP BẢN SAO TRÍCH LỤC HỘ TỊCH",
        ["2.000635"],
        comps,
        closing=[],
        signatures=["Người yêu cầu"],
        notes=[
            "(1) Ghi tên cơ quan đề nghị thực hiện việc cấp bản sao Trích lục hộ tịch.",
            "(2) Ghi theo nơi đăng ký thường trú; nếu không có nơi đăng ký thường trú thì ghi theo nơi đăng ký tạm "
            "trú; trường hợp không có nơi đăng ký thường trú và nơi đăng ký tạm trú thì ghi theo nơi đang sinh sống.",
            "(3) Ghi thông tin về giấy tờ tùy thân của người đi đăng ký, ghi rõ số, cơ quan cấp, ngày cấp hộ chiếu, "
            "chứng minh nhân dân hoặc giấy tờ hợp lệ thay thế.",
            "(4) Ghi rõ loại việc hộ tịch đã đăng ký trước đây, nay đề nghị cấp bản sao Trích lục hộ tịch.",
            "(5) Ghi rõ tên cơ quan đã đăng ký hộ tịch trước đây.",
            "(6) Ghi rõ số lượng bản sao đề nghị cấp.",
        ],
        rules=[{"kind": "not_after_registration", "field": "HoSo_NgayCapSo"}],
        left_out=[
            "Lời cam đoan ('Tôi cam đoan…') — UNSOURCED cho mẫu này (FORMS.md §5): không in.",
            "Câu chữ chính xác của dòng 'Đề nghị cấp bản sao trích lục hộ tịch về (4) …' — UNSOURCED; in nội dung theo "
            "chú thích (4).",
        ],
        heading="Đề nghị cấp bản sao Trích lục hộ tịch cho người có tên dưới đây:",
        legalBasis="Phụ lục 5, Thông tư 04/2020/TT-BTP",
        evidence="FORMS.md §5",
        signatureNote="Chữ ký 'Người yêu cầu' in theo mẫu chung của các tờ khai hộ tịch (FORMS.md §5: UNSOURCED).",
        summaryFields=["NDK_HoVaTen", "HoSo_TenGiayTo", "HoSo_CoQuanDangKy", "SoLuong"],
    )


def recognition():
    def block(sfx, person, title):
        return panel(
            f"Nguoi{sfx}",
            title,
            [
                text(
                    f"hoten{sfx}" if sfx == "B" else f"Hoten{sfx}",
                    "Họ, chữ đệm, tên",
                    "B",
                    required=True,
                    person=person,
                    role="name",
                ),
                day(f"ngaysinh{sfx}", "Ngày, tháng, năm sinh", "B", required=True, person=person, role="birth"),
                columns(
                    f"cot{sfx}",
                    [
                        select(
                            f"gioitinh{sfx}",
                            "Giới tính",
                            "B",
                            lst="gioi-tinh",
                            description="(2)",
                            person=person,
                            role="gender",
                        )
                    ],
                    [select(f"dantoc{sfx}", "Dân tộc", "B", lst="dan-toc", description="(2)")],
                    [select(f"quoctich{sfx}", "Quốc tịch", "B", False, lst="quoc-tich", description="(2)")],
                ),
                text(f"noicutru{sfx}_TrongNuoc", "Nơi cư trú", "B", max_length=300, description="(2)"),
                text(
                    f"sodinhdanh{sfx}",
                    "Giấy khai sinh/Giấy tờ tùy thân (số)",
                    "B",
                    sfx == "A",
                    max_length=30,
                    description="(3)",
                    person=person,
                    role="id_number",
                ),
            ],
            properties={"person": person},
        )

    comps = [
        kinh_gui(),
        requester("Quan hệ với người nhận cha/mẹ/con", rel_key="Quanhe"),
        content("LoiDeNghi", "Đề nghị cơ quan công nhận người có tên dưới đây:"),
        block("A", "person_a", "Người thứ nhất"),
        panel(
            "LoaiXacNhanKhoi",
            "",
            [
                radio(
                    "loaiXacNhan",
                    "Là … của người có tên dưới đây",
                    "B",
                    values=[("cha", "cha"), ("me", "mẹ"), ("con", "con")],
                    required=True,
                )
            ],
        ),
        block("B", "person_b", "Người thứ hai"),
    ]
    return form(
        "to-khai-nhan-cha-me-con",
        "TỜ KHAI ĐĂNG KÝ NHẬN CHA, MẸ, CON",
        [],
        comps,
        closing=[
            "Tôi cam đoan việc nhận … nói trên là đúng sự thật, tự nguyện, không có tranh chấp và chịu trách nhiệm "
            "trước pháp luật về cam đoan của mình."
        ],
        signatures=["Người yêu cầu"],
        notes=[
            "(1) Ghi rõ tên cơ quan đăng ký nhận cha, mẹ, con.",
            "(2) " + NOTE_2.format(dob=""),
            "(3) Ghi số định danh cá nhân/căn cước công dân/thẻ căn cước/số Giấy khai sinh (đối với trẻ em).",
        ],
        rules=[
            {
                "kind": "different",
                "fields": ["sodinhdanhA", "sodinhdanhB"],
                "message": "Hai người trong tờ khai có cùng số giấy tờ.",
            },
            {"kind": "not_after_registration", "field": "ngaysinhA"},
            {"kind": "not_after_registration", "field": "ngaysinhB"},
        ],
        left_out=[
            "Chú thích (4) trở đi — UNSOURCED (FORMS.md §6.2).",
            "Chưa gắn với thủ tục nào trong danh mục (danh mục chỉ có 1.000689 khai sinh kết hợp nhận cha, mẹ, "
            "con, dùng tờ khai khai sinh).",
        ],
        heading="Đề nghị cơ quan công nhận người có tên dưới đây:",
        legalBasis="Phụ lục 5, Thông tư 04/2024/TT-BTP",
        evidence="FORMS.md §6.2",
        summaryFields=["HotenA", "loaiXacNhan", "hotenB"],
    )


def correction():
    person = "subject"
    comps = [
        kinh_gui(),
        requester("Quan hệ với người được thay đổi, cải chính, xác định lại dân tộc, bổ sung thông tin hộ tịch"),
        panel(
            "LoaiViecKhoi",
            "",
            [
                radio(
                    "loaiViec",
                    "Đề nghị cơ quan đăng ký việc",
                    "B",
                    required=True,
                    description="(4)",
                    values=[
                        ("thay-doi", "thay đổi"),
                        ("cai-chinh", "cải chính"),
                        ("bo-sung", "bổ sung"),
                        ("xac-dinh-lai-dan-toc", "xác định lại dân tộc"),
                    ],
                )
            ],
        ),
        panel(
            "NguoiThayDoi",
            "Người có tên dưới đây",
            [
                text("ntdHoTen", "Họ, chữ đệm, tên", "B", required=True, person=person, role="name"),
                day("ntdNgaySinh", "Ngày, tháng, năm sinh", "B", required=True, person=person, role="birth"),
                columns(
                    "ntd_cot",
                    [select("ntdGioiTinh", "Giới tính", "B", lst="gioi-tinh", person=person, role="gender")],
                    [select("ntdDanToc", "Dân tộc", "B", lst="dan-toc")],
                    [select("ntdQuocTich", "Quốc tịch", "B", False, lst="quoc-tich")],
                ),
                text("ntdNoiCuTru_TrongNuoc", "Nơi cư trú", "B", max_length=300, description="(2)"),
                text(
                    "ntdSoDDCN",
                    "Giấy tờ tùy thân (số)",
                    "B",
                    max_length=20,
                    pattern="[0-9A-Za-z]{6,20}",
                    description="(3)",
                    person=person,
                    role="id_number",
                ),
                date("ntdNgayCapGiayToTuyThan", "Ngày cấp", "B"),
                text("ntdNoiCapGiayToTuyThan", "Nơi cấp", "B", max_length=200),
            ],
            properties={"person": person},
        ),
        panel(
            "HoSoGoc",
            "Đã đăng ký",
            [
                text("loaiViecDaDangKy", "Đã đăng ký (việc)", "B", False, max_length=200, description="(5)"),
                text("noiDangKyHSGoc", "tại", "B", max_length=300),
                date("ngayDangKyHSGoc", "ngày", "B"),
                text("soDangKyHSGoc", "Số", "B", max_length=50),
                text("quyenDangKyHSGoc", "Quyển số", "B", max_length=50),
            ],
        ),
        panel(
            "NoiDungKhoi",
            "",
            [
                area("NoiDung", "Nội dung", "B", False, required=True, description="(6)"),
                area("LyDo", "Lý do", "B", False, required=True),
            ],
        ),
    ]
    return form(
        "to-khai-thay-doi-cai-chinh-ho-tich",
        "TỜ KHAI ĐĂNG KÝ VIỆC THAY ĐỔI, CẢI CHÍNH, BỔ SUNG THÔNG TIN HỘ TỊCH, XÁC ĐỊNH LẠI DÂN TỘC",
        ["1.004859"],
        comps,
        closing=DEATH_CLOSING,
        signatures=["Người yêu cầu"],
        notes=[],
        rules=[
            {"kind": "not_after_registration", "field": "ntdNgaySinh"},
            {"kind": "not_after_registration", "field": "ngayDangKyHSGoc"},
        ],
        left_out=["Các chú thích (1)–(6) của tờ khai — UNSOURCED (FORMS.md §6.3): không in phần chú thích."],
        legalBasis="Phụ lục 5, Thông tư 04/2024/TT-BTP",
        evidence="FORMS.md §6.3",
        summaryFields=["ntdHoTen", "loaiViec", "NoiDung", "LyDo"],
    )


def main() -> None:
    forms = [
        birth(),
        death(),
        marriage(),
        marital_status(),
        extract_copy(),
        birth("to-khai-dang-ky-lai-khai-sinh", "TỜ KHAI ĐĂNG KÝ LẠI KHAI SINH", ("1.004884",), reregister=True),
        recognition(),
        correction(),
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    for f in forms:
        _fix_kinh_gui(f["components"])
        path = OUT / f"{f['name']}.v{f['properties']['version']}.json"
        path.write_text(json.dumps(f, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(path.name)


def _fix_kinh_gui(components: list[dict]) -> None:
    for c in components:
        if c.get("key") == "KinhGui":
            c.pop("properties_default", None)
            c.pop("defaultValue", None)
            c["properties"]["default"] = "office"


if __name__ == "__main__":
    main()
