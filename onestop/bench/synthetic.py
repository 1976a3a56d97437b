"""Synthetic citizens and dossiers: plausible names and ID numbers, and a fast bulk insert."""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from onestop.services import Services

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Lương",
    "Trịnh",
    "Mai",
]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Công", "Quang", "Minh", "Thành", "Xuân", "Đình", "Ngọc"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Minh", "Bích", "Kim", "Phương", "Diệu"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Đức",
]
GIVEN_F = [
    "Anh",
    "Ánh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phượng",
    "Thảo",
    "Trang",
    "Yến",
]
HAMLETS = [
    "Thôn Phú Lâm",
    "Thôn Đông Hải",
    "Thôn Trung Thành",
    "Thôn Quang Minh",
    "Xóm Chùa",
    "Thôn Yên Bình",
    "Khu phố 3",
    "Thôn Hồng Phong",
    "Thôn Tân Lập",
    "Thôn Đồng Tâm",
]


def random_person(rng: random.Random) -> dict[str, Any]:
    """A plausible Vietnamese citizen with an ID number consistent with birth year and sex."""
    female = rng.random() < 0.5
    name = " ".join(
        [rng.choice(FAMILY), rng.choice(MIDDLE_F if female else MIDDLE_M), rng.choice(GIVEN_F if female else GIVEN_M)]
    )
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 80))
    century = (born.year // 100) - 19
    id_number = f"038{century * 2 + int(female)}{born.year % 100:02d}{rng.randrange(0, 10**6):06d}"
    return {
        "full_name": name,
        "birth_date": born,
        "gender": "Nữ" if female else "Nam",
        "id_number": id_number,
        "address": f"{rng.choice(HAMLETS)}, Xã Quảng Phú, Tỉnh Thanh Hóa",
        "phone": f"09{rng.randrange(0, 10**8):08d}",
    }


def bulk_insert(
    services: Services, count: int, *, seed: int = 7, chunk: int = 10_000, phases: dict[str, float] | None = None
) -> tuple[float, float]:
    """Insert `count` synthetic dossiers in one transaction (db.queries.bulk_load_dossiers); returns the seconds
    the load took (committed) and those of the checkpoint after it (the WAL folded into the file)."""
    from db.engine import checkpoint

    rng = random.Random(seed)
    started = time.perf_counter()
    with services.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        # A bulk import may trade durability for speed (a crash loses the load, never what was there before: one
        # transaction); the pooled connection is put back as it was below.
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-262144")  # 256 MiB: the random-key unique indexes (uuid, code) stay in memory
        raw.execute("PRAGMA temp_store=MEMORY")  # the index rebuilds sort in memory
        try:
            _insert_chunks(conn, services, count, rng, chunk, phases)
        finally:
            raw.execute("PRAGMA synchronous=FULL")
            raw.execute("PRAGMA cache_size=-2000")
            raw.execute("PRAGMA temp_store=DEFAULT")
    elapsed = time.perf_counter() - started
    checkpoint(services.engine)
    return elapsed, time.perf_counter() - started - elapsed


def _insert_chunks(
    conn: Any, services: Services, count: int, rng: random.Random, chunk: int, phases: dict[str, float] | None
) -> None:
    from db.queries import bulk_load_dossiers
    from onestop.domain import VN_TZ, Status
    from onestop.text import fold, tokens

    procedures = services.catalog.list()
    office = services.settings.office
    statuses = [
        s.value
        for s in (
            Status.RECEIVED,
            Status.IN_PROGRESS,
            Status.SUPPLEMENT,
            Status.RESULT_READY,
            Status.RETURNED,
            Status.RETURNED,
            Status.RETURNED,
            Status.REJECTED,
        )
    ]
    start_day = datetime.now(VN_TZ).replace(hour=7, minute=30, second=0, microsecond=0) - timedelta(days=365 * 3)
    with conn.begin():
        proc_ids = dict(conn.exec_driver_sql("SELECT code, id FROM procedure WHERE active = 1").fetchall())
        max_id = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM dossier").scalar_one()
        rng.seed(f"{rng.random()}:{max_id}")  # a database grown in steps (cost curves) gets fresh UUIDs each step
        now = datetime.now(VN_TZ).isoformat(timespec="seconds")
        start_day = start_day.replace(tzinfo=None)  # ISO strings below get the +07:00 suffix from the SQL
        people = [random_person(rng) for _ in range(5000)]
        for p in people:
            p["fold"] = fold(p["full_name"])
            p["address_fold"] = fold(p["address"])
            p["birth_iso"] = p["birth_date"].isoformat()
        agency_fold = " ".join(tokens(office.agency_code))
        three_days = timedelta(days=3)
        proc_folds = {p.code: fold(p.name) for p in procedures}

        def chunks() -> Any:
            for base in range(0, count, chunk):
                rows = []
                for i in range(base, min(count, base + chunk)):
                    n = max_id + i + 1
                    proc = procedures[i % len(procedures)]
                    person = people[rng.randrange(len(people))]
                    id_number = person["id_number"][:6] + f"{n % 1_000_000:06d}"
                    phone = f"09{(n * 7919) % 10**8:08d}"
                    received = start_day + timedelta(minutes=(n * 97) % (365 * 3 * 24 * 60))
                    day = received.strftime("%y%m%d")
                    code = f"{office.agency_code}-{day}-99{n:06d}"
                    hexid = f"{rng.getrandbits(128):032x}"
                    rows.append(
                        (
                            f"{hexid[:8]}-{hexid[8:12]}-{hexid[12:16]}-{hexid[16:20]}-{hexid[20:]}",
                            code,
                            proc_ids[proc.code],
                            proc.code,
                            person["full_name"],
                            person["fold"],
                            id_number,
                            person["birth_iso"],
                            person["gender"],
                            person["address"],
                            phone,
                            received.isoformat(),
                            (received + three_days).isoformat(),
                            statuses[i % len(statuses)],
                            proc.fee_vnd or 0,
                            f"{agency_fold} {day} 99{n:06d} {person['fold']} {id_number} {phone} "
                            f"{person['address_fold']} {proc.code} {proc_folds[proc.code]}",
                            now,
                        )
                    )
                yield rows

        bulk_load_dossiers(conn, prefetch(chunks()), phases=phases)


def prefetch(chunks: Any, depth: int = 3) -> Any:
    """Build the next chunks in a thread while SQLite (which releases the GIL) writes the current one."""
    import queue
    import threading

    box: queue.Queue[Any] = queue.Queue(maxsize=depth)
    done = object()

    def produce() -> None:
        try:
            for item in chunks:
                box.put(item)
        finally:
            box.put(done)

    threading.Thread(target=produce, daemon=True, name="bench-rows").start()
    while (item := box.get()) is not done:
        yield item
