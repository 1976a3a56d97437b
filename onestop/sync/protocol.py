"""What the counter's sync client and the provincial server agree on (docs/sync-protocol.md), in one place.

Wire names, item kinds and reply statuses, the national status codes, the date and hash formats, which files a
dossier payload references, and the size limits. Pure Python: both sides import it; it imports neither side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from onestop.domain import VN_TZ

__all__ = [
    "API_VERSION",
    "VN_TZ",
    "WIRE_DATE",
    "wire_dt",
    "parse_wire_dt",
    "SHA256_RE",
    "FileRef",
    "payload_files",
]

API_VERSION = "1"

# ---------------------------------------------------------------------- paths
PUSH_PATH = "/v1/push"
CHANGES_PATH = "/v1/changes"
FILES_PATH = "/v1/files/"
HEALTH_PATH = "/v1/health"

# ---------------------------------------------------------------------- push items and replies
UPSERT, EVENT, AUDIT = "dossier.upsert", "dossier.event", "audit.append"
KINDS = (UPSERT, EVENT, AUDIT)
APPLIED, DUPLICATE, REJECTED, CONFLICT, SKIPPED = "applied", "duplicate", "rejected", "conflict", "skipped"
RESULT_STATUSES = (APPLIED, DUPLICATE, REJECTED, CONFLICT, SKIPPED)
MAX_BATCH_ITEMS = 1000
MAX_KEY_LEN = 120

# ---------------------------------------------------------------------- change feed kinds
FEED_DOSSIER, FEED_CATALOG, FEED_CALENDAR = "dossier", "catalog", "calendar"

# ---------------------------------------------------------------------- national status codes (TrangThaiHoSo)
STATUS_LABELS = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}

# ---------------------------------------------------------------------- dates
WIRE_DATE = "%Y%m%d%H%M%S"
WIRE_DATE_RE = re.compile(r"^[0-9]{14}$")


def wire_dt(value: datetime | None) -> str:
    """`yyyyMMddHHmmss` in Asia/Ho_Chi_Minh, or "" for None."""
    return value.astimezone(VN_TZ).strftime(WIRE_DATE) if value else ""


def parse_wire_dt(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.strptime(value, WIRE_DATE).replace(tzinfo=VN_TZ)


# ---------------------------------------------------------------------- digitised files
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
FILES_MARK = '"Sha256"'  # cheap test on frozen JSON before parsing it: most dossiers carry no files
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class FileRef:
    """One file a dossier payload references (`TaiLieuNop[].TepDinhKem[]` or `KetQuaSoHoa[]`)."""

    sha256: str
    name: str
    size: int = 0


def _file_entries(payload: dict[str, Any]) -> list[Any]:
    """The raw file entries of a payload: each component's scans, then the digitised result's files."""
    out: list[Any] = []
    for doc in payload.get("TaiLieuNop") or []:
        if isinstance(doc, dict):
            out.extend(doc.get("TepDinhKem") or [])
    result = payload.get("KetQuaSoHoa")
    if isinstance(result, list):
        out.extend(result)
    return out


def payload_files(payload: dict[str, Any]) -> list[FileRef]:
    """Files in `TaiLieuNop[].TepDinhKem[]` and `KetQuaSoHoa[]` (the digitised result), first mention of each
    SHA-256 only; invalid hashes are skipped (the server's typed item model refuses them before this is called)."""
    seen: set[str] = set()
    out: list[FileRef] = []
    for f in _file_entries(payload):
        if not isinstance(f, dict):
            continue
        sha = str(f.get("Sha256") or "").lower()
        if not SHA256_RE.match(sha) or sha in seen:
            continue
        seen.add(sha)
        try:
            size = int(f.get("KichThuoc") or 0)
        except (TypeError, ValueError):
            size = 0
        out.append(FileRef(sha, str(f.get("TenTep") or "")[:255] or sha[:12], size))
    return out
