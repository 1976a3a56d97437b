"""`onestop demo`: a living sample commune so a newcomer can try every screen without touching real data."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from onestop.config import Settings, parse_settings
from onestop.declarations.samples import sample
from onestop.domain import VN_TZ, Channel, DocumentLine, Dossier, IntakeDraft, Person, ReturnVia, Role, Status, now_vn

if TYPE_CHECKING:
    from onestop.services import Services

DEMO_OFFICERS = (
    ("admin", "Lê Minh Quân", Role.ADMIN, "quantri123"),
    ("lanhdao", "Trần Văn Hùng", Role.LEADER, "lanhdao123"),
    ("canbo", "Nguyễn Thị Lan", Role.OFFICER, "canbo123"),
    ("canbo2", "Phạm Đức Thắng", Role.OFFICER, "canbo123"),
)
# Procedures a commune counter sees most, weighted roughly by how often they walk in.
POPULAR = (
    ("2.000815", 30),
    ("1.001193", 12),
    ("2.000884", 10),
    ("1.000656", 4),
    ("1.000894", 4),
    ("2.000635", 6),
    ("1.004873", 6),
    ("2.001035", 5),
    ("1.004859", 3),
    ("2.000987", 3),
    ("1.001612", 2),
    ("2.000913", 2),
)
FEE_UNKNOWN_DEFAULT = 0

CHILD_NAMES = ("Minh Khang", "Ngọc Hà", "Gia Bảo", "Thảo Linh", "Đức Phúc", "Bảo An")
"""Given names of the children the demo's birth registrations declare."""


def demo_settings() -> Settings:
    return parse_settings(
        {
            "commune": {
                "name": "Xã Quảng Phú",
                "agency_code": "H56.14",
                "province": "Thanh Hóa",
                "counter": "01",
                "address": "Thôn Phú Lâm, Xã Quảng Phú, Tỉnh Thanh Hóa",
                "parent_unit": "UBND XÃ QUẢNG PHÚ",
                "unit_name": "Trung tâm Phục vụ hành chính công xã Quảng Phú",
                "place_name": "Quảng Phú",
                "phone": "0237 3812 345",
            },
            # the head of the agency who signs the apology (Mẫu 04) and the stop notice (Mẫu 05); a sample name
            "leader": {"name": "Lê Minh Tuấn", "title": "Chủ tịch"},
        }
    )


def _working_moment(services: Services, rng: random.Random, day: datetime) -> datetime | None:
    cal = services.calendar.work_calendar()
    if not cal.is_working_day(day.date()):
        return None
    hour = rng.choice((7, 8, 8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 15, 16))
    return day.replace(hour=hour, minute=rng.randrange(0, 60), second=0, microsecond=0)


def _person(rng: random.Random) -> Person:
    from onestop.bench.synthetic import random_person

    p = random_person(rng)
    return Person(
        full_name=p["full_name"],
        id_number=p["id_number"],
        birth_date=p["birth_date"],
        gender=p["gender"],
        address=p["address"],
        phone=p["phone"],
    )


