"""The declaration (Tờ khai) step figures (the declarations issue).

`declaration_step_open_p95_ms` is measured by onestop.bench.tui while it drives the intake (the step switch into
the Tờ khai step, beside an empty screen pushed the same way). `declaration_keystrokes` is measured here: the
officer's keys for a birth registration with its declaration when both parents' ID cards are scanned, besides the
scans and the child's own name, date and place of birth (target: at most 60). Null until an intake step for the
declaration exists in this build.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from onestop.bench.context import BenchContext
from onestop.bench.tui import BENCH_USER


def available() -> bool:
    """Whether the intake has a declaration step (screens.intake.registry.STEPS names one)."""
    try:
        from screens.intake.registry import STEPS
    except ImportError:
        return False
    return any("Declaration" in step.__name__ for step in STEPS)


FATHER_SCAN = "038088001234|012345111|LÊ VĂN DŨNG|02031988|Nam|Thôn Đông Hải, Xã Quảng Phú, Tỉnh Thanh Hóa|10062022"
MOTHER_SCAN = "038192004567|012345999|LÊ THỊ HOA|02031992|Nữ|Thôn Đông Hải, Xã Quảng Phú, Tỉnh Thanh Hóa|01012022"
CHILD = (("HoTenKS", "Lê Minh Khang"), ("NgaySinhChon", "15032026"))
PLACE = ("nksNoiSinh_TrongNuoc", "Trạm y tế xã Quảng Phú")
# (field, what the officer types): everything else is pre-filled by the two scans and "Quan hệ = Cha"; the father's
# ethnicity and nationality are not on the ID card, so they are typed too (see `_birth`).
TYPED = (
    ("QuanHe", "cha"),
    ("GioiTinhKS", "nam"),
    ("DanTocKS", "kinh"),
    ("QuocTichKS", "viet"),
    ("DanTocMeKS", "kinh"),
    ("QuocTichMeKS", "viet"),
    ("CapBanSao", "co"),
    ("SoLuong", "1"),
)


def figures(ctx: BenchContext) -> dict[str, Any]:
    """`declaration_keystrokes` (and the median time from PgDn to the painted Tờ khai step, for reference)."""
    if not available():
        return {"declaration_step_open_p95_ms": None, "declaration_keystrokes": None}
    return asyncio.run(_run(ctx))


async def _run(ctx: BenchContext) -> dict[str, Any]:
    from screens.app import make_app

    services = ctx.services
    officer = services.officers.get(BENCH_USER)
    opens: list[float] = []
    keys: int | None = None
    for run in range(5):
        services.intake.discard_draft(BENCH_USER)
        app = make_app(services, officer=officer)
        async with app.run_test(size=(140, 50)) as pilot:
            await app.workers.wait_for_complete()
            count, opened, saved = await _birth(pilot)
            opens.append(opened)
            if run == 0 and saved:
                keys = count
    opens.sort()
    p95 = opens[min(len(opens) - 1, int(round(0.95 * len(opens))) - 1)]
    return {
        "declaration_keystrokes": keys,
        "declaration_step_open_filled_p95_ms": round(p95, 1),
        "declaration_step_open_filled_median_ms": round(statistics.median(opens), 1),
    }


async def _birth(pilot: Any) -> tuple[int, float, bool]:
    from screens.intake.declaration import DeclarationStep

    app = pilot.app
    presses = 0

    async def press(*keys: str) -> None:
        nonlocal presses
        presses += len(keys)
        await pilot.press(*keys)

    async def scan(field: Any, text: str) -> None:  # the scanner's keystrokes are not the officer's
        field.focus()
        await pilot.pause()
        field.value = text
        await pilot.press("enter")
        await pilot.pause()

    await press("f2", *"khai sinh", "enter")
    await pilot.pause()
    screen = app.screen
    await scan(screen.query_one("#id_number"), FATHER_SCAN)
    step = screen.step_of(DeclarationStep)
    form = step.form
    while form is not None and not form.ready:  # built while the applicant was scanned
        await pilot.pause()
    started = time.perf_counter()
    await press("pagedown")
    await pilot.pause()
    opened = ((screen.step_painted_at or time.perf_counter()) - started) * 1000
    if form is None:
        return presses, opened, False

    # Follow the focus through the form in order, as the officer does: type where something is needed, Enter
    # past what the scans and "Quan hệ = Cha" already filled. The child's own facts are not counted.
    typed = dict(TYPED) | {"DanTocChaKS": "kinh", "QuocTichChaKS": "viet"}
    free = dict((*CHILD, PLACE))
    for _ in range(200):
        focused = app.focused
        key = (getattr(focused, "id", "") or "").removeprefix("decl-")
        if key not in form.by_key:
            break
        if key == "HoTenMeKS" and not form.raw(key):
            await scan(focused, MOTHER_SCAN)
            continue
        text = free.get(key) or typed.get(key, "")
        if form.raw(key) and key not in free:
            text = ""
        for ch in text:
            await pilot.press(ch if ch != " " else "space")
        await pilot.press("enter")
        await pilot.pause()
        if key not in free:
            presses += len(text) + 1
        if key == "SoLuong":
            break
    # On through the envelope steps as the intake bench does (documents, fee, appointment), then save:
    await press("enter", "enter", "enter", "ctrl+s")  # Enter in the last field went on to the documents
    await app.workers.wait_for_complete()
    await pilot.pause()
    return presses, opened, bool(getattr(app.screen, "saved_code", ""))
