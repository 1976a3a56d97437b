"""Printing through CUPS never raises: job ids are parsed, failures come back as Vietnamese messages."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from receipts.printing import PrintResult, default_printer, job_state, list_printers, print_pdf
from receipts.render import render_form
from receipts.sample import sample_form_request

VIETNAMESE_MARKS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def is_vietnamese(message: str) -> bool:
    return bool(VIETNAMESE_MARKS & set(message.lower()))


@pytest.fixture(scope="module")
def receipt_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("print") / f"onestop-test-{uuid.uuid4().hex[:8]}.pdf"
    path.write_bytes(render_form(sample_form_request()))
    return path


def fake_tool(bin_dir: Path, name: str, script: str) -> None:
    """Put a shell script called `name` on a private PATH directory."""
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@pytest.fixture()
def fake_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An otherwise empty PATH, so only the fake CUPS tools written into it can run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("LPDEST", raising=False)
    monkeypatch.delenv("PRINTER", raising=False)
    return bin_dir


# ---------------------------------------------------------------- without CUPS


def test_unknown_queue_fails_with_a_vietnamese_message(receipt_pdf: Path) -> None:
    """Works with or without CUPS installed: either lp says the queue does not exist, or lp is missing."""
    result = print_pdf(receipt_pdf, "OneStopNoSuchQueue", copies=1)
    assert isinstance(result, PrintResult)
    assert result.ok is False and result.job_id == ""
    assert is_vietnamese(result.message), result.message


def test_missing_lp_binary(receipt_pdf: Path, fake_bin: Path) -> None:
    result = print_pdf(receipt_pdf, "PDF")
    assert not result.ok
    assert result.message.startswith("Không tìm thấy lệnh in (lp)")
    assert job_state("PDF-1") == "unavailable"
    assert list_printers() == [] and default_printer() is None


def test_job_id_is_parsed_and_arguments_are_passed(receipt_pdf: Path, fake_bin: Path, tmp_path: Path) -> None:
    log = tmp_path / "args.txt"
    fake_tool(fake_bin, "lp", f'printf "%s\\n" "$@" > {log}\necho "request id is Q-12 (1 file(s))"')
    result = print_pdf(receipt_pdf, "Q", copies=2, media="A5")
    assert result == PrintResult(True, "Q-12", "Q", "Đã gửi 2 bản tới máy in Q (lệnh in Q-12).")
    assert log.read_text().splitlines() == ["-d", "Q", "-n", "2", "-o", "media=A5", str(receipt_pdf.resolve())]


def test_default_destination_is_used_when_no_printer_is_named(
    receipt_pdf: Path, fake_bin: Path, tmp_path: Path
) -> None:
    log = tmp_path / "args.txt"
    fake_tool(fake_bin, "lp", f'printf "%s\\n" "$@" > {log}\necho "request id is Office_Laser-7 (1 file(s))"')
    result = print_pdf(receipt_pdf, None)
    assert result.ok and result.job_id == "Office_Laser-7" and result.printer == "Office_Laser"
    assert "-d" not in log.read_text().splitlines()


@pytest.mark.parametrize(
    ("stderr", "expected"),
    [
        ("lp: Error - The printer or class does not exist.", "Không tìm thấy máy in “Q”"),
        ("lp: Error - No default destination.", "Chưa chọn máy in"),
        ('lp: Error - Destination "Q" is not accepting jobs.', "đang tạm ngừng nhận lệnh in"),
        ("lp: Error - Unable to connect to server", "Không kết nối được dịch vụ in (CUPS)"),
        ("lp: Error - something odd", "Không in được tới máy in “Q”: lp: Error - something odd"),
    ],
)
def test_lp_errors_become_vietnamese_messages(receipt_pdf: Path, fake_bin: Path, stderr: str, expected: str) -> None:
    fake_tool(fake_bin, "lp", f"echo '{stderr}' >&2\nexit 1")
    result = print_pdf(receipt_pdf, "Q")
    assert not result.ok and result.job_id == ""
    assert expected in result.message


def test_a_hanging_lp_times_out(receipt_pdf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired(cmd="lp", timeout=20)

    monkeypatch.setattr(subprocess, "run", hang)
    result = print_pdf(receipt_pdf, "Q")
    assert not result.ok and "không phản hồi" in result.message
    assert job_state("Q-1") == "unavailable"


@pytest.mark.parametrize(
    ("printer", "copies", "media", "expected"),
    [
        ("-o evil", 1, "A4", "Tên máy in không hợp lệ"),
        ("Q", 0, "A4", "Số bản in phải từ 1 đến 99"),
        ("Q", 1, "Letter", "Khổ giấy không hỗ trợ"),
    ],
)
def test_bad_requests_are_refused_before_calling_lp(
    receipt_pdf: Path, fake_bin: Path, printer: str, copies: int, media: str, expected: str
) -> None:
    fake_tool(fake_bin, "lp", "echo 'request id is Q-1 (1 file(s))'")
    result = print_pdf(receipt_pdf, printer, copies=copies, media=media)
    assert not result.ok and expected in result.message


def test_missing_pdf_file(tmp_path: Path) -> None:
    result = print_pdf(tmp_path / "khong-co.pdf", "Q")
    assert not result.ok and result.message.startswith("Không tìm thấy tệp cần in")


def test_job_state_reads_lpstat(fake_bin: Path) -> None:
    fake_tool(
        fake_bin,
        "lpstat",
        'case "$*" in\n'
        '  "-W not-completed -o") echo "Q-13                   root    1024   Sun Nov 22 20:17:31 2026";;\n'
        '  "-W completed -o") echo "Q-12                   root    1024   Sun Nov 22 20:17:31 2026";;\n'
        '  "-e") printf "Q\\nOffice_Laser\\n";;\n'
        '  "-d") echo "system default destination: Office_Laser";;\n'
        "esac",
    )
    assert job_state("Q-12") == "completed"
    assert job_state("Q-13") == "pending"
    assert job_state("Q-1") == "unknown"  # a prefix of another id is not a match
    assert list_printers() == ["Q", "Office_Laser"]
    assert default_printer() == "Office_Laser"


def test_list_printers_falls_back_to_lpstat_p(fake_bin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_tool(
        fake_bin,
        "lpstat",
        'case "$*" in\n  "-p") echo "printer PDF is idle.  enabled since today";;\n  *) exit 1;;\nesac',
    )
    assert list_printers() == ["PDF"]
    assert default_printer() is None
    monkeypatch.setenv("LPDEST", "PDF")
    assert default_printer() == "PDF"


# ---------------------------------------------------------------- with a real CUPS queue


def cups_pdf_output_dirs() -> list[Path]:
    """Where cups-pdf may write: $ONESTOP_TEST_PRINTER_OUTDIR first, then its configured `Out` and `AnonDirName`."""
    home = Path.home()
    user = os.environ.get("USER") or home.name
    dirs = [home / "PDF", Path("/var/spool/cups-pdf/ANONYMOUS"), Path("/var/spool/cups-pdf") / user]
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.is_file():
        for line in conf.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split(None, 1)
            if len(parts) == 2 and parts[0] in ("Out", "AnonDirName"):
                value = parts[1].strip().replace("${HOME}", str(home)).replace("${USER}", user)
                dirs.insert(0, Path(value))
    override = os.environ.get("ONESTOP_TEST_PRINTER_OUTDIR")
    if override:
        dirs.insert(0, Path(override).expanduser())
    return dirs


@pytest.mark.skipif(
    not os.environ.get("ONESTOP_TEST_PRINTER"),
    reason="set ONESTOP_TEST_PRINTER to a CUPS queue (e.g. a cups-pdf queue) to test real printing",
)
def test_print_to_a_real_cups_queue(receipt_pdf: Path) -> None:
    queue = os.environ["ONESTOP_TEST_PRINTER"]
    assert queue in list_printers()
    started = time.time()
    result = print_pdf(receipt_pdf, queue, copies=1, media="A4")
    assert result.ok, result.message
    assert result.job_id.startswith(f"{queue}-") and result.printer == queue
    assert is_vietnamese(result.message)

    deadline = time.monotonic() + 30
    state = job_state(result.job_id)
    while state != "completed" and time.monotonic() < deadline:
        time.sleep(0.5)
        state = job_state(result.job_id)
    assert state == "completed", f"job {result.job_id} still {state} after 30 s"

    stem = receipt_pdf.stem
    found: list[Path] = []
    while not found and time.monotonic() < deadline + 10:
        found = [
            p
            for d in cups_pdf_output_dirs()
            if d.is_dir()
            for p in d.glob(f"*{stem}*.pdf")
            if p.stat().st_mtime >= started - 1
        ]
        if not found:
            time.sleep(0.5)
    assert found, f"no printed PDF named *{stem}*.pdf in {cups_pdf_output_dirs()}"
    assert found[0].read_bytes()[:5] == b"%PDF-"
    for printed in found:
        printed.unlink(missing_ok=True)


def test_cups_queue_list_is_a_list() -> None:
    """Whatever this machine has, the helpers answer without raising."""
    printers = list_printers()
    assert isinstance(printers, list) and all(isinstance(p, str) and p for p in printers)
    assert default_printer() is None or isinstance(default_printer(), str)
    if shutil.which("lpstat") is None:
        assert job_state("X-1") == "unavailable"
