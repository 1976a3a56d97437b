"""One-box search over dossiers (folded FTS5, đ→d), filters, keyset paging, and the home work queues.

Stays instant on 1,000,000 dossiers: every query is bounded by LIMIT, ordered by an indexed column pair
(received_at DESC, id DESC), and paged with a keyset cursor instead of OFFSET. A cheap capped probe decides
whether to sort the few candidates or to walk the received-at index until a page is full.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from onestop import plausible
from onestop.domain import VN_TZ, DossierSummary, SearchPage, Status, now_vn
from onestop.errors import BadInput
from onestop.text import clean, tokens

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

MAX_QUERY_CHARS = 200
MAX_TOKENS = 12
PROBE = 2000  # at most this many candidates are sorted; above it the received-at index drives the scan
TOTAL_CAP = 1000
FILTERED_TOTAL_CAP = 200

# Statuses whose due date still runs (supplement pauses the clock; result ready and closed ones are finished).
RUNNING = (Status.SUBMITTED, Status.RECEIVED, Status.IN_PROGRESS, Status.FINANCIAL)
QUEUES = ("received_today", "due_today", "overdue", "supplement", "ready_to_return")
QUEUE_LABELS = {
    "received_today": "Tiếp nhận hôm nay",
    "due_today": "Đến hạn hôm nay",
    "overdue": "Quá hạn",
    "supplement": "Chờ bổ sung",
    "ready_to_return": "Chờ trả kết quả",
}

_COLUMNS = (
    "d.id, d.code, d.official_code, d.applicant_name, d.applicant_id_number, d.applicant_phone, "
    "d.procedure_code, p.name, d.status, d.received_at, d.due_at"
)


def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ).isoformat(timespec="seconds")


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=VN_TZ)


def _parse_dt(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return plausible.to_vn(parsed)


def fts_query(text: str, *, mode: str = "p") -> str:
    """Fold `text`, split on non-alphanumerics and quote each token, safe for FTS5 MATCH.

    Modes: "e" every word exact (`"dang" "thi" "anh"`); "p" the last word a prefix (`"dang" "thi" "anh"*`, search
    as you type); "a" every word a prefix (the fallback for "nguy van"). One-letter words are never prefixes (an
    unindexed one-letter prefix scans the whole vocabulary), and a trailing one after others is ignored.
    """
    words = tokens(text)[:MAX_TOKENS]
    if len(words) > 1 and len(words[-1]) == 1:
        words = words[:-1]
    last = len(words) - 1
    return " ".join(
        f'"{w}"*' if len(w) > 1 and (mode == "a" or (mode == "p" and i == last)) else f'"{w}"'
        for i, w in enumerate(words)
    )


def _summary(row: Any, now: datetime) -> DossierSummary:
    status = Status(row[8])
    due = _parse_dt(row[10])
    return DossierSummary(
        code=row[1],
        official_code=row[2] or "",
        applicant_name=row[3],
        id_number=row[4] or "",
        phone=row[5] or "",
        procedure_code=row[6],
        procedure_name=row[7] or "",
        status=status,
        received_at=_parse_dt(row[9]) or now,  # received_at is NOT NULL
        due_at=due,
        overdue=bool(due is not None and status in RUNNING and due < now),
    )


class SearchService:
    """Search, filters and work queues; read-only, each call one short read transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------------ search

    def search(
        self,
        text: str = "",
        *,
        status: Status | str | Iterable[Status | str] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        overdue: bool = False,
        procedure: str | None = None,
        limit: int = 50,
        after: str | None = None,
        with_total: bool = True,
        now: datetime | None = None,
    ) -> SearchPage:
        """One page of dossiers matching the box and the filters, newest received first.

        `after` is the `next_cursor` of the previous page. `total` is counted on the first page only, capped at
        `TOTAL_CAP` (then `total_capped`). Symbol-only input finds nothing; overlong input is `BadInput`.
        """
        text = clean(text)
        if len(text) > MAX_QUERY_CHARS:
            raise BadInput(f"Chuỗi tìm kiếm quá dài (tối đa {MAX_QUERY_CHARS} ký tự).", field="search")
        if not 1 <= limit <= 500:
            raise BadInput("Số dòng mỗi trang phải từ 1 đến 500.", field="limit")
        match = fts_query(text)
        if text and not match:
            return SearchPage(items=(), next_cursor=None, total=0)
        now = now or now_vn()
        where: list[str] = []
        params: list[Any] = []
        procedure_phrase = ""
        statuses = self._statuses(status)
        if statuses:
            where.append(f"d.status IN ({','.join('?' * len(statuses))})")
            params += [s.value for s in statuses]
        if date_from and date_to and date_from > date_to:
            raise BadInput("Ngày bắt đầu phải trước ngày kết thúc.", field="date_from")
        if date_from:
            where.append("d.received_at >= ?")
            params.append(_iso(_day_start(date_from)))
        if date_to:
            where.append("d.received_at < ?")
            params.append(_iso(_day_start(date_to + timedelta(days=1))))
        if overdue:
            where.append(f"d.status IN ({','.join('?' * len(RUNNING))}) AND d.due_at < ?")
            params += [s.value for s in RUNNING] + [_iso(now)]
        if procedure:
            where.append("d.procedure_code = ?")
            params.append(clean(procedure)[:40])
            # procedure_code has no B-tree index: its tokens are in the folded text, so let FTS narrow it down
            phrase = " ".join(tokens(procedure))
            if phrase:
                procedure_phrase = f'"{phrase}"'
        with self.engine.connect() as conn:
            if match or procedure_phrase:
                return self._text_search(conn, text, procedure_phrase, where, params, limit, after, with_total, now)
            return self._list_page(conn, where, params, limit, after, with_total, now)

    def _text_search(
        self,
        conn: Any,
        text: str,
        extra: str,
        where: list[str],
        params: list[Any],
        limit: int,
        after: str | None,
        with_total: bool,
        now: datetime,
    ) -> SearchPage:
        """Exact words first when they fill a page (fast even for common names at 1M rows), else the last word
        as a prefix, else every word as a prefix; later pages keep the mode recorded in the cursor."""

        def match(mode: str) -> str:
            return f"{fts_query(text, mode=mode)} {extra}".strip()

        if after:
            mode = self._parse_cursor(after)[0][1:]
            return self._text_page(conn, match(mode), mode, where, params, limit, after, with_total, now)
        if not tokens(text):  # the procedure filter alone
            return self._text_page(conn, extra, "e", where, params, limit, None, with_total, now)
        modes = ["e", "p", "a"] if fts_query(text, mode="e") != fts_query(text, mode="p") else ["e", "a"]
        page = SearchPage(items=())
        for mode in modes:
            page = self._text_page(conn, match(mode), mode, where, params, limit, None, with_total, now)
            if (mode == "e" and page.next_cursor) or (mode != "e" and page.items):
                return page
        return page

    def _text_page(
        self,
        conn: Any,
        match: str,
        mode: str,
        where: list[str],
        params: list[Any],
        limit: int,
        after: str | None,
        with_total: bool,
        now: datetime,
    ) -> SearchPage:
        """Text search: driven by the FTS index in rowid order (newest entered first), never a sort."""
        conds = ["dossier_fts MATCH ?"] + where
        args: list[Any] = [match] + params
        page_conds, page_args = list(conds), list(args)
        if after:
            kind, value = self._parse_cursor(after)
            if not kind.startswith("t"):
                raise BadInput("Con trỏ phân trang không hợp lệ.", field="after")
            page_conds.append("f.rowid < ?")
            page_args.append(int(value))
        prefix = f"t{mode}"
        rows = conn.exec_driver_sql(
            f"SELECT {_COLUMNS} FROM dossier_fts f CROSS JOIN dossier d ON d.id = f.rowid "
            f"JOIN procedure p ON p.id = d.procedure_id WHERE {' AND '.join(page_conds)} "
            f"ORDER BY f.rowid DESC LIMIT {limit + 1}",
            tuple(page_args),
        ).fetchall()
        total: int | None = None
        capped = False
        if with_total and after is None:
            if len(rows) <= limit:
                total = len(rows)
            elif where:  # each counted row is a row read: keep the cap small
                total = conn.exec_driver_sql(
                    f"SELECT count(*) FROM (SELECT 1 FROM dossier_fts f CROSS JOIN dossier d ON d.id = f.rowid "
                    f"WHERE {' AND '.join(conds)} LIMIT {FILTERED_TOTAL_CAP})",
                    tuple(args),
                ).scalar_one()
                capped = total >= FILTERED_TOTAL_CAP
            else:
                total = conn.exec_driver_sql(
                    f"SELECT count(*) FROM (SELECT 1 FROM dossier_fts WHERE dossier_fts MATCH ? LIMIT {TOTAL_CAP})",
                    (match,),
                ).scalar_one()
                capped = total >= TOTAL_CAP
        more = len(rows) > limit
        rows = rows[:limit]
        cursor = f"{prefix}|{rows[-1][0]}" if more and rows else None
        return SearchPage(
            items=tuple(_summary(r, now) for r in rows), next_cursor=cursor, total=total, total_capped=capped
        )

    def _list_page(
        self,
        conn: Any,
        where: list[str],
        params: list[Any],
        limit: int,
        after: str | None,
        with_total: bool,
        now: datetime,
    ) -> SearchPage:
        """Filters only: newest received first, keyset on (received_at, id); a capped probe picks the plan."""
        page_where, page_params = list(where), list(params)
        if after:
            kind, value = self._parse_cursor(after)
            if kind != "r":
                raise BadInput("Con trỏ phân trang không hợp lệ.", field="after")
            received, row_id = value.rsplit("|", 1)
            page_where.append("(d.received_at, d.id) < (?, ?)")
            page_params += [received, int(row_id)]
        base = " AND ".join(page_where) or "1"
        probe = conn.exec_driver_sql(
            f"SELECT count(*) FROM (SELECT 1 FROM dossier d WHERE {base} LIMIT {PROBE + 1})", tuple(page_params)
        ).scalar_one()
        rows: list[Any] = []
        if probe:
            # Few candidates: let SQLite sort them. Many: walk the received-at index, which is dense in matches.
            hint = "INDEXED BY ix_dossier_received_id" if probe > PROBE else ""
            rows = conn.exec_driver_sql(
                f"SELECT {_COLUMNS} FROM dossier d {hint} JOIN procedure p ON p.id = d.procedure_id "
                f"WHERE {base} ORDER BY d.received_at DESC, d.id DESC LIMIT {limit + 1}",
                tuple(page_params),
            ).fetchall()
        total: int | None = None
        capped = False
        if with_total and after is None:
            if probe <= PROBE:
                total = probe
            else:
                total = conn.exec_driver_sql(
                    f"SELECT count(*) FROM (SELECT 1 FROM dossier d WHERE {' AND '.join(where) or '1'} "
                    f"LIMIT {TOTAL_CAP})",
                    tuple(params),
                ).scalar_one()
                capped = total >= TOTAL_CAP
        more = len(rows) > limit
        rows = rows[:limit]
        cursor = f"r|{rows[-1][9]}|{rows[-1][0]}" if more and rows else None
        return SearchPage(
            items=tuple(_summary(r, now) for r in rows), next_cursor=cursor, total=total, total_capped=capped
        )

    @staticmethod
    def _statuses(status: Status | str | Iterable[Status | str] | None) -> list[Status]:
        if status is None or status == "":
            return []
        values = [status] if isinstance(status, (Status, str)) else list(status)
        out = []
        for v in values:
            try:
                out.append(v if isinstance(v, Status) else Status(str(v).strip().lower()))
            except ValueError:
                raise BadInput(f"Trạng thái '{str(v)[:30]}' không hợp lệ.", field="status") from None
        return out

    @staticmethod
    def _parse_cursor(cursor: str) -> tuple[str, str]:
        """("te"|"tp"|"ta", rowid) for text search pages, ("r", "received_at|id") for filter-only pages."""
        try:
            kind, value = str(cursor).split("|", 1)
            if kind in ("te", "tp", "ta"):
                int(value)
            elif kind == "r":
                received, row_id = value.rsplit("|", 1)
                datetime.fromisoformat(received)
                int(row_id)
            else:
                raise ValueError(kind)
            return kind, value
        except (ValueError, AttributeError):
            raise BadInput("Con trỏ phân trang không hợp lệ.", field="after") from None

    # ------------------------------------------------------------------ work queues

    def _queue_sql(self, name: str, now: datetime) -> list[tuple[str, list[Any], str]]:
        """(where, params, order) parts for a queue; several parts are merged (one index range each)."""
        today = _day_start(now.date())
        tomorrow = today + timedelta(days=1)
        if name == "received_today":
            return [
                (
                    "d.received_at >= ? AND d.received_at < ?",
                    [_iso(today), _iso(tomorrow)],
                    "d.received_at DESC, d.id DESC",
                )
            ]
        if name == "due_today":
            return [
                (
                    "d.status = ? AND d.due_at >= ? AND d.due_at < ?",
                    [s.value, _iso(now), _iso(tomorrow)],
                    "d.due_at, d.id",
                )
                for s in RUNNING
            ]
        if name == "overdue":
            return [("d.status = ? AND d.due_at < ?", [s.value, _iso(now)], "d.due_at, d.id") for s in RUNNING]
        if name == "supplement":
            return [("d.status = ?", [Status.SUPPLEMENT.value], "d.due_at, d.id")]
        if name == "ready_to_return":
            return [("d.status = ?", [Status.RESULT_READY.value], "d.due_at, d.id")]
        raise BadInput(f"Không có danh sách công việc '{str(name)[:30]}'.", field="queue")

    def queue_counts(self, now: datetime | None = None) -> dict[str, int]:
        """How many dossiers are in each home-screen queue (keys: `QUEUES`), without counting the table.

        Per-status totals come from `dossier_count` (kept by migration 0005's triggers); what depends on the time is
        an index range over the few dossiers received or due today, or not yet due: overdue = the running statuses'
        dated dossiers minus those due from now on. One read transaction, so the figures agree with each other."""
        now = now or now_vn()
        today = _day_start(now.date())
        tomorrow, at = _iso(today + timedelta(days=1)), _iso(now)
        running = [s.value for s in RUNNING]
        marks = ",".join("?" * len(running))
        with self.engine.connect() as conn:
            if not conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'dossier_count'").first():
                # stamped 0007 before migration 0005 filled its slot (a development database): count the slow way
                return {
                    name: sum(
                        conn.exec_driver_sql(
                            f"SELECT count(*) FROM dossier d WHERE {where}", tuple(params)
                        ).scalar_one()
                        for where, params, _order in self._queue_sql(name, now)
                    )
                    for name in QUEUES
                }
            totals = {
                status: (n, undated)
                for status, n, undated in conn.exec_driver_sql("SELECT status, n, undated FROM dossier_count")
            }
            received_today = conn.exec_driver_sql(
                "SELECT count(*) FROM dossier d WHERE d.received_at >= ? AND d.received_at < ?",
                (_iso(today), tomorrow),
            ).scalar_one()
            not_due: dict[str, int] = dict(
                conn.exec_driver_sql(
                    f"SELECT d.status, count(*) FROM dossier d WHERE d.status IN ({marks}) AND d.due_at >= ? "
                    "GROUP BY d.status",
                    (*running, at),
                ).fetchall()
            )
            due_today = conn.exec_driver_sql(
                f"SELECT count(*) FROM dossier d WHERE d.status IN ({marks}) AND d.due_at >= ? AND d.due_at < ?",
                (*running, at, tomorrow),
            ).scalar_one()
        dated = sum(totals.get(s, (0, 0))[0] - totals.get(s, (0, 0))[1] for s in running)
        return {
            "received_today": received_today,
            "due_today": due_today,
            "overdue": dated - sum(not_due.values()),
            "supplement": totals.get(Status.SUPPLEMENT.value, (0, 0))[0],
            "ready_to_return": totals.get(Status.RESULT_READY.value, (0, 0))[0],
        }

    def queue(self, name: str, limit: int = 100, now: datetime | None = None) -> list[DossierSummary]:
        """The dossiers of one queue: overdue/due/waiting ones by due date (oldest first), today's by time."""
        now = now or now_vn()
        limit = max(1, min(int(limit), 1000))
        rows: list[Any] = []
        parts = self._queue_sql(name, now)
        with self.engine.connect() as conn:
            for where, params, order in parts:
                rows += conn.exec_driver_sql(
                    f"SELECT {_COLUMNS} FROM dossier d JOIN procedure p ON p.id = d.procedure_id WHERE {where} "
                    f"ORDER BY {order} LIMIT {limit}",
                    tuple(params),
                ).fetchall()
        if name == "received_today":
            rows.sort(key=lambda r: (r[9], r[0]), reverse=True)
        else:
            rows.sort(key=lambda r: (r[10] or "9999", r[0]))
        return [_summary(r, now) for r in rows[:limit]]


# ---------------------------------------------------------------------- bench