def build_demo(
    db_path: Path,
    config_path: Path,
    *,
    dossiers: int = 300,
    seed: int = 2026,
    progress: Callable[[str], None] | None = None,
) -> str:
    """Create (or top up) the demo commune; returns a Vietnamese summary with the demo logins.

    `progress` receives Vietnamese lines while it works (the database, then every few dossiers made), so the
    terminal is not blank for the half minute a first demo takes.
    """
    from onestop.services.setup import initialise

    report = progress or (lambda _line: None)
    report("Đang khởi tạo cơ sở dữ liệu xã mẫu…")
    settings = demo_settings()
    services = initialise(
        db_path,
        config_path,
        settings,
        admin_user="admin",
        admin_name=DEMO_OFFICERS[0][1],
        password=DEMO_OFFICERS[0][3],
        overwrite_config=not config_path.exists(),
    )
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
    wanted = max(dossiers - have, 0)
    step = max(wanted // 10, 1)
    if wanted:
        report(f"Đang tạo xã mẫu… 0/{wanted} hồ sơ")
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
            procedure_code=procedure.code,
            applicant=applicant,
            documents=tuple(DocumentLine(d.name, d.kind, d.count) for d in procedure.documents),
            representative=representative,
            authorisation_doc="Giấy ủy quyền có chứng thực" if representative else "",
            channel=Channel.ONLINE if online else Channel.PAPER,
            consent_recorded=online,
            has_eid_account=online,
            return_via=ReturnVia.POST if rng.random() < 0.05 else ReturnVia.COUNTER,
            return_address=applicant.address,
            fee_vnd=None if procedure.fee_vnd is not None else FEE_UNKNOWN_DEFAULT,
            received_at=received_at,
            declaration=sample(  # a procedure with a form is received with its tờ khai
                procedure.code,
                received_at.date(),
                child=f"{applicant.full_name.split()[0]} {rng.choice(CHILD_NAMES)}",
            ),
        )
        if procedure.deadline_amount is None:
            draft = replace(
                draft, due_override=received_at + timedelta(days=10), due_override_reason="Theo quy trình nội bộ của xã"
            )
        officer = rng.choice(("canbo", "canbo", "canbo2"))
        dossier = services.intake.save(draft, officer)
        _advance(services, rng, dossier, officer, now)
        made += 1
        if made % step == 0 or made == wanted:
            report(f"Đang tạo xã mẫu… {made}/{wanted} hồ sơ")
    summary = (
        f"Xã mẫu: {settings.office.commune_name} ({settings.office.agency_code}), {have + made} hồ sơ.\n"
        f"Cơ sở dữ liệu: {db_path}\n"
        "Đăng nhập: canbo / canbo123 (cán bộ), lanhdao / lanhdao123 (lãnh đạo), admin / quantri123 (quản trị)."
    )
    services.close()
    return summary


class _DemoClock:
    """Lets the demo replay a year of history: the lifecycle service reads the time through `now_vn`."""

    def __init__(self) -> None:
        import onestop.services.lifecycle as lifecycle_module

        self.module = lifecycle_module
        self.real = lifecycle_module.now_vn

    def at(self, moment: datetime) -> None:
        self.module.now_vn = lambda: moment

    def restore(self) -> None:
        self.module.now_vn = self.real


def _advance(services: Services, rng: random.Random, dossier: Dossier, officer: str, now: datetime) -> None:
    """Move an older dossier along its lifecycle, at plausible past moments, so queues and reports look alive."""
    lifecycle = services.dossiers
    clock = _DemoClock()
    if dossier.due_at is None:
        return
    step = dossier.received_at

    def later(hours: float) -> datetime:
        nonlocal step
        step = min(now, step + timedelta(hours=hours))
        clock.at(step)
        return step

    try:
        age_days = (now - dossier.received_at).days
        if age_days < 10 and rng.random() < 0.5:
            return  # recent work still waiting at the counter: the home queues show it
        roll = rng.random()
        if roll < 0.04:
            later(0.2)
            lifecycle.reject(dossier.code, "Hồ sơ không thuộc thẩm quyền giải quyết của xã", actor=officer)
            return
        span = max(1.0, (dossier.due_at - dossier.received_at).total_seconds() / 3600)
        if roll < 0.10:
            later(0.5)
            lifecycle.request_supplement(
                dossier.code, ["Bản sao giấy khai sinh"], "Thiếu giấy tờ chứng minh quan hệ nhân thân", actor=officer
            )
            if later(rng.uniform(24, 120)) >= now or rng.random() < 0.25:
                return  # still waiting for the citizen's papers
            lifecycle.receive_supplement(dossier.code, actor=officer)
        else:
            later(rng.uniform(0.2, 2))
            lifecycle.transition(dossier.code, Status.IN_PROGRESS, actor=officer)
        if rng.random() < 0.06:
            return  # left in progress; if past due, it shows as overdue in red
        ready = later(span * rng.uniform(0.3, 1.25))
        if ready >= now:
            return
        lifecycle.result_ready(dossier.code, actor=officer)
        if later(rng.uniform(1, 72)) >= now and rng.random() < 0.5:
            return
        lifecycle.return_result(
            dossier.code,
            collected_by=dossier.submitter.full_name,
            collected_id_number=dossier.submitter.id_number,
            channel=dossier.return_via.value,
            actor=officer,
        )
    except Exception as exc:  # noqa: BLE001  (demo data must never stop the demo)
        from onestop.errors import OneStopError

        if not isinstance(exc, OneStopError):
            raise
    finally:
        clock.restore()
