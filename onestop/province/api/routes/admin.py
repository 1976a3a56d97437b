"""Simulation endpoints (admin token): online submissions, upstream statuses, publications, tokens, faults."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from onestop.province.api.deps import AdminDep, StoreDep
from onestop.province.faults import Faults
from onestop.province.models import FaultRequest, OfficialCodeRequest, StatusRequest, TokenRequest

router = APIRouter(prefix="/v1/admin")


@router.post("/submit-online")
def submit_online(body: dict[str, Any], _a: AdminDep, store: StoreDep, agency_code: str = Query(...)) -> dict:
    return store.submit_online(agency_code, body)


@router.post("/status")
def set_status(body: StatusRequest, _a: AdminDep, store: StoreDep) -> dict:
    return store.set_status(body.ref, body.status, body.note, body.officer)


@router.post("/official-code")
def official_code(body: OfficialCodeRequest, _a: AdminDep, store: StoreDep) -> dict:
    return store.set_official_code(body.ref, body.official_code)


@router.post("/catalog")
def publish_catalog(body: dict[str, Any], _a: AdminDep, store: StoreDep, agency_code: str = Query(default="")) -> dict:
    return {"seq": store.publish("catalog", body, agency_code)}


@router.post("/calendar")
def publish_calendar(body: dict[str, Any], _a: AdminDep, store: StoreDep, agency_code: str = Query(default="")) -> dict:
    return {"seq": store.publish("calendar", body, agency_code)}


@router.post("/token")
def issue_token(body: TokenRequest, _a: AdminDep, store: StoreDep) -> dict:
    return {"token": store.issue_token(agency_code=body.agency_code, counter_code=body.counter_code)}


@router.post("/faults")
def set_faults(body: FaultRequest, _a: AdminDep, request: Request) -> dict:
    f: Faults = request.app.state.faults
    f.arm(**body.model_dump())
    return body.model_dump()


@router.get("/dump")
def dump(_a: AdminDep, store: StoreDep, payload: bool = False) -> dict:
    return store.dump(with_payload=payload)
