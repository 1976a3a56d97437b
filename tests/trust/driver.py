"""A stand-in for a running counter app, run as a subprocess by the trust tests.

It receives dossiers, moves some through their lifecycle (when the lifecycle service exists) and acknowledges
outbox items as a sync would, forever; each dossier code is printed (and flushed) only after `save()` returned.

Usage: python -m tests.trust.driver DB CONFIG SEED [MAX_ITERATIONS]
"""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path


def main() -> None:
    from onestop.config import load_settings
    from onestop.domain import DocKind, DocumentLine, IntakeDraft, Person, Status
    from onestop.services import open_services

    db, config, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else 10**9
    rng = random.Random(seed)
    services = open_services(db, load_settings(config), prepare=False)
    try:
        dossiers = services.dossiers
    except ImportError:
        dossiers = None
    received: list[str] = []
    print("READY", flush=True)
    for _ in range(limit):
        person = Person(full_name=rng.choice(["Nguyễn Văn An", "Trần Thị Bích", "Lê Đức Thọ", "Phạm Thị Hoa"]),
                        id_number=f"038190{rng.randrange(10**6):06d}", birth_date=date(1990, 5, 17), gender="Nữ",
                        address="Thôn Đông, Xã Quảng Phú", phone="0912345678")
        draft = IntakeDraft(procedure_code="2.001035", applicant=person,
                            documents=(DocumentLine("Tờ khai (theo mẫu)", DocKind.ORIGINAL, 1),))
        dossier = services.intake.save(draft, "canbo")
        print(dossier.code, flush=True)
        received.append(dossier.code)
        roll = rng.random()
        if dossiers is not None and roll < 0.5 and received:
            code = rng.choice(received)
            current = dossiers.peek(code).status
            target = {Status.RECEIVED: Status.IN_PROGRESS, Status.IN_PROGRESS: Status.RESULT_READY}.get(current)
            if target is not None:
                dossiers.transition(code, target, actor="canbo")
                print(f"T {code} {target.value}", flush=True)
        elif roll < 0.8:
            acknowledge_one(services)


def acknowledge_one(services) -> None:  # type: ignore[no-untyped-def]
    """Mark the oldest queued outbox item sent, as the sync engine does after the server's receipt."""
    from sqlalchemy import text

    from db.engine import session_scope

    with session_scope(services.engine, write=True) as s:
        conn = s.connection()
        item = conn.execute(text("SELECT id, dossier_uuid FROM outbox_item WHERE state='queued' ORDER BY id LIMIT 1")).first()
        if item is None:
            return
        conn.execute(text("UPDATE outbox_item SET state='sent', attempts=attempts+1 WHERE id=:i"), {"i": item[0]})
        left = conn.execute(text("SELECT count(*) FROM outbox_item WHERE dossier_uuid=:u AND state!='sent'"),
                            {"u": item[1]}).scalar_one()
        if left == 0:
            conn.execute(text("UPDATE dossier SET sync_state='synced' WHERE uuid=:u"), {"u": item[1]})


if __name__ == "__main__":
    main()
