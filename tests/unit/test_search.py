"""One-box search: folding (đ→d), codes, ID, phone, procedure, bad input, filters, keyset paging, queues."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from onestop.domain import VN_TZ, DocKind, DocumentLine, IntakeDraft, Person, Status, now_vn
from onestop.errors import BadInput
from onestop.services.search import fts_query
from tests.conftest import sample_declaration

ANH = Person(
    full_name="Đặng Thị Ánh",
    id_number="038190012345",
    birth_date=date(1990, 5, 17),
    gender="Nữ",
    address="Thôn Đông Hải",
    phone="0912345678",
)
DUC = Person(
    full_name="Nguyễn Văn Đức",
    id_number="038085001122",
    birth_date=date(1985, 3, 2),
    gender="Nam",
    address="Thôn Phú Lâm",
    phone="0987654321",
)


def receive(services, person: Person, procedure: str = "2.001035", received_at: datetime | None = None):
    draft = IntakeDraft(
        procedure_code=procedure,
        applicant=person,
        received_at=received_at,
        documents=(DocumentLine("Tờ khai", DocKind.ORIGINAL, 1),),
        declaration=sample_declaration(procedure, received_at),
    )
    return services.intake.save(draft, "canbo")


def codes(page) -> list[str]:
    return [i.code for i in page.items]


def test_fts_query_quotes_tokens():
    assert fts_query("Đặng Thị Ánh") == '"dang" "thi" "anh"*'
    assert fts_query("Đặng Thị Ánh", mode="e") == '"dang" "thi" "anh"'
    assert fts_query("Đặng Thị Ánh", mode="a") == '"dang"* "thi"* "anh"*'
    assert fts_query('a" OR NEAR(*) -x:y') == '"a" "or" "near" "x"'  # one-letter words: exact, a trailing one dropped
    assert fts_query("nguyen van a") == '"nguyen" "van"*'
    assert fts_query("a", mode="a") == '"a"'
    assert fts_query("!!! ??? ***") == ""


def test_exact_words_first_then_prefix(services):
    tran = receive(
        services,
        Person(
            full_name="Trần Văn Bình",
            id_number="038085001133",
            birth_date=date(1985, 3, 2),
            gender="Nam",
            phone="0911111111",
        ),
    )
    trang = receive(
        services,
        Person(
            full_name="Lê Thị Trang",
            id_number="038190012399",
            birth_date=date(1990, 5, 17),
            gender="Nữ",
            phone="0922222222",
        ),
    )
    s = services.search
    # not a full page of exact matches: the last word is a prefix, so both appear
    assert set(codes(s.search("tran"))) == {tran.code, trang.code}
    # a full page of exact matches is shown as is, and its next pages stay exact
    tran2 = receive(
        services,
        Person(
            full_name="Trần Thị Hoa",
            id_number="038190012388",
            birth_date=date(1990, 5, 17),
            gender="Nữ",
            phone="0933333333",
        ),
    )
    page = s.search("tran", limit=1)
    assert codes(page) == [tran2.code] and page.next_cursor.startswith("te|")
    page2 = s.search("tran", limit=1, after=page.next_cursor)
    assert codes(page2) == [tran.code] and page2.next_cursor is None
    assert codes(s.search("tra")) == [tran2.code, trang.code, tran.code]
    assert codes(s.search("le th tra")) == [trang.code]  # all-prefix fallback
    assert codes(s.search("nguyen van a")) == []


def test_folded_name_code_id_phone_procedure(services):
    anh = receive(services, ANH)
    duc = receive(services, DUC, procedure="1.001193")
    s = services.search
    assert codes(s.search("dang thi anh")) == [anh.code]
    assert codes(s.search("ĐẶNG THỊ ÁNH")) == [anh.code]
    assert codes(s.search("nguyen van duc")) == [duc.code]
    assert codes(s.search(anh.code)) == [anh.code]
    assert codes(s.search("038190012345")) == [anh.code]
    assert codes(s.search("0987654321")) == [duc.code]
    assert codes(s.search("0987")) == [duc.code]  # phone prefix while typing
    birth = services.catalog.get("1.001193")
    assert "khai sinh" in birth.name.lower()
    assert duc.code in codes(s.search("khai sinh"))
    assert anh.code not in codes(s.search("khai sinh"))
    page = s.search("dang thi anh")
    item = page.items[0]
    assert (item.applicant_name, item.id_number, item.phone, item.status) == (
        "Đặng Thị Ánh",
        "038190012345",
        "0912345678",
        Status.RECEIVED,
    )
    assert page.total == 1 and page.next_cursor is None


def test_symbols_and_overlong_input(services):
    receive(services, ANH)
    for text in ("!!!", '"', "*", "-", "AND", "NEAR(", "::", "()"):
        page = services.search.search(text)
        assert page.items == () or all(i.code for i in page.items)
    assert services.search.search("@#$%^&*()").items == ()
    with pytest.raises(BadInput) as err:
        services.search.search("a" * 10_000)
    assert err.value.field == "search"
    with pytest.raises(BadInput):
        services.search.search("", after="rác")
    with pytest.raises(BadInput):
        services.search.search("", status="khong-co")


def test_keyset_paging_no_duplicates_or_gaps(services):
    base = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)
    made = []
    for i in range(23):
        # several dossiers share a received time: the id breaks the tie
        made.append(receive(services, ANH, received_at=base + timedelta(minutes=(i // 3) * 10)).code)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = services.search.search("anh", limit=5, after=cursor)
        seen += codes(page)
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 5
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == set(made)
    first = services.search.search("anh", limit=5)
    assert first.total == 23
    received = [i.received_at for i in services.search.search("", limit=50).items]
    assert received == sorted(received, reverse=True)


def test_filters(services):
    old = receive(services, ANH, received_at=now_vn() - timedelta(days=40))
    new = receive(services, ANH)
    other = receive(services, DUC, procedure="1.001193")
    s = services.search
    assert set(codes(s.search("", procedure="1.001193"))) == {other.code}
    today = now_vn().date()
    assert set(codes(s.search("anh", date_from=today - timedelta(days=1), date_to=today))) == {new.code}
    assert set(codes(s.search("", date_to=today - timedelta(days=30)))) == {old.code}
    with pytest.raises(BadInput):
        s.search("", date_from=today, date_to=today - timedelta(days=1))
    services.dossiers.request_supplement(new.code, ["Giấy tờ"], "Thiếu", "canbo")
    assert codes(s.search("", status=Status.SUPPLEMENT)) == [new.code]
    assert codes(s.search("", status="supplement")) == [new.code]
    assert codes(s.search("", overdue=True)) == [old.code]  # received 40 days ago, still running
    assert s.search("", overdue=True).items[0].overdue
    assert s.search("nguyen", overdue=True).items == ()


def test_queues(services):
    now = now_vn()
    late = receive(services, ANH, received_at=now - timedelta(days=20))
    ready = receive(services, DUC, received_at=now - timedelta(days=2))
    waiting = receive(services, ANH, received_at=now - timedelta(days=3))
    fresh = receive(services, DUC)
    services.dossiers.result_ready(ready.code, "canbo")
    services.dossiers.request_supplement(waiting.code, ["Bản sao"], "Thiếu", "canbo")
    # a dossier due later today
    with services.engine.begin() as conn:
        due_soon = (now + timedelta(minutes=1)).replace(microsecond=0)
        if due_soon.date() == now.date():
            conn.exec_driver_sql(
                "UPDATE dossier SET due_at = ? WHERE code = ?", (due_soon.isoformat(timespec="seconds"), fresh.code)
            )
    counts = services.search.queue_counts(now=now)
    assert set(counts) == {"received_today", "due_today", "overdue", "supplement", "ready_to_return"}
    assert counts["received_today"] == 1
    assert counts["overdue"] == 1
    assert counts["supplement"] == 1
    assert counts["ready_to_return"] == 1
    assert [d.code for d in services.search.queue("overdue", now=now)] == [late.code]
    assert services.search.queue("overdue", now=now)[0].overdue
    assert [d.code for d in services.search.queue("supplement", now=now)] == [waiting.code]
    assert [d.code for d in services.search.queue("ready_to_return", now=now)] == [ready.code]
    assert [d.code for d in services.search.queue("received_today", now=now)] == [fresh.code]
    if due_soon.date() == now.date():
        assert counts["due_today"] == 1
        assert [d.code for d in services.search.queue("due_today", now=now)] == [fresh.code]
    with pytest.raises(BadInput):
        services.search.queue("khong-co")
