"""Shared FastAPI dependencies: the store bound to the app, and who is calling (bearer token → `Caller`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request

from onestop.province.store import Caller, ProvinceStore

BAD_TOKEN = "Mã truy cập (token) không hợp lệ, đã hết hạn hoặc đã bị thu hồi."


def get_store(request: Request) -> ProvinceStore:
    return request.app.state.store


StoreDep = Annotated[ProvinceStore, Depends(get_store)]


def bearer(authorization: str) -> str:
    return authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""


def get_caller(store: StoreDep, authorization: str = Header(default="")) -> Caller:
    found = store.authenticate(bearer(authorization))
    if found is None:
        raise HTTPException(401, BAD_TOKEN)
    return found


def get_counter(c: Annotated[Caller, Depends(get_caller)]) -> Caller:
    if c.role != "counter":
        raise HTTPException(403, "Mã truy cập này không phải của một quầy tiếp nhận.")
    return c


def get_admin(c: Annotated[Caller, Depends(get_caller)]) -> Caller:
    if c.role != "admin":
        raise HTTPException(403, "Cần mã truy cập quản trị của hệ thống tỉnh.")
    return c


CallerDep = Annotated[Caller, Depends(get_caller)]
CounterDep = Annotated[Caller, Depends(get_counter)]
AdminDep = Annotated[Caller, Depends(get_admin)]
