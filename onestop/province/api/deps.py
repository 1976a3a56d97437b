"""Shared FastAPI dependencies: the store bound to the app, and who is calling.

The bearer token is checked by `onestop.province.api.guard` before the request body is read; the dependencies only
pick up the `Caller` it left on the request (and refuse a request that somehow reached a route without one).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from onestop.province.store import Caller, ProvinceStore

BAD_TOKEN = "Mã truy cập (token) không hợp lệ, đã hết hạn hoặc đã bị thu hồi."


def get_store(request: Request) -> ProvinceStore:
    return request.app.state.store


def get_caller(request: Request) -> Caller:
    caller = getattr(request.state, "caller", None)
    if not isinstance(caller, Caller):
        raise HTTPException(401, BAD_TOKEN)
    return caller


def get_counter(c: Annotated[Caller, Depends(get_caller)]) -> Caller:
    if c.role != "counter":
        raise HTTPException(403, "Mã truy cập này không phải của một quầy tiếp nhận.")
    return c


def get_admin(c: Annotated[Caller, Depends(get_caller)]) -> Caller:
    if c.role != "admin":
        raise HTTPException(403, "Cần mã truy cập quản trị của hệ thống tỉnh.")
    return c


StoreDep = Annotated[ProvinceStore, Depends(get_store)]
CallerDep = Annotated[Caller, Depends(get_caller)]
CounterDep = Annotated[Caller, Depends(get_counter)]
AdminDep = Annotated[Caller, Depends(get_admin)]
