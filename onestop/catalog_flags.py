"""Per-procedure flags kept as data beside the catalog: the no-paper services of Chỉ thị 24/CT-TTg (BRIEF §11.3).

Which commune-level procedures are on the list is UNKNOWN, so `onestop/data/no_paper.toml` ships empty; a province
(or a test) names them with their source. Pure: no database.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from onestop.errors import ConfigError

__all__ = ["NO_PAPER_PATH", "NO_PAPER_REASON", "no_paper_codes", "no_paper_reason"]

NO_PAPER_PATH = Path(__file__).with_name("data") / "no_paper.toml"

NO_PAPER_REASON = (
    "Thủ tục thuộc danh mục dịch vụ công trực tuyến toàn trình không yêu cầu nộp giấy tờ (Chỉ thị 24/CT-TTg): "
    "không nhận thành phần hồ sơ giấy; dữ liệu lấy từ cơ sở dữ liệu quốc gia, cán bộ hỗ trợ công dân nộp trực tuyến "
    "(cần ghi nhận đồng ý, tài khoản định danh điện tử)."
)


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int) -> frozenset[str]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Không đọc được tệp {path.name}: {exc}") from exc
    codes = set()
    for i, entry in enumerate(raw.get("procedure", []), start=1):
        code, source = entry.get("code"), entry.get("source")
        if not isinstance(code, str) or not code.strip() or not isinstance(source, str) or not source.strip():
            raise ConfigError(f"{path.name}, thủ tục thứ {i}: cần code và source")
        codes.add(code.strip())
    return frozenset(codes)


def no_paper_codes(path: Path | None = None) -> frozenset[str]:
    """The procedure codes on the no-paper list."""
    p = path or NO_PAPER_PATH
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        return frozenset()
    return _load(p, mtime)


def no_paper_reason(procedure_code: str, path: Path | None = None) -> str:
    """Why the intake asks for no paper, for a listed procedure; "" otherwise."""
    return NO_PAPER_REASON if procedure_code in no_paper_codes(path) else ""
