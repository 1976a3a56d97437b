"""Printing rendered PDFs through CUPS (`lp`, `lpstat`); every failure comes back as a plain Vietnamese message."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PrintResult", "default_printer", "job_state", "list_printers", "print_pdf"]

LP_TIMEOUT_S = 20.0
LPSTAT_TIMEOUT_S = 8.0
MAX_COPIES = 99
MEDIA = ("A4", "A5")

_JOB_ID_RE = re.compile(r"request id is (\S+)")
_QUEUE_RE = re.compile(r"^[^\s#'\"\\/-][^\s#'\"\\]{0,126}$")


@dataclass(frozen=True)
class PrintResult:
    """The outcome of one print request: the CUPS job id on success, and a message for the officer either way."""

    ok: bool
    job_id: str
    printer: str
    message: str


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run a CUPS client in the C locale without a shell; raises OSError or TimeoutExpired."""
    # lp and lpstat translate their messages under a Vietnamese locale; the parsers here read the C locale.
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "LANGUAGE": "C"}
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, check=False)


def print_pdf(pdf_path: Path, printer: str | None, copies: int = 1, media: str = "A4") -> PrintResult:
    """Send `pdf_path` to CUPS queue `printer` (None: the default destination) as `copies` copies on `media`."""
    queue = (printer or "").strip()
    shown = queue or "mặc định"
    problem = _check_request(Path(pdf_path), queue, copies, media)
    if problem:
        return PrintResult(False, "", queue, problem)
    args = ["lp"] + (["-d", queue] if queue else []) + ["-n", str(copies), "-o", f"media={media}"]
    args.append(str(Path(pdf_path).resolve()))
    try:
        done = _run(args, LP_TIMEOUT_S)
    except FileNotFoundError:
        return PrintResult(False, "", queue, "Không tìm thấy lệnh in (lp) trên máy này. Cần cài đặt CUPS để in.")
    except subprocess.TimeoutExpired:
        return PrintResult(
            False, "", queue, f"Hệ thống in không phản hồi sau {LP_TIMEOUT_S:.0f} giây. Vui lòng thử lại."
        )
    except OSError as exc:
        return PrintResult(False, "", queue, f"Không chạy được lệnh in: {exc.strerror or exc}.")
    if done.returncode != 0:
        return PrintResult(False, "", queue, _lp_error_message(done.stderr or done.stdout, shown))
    match = _JOB_ID_RE.search(done.stdout)
    job_id = match.group(1) if match else ""
    if not queue and job_id:
        queue = job_id.rsplit("-", 1)[0]
    message = f"Đã gửi {copies} bản tới máy in {queue or shown}" + (f" (lệnh in {job_id})." if job_id else ".")
    return PrintResult(True, job_id, queue, message)


def _check_request(pdf_path: Path, queue: str, copies: int, media: str) -> str:
    """A Vietnamese reason why the request cannot be sent, or an empty string."""
    if not pdf_path.is_file():
        return f"Không tìm thấy tệp cần in: {pdf_path}."
    if queue and not _QUEUE_RE.match(queue):
        return f"Tên máy in không hợp lệ: “{queue}”."
    if not 1 <= copies <= MAX_COPIES:
        return f"Số bản in phải từ 1 đến {MAX_COPIES}."
    if media not in MEDIA:
        return f"Khổ giấy không hỗ trợ: {media} (chỉ in {' hoặc '.join(MEDIA)})."
    return ""


def _lp_error_message(output: str, shown: str) -> str:
    """Translate a CUPS `lp` error into a message the officer can act on."""
    text = output.strip().lower()
    if "does not exist" in text or "not found" in text or "unknown destination" in text:
        return f"Không tìm thấy máy in “{shown}”. Kiểm tra tên máy in trong phần cài đặt."
    if "no default destination" in text:
        return "Chưa chọn máy in và máy tính chưa có máy in mặc định."
    if "not accepting" in text:
        return f"Máy in “{shown}” đang tạm ngừng nhận lệnh in."
    if "unable to connect" in text or "scheduler is not running" in text or "connection refused" in text:
        return "Không kết nối được dịch vụ in (CUPS). Kiểm tra dịch vụ in đã được bật."
    if "forbidden" in text or "not authorized" in text or "permission" in text:
        return f"Không có quyền in tới máy in “{shown}”."
    detail = output.strip().splitlines()[-1] if output.strip() else "không rõ nguyên nhân"
    return f"Không in được tới máy in “{shown}”: {detail}"


def _lpstat(*args: str) -> list[str] | None:
    """Lines printed by `lpstat args`, or None when lpstat is missing, hangs or fails to reach CUPS."""
    try:
        done = _run(["lpstat", *args], LPSTAT_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0 and not done.stdout.strip():
        return None
    return done.stdout.splitlines()


def _job_ids(lines: list[str] | None) -> set[str]:
    return {line.split()[0] for line in lines or [] if line.strip() and not line[0].isspace()}


def job_state(job_id: str) -> str:
    """`completed`, `pending` (queued, held or printing), `unknown` (no such job) or `unavailable` (no CUPS)."""
    pending = _lpstat("-W", "not-completed", "-o")
    completed = _lpstat("-W", "completed", "-o")
    if pending is None and completed is None:
        return "unavailable"
    if job_id in _job_ids(pending):
        return "pending"
    if job_id in _job_ids(completed):
        return "completed"
    return "unknown"


def list_printers() -> list[str]:
    """The CUPS destinations known on this computer (empty when CUPS is missing)."""
    lines = _lpstat("-e")
    if lines:
        return [line.strip() for line in lines if line.strip()]
    lines = _lpstat("-p") or []
    return [line.split()[1] for line in lines if line.startswith("printer ") and len(line.split()) > 1]


def default_printer() -> str | None:
    """The default destination: $LPDEST or $PRINTER, else what `lpstat -d` reports, else None."""
    for variable in ("LPDEST", "PRINTER"):
        value = os.environ.get(variable, "").strip()
        if value:
            return value
    for line in _lpstat("-d") or []:
        if ":" in line and "no system default" not in line:
            return line.split(":", 1)[1].strip() or None
    return None
