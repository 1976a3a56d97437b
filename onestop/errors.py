"""Typed errors carrying a Vietnamese message for the officer and a CLI exit code (CONTRACT.md)."""

from __future__ import annotations


class OneStopError(Exception):
    """Base of every expected failure; `message` is Vietnamese and safe to show."""

    exit_code = 1
    title = "Lỗi"

    def __init__(self, message: str, *, field: str | None = None, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if title:
            self.title = title


class BadInput(OneStopError):
    """Input that fails validation; nothing was written."""

    exit_code = 2
    title = "Dữ liệu không hợp lệ"


class ConfigError(BadInput):
    """The configuration file is missing a key, malformed or holds a bad value."""

    title = "Lỗi cấu hình"


class NotFound(OneStopError):
    exit_code = 3
    title = "Không tìm thấy"


class Conflict(OneStopError):
    """A refused transition, a duplicate, or a divergence needing an officer."""

    exit_code = 4
    title = "Không thực hiện được"


class PermissionDenied(Conflict):
    title = "Không có quyền"


class DatabaseError(OneStopError):
    """The database cannot be opened, is not SQLite, is newer than the code, or is read-only."""

    exit_code = 2
    title = "Lỗi cơ sở dữ liệu"


class SyncFailed(OneStopError):
    exit_code = 5
    title = "Đồng bộ chưa xong"


class PrinterUnavailable(OneStopError):
    exit_code = 6
    title = "Lỗi máy in"


class DiskFull(OneStopError):
    """The disk (or the database's size limit) is full: what was being saved was NOT saved, nothing half-written."""

    exit_code = 7
    title = "Ổ đĩa đã đầy"
