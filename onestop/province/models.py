"""Request and reply models of the provincial API (the OpenAPI document is generated from them)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class PushItem(BaseModel):
    key: str = Field(max_length=120)
    kind: str = Field(max_length=30)
    dossier_uuid: str = Field(default="", max_length=36)
    dossier_code: str = Field(default="", max_length=60)
    payload: dict[str, Any]
    force: bool = False


class PushRequest(BaseModel):
    items: list[PushItem] = Field(max_length=1000)


class PushResult(BaseModel):
    key: str
    status: str = Field(description="applied | duplicate | rejected | conflict | skipped")
    message: str = ""
    official_code: str | None = None
    upstream: dict[str, Any] | None = None


class PushResponse(BaseModel):
    results: list[PushResult]


class Change(BaseModel):
    seq: int
    kind: str = Field(description="dossier | catalog | calendar")
    source: str
    dossier_uuid: str = ""
    at: str
    data: dict[str, Any]


class ChangesResponse(BaseModel):
    items: list[Change]
    next_cursor: str
    more: bool


class StatusRequest(BaseModel):
    ref: str = Field(description="uuid, MaHoSo or official code")
    status: int = Field(ge=1, le=10)
    note: str = ""
    officer: str = "Cán bộ xử lý"


class OfficialCodeRequest(BaseModel):
    ref: str
    official_code: str


class FaultRequest(BaseModel):
    fail_next: int = Field(default=0, ge=0)
    delay_next: int = Field(default=0, ge=0)
    delay_s: float = Field(default=0.0, ge=0, le=120)
    drop_next: int = Field(default=0, ge=0)
    fail_uploads: int = Field(default=0, ge=0)


class FileStored(BaseModel):
    sha256: str
    size: int
    created: bool = Field(description="false: the server already held these bytes (idempotent re-upload)")


class TokenRequest(BaseModel):
    agency_code: str
    counter_code: str = Field(pattern=r"^[0-9]{2}$")
