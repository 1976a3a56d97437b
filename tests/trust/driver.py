"""A stand-in for a running counter app, run as a subprocess by the trust tests.

It receives dossiers, moves some through their lifecycle, keeps an intake draft, and syncs with the real province
server over HTTP (the sync engine itself), forever. Each line is written only after the service call returned:
`<code>` for a saved dossier, `T <code> <status>` for a transition, `D <n>` for a saved draft, `S <sent> <left>`
after a sync run.

    python -m tests.trust.driver DB CONFIG SEED            # lines on stdout
    python -m tests.trust.driver --zygote DB CONFIG        # fork server for the kill test (see test_crash_kill)
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path


def work(db: Path, config: Path, seed: int, emit: Callable[[str], None]) -> None:
    from onestop.config import load_settings
    from onestop.domain import DocKind, DocumentLine, IntakeDraft, Person, Status
    from onestop.services import open_services

    rng = random.Random(seed)
    services = open_services(db, load_settings(config), prepare=False)
    dossiers = services.dossiers
    received: list[str] = []
    emit("READY")
    n = 0
    while True:
        n += 1
        person = Person(
            full_name=rng.choice(["Nguyễn Văn An", "Trần Thị Bích", "Lê Đức Thọ", "Phạm Thị Hoa"]),
            id_number=f"038190{rng.randrange(10**6):06d}",
            birth_date=date(1990, 5, 17),
            gender="Nữ",
            address="Thôn Đông, Xã Quảng Phú",
            phone="0912345678",
        )
        draft = IntakeDraft(
            procedure_code="2.001035",
            applicant=person,
            documents=(DocumentLine("Tờ khai (theo mẫu)", DocKind.ORIGINAL, 1),),
        )
        dossier = services.intake.save(draft, "canbo")
        emit(dossier.code)
        received.append(dossier.code)
        roll = rng.random()
        if roll < 0.5:
            code = rng.choice(received[-20:])
            current = dossiers.peek(code).status
            target = {Status.RECEIVED: Status.IN_PROGRESS, Status.IN_PROGRESS: Status.RESULT_READY}.get(current)
            if target is not None:
                dossiers.transition(code, target, actor="canbo")
                emit(f"T {code} {target.value}")
        elif roll < 0.65:
            sync_once(services, emit)
        else:
            draft_no = f"{seed}:{n}"
            services.intake.save_draft("lanhdao", {"marker": draft_no, "name": "Nguyễn Văn Nháp"})
            emit(f"D {draft_no}")


def sync_once(services, emit: Callable[[str], None]) -> None:  # type: ignore[no-untyped-def]
    """One real sync run (the engine over HTTP to the province server named in the config), as the timer does."""
    report = services.sync.run_once(force=True, actor="workstation")
    emit(f"S {report.applied + report.duplicates} {report.remaining}")


def zygote(db: Path, config: Path) -> None:
    """Import everything once, then fork one worker per `go N SEED` line; report `pid P` and, once reaped, `end`.

    Each worker appends its lines to `<db dir>/run-N.out` with a bare write(2) per line, which survives SIGKILL.
    """
    import httpx  # noqa: F401  (warm imports so each fork starts working at once)

    import onestop.services.intake  # noqa: F401
    import onestop.services.lifecycle  # noqa: F401
    import onestop.services.records  # noqa: F401
    import onestop.sync.adapters  # noqa: F401
    import onestop.sync.service  # noqa: F401
    from onestop.config import load_settings
    from onestop.services import open_services

    open_services(db, load_settings(config), prepare=False).close()  # migrations checked before any fork
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] != "go":
            break
        run, seed = int(parts[1]), int(parts[2])
        out = os.open(db.parent / f"run-{run}.out", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        pid = os.fork()
        if pid == 0:
            try:
                work(db, config, seed, lambda text, out=out: os.write(out, (text + "\n").encode()))
            finally:
                os._exit(1)
        os.close(out)
        print(f"pid {pid}", flush=True)
        os.waitpid(pid, 0)
        print("end", flush=True)


def main() -> None:
    if sys.argv[1] == "--zygote":
        zygote(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    work(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), lambda text: print(text, flush=True))


if __name__ == "__main__":
    main()
