"""`onestop form list/show/import` and `onestop intake --declaration` as real processes, with exit codes."""

from __future__ import annotations

import json

from tests.declarations.conftest import BIRTH, MARRIAGE, run

APPLICANT = ["--id-number", "038190012345", "--name", "Đặng Thị Ánh", "--dob", "17/05/1990", "--gender", "Nữ"]
APPLICANT += ["--address", "Thôn Đông Hải, Xã Quảng Phú"]  # birth registration requires it (catalog entry)


def intake(db_path, config_path, procedure: str, declaration: str, *more: str, officer: str = "canbo", stdin=None):
    """`onestop intake` of the tests' applicant under `procedure` with `--declaration` (a file, or "-" and `stdin`)."""
    args = ("intake", "--procedure", procedure, *APPLICANT, "--officer", officer, "--declaration", str(declaration))
    return run(db_path, config_path, *args, *more, stdin=stdin)


def test_form_list_and_show(services, db_path, config_path):
    listed = run(db_path, config_path, "form", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    forms = {f["form"]: f for f in json.loads(listed.stdout)}
    assert {
        "to-khai-khai-sinh",
        "to-khai-khai-tu",
        "to-khai-ket-hon",
        "to-khai-xac-nhan-tinh-trang-hon-nhan",
        "to-khai-cap-ban-sao-trich-luc",
    } <= set(forms)
    assert (
        forms["to-khai-khai-sinh"]["procedures"] == ["1.001193"] and forms["to-khai-khai-sinh"]["origin"] == "shipped"
    )
    only = json.loads(run(db_path, config_path, "form", "list", "--procedure", "1.000656", "--json").stdout)
    assert [f["form"] for f in only] == ["to-khai-khai-tu"]
    shown = run(db_path, config_path, "form", "show", "to-khai-khai-sinh", "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    fields = {f["id"]: f for f in data["fields"]}
    child = fields["HoTenKS"]
    assert child["label"] == "Họ, chữ đệm, tên" and child["group"] == "Người được khai sinh"
    assert data["id"] == "to-khai-khai-sinh" and data["version"] == 1 and data["procedures"] == ["1.001193"]
    assert child["type"] == "text" and child["required"] is True and child["portal_id"] is True
    assert fields["DanTocKS"]["type"] == "choice" and fields["SoDinhDanhMe"]["type"] == "id_number"
    assert fields["MeNoiCuTru_TrongNuoc"]["type"] == "address" and fields["NgaySinhChon"]["type"] == "date"
    assert len(fields["DanTocKS"]["choices"]) == 54 and fields["DanTocKS"]["choices"][0] == {
        "value": "01",
        "label": "Kinh",
    }
    assert fields["NamSinhMeKS"]["type"] == "year" and fields["NamSinhMeKS"]["year_only"] is True
    assert any("UNSOURCED" in row for row in data["left_out"])
    by_code = run(db_path, config_path, "form", "show", "1.000894")
    assert by_code.returncode == 0 and "TỜ KHAI ĐĂNG KÝ KẾT HÔN" in by_code.stdout
    assert run(db_path, config_path, "form", "show", "khong-co").returncode == 3


def test_intake_with_declaration_file_and_stdin(services, db_path, config_path, tmp_path):
    path = tmp_path / "ks.json"
    path.write_text(json.dumps(BIRTH, ensure_ascii=False), encoding="utf-8")
    done = intake(db_path, config_path, "1.001193", str(path), "--json")
    assert done.returncode == 0, done.stderr
    code = json.loads(done.stdout)["code"]
    assert json.loads(done.stdout)["declaration"] == {"form": "to-khai-khai-sinh", "version": 1}
    shown = json.loads(run(db_path, config_path, "dossier", "show", code, "--json").stdout)
    assert shown["declaration"]["form"] == "to-khai-khai-sinh" and shown["declaration"]["version"] == 1
    assert shown["declaration"]["values"]["HoTenKS"] == "Lê Minh Khang"
    text = run(db_path, config_path, "dossier", "show", code)
    assert "Tờ khai: TỜ KHAI ĐĂNG KÝ KHAI SINH" in text.stdout and "Họ, chữ đệm, tên: Lê Minh Khang" in text.stdout
    listed = json.loads(run(db_path, config_path, "dossier", "list", "--search", "le minh khang", "--json").stdout)
    assert [i["code"] for i in listed["items"]] == [code]
    piped = intake(db_path, config_path, "1.000894", "-", "--json", stdin=json.dumps(MARRIAGE, ensure_ascii=False))
    assert piped.returncode == 0, piped.stderr


def count(db_path) -> int:
    import sqlite3

    con = sqlite3.connect(db_path)
    return (
        con.execute("SELECT count(*) FROM dossier").fetchone()[0]
        + con.execute("SELECT count(*) FROM dossier_declaration").fetchone()[0]
    )


def test_bad_declarations_exit_2_naming_the_field(services, db_path, config_path, tmp_path):
    cases = [
        ({k: v for k, v in BIRTH.items() if k != "HoTenKS"}, "Chưa nhập Người được khai sinh – Họ, chữ đệm, tên."),
        (dict(BIRTH, NgaySinhChon="30/02/2026"), "Người được khai sinh – Ngày, tháng, năm sinh: ngày '30/02/2026'"),
        (dict(BIRTH, QuocTichKS="Atlantis"), "Quốc tịch: 'Atlantis' không có trong danh sách lựa chọn"),
        (dict(BIRTH, nksQueQuan_TrongNuoc="x" * 5000), "Quê quán: quá dài"),
        (dict(BIRTH, NgaySinhChon="01/01/2099"), "sau ngày đăng ký"),
    ]
    before = count(db_path)
    for values, fragment in cases:
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
        done = intake(db_path, config_path, "1.001193", str(path))
        assert done.returncode == 2, (fragment, done.stderr)
        assert fragment in done.stderr and "Traceback" not in done.stderr
    path.write_text("[1, 2]", encoding="utf-8")
    assert intake(db_path, config_path, "1.001193", str(path)).returncode == 2
    path.write_text("{not json", encoding="utf-8")
    assert intake(db_path, config_path, "1.001193", str(path)).returncode == 2
    no_form = intake(db_path, config_path, "2.001035", "-", stdin="{}")
    assert no_form.returncode == 2 and "chưa có mẫu tờ khai điện tử" in no_form.stderr
    assert count(db_path) == before


def test_a_procedure_with_a_form_is_not_received_without_its_declaration(services, db_path, config_path, tmp_path):
    """`intake` of a birth registration without `--declaration` (or a batch line without `declaration`): exit 2
    naming every required field still missing, in Vietnamese, and nothing written."""
    before = count(db_path)
    bare = run(db_path, config_path, "intake", "--procedure", "1.001193", *APPLICANT, "--officer", "canbo")
    assert bare.returncode == 2 and "Traceback" not in bare.stderr
    assert "Tờ khai còn thiếu 6 mục:" in bare.stderr
    for label in (
        "Người được khai sinh – Họ, chữ đệm, tên",
        "Người được khai sinh – Ngày, tháng, năm sinh",
        "Giới tính",
        "Dân tộc",
        "Quốc tịch",
        "Nơi sinh",
    ):
        assert label in bare.stderr, label
    assert "Người yêu cầu" not in bare.stderr  # the applicant pre-fills the requester; Kính gửi is the commune's
    half = tmp_path / "half.json"
    half.write_text(json.dumps({"HoTenKS": "Lê Minh Khang"}, ensure_ascii=False), encoding="utf-8")
    partly = intake(db_path, config_path, "1.001193", str(half))
    assert partly.returncode == 2 and "Tờ khai còn thiếu 5 mục:" in partly.stderr
    batch = tmp_path / "batch.jsonl"
    ok_line = {"procedure": "2.001035", "id_number": "038190012345", "name": "Đặng Thị Ánh", "dob": "17/05/1990"}
    bad_line = dict(ok_line, procedure="1.001193", gender="Nữ", address="Thôn Đông Hải")
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in (ok_line, bad_line)) + "\n", encoding="utf-8")
    refused = run(db_path, config_path, "intake", "--batch", str(batch), "--officer", "canbo", "--json")
    assert refused.returncode == 2, refused.stderr
    bad = json.loads(refused.stdout)["results"]
    assert bad[0]["line"] == 2 and bad[0]["field"] == "HoTenKS" and "Tờ khai còn thiếu" in bad[0]["error"]
    assert count(db_path) == before  # the good line was not written either


