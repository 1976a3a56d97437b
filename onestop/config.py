"""Where data lives, and the TOML configuration (commune profile, office hours, printing, sync, security).

Every validation failure names the bad key in Vietnamese, so an officer or the provincial IT team can fix it.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Any

from onestop.domain import Office, OfficeHours
from onestop.errors import ConfigError
from onestop.text import clean

APP_NAME = "onestop"
AGENCY_CODE_RE = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")
COUNTER_RE = re.compile(r"^[0-9]{2}$")
_HOURS_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_URL_RE = re.compile(r"^https?://[^\s/?#]+[^\s]*$")

DEFAULT_LOOKUP_URL = "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html"
"""`commune.lookup_url` when the key is absent: the national portal's dossier lookup page (ND 118/2025: a dossier is
looked up by its code on the national portal or by its QR). The address is FROM MEMORY, not sourced: a province with
its own lookup page sets the key; an empty value prints the code and key only (`<mã hồ sơ>|<mã tra cứu>`)."""
# ND 30/2020 Phụ lục I: the authority words that may stand above a signer's title.
LEADER_AUTHORITY_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def resolve_db_path(db: str | Path | None) -> Path:
    """`--db`, else `$ONESTOP_DB`, else `<data dir>/onestop.db` (CONTRACT.md)."""
    value = db or os.environ.get("ONESTOP_DB")
    return Path(value).expanduser() if value else data_dir() / "onestop.db"


def resolve_config_path(config: str | Path | None) -> Path:
    """`--config`, else `$ONESTOP_CONFIG`, else `<config dir>/config.toml`."""
    value = config or os.environ.get("ONESTOP_CONFIG")
    return Path(value).expanduser() if value else config_dir() / "config.toml"


@dataclass(frozen=True)
class PrintingSettings:
    printer: str = ""  # CUPS queue; empty = the system default
    copies: int = 2  # citizen's and office's copy
    page_size: str = "A4"
    media: str = "A4"


@dataclass(frozen=True)
class SyncSettings:
    url: str = ""
    token: str = ""
    ca_file: str = ""
    interval_s: int = 60
    timeout_s: float = 10.0
    batch_size: int = 100
    backlog_warn_days: int = 2
    max_attempts: int = 20


@dataclass(frozen=True)
class SecuritySettings:
    idle_lock_minutes: int = 5
    retention_days: int = 730
    backup_keep: int = 14


@dataclass(frozen=True)
class RuleSettings:
    supplement_clock: str = "restart"  # restart: recompute from the complete dossier; shift: add the paused time
    book_volume: str = ""  # "Quyển số"; empty = the year


@dataclass(frozen=True)
class Settings:
    """The whole validated configuration."""

    office: Office
    printing: PrintingSettings = field(default_factory=PrintingSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    rules: RuleSettings = field(default_factory=RuleSettings)
    scanner_folder: str = ""
    archive_dir: str = ""
    backup_dir: str = ""
    source: Path | None = None

    def with_sync(self, url: str | None = None, token: str | None = None) -> Settings:
        """Apply `$ONESTOP_SYNC_URL`/`$ONESTOP_SYNC_TOKEN`, then explicit overrides (CONTRACT.md)."""
        new_url = url or os.environ.get("ONESTOP_SYNC_URL") or self.sync.url
        new_token = token or os.environ.get("ONESTOP_SYNC_TOKEN") or self.sync.token
        return replace(self, sync=replace(self.sync, url=new_url, token=new_token))


def _parse_hours(value: Any, key: str) -> tuple[time, time]:
    match = _HOURS_RE.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        raise ConfigError(f"Khóa '{key}' phải có dạng HH:MM-HH:MM, ví dụ 07:00-11:30.", field=key)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError as exc:
        raise ConfigError(f"Khóa '{key}' có giờ không hợp lệ.", field=key) from exc
    if start >= end:
        raise ConfigError(f"Khóa '{key}': giờ bắt đầu phải trước giờ kết thúc.", field=key)
    return start, end


def _text(section: dict[str, Any], name: str, key: str, *, required: bool = False, default: str = "") -> str:
    value = section.get(name, default)
    if not isinstance(value, str):
        raise ConfigError(f"Khóa '{key}' phải là chuỗi ký tự.", field=key)
    value = clean(value)
    if required and not value:
        raise ConfigError(f"Thiếu giá trị bắt buộc cho khóa '{key}'.", field=key)
    if len(value) > 300:
        raise ConfigError(f"Khóa '{key}' quá dài (tối đa 300 ký tự).", field=key)
    return value


def _int(section: dict[str, Any], name: str, key: str, default: int, lo: int, hi: int) -> int:
    value = section.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ConfigError(f"Khóa '{key}' phải là số nguyên từ {lo} đến {hi}.", field=key)
    return value


def _lookup_url(commune: dict[str, Any]) -> str:
    """`commune.lookup_url`: absent → the documented default; empty → no link; else an http(s) address."""
    if "lookup_url" not in commune:
        return DEFAULT_LOOKUP_URL
    url = _text(commune, "lookup_url", "commune.lookup_url")
    if url and not _URL_RE.match(url):
        raise ConfigError(
            "Khóa 'commune.lookup_url' phải là địa chỉ trang tra cứu bắt đầu bằng http:// hoặc https:// "
            "(không có dấu cách), hoặc để trống nếu không in đường dẫn.",
            field="commune.lookup_url",
        )
    return url


def _leader(raw: dict[str, Any]) -> tuple[str, str, str]:
    """`[leader]` name, title and authority of the head of the agency who signs Mẫu 04 and Mẫu 05."""
    leader = _section(raw, "leader")
    name = _text(leader, "name", "leader.name")
    title = _text(leader, "title", "leader.title").upper()
    authority = _text(leader, "authority", "leader.authority").upper()
    if bool(name) != bool(title):
        missing = "leader.title" if name else "leader.name"
        raise ConfigError(
            f"Mục [leader] cần cả họ tên (name) và chức danh (title) của thủ trưởng cơ quan; thiếu khóa '{missing}'.",
            field=missing,
        )
    if len(name) > 80 or len(title) > 80 or len(authority) > 80:
        raise ConfigError("Họ tên, chức danh và thẩm quyền ký trong mục [leader] tối đa 80 ký tự.", field="leader")
    if name and (any(ch.isdigit() for ch in name) or not any(ch.isalpha() for ch in name)):
        raise ConfigError("Khóa 'leader.name' phải là họ và tên người ký (không chứa chữ số).", field="leader.name")
    if authority and not title:
        raise ConfigError("Khóa 'leader.authority' cần đi cùng họ tên và chức danh người ký.", field="leader.authority")
    if authority and not authority.startswith(LEADER_AUTHORITY_PREFIXES):
        raise ConfigError(
            "Khóa 'leader.authority' phải bắt đầu bằng TM., KT., TL., TUQ. hoặc Q. (ví dụ: KT. CHỦ TỊCH).",
            field="leader.authority",
        )
    return name, title, authority


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"Mục [{name}] trong tệp cấu hình không hợp lệ.", field=name)
    return value


def parse_settings(raw: dict[str, Any], source: Path | None = None) -> Settings:
    """Validate a parsed TOML document into `Settings`."""
    commune = _section(raw, "commune")
    if not commune:
        raise ConfigError("Tệp cấu hình thiếu mục [commune] (thông tin xã/phường).", field="commune")
    agency = _text(commune, "agency_code", "commune.agency_code", required=True).upper()
    if len(agency) > 35 or not AGENCY_CODE_RE.match(agency):
        raise ConfigError(
            "Khóa 'commune.agency_code' phải là mã định danh cơ quan (chữ in hoa, số và dấu chấm, ví dụ H56.14).",
            field="commune.agency_code",
        )
    counter = _text(commune, "counter", "commune.counter", required=True)
    if not COUNTER_RE.match(counter):
        raise ConfigError("Khóa 'commune.counter' phải gồm đúng 2 chữ số, ví dụ 01.", field="commune.counter")
    hours_raw = _section(raw, "office_hours")
    m_start, m_end = _parse_hours(hours_raw.get("morning", "07:00-11:30"), "office_hours.morning")
    a_start, a_end = _parse_hours(hours_raw.get("afternoon", "13:30-17:00"), "office_hours.afternoon")
    if m_end > a_start:
        raise ConfigError(
            "Khóa 'office_hours.afternoon': giờ buổi sáng phải kết thúc trước giờ buổi chiều.",
            field="office_hours.afternoon",
        )
    leader_name, leader_title, leader_authority = _leader(raw)
    office = Office(
        commune_name=_text(commune, "name", "commune.name", required=True),
        agency_code=agency,
        province=_text(commune, "province", "commune.province", required=True),
        counter_code=counter,
        address=_text(commune, "address", "commune.address"),
        parent_unit=_text(commune, "parent_unit", "commune.parent_unit"),
        unit_name=_text(commune, "unit_name", "commune.unit_name"),
        place_name=_text(commune, "place_name", "commune.place_name"),
        phone=_text(commune, "phone", "commune.phone"),
        email=_text(commune, "email", "commune.email"),
        lookup_url=_lookup_url(commune),
        hours=OfficeHours(m_start, m_end, a_start, a_end),
        leader_name=leader_name,
        leader_title=leader_title,
        leader_authority=leader_authority,
    )
    printing = _section(raw, "printing")
    page_size = _text(printing, "page_size", "printing.page_size", default="A4").upper()
    if page_size not in ("A4", "A5"):
        raise ConfigError("Khóa 'printing.page_size' chỉ nhận A4 hoặc A5.", field="printing.page_size")
    sync = _section(raw, "sync")
    url = _text(sync, "url", "sync.url")
    if url and not re.match(r"^https?://", url):
        raise ConfigError("Khóa 'sync.url' phải bắt đầu bằng http:// hoặc https://.", field="sync.url")
    security = _section(raw, "security")
    rules = _section(raw, "rules")
    clock = _text(rules, "supplement_clock", "rules.supplement_clock", default="restart")
    if clock not in ("restart", "shift"):
        raise ConfigError(
            "Khóa 'rules.supplement_clock' chỉ nhận 'restart' hoặc 'shift'.", field="rules.supplement_clock"
        )
    paths = _section(raw, "paths")
    return Settings(
        office=office,
        printing=PrintingSettings(
            printer=_text(printing, "printer", "printing.printer"),
            copies=_int(printing, "copies", "printing.copies", 2, 1, 2),
            page_size=page_size,
            media=page_size,
        ),
        sync=SyncSettings(
            url=url,
            token=_text(sync, "token", "sync.token"),
            ca_file=_text(sync, "ca_file", "sync.ca_file"),
            interval_s=_int(sync, "interval_s", "sync.interval_s", 60, 5, 86400),
            batch_size=_int(sync, "batch_size", "sync.batch_size", 100, 1, 1000),
            backlog_warn_days=_int(sync, "backlog_warn_days", "sync.backlog_warn_days", 2, 1, 365),
            max_attempts=_int(sync, "max_attempts", "sync.max_attempts", 20, 1, 1000),
        ),
        security=SecuritySettings(
            idle_lock_minutes=_int(security, "idle_lock_minutes", "security.idle_lock_minutes", 5, 1, 240),
            retention_days=_int(security, "retention_days", "security.retention_days", 730, 30, 36500),
            backup_keep=_int(security, "backup_keep", "security.backup_keep", 14, 1, 365),
        ),
        rules=RuleSettings(
            supplement_clock=clock,
            book_volume=_text(rules, "book_volume", "rules.book_volume"),
        ),
        scanner_folder=_text(_section(raw, "scanner"), "folder", "scanner.folder"),
        archive_dir=_text(paths, "archive_dir", "paths.archive_dir"),
        backup_dir=_text(paths, "backup_dir", "paths.backup_dir"),
        source=source,
    )


def load_settings(path: Path) -> Settings:
    """Read and validate the config file; a missing or corrupt file is a `ConfigError`."""
    if not path.exists():
        raise ConfigError(
            f"Chưa có tệp cấu hình ({path}). Hãy chạy 'onestop init' hoặc 'onestop demo' để thiết lập.",
            field="config",
        )
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"Tệp cấu hình {path} không phải văn bản UTF-8.", field="config") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Tệp cấu hình {path} bị lỗi cú pháp TOML: {exc}.", field="config") from exc
    except OSError as exc:
        raise ConfigError(f"Không đọc được tệp cấu hình {path}: {exc.strerror}.", field="config") from exc
    return parse_settings(raw, source=path)


def settings_to_toml(settings: Settings) -> str:
    """Serialise settings back to TOML (used by `init`, `demo` and the settings screen)."""
    import tomli_w

    o = settings.office
    h = o.hours
    doc: dict[str, Any] = {
        "commune": {
            "name": o.commune_name,
            "agency_code": o.agency_code,
            "province": o.province,
            "counter": o.counter_code,
            "address": o.address,
            "parent_unit": o.parent_unit,
            "unit_name": o.unit_name,
            "place_name": o.place_name,
            "phone": o.phone,
            "email": o.email,
            "lookup_url": o.lookup_url,
        },
        "leader": {"name": o.leader_name, "title": o.leader_title, "authority": o.leader_authority},
        "office_hours": {
            "morning": f"{h.morning_start:%H:%M}-{h.morning_end:%H:%M}",
            "afternoon": f"{h.afternoon_start:%H:%M}-{h.afternoon_end:%H:%M}",
        },
        "printing": {
            "printer": settings.printing.printer,
            "copies": settings.printing.copies,
            "page_size": settings.printing.page_size,
        },
        "sync": {
            "url": settings.sync.url,
            "token": settings.sync.token,
            "ca_file": settings.sync.ca_file,
            "interval_s": settings.sync.interval_s,
            "batch_size": settings.sync.batch_size,
            "backlog_warn_days": settings.sync.backlog_warn_days,
        },
        "security": {
            "idle_lock_minutes": settings.security.idle_lock_minutes,
            "retention_days": settings.security.retention_days,
            "backup_keep": settings.security.backup_keep,
        },
        "rules": {"supplement_clock": settings.rules.supplement_clock, "book_volume": settings.rules.book_volume},
        "scanner": {"folder": settings.scanner_folder},
        "paths": {"archive_dir": settings.archive_dir, "backup_dir": settings.backup_dir},
    }
    return tomli_w.dumps(doc)


def write_settings(settings: Settings, path: Path) -> None:
    """Write the config atomically with owner-only permissions."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path.parent, 0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(settings_to_toml(settings))
    os.replace(tmp, path)
