"""The QĐ 766 scorecard: a month of dossiers (on time, late, online, digitised, reused, rated, refused) walked
through the real services, every figure checked against values computed by hand; then the CLI."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from onestop.domain import VN_TZ, Channel, Status
from tests.trust.conftest import run_cli


def vn(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


@pytest.fixture
def january(services, make_dossier, tmp_path, monkeypatch):
    """January 2026 at the counter (the month of the corrected New Year calendar)."""
    import onestop.services.lifecycle as lifecycle

    clock = {"now": vn(2026, 1, 5, 9)}
    monkeypatch.setattr(lifecycle, "now_vn", lambda: clock["now"])

    def at(moment: datetime) -> None:
        clock["now"] = moment

    def finish(code: str, started: datetime, ready: datetime) -> None:
        at(started)
        services.dossiers.transition(code, Status.IN_PROGRESS, actor="canbo")
        at(ready)
        services.dossiers.result_ready(code, "canbo")

    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(b"%PDF-1.4 to khai")
    result = tmp_path / "ket-qua.pdf"
    result.write_bytes(b"%PDF-1.4 ket qua")
    cert = "2.001035"  # Chứng thực giao dịch: 2 working days
    birth = "1.001193"  # Đăng ký khai sinh: same day, 15:00 cut-off

    # D6: received 31/12/2025 before the correction; its printed appointment (old calendar) was Mon 05/01 09:00.
    d6 = make_dossier(cert, received_at=vn(2025, 12, 31, 9))
    with services.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE dossier SET due_at = ? WHERE code = ?", (vn(2026, 1, 5, 9).isoformat(), d6.code))
    finish(d6.code, vn(2026, 1, 5, 8), vn(2026, 1, 5, 15))  # late by the old appointment, on time by the law

    d1 = make_dossier(cert, received_at=vn(2026, 1, 5, 9), attachments=((0, str(scan)),))
    finish(d1.code, vn(2026, 1, 5, 10), vn(2026, 1, 6, 10))  # due Wed 07/01 09:00: on time, 1.125 days
    services.digitisation.attach_result(d1.code, result, actor="canbo")
    at(vn(2026, 1, 6, 14))
    services.dossiers.return_result(d1.code, collected_by="Đặng Thị Ánh", collected_id_number="", actor="canbo")
    services.ratings.rate(d1.code, 1, actor="canbo")

    d2 = make_dossier(cert, received_at=vn(2026, 1, 9, 9), channel=Channel.ONLINE, consent_recorded=True)
    finish(d2.code, vn(2026, 1, 9, 10), vn(2026, 1, 12, 10))  # due Mon 12/01 09:00 (Sat 10/01 worked): late
    services.ratings.rate(d2.code, 3, actor="canbo", reason="Thời gian giải quyết chậm")

    d3 = make_dossier(birth, received_at=vn(2026, 1, 13, 8))
    services.digitisation.reuse(d3.code, 1, d1.code, actor="canbo")  # the same citizen's scanned tờ khai
    finish(d3.code, vn(2026, 1, 13, 9), vn(2026, 1, 13, 16))  # due 13/01 17:00: on time, 0.75 day
    services.ratings.rate(d3.code, None, actor="canbo", declined=True)

    d4 = make_dossier(cert, received_at=vn(2026, 1, 14, 10))
    at(vn(2026, 1, 14, 10, 30))
    services.dossiers.reject(d4.code, "Không thuộc thẩm quyền", "canbo")  # refused at reception: not counted

    d5 = make_dossier(cert, received_at=vn(2026, 1, 15, 9))  # still waiting at the end of the month

    with services.engine.begin() as conn:
        for d in (d1, d3, d5, d6):
            conn.exec_driver_sql("UPDATE dossier SET sync_state = 'synced' WHERE code = ?", (d.code,))
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4, "d5": d5, "d6": d6}


def test_a_month_of_dossiers_by_hand(services, january) -> None:
    report = services.kpi.report("2026-01")
    t = report.total
    # Received in January, not refused: d1, d2, d3, d5.
    assert t.received == 4
    assert t.online_rate == 1 / 4  # d2
    assert t.digitised_rate == 2 / 4  # d1 scanned, d3 reused d1's scan
    assert t.reused_rate == 1 / 4  # d3
    assert t.synced_rate == 3 / 4  # d1, d3, d5
    # Results in January: d6 (received in December), d1, d2, d3.
    assert t.finished == 4
    assert t.on_time_rate == 3 / 4  # d2 late; d6 on time on the corrected calendar
    # d6: 31/12 09–17 (6 h) + 05/01 07–15 (6 h) = 1.5; d1: 1 day + 1 h = 1.125; d2: Fri→Sat→Mon + 1 h = 2.125;
    # d3: 08:00–16:00 less lunch = 6 h = 0.75. Mean (1.5 + 1.125 + 2.125 + 0.75) / 4 = 1.375.
    assert t.avg_working_days == 1.375
    assert t.results_digitised_rate == 1 / 4  # d1
    assert t.rated_rate == 2 / 4  # d1 and d2; d3 declined, d6 not asked
    assert t.satisfied_rate == 1 / 2  # d1 of the two
    # d6 keeps the appointment it was given; only the report uses the corrected calendar.
    assert services.dossiers.peek(january["d6"].code).due_at == vn(2026, 1, 5, 9)

    fields = {f.field: f for f in report.by_field}
    assert set(fields) == {"Chứng thực", "Hộ tịch"}
    cert, birth = fields["Chứng thực"], fields["Hộ tịch"]
    assert (cert.received, cert.finished, birth.received, birth.finished) == (3, 3, 1, 1)
    assert cert.on_time_rate == 2 / 3 and birth.on_time_rate == 1.0
    assert birth.reused_rate == 1.0 and birth.rated_rate == 0.0 and birth.satisfied_rate is None

    months = [f.month for f in report.trend]
    assert months[0] == "2025-02" and months[-1] == "2026-01" and len(months) == 12
    december = report.trend[-2]
    assert (december.received, december.finished, december.on_time_rate) == (1, 0, None)
    assert report.trend[-1] == t
    empty = report.trend[0]
    assert empty.received == 0 and all(
        getattr(empty, k) is None for k in ("on_time_rate", "online_rate", "satisfied_rate", "avg_working_days")
    )


def test_cli_report_kpi(services, january, db_path, config_path, tmp_path) -> None:
    def cli(*args: str):  # type: ignore[no-untyped-def]
        from tests.conftest import login_for

        args = (*args, "--officer", "lanhdao")
        login_for(db_path, args)  # the leader logs in first (`onestop login`)
        return run_cli([*args, "--db", str(db_path), "--config", str(config_path)], "")

    out = cli("report", "kpi", "--month", "2026-01", "--json")
    assert out.code == 0, out.output
    data = json.loads(out.stdout)
    assert list(data["total"])[3:] == [
        "received",
        "on_time_rate",
        "avg_working_days",
        "online_rate",
        "digitised_rate",
        "reused_rate",
        "results_digitised_rate",
        "synced_rate",
        "rated_rate",
        "satisfied_rate",
    ]
    assert data["total"]["received"] == 4 and data["total"]["on_time_rate"] == 0.75
    assert data["total"]["satisfied_rate"] == 0.5
    assert len(data["trend"]) == 12 and data["trend"][0]["on_time_rate"] is None
    assert {f["field"] for f in data["by_field"]} == {"Chứng thực", "Hộ tịch"}
    text = cli("report", "kpi", "--month", "2026-01")
    assert "Tỷ lệ đúng hạn" in text.stdout and "75,0%" in text.stdout and "1,38" in text.stdout
    xlsx = tmp_path / "kpi.xlsx"
    assert cli("report", "kpi", "--month", "2026-01", "--format", "xlsx", "--out", str(xlsx)).code == 0
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    assert ws.cell(3, 1).value == "Tất cả" and ws.cell(3, 3).value == 4
    assert cli("report", "kpi", "--month", "2026-13").code == 2
    assert cli("report", "kpi", "--month", "2026-01", "--format", "doc").code == 2


def test_kpi_pdf_text(services, january, db_path, config_path, tmp_path) -> None:
    from pypdf import PdfReader

    pdf = tmp_path / "kpi.pdf"
    from tests.conftest import login_for

    login_for(db_path, ["--officer", "lanhdao"])
    result = run_cli(
        [
            "report",
            "kpi",
            "--month",
            "2026-01",
            "--format",
            "pdf",
            "--out",
            str(pdf),
            "--db",
            str(db_path),
            "--config",
            str(config_path),
            "--officer",
            "lanhdao",
        ],
        "",
    )
    assert result.code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN (QĐ 766/QĐ-TTg) THÁNG 01/2026" in text
    assert "Tất cả lĩnh vực" in text and "75,0%" in text and "Chứng thực" in text and "12/2025" in text


def _reference_dossiers(services, window_start, end):
    """The scorecard's dossiers computed the slow, obvious way (every dossier of the window as an ORM row, the
    appointment by `compute_due`): the oracle the SQL aggregation is held to."""
    from collections import defaultdict

    from sqlmodel import col, select

    from db import models
    from db.engine import session_scope
    from onestop.calendar import compute_due, working_days_between
    from onestop.kpi import KpiDossier
    from onestop.services.catalog import to_domain

    cal, hours = services.calendar.work_calendar(), services.calendar.hours
    out = []
    with session_scope(services.engine) as s:
        finish: dict[int, datetime] = {}
        for e in s.exec(select(models.StatusEvent)).all():
            if e.to_status in ("result_ready", "returned") and e.at < end:
                finish[e.dossier_id] = min(e.at, finish.get(e.dossier_id, e.at))
        changed: dict[int, bool] = defaultdict(bool)
        for e in s.exec(select(models.StatusEvent)).all():
            if e.to_status == "supplement" or (e.seq > 1 and e.new_due is not None):
                changed[e.dossier_id] = True
        for r in s.exec(select(models.Dossier).order_by(col(models.Dossier.id))).all():
            done = finish.get(r.id)
            if not (window_start <= r.received_at < end or (done is not None and done >= window_start)):
                continue
            proc = to_domain(s.get(models.Procedure, r.procedure_id))
            docs = s.exec(select(models.DossierDocument).where(models.DossierDocument.dossier_id == r.id)).all()
            attached = any(
                s.exec(select(models.Attachment).where(models.Attachment.document_id == d.id)).first() for d in docs
            )
            reused = any(s.get(models.DocumentReuse, d.id) for d in docs)
            rating = s.exec(select(models.DossierRating).where(models.DossierRating.dossier_id == r.id)).first()
            due = r.due_at
            if not changed[r.id] and not r.due_reason.startswith("Cán bộ hẹn lại") and proc.deadline_amount is not None:
                due = compute_due(
                    r.received_at, proc.deadline_amount, proc.deadline_unit, proc.cutoff, cal, hours
                ).due_at
            out.append(
                KpiDossier(
                    code=r.code,
                    field=proc.field,
                    received_at=r.received_at,
                    rejected=r.status == "rejected",
                    online=r.channel == "online",
                    digitised=attached,
                    reused=reused,
                    synced=r.sync_state == "synced",
                    finished_at=done,
                    due_at=due,
                    working_days=working_days_between(r.received_at, done, cal, hours) if done else None,
                    result_digitised=s.exec(
                        select(models.ResultFile).where(models.ResultFile.dossier_id == r.id)
                    ).first()
                    is not None,
                    rating_level=None if rating is None or rating.declined else rating.level,
                )
            )
    return out


def test_sql_aggregation_equals_the_per_dossier_oracle(services, january, make_dossier, monkeypatch) -> None:
    """The scorecard sums in SQL (it had to: 29 s at 1M dossiers); every figure of every month and field must equal
    the per-dossier computation over the same data, including a dossier finished twice, one finished before the
    window, an officer's own appointment and an apology's extension."""
    import onestop.services.lifecycle as lifecycle
    from onestop.kpi import figures, month_bounds, previous_months

    clock = {"now": vn(2025, 3, 3, 9)}
    monkeypatch.setattr(lifecycle, "now_vn", lambda: clock["now"])
    early = make_dossier("2.001035", received_at=vn(2025, 1, 6, 9))  # finished before the window, returned inside
    services.dossiers.transition(early.code, Status.IN_PROGRESS, actor="canbo")
    clock["now"] = vn(2025, 1, 7, 9)
    services.dossiers.result_ready(early.code, "canbo")
    clock["now"] = vn(2025, 3, 3, 9)
    services.dossiers.return_result(early.code, collected_by="Đặng Thị Ánh", collected_id_number="", actor="canbo")
    late = make_dossier("2.001035", received_at=vn(2025, 6, 2, 9))  # an apology extended it
    clock["now"] = vn(2025, 6, 2, 10)
    services.dossiers.transition(late.code, Status.IN_PROGRESS, actor="canbo")
    services.dossiers.apologise(late.code, vn(2025, 6, 20, 16), "Chờ xác minh", "canbo")
    clock["now"] = vn(2025, 6, 18, 9)
    services.dossiers.result_ready(late.code, "canbo")

    moment = vn(2026, 2, 1, 8)
    report = services.kpi.report("2026-01", now=moment)
    months = previous_months(2026, 1, 12)
    window_start, _ = month_bounds(*months[0], VN_TZ)
    _, end = month_bounds(2026, 1, VN_TZ)
    oracle = _reference_dossiers(services, window_start, end)
    assert report.trend == tuple(figures(oracle, *month_bounds(y, m, VN_TZ)) for y, m in months)
    start, _ = month_bounds(2026, 1, VN_TZ)
    assert report.total == figures(oracle, start, end)
    for f in report.by_field:
        assert f == figures(oracle, start, end, field=f.field)
    june = next(f for f in report.trend if f.month == "2025-06")
    assert june.finished == 1 and june.on_time_rate == 1.0  # on time against the extended appointment
    march = next(f for f in report.trend if f.month == "2025-03")
    assert march.finished == 0  # its result was first ready in January 2025, before the window


def test_due_moment_is_compute_due_without_the_reasoning(services) -> None:
    """The scorecard's appointment (`due_moment`, and `OfficeClock`'s number line) and the printed one
    (`compute_due`) agree on every receipt moment of two weeks around the New Year 2026 swap and Tết 2027 and at
    the edges of the office day, for every deadline unit; so do the office-time durations."""
    from datetime import date, time, timedelta

    from onestop.calendar import compute_due, due_moment
    from onestop.domain import DeadlineUnit

    cal, hours = services.calendar.work_calendar(), services.calendar.hours
    cases = [
        (2.0, DeadlineUnit.WORKING_DAYS, None),
        (0.5, DeadlineUnit.WORKING_DAYS, time(15, 0)),
        (4.0, DeadlineUnit.WORKING_HOURS, None),
        (0, DeadlineUnit.SAME_DAY, time(15, 0)),
        (5.0, DeadlineUnit.CALENDAR_DAYS, None),
    ]
    from onestop.calendar import working_days_between
    from onestop.calendar.clock import OfficeClock

    clock = OfficeClock(cal, hours, date(2025, 12, 1), date(2027, 3, 31))
    checked = 0
    for first in (vn(2025, 12, 29, 0), vn(2027, 2, 1, 0), vn(2027, 3, 20, 0)):  # the last runs off the clock's span
        moment = first
        while moment < first + timedelta(days=14):
            for amount, unit, cutoff in cases:
                expected = compute_due(moment, amount, unit, cutoff, cal, hours).due_at
                assert due_moment(moment, amount, unit, cutoff, cal, hours) == expected, (moment, amount, unit)
                assert clock.due_moment(moment, amount, unit, cutoff) == expected, (moment, amount, unit)
                later = moment + timedelta(minutes=(checked * 631) % (6 * 24 * 60))
                assert clock.working_days_between(moment, later) == working_days_between(moment, later, cal, hours)
                checked += 1
            moment += timedelta(minutes=47, microseconds=250_001)  # stored moments are whole seconds; these not
    # the edges: exactly at opening, the end of the morning, the lunch break, the afternoon's start and closing
    for day in (date(2026, 1, 9), date(2026, 1, 10), date(2026, 2, 13)):
        for hh, mm in ((7, 0), (11, 30), (12, 15), (13, 30), (17, 0), (16, 59)):
            moment = vn(day.year, day.month, day.day, hh, mm)
            for amount, unit, cutoff in [
                *cases,
                (1.0, DeadlineUnit.WORKING_DAYS, None),
                (3.5, DeadlineUnit.WORKING_HOURS, None),
            ]:
                expected = compute_due(moment, amount, unit, cutoff, cal, hours).due_at
                assert clock.due_moment(moment, amount, unit, cutoff) == expected, (moment, amount, unit)


def test_finished_query_looks_up_each_dossiers_own_events(services) -> None:
    """The correlated NOT EXISTS of the finished-dossier query must search the dossier's own events; on the
    (to_status, at) index it scans every earlier finish once per dossier (minutes at 1M dossiers)."""
    from onestop.services.kpi import _FINISHED_SQL

    with services.engine.connect() as conn:
        compiled = str(_FINISHED_SQL).replace(":start", "'2025-12-01'").replace(":end", "'2026-12-01'")
        plan = "\n".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled))
    assert "SEARCH e USING COVERING INDEX ix_status_event_to_status_at" in plan, plan
    assert "SEARCH x USING INDEX ix_status_event_dossier_id" in plan, plan
    assert "SEARCH x USING COVERING INDEX ix_status_event_to_status_at" not in plan, plan
