"""`onestop demo`: a living sample commune so a newcomer can try every screen without touching real data."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from onestop.config import parse_settings
from onestop.domain import VN_TZ, Channel, DocumentLine, IntakeDraft, Person, ReturnVia, Role, Status, now_vn

DEMO_OFFICERS = (
    ("admin", "Lê Minh Quân", Role.ADMIN, "quantri123"),
    ("lanhdao", "Trần Văn Hùng", Role.LEADER, "lanhdao123"),
    ("canbo", "Nguyễn Thị Lan", Role.OFFICER, "canbo123"),
    ("canbo2", "Phạm Đức Thắng", Role.OFFICER, "canbo123"),
)
# Procedures a commune counter sees most, weighted roughly by how often they walk in.
POPULAR = (("2.000815", 30), ("1.001193", 12), ("2.000884", 10), ("1.000656", 4), ("1.000894", 4),
           ("2.000635", 6), ("1.004873", 6), ("2.001035", 5), ("1.004859", 3), ("2.000987", 3),
           ("1.001612", 2), ("2.000913", 2))
FEE_UNKNOWN_DEFAULT = 0


def demo_settings():  # type: ignore[no-untyped-def]
    return parse_settings({
        "commune": {
            "name": "Xã Quảng Phú", "agency_code": "H56.14", "province": "Thanh Hóa", "counter": "01",
            "address": "Thôn Phú Lâm, Xã Quảng Phú, Tỉnh Thanh Hóa", "parent_unit": "UBND XÃ QUẢNG PHÚ",
            "unit_name": "Trung tâm Phục vụ hành chính công xã Quảng Phú", "place_name": "Quảng Phú",
            "phone": "0237 3812 345",
        },
    })


def _working_moment(services, rng: random.Random, day: datetime) -> datetime | None:  # type: ignore[no-untyped-def]
    cal = services.calendar.work_calendar()
    if not cal.is_working_day(day.date()):
        return None
    hour = rng.choice((7, 8, 8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 15, 16))
    return day.replace(hour=hour, minute=rng.randrange(0, 60), second=0, microsecond=0)


def _person(rng: random.Random) -> Person:
    from onestop.bench import random_person

    p = random_person(rng)
    return Person(full_name=p["full_name"], id_number=p["id_number"], birth_date=p["birth_date"],
                  gender=p["gender"], address=p["address"], phone=p["phone"])


def build_demo(db_path: Path, config_path: Path, *, dossiers: int = 300, seed: int = 2026) -> str:
    """Create (or top up) the demo commune; returns a Vietnamese summary with the demo logins."""
    from onestop.services.setup import initialise

    settings = demo_settings()
    services = initialise(db_path, config_path, settings, admin_user="admin", admin_name=DEMO_OFFICERS[0][1],
                          password=DEMO_OFFICERS[0][3], overwrite_config=not config_path.exists())
    existing = {o.username for o in services.officers.list()}
    for username, name, role, password in DEMO_OFFICERS[1:]:
        if username not in existing:
            services.officers.add(username, name, role, password, actor="setup")
    with services.engine.connect() as conn:
        have = conn.exec_driver_sql("SELECT count(*) FROM dossier").scalar_one()
    rng = random.Random(seed + have)
    codes = [c for c, w in POPULAR for _ in range(w)]
    now = now_vn()
    made = 0
    attempts = 0
    while made < dossiers - have and attempts < dossiers * 5:
        attempts += 1
        age_days = int(rng.triangular(0, 365, 0))
        received_at = _working_moment(services, rng, (now - timedelta(days=age_days)).astimezone(VN_TZ))
        if received_at is None or received_at > now:
            continue
        procedure = services.catalog.get(rng.choice(codes))
        applicant = _person(rng)
        representative = _person(rng) if rng.random() < 0.08 else None
        online = rng.random() < 0.2
        draft = IntakeDraft(
            procedure_code=procedure.code, applicant=applicant,
            documents=tuple(DocumentLine(d.name, d.kind, d.count) for d in procedure.documents),
            representative=representative,
            authorisation_doc="Giấy ủy quyền có chứng thực" if representative else "",
            channel=Channel.ONLINE if online else Channel.PAPER, consent_recorded=online, has_eid_account=online,
            return_via=ReturnVia.POST if rng.random() < 0.05 else ReturnVia.COUNTER,
            return_address=applicant.address, fee_vnd=None if procedure.fee_vnd is not None else FEE_UNKNOWN_DEFAULT,
            received_at=received_at,
        )
        if procedure.deadline_amount is None:
            draft = replace(draft, due_override=received_at + timedelta(days=10),
                            due_override_reason="Theo quy trình nội bộ của xã")
        officer = rng.choice(("canbo", "canbo", "canbo2"))
        dossier = services.intake.save(draft, officer)
        _advance(services, rng, dossier, officer, now)
        made += 1
    summary = (
        f"Xã mẫu: {settings.office.commune_name} ({settings.office.agency_code}), {have + made} hồ sơ.\n"
        f"Cơ sở dữ liệu: {db_path}\n"
        "Đăng nhập: canbo / canbo123 (cán bộ), lanhdao / lanhdao123 (lãnh đạo), admin / quantri123 (quản trị)."
    )
    services.close()
    return summary


def _advance(services, rng: random.Random, dossier, officer: str, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Move an older dossier along its lifecycle so queues, reports and timelines have something to show."""
    try:
        lifecycle = services.dossiers
    except ImportError:  # the lifecycle service is optional for a bare demo
        return
    if dossier.due_at is None:
        return
    try:
        age = (now - dossier.received_at).days
        roll = rng.random()
        if roll < 0.04:
            lifecycle.reject(dossier.code, "Hồ sơ không thuộc thẩm quyền giải quyết của xã", actor=officer)
            return
        if roll < 0.10:
            lifecycle.request_supplement(dossier.code, ["Bổ sung bản sao giấy khai sinh"],
                                         "Thiếu giấy tờ chứng minh quan hệ", actor=officer)
            if age < 7:
                return
            lifecycle.receive_supplement(dossier.code, actor=officer)
        if dossier.due_at > now and rng.random() < 0.6:
            return  # still being processed
        if rng.random() < 0.07:
            return  # left overdue on purpose: the queue shows it in red
        lifecycle.transition(dossier.code, Status.IN_PROGRESS, actor=officer) if dossier.status is Status.RECEIVED else None
        lifecycle.result_ready(dossier.code, actor=officer)
        if age > 2 or rng.random() < 0.5:
            lifecycle.return_result(dossier.code, collected_by=dossier.applicant.full_name,
                                    collected_id_number=dossier.applicant.id_number, channel="counter", actor=officer)
    except Exception as exc:  # noqa: BLE001  (demo data must never stop the demo)
        from onestop.errors import OneStopError

        if not isinstance(exc, OneStopError | AttributeError | ImportError):
            raise