def _form(components, version=2, name="to-khai-thu"):
    return {
        "name": name,
        "title": "TỜ KHAI THỬ",
        "properties": {"version": version, "procedures": ["2.001035"]},
        "components": components,
    }


def test_form_import_adds_a_version_and_refuses_what_it_cannot_read(services, db_path, config_path, tmp_path):
    good = _form(
        [
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
                        "properties": {"person": "a", "role": "name"},
                    },
                    {"type": "time", "key": "Gio", "label": "Giờ"},
                    {"type": "checkbox", "key": "CoCon", "label": "Có con"},
                    {
                        "type": "editgrid",
                        "key": "Con",
                        "label": "Các con",
                        "conditional": {"show": True, "when": "CoCon", "eq": "true"},
                        "components": [
                            {"type": "textfield", "key": "TenCon", "label": "Tên con", "validate": {"required": True}}
                        ],
                    },
                ],
            },
        ],
        version=1,
    )
    path = tmp_path / "form.json"
    path.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    done = run(db_path, config_path, "form", "import", str(path), "--officer", "admin", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"form": "to-khai-thu", "version": 1, "fields": 4}
    assert run(db_path, config_path, "form", "import", str(path), "--officer", "admin").returncode == 2  # same version
    listed = json.loads(run(db_path, config_path, "form", "list", "--procedure", "2.001035", "--json").stdout)
    assert listed[0]["form"] == "to-khai-thu" and listed[0]["origin"] == "imported"
    # the repeating group and the condition work at intake
    values = {"HoTen": "A", "Gio": "0930", "CoCon": True, "Con": [{"TenCon": "Bé Na"}, {"TenCon": "Bé Bi"}]}
    ok = intake(
        db_path, config_path, "2.001035", "-", "--json", officer="admin", stdin=json.dumps(values, ensure_ascii=False)
    )
    assert ok.returncode == 0, ok.stderr
    shown = json.loads(run(db_path, config_path, "dossier", "show", json.loads(ok.stdout)["code"], "--json").stdout)
    assert shown["declaration"]["values"] == {
        "HoTen": "A",
        "Gio": "09:30",
        "CoCon": True,
        "Con": [{"TenCon": "Bé Na"}, {"TenCon": "Bé Bi"}],
    }
    hidden = dict(values, CoCon=False)  # the repeating group is hidden: its rows are not kept
    from datetime import datetime

    from onestop.declarations.values import validate_values
    from onestop.domain import VN_TZ

    defn = services.intake.declarations.get("to-khai-thu")
    now = datetime(2026, 11, 20, 9, tzinfo=VN_TZ)
    assert "Con" not in validate_values(defn, hidden, registered_on=now.date(), now=now)

    refused = [
        (
            _form([{"type": "signature", "key": "ChuKy", "label": "Chữ ký"}]),
            "'ChuKy' có kiểu 'signature' chưa được hỗ trợ",
        ),
        (
            _form(
                [
                    {
                        "type": "textfield",
                        "key": "A",
                        "label": "A",
                        "conditional": {"show": True, "when": "KhongCo", "eq": "1"},
                    }
                ]
            ),
            "nhắc tới trường không có: 'KhongCo'",
        ),
        (
            _form(
                [
                    {
                        "type": "textfield",
                        "key": "A",
                        "label": "A",
                        "conditional": {"json": {"regex": [{"var": "data.A"}, "x"]}},
                    }
                ]
            ),
            "phép 'regex' chưa được hỗ trợ",
        ),
        (_form([{"type": "textfield", "key": "A", "label": "A", "validate": {"pattern": "("}}]), "pattern"),
        (_form([{"type": "select", "key": "S", "label": "S", "data": {"values": []}}]), "không có lựa chọn nào"),
        ({"components": "x"}, "Form.io"),
    ]
    for definition, fragment in refused:
        path.write_text(json.dumps(definition, ensure_ascii=False), encoding="utf-8")
        done = run(db_path, config_path, "form", "import", str(path), "--officer", "admin")
        assert done.returncode == 2, (fragment, done.stderr)
        assert fragment in done.stderr and "Traceback" not in done.stderr


def test_form_import_needs_an_admin(services, db_path, config_path, tmp_path):
    path = tmp_path / "form.json"
    definition = _form([{"type": "textfield", "key": "A", "label": "A"}], version=1)
    path.write_text(json.dumps(definition, ensure_ascii=False), encoding="utf-8")
    refused = run(db_path, config_path, "form", "import", str(path), "--officer", "canbo")
    assert refused.returncode == 4 and "Traceback" not in refused.stderr
    assert json.loads(run(db_path, config_path, "form", "list", "--procedure", "2.001035", "--json").stdout) == []
