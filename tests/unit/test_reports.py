"""Monthly statistics against hand-computed figures on a small crafted dataset; exports; the book; the chart."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest

from onestop.domain import VN_TZ, Channel, DocKind, DocumentLine, IntakeDraft, Person, Status
from onestop.errors import BadInput, PermissionDenied
from tests.conftest import sample_declaration

P1, P2 = "2.001035", "1.001193"  # Chứng thực / Hộ tịch (khai sinh)
PERSON = Person(
    full_name="Đặng Thị Ánh",
    id_number="038190012345",
    birth_date=date(1990, 5, 17),
    gender="Nữ",
    address="Thôn Đông Hải",
    phone="0912345678",
)


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=VN_TZ)


def make(services, procedure: str, received: datetime, due: datetime, channel: Channel = Channel.PAPER):
    draft = IntakeDraft(
        procedure_code=procedure,
        applicant=PERSON,
        received_at=received,
        channel=channel,
        consent_recorded=channel is Channel.ONLINE,
        due_override=due,
        due_override_reason="Hẹn thử",
        documents=(DocumentLine("Tờ khai", DocKind.ORIGINAL, 1),),
        return_address="Thôn Đông Hải" if channel is Channel.POST else "",
        declaration=sample_declaration(procedure, received),
    )
    return services.intake.save(draft, "canbo")


def step(services, code: str, to: Status, when: datetime, **kw) -> None:
    """Apply a real transition, then move its event to the crafted moment."""
    d = services.dossiers.transition(code, to, actor="canbo", **kw)
    with services.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE status_event SET at = ? WHERE dossier_id = (SELECT id FROM dossier WHERE code = ?) AND seq = ?",
            (when.isoformat(timespec="seconds"), code, d.events[-1].seq),
        )


@pytest.fixture
def crafted(services):
    s = services
    a = make(s, P1, at(10, 5), at(10, 8, 17))
    step(s, a.code, Status.RESULT_READY, at(10, 6, 10))  # on time
    b = make(s, P1, at(10, 10), at(10, 12, 17), Channel.ONLINE)
    step(s, b.code, Status.RESULT_READY, at(10, 20))  # late
    step(s, b.code, Status.RETURNED, at(11, 2), collected_by="Đặng Thị Ánh")
    make(s, P1, at(10, 15), at(10, 20, 17))  # pending, overdue at month end
    make(s, P1, at(10, 28), at(11, 3, 17))  # pending, not yet due
    e = make(s, P1, at(10, 3), at(10, 6, 17))
    step(s, e.code, Status.REJECTED, at(10, 3, 10), reason="Không thuộc thẩm quyền")  # received, closed
    f = make(s, P1, at(9, 20), at(9, 25, 17))
    step(s, f.code, Status.RESULT_READY, at(10, 2))  # received in Sept, resolved late in Oct
    g = make(s, P1, at(9, 10), at(9, 14, 17))
    step(s, g.code, Status.RESULT_READY, at(9, 15))  # all in September: late then
    step(s, g.code, Status.RETURNED, at(9, 16), collected_by="Đặng Thị Ánh")
    make(s, P1, at(11, 2), at(11, 5, 17))  # November: not in October's report
    i = make(s, P2, at(10, 7), at(10, 9, 17), Channel.POST)
    step(s, i.code, Status.SUPPLEMENT, at(10, 8), reason="Thiếu giấy chứng sinh")  # pending, clock paused
    return s


def test_monthly_hand_computed(crafted):
    report = crafted.reports.monthly("2026-10", actor="lanhdao")
    rows = {r.procedure_code: r for r in report.rows}
    assert set(rows) == {P1, P2}
    p1 = rows[P1]
    assert (p1.received_paper, p1.received_online, p1.received_post) == (4, 1, 0)
    assert (p1.resolved_on_time, p1.resolved_late) == (1, 2)
    assert (p1.pending, p1.overdue) == (2, 1)
    assert p1.field == "Chứng thực"
    p2 = rows[P2]
    assert (p2.received_paper, p2.received_online, p2.received_post) == (0, 0, 1)
    assert (p2.resolved, p2.pending, p2.overdue) == (0, 1, 0)
    total = report.total
    assert (total.received, total.resolved, total.pending, total.overdue) == (6, 3, 3, 1)
    assert [r.field for r in report.rows] == sorted(r.field for r in report.rows)

    sept = {r.procedure_code: r for r in crafted.reports.monthly("2026-09").rows}
    assert (sept[P1].received, sept[P1].resolved_on_time, sept[P1].resolved_late) == (2, 0, 1)
    assert (sept[P1].pending, sept[P1].overdue) == (1, 1)  # F: still running at the end of September


def test_monthly_bad_month_and_role(crafted):
    for bad in ("2026-13", "10/2026", "", "2026-1x", "99999-01"):
        with pytest.raises(BadInput):
            crafted.reports.monthly(bad)
    with pytest.raises(PermissionDenied):
        crafted.reports.monthly("2026-10", actor="canbo")


def test_exports(crafted, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from onestop.printing import ReceiptsRenderer
    from onestop.services import Services

    r = crafted.reports
    report = r.monthly("2026-10", actor="lanhdao")
    out = r.write_monthly(report, "csv", tmp_path / "m.csv", actor="lanhdao")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[1][0] == "Lĩnh vực" and lines[-1][2] == "Tổng cộng"
    assert lines[-1][6:] == ["6", "1", "2", "3", "1"]
    xlsx = r.write_monthly(report, "xlsx", tmp_path / "m.xlsx", actor="lanhdao")
    ws = load_workbook(xlsx).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[3][0] == "Lĩnh vực"
    assert values[-1][2] == "Tổng cộng" and values[-1][6] == 6
    paper = Services(crafted.engine, crafted.settings, crafted.db_path, ReceiptsRenderer()).reports
    pdf = paper.write_monthly(report, "pdf", tmp_path / "m.pdf", actor="lanhdao")
    text = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert "BÁO CÁO TÌNH HÌNH TIẾP NHẬN" in text and "Chứng thực" in text and "Tổng cộng" in text
    with pytest.raises(BadInput):
        r.write_monthly(report, "pdf", tmp_path / "x.pdf")
    with pytest.raises(BadInput):
        r.write_monthly(report, "doc", tmp_path / "x.doc")
    with pytest.raises(PermissionDenied):
        r.write_monthly(report, "csv", tmp_path / "y.csv", actor="canbo")
    assert not (tmp_path / "y.csv").exists() and not (tmp_path / "x.pdf").exists()
    exports = [e for e in crafted.audit.entries() if e.action == "report.export"]
    assert len(exports) == 3 and exports[0].officer == "lanhdao"


def test_book_and_chart(crafted):
    book = crafted.reports.book(date(2026, 10, 1), date(2026, 10, 31))
    assert [d.received_at.day for d in book] == [3, 5, 7, 10, 15, 28]
    assert all(d.events for d in book)
    only = crafted.reports.book(date(2026, 10, 1), date(2026, 10, 31), field="ho tich")
    assert [d.procedure.code for d in only] == [P2]
    with pytest.raises(BadInput):
        crafted.reports.book(date(2026, 10, 31), date(2026, 10, 1))
    series = crafted.reports.last_12_months(now=at(10, 31))
    assert len(series) == 12 and series[-1][0] == "2026-10" and series[0][0] == "2025-11"
    months = {m: (rec, res) for m, rec, res in series}
    assert months["2026-10"] == (6, 3)
    assert months["2026-09"] == (2, 1)
