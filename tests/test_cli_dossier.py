"""`onestop dossier show/list/transition` and `onestop report monthly/book` as real processes, with exit codes."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

from onestop.domain import now_vn
from tests.conftest import run_process as run  # the command as a real process


def test_dossier_commands(services, make_dossier, db_path, config_path):
    d = make_dossier()
    other = make_dossier("1.001193")
    shown = run(db_path, config_path, "dossier", "show", d.code, "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["code"] == d.code and data["status"] == "received" and data["national_status"] == 2
    assert data["applicant"]["full_name"] == "Đặng Thị Ánh" and len(data["events"]) == 1

    assert run(db_path, config_path, "dossier", "show", "H56.14-000000-000000").returncode == 3

    listed = run(db_path, config_path, "dossier", "list", "--search", "dang thi anh", "--json")
    assert listed.returncode == 0, listed.stderr
    assert {i["code"] for i in json.loads(listed.stdout)["items"]} == {d.code, other.code}
    only = json.loads(run(db_path, config_path, "dossier", "list", "--procedure", "1.001193", "--json").stdout)
    assert [i["code"] for i in only["items"]] == [other.code]
    assert run(db_path, config_path, "dossier", "list", "--status", "bogus").returncode == 2
    assert run(db_path, config_path, "dossier", "list", "--search", "x" * 10_000).returncode == 2
    symbols = run(db_path, config_path, "dossier", "list", "--search", '"*-:() AND', "--json")
    assert symbols.returncode == 0 and json.loads(symbols.stdout)["items"] == []

    moved = run(
        db_path, config_path, "dossier", "transition", d.code, "--to", "in_progress", "--officer", "canbo", "--json"
    )
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["status"] == "in_progress"
    refused = run(db_path, config_path, "dossier", "transition", d.code, "--to", "returned", "--officer", "canbo")
    assert refused.returncode == 4
    assert "Không thể chuyển hồ sơ từ «Đang xử lý» sang «Đã trả kết quả»." in refused.stderr
    no_reason = run(db_path, config_path, "dossier", "transition", d.code, "--to", "stopped", "--officer", "canbo")
    assert no_reason.returncode == 2 and "lý do" in no_reason.stderr
    assert run(db_path, config_path, "dossier", "transition", d.code, "--to", "stopped").returncode == 2
    past = (now_vn() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert (
        run(
            db_path,
            config_path,
            "dossier",
            "transition",
            d.code,
            "--to",
            "apology",
            "--new-due",
            past,
            "--reason",
            "Chờ xác minh",
            "--officer",
            "canbo",
        ).returncode
        == 2
    )
    later = (d.due_at + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    apology = run(
        db_path,
        config_path,
        "dossier",
        "transition",
        d.code,
        "--to",
        "apology",
        "--new-due",
        later,
        "--reason",
        "Chờ xác minh",
        "--officer",
        "canbo",
        "--json",
    )
    assert apology.returncode == 0, apology.stderr
    assert json.loads(apology.stdout)["status"] == "in_progress"
    supplement = run(
        db_path,
        config_path,
        "dossier",
        "transition",
        d.code,
        "--to",
        "5",
        "--reason",
        "Thiếu giấy",
        "--item",
        "Giấy chứng sinh",
        "--officer",
        "canbo",
    )
    assert supplement.returncode == 0 and supplement.stdout.strip() == "supplement"
    assert services.dossiers.peek(d.code).status.value == "supplement"
    assert (
        run(
            db_path, config_path, "dossier", "transition", "KHONG-CO", "--to", "in_progress", "--officer", "canbo"
        ).returncode
        == 3
    )


def test_report_commands(services, make_dossier, db_path, config_path, tmp_path):
    d = make_dossier()
    month = f"{d.received_at:%Y-%m}"
    out = run(db_path, config_path, "report", "monthly", "--month", month)
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(out.stdout.splitlines()))
    assert rows[1][0] == "Lĩnh vực" and rows[-1][2] == "Tổng cộng" and rows[-1][6] == "1"
    as_json = json.loads(run(db_path, config_path, "report", "monthly", "--month", month, "--json").stdout)
    assert as_json["total"]["received"] == 1 and as_json["total"]["pending"] == 1
    xlsx = tmp_path / "m.xlsx"
    assert (
        run(
            db_path, config_path, "report", "monthly", "--month", month, "--format", "xlsx", "--out", str(xlsx)
        ).returncode
        == 0
    )
    assert xlsx.read_bytes()[:2] == b"PK"
    pdf = tmp_path / "m.pdf"
    assert (
        run(
            db_path, config_path, "report", "monthly", "--month", month, "--format", "pdf", "--out", str(pdf)
        ).returncode
        == 0
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    assert run(db_path, config_path, "report", "monthly", "--month", "2026-13").returncode == 2
    assert run(db_path, config_path, "report", "monthly", "--month", month, "--format", "doc").returncode == 2
    assert run(db_path, config_path, "report", "monthly", "--month", month, "--officer", "canbo").returncode == 4
    day = f"{d.received_at:%Y-%m-%d}"
    book = tmp_path / "book.pdf"
    done = run(
        db_path, config_path, "report", "book", "--from", day, "--to", day, "--out", str(book), "--officer", "lanhdao"
    )
    assert done.returncode == 0, done.stderr
    assert book.read_bytes().startswith(b"%PDF")
    book_csv = tmp_path / "book.csv"
    assert (
        run(
            db_path,
            config_path,
            "report",
            "book",
            "--from",
            day,
            "--to",
            day,
            "--out",
            str(book_csv),
            "--officer",
            "lanhdao",
        ).returncode
        == 0
    )
    assert d.code in book_csv.read_text(encoding="utf-8-sig")
    assert run(db_path, config_path, "report", "book", "--from", "hôm qua", "--to", day).returncode == 2
    assert any(e.action == "report.export" for e in services.audit.entries())
