"""Monthly statistics per procedure and field, their CSV/XLSX export, the tracking book, and a 12-month series.

Definitions used for a month M = [first day 00:00, next month's first day 00:00), Asia/Ho_Chi_Minh:
- received: accepted dossiers whose `received_at` falls in M, split by channel (paper / online / post);
- resolved: the first time a dossier reached "result ready" (or "returned") falls in M; on time when that moment
  is not after its appointment (`due_at`, including an apology's new date), late otherwise;
- pending: received before the end of M and, by its timeline at the end of M, still received, in progress, waiting
  for a supplement or for financial obligations;
- overdue: pending at the end of M, not waiting for a supplement (the clock is paused), with an appointment before
  the end of M.
Online submissions not yet accepted (status "submitted") are not counted.
PDFs are drawn by the `FormRenderer` given at construction (core never imports receipts).
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onestop import formats, plausible
from onestop.domain import VN_TZ, Dossier, MonthlyReport, MonthlyRow, Office, Role, now_vn
from onestop.errors import BadInput
from onestop.owneronly import check_output_file, private_dirs, private_file

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from onestop.ports import FormRenderer
    from onestop.services.audit import AuditService
    from onestop.services.catalog import CatalogService
    from onestop.services.officers import OfficerService

FORMATS = ("csv", "xlsx", "pdf")
HEADERS = (
    "Lĩnh vực",
    "Mã thủ tục",
    "Tên thủ tục",
    "Tiếp nhận trực tiếp",
    "Tiếp nhận trực tuyến",
    "Tiếp nhận qua BCCI",
    "Tổng tiếp nhận",
    "Giải quyết đúng hạn",
    "Giải quyết quá hạn",
    "Đang giải quyết",
    "Quá hạn (cuối tháng)",
)
MAX_BOOK_DAYS = 366
_RUNNING_OR_WAITING = ("received", "in_progress", "supplement", "financial")


def parse_month(month: str) -> tuple[datetime, datetime]:
    """'YYYY-MM' → (start, end) of that month in Vietnam time; `BadInput` otherwise."""
    year, mon = formats.parse_month(month)
    start = datetime(year, mon, 1, tzinfo=VN_TZ)
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=VN_TZ)
    return start, end


def _iso(value: datetime) -> str:
    return plausible.to_vn(value).isoformat(timespec="seconds")


def row_values(r: MonthlyRow) -> list[Any]:
    return [
        r.field,
        r.procedure_code,
        r.procedure_name,
        r.received_paper,
        r.received_online,
        r.received_post,
        r.received,
        r.resolved_on_time,
        r.resolved_late,
        r.pending,
        r.overdue,
    ]


def _when(value: Any) -> str:
    return formats.datetime_short(value)


@dataclass(eq=False)
class ReportService:
    """Statistics for leaders (role leader), audited as "report.export" when written out."""

    engine: Engine
    office: Office
    officers: OfficerService
    audit: AuditService
    catalog: CatalogService
    renderer: FormRenderer
    archive_dir: Path

    def _require(self, actor: str) -> str:
        """The command line is trusted as "cli" (CONTRACT.md); anyone else must hold the leader role."""
        if actor == "cli":
            return actor
        return self.officers.require(actor, Role.LEADER).username

    def _preparer(self, actor: str) -> str:
        """The full name printed under the report's "NGƯỜI LẬP" signature; empty from the command line."""
        return "" if actor == "cli" else self.officers.get(actor).full_name

    # ------------------------------------------------------------------ monthly

    def monthly(self, month: str, *, actor: str = "cli") -> MonthlyReport:
        """The statistics of `month` ("YYYY-MM") per procedure, sorted by field then procedure code."""
        self._require(actor)
        start, end = parse_month(month)
        s_iso, e_iso = _iso(start), _iso(end)
        sql = (
            "SELECT d.procedure_code, p.name, p.field, d.channel, d.received_at, d.due_at, d.status, d.returned_at, "
            " (SELECT min(e.at) FROM status_event e WHERE e.dossier_id = d.id "
            "   AND e.to_status IN ('result_ready', 'returned')), "
            " (SELECT e.to_status FROM status_event e WHERE e.dossier_id = d.id AND e.at < ? "
            "   ORDER BY e.seq DESC LIMIT 1), "
            " EXISTS (SELECT 1 FROM status_event e WHERE e.dossier_id = d.id) "
            "FROM dossier d JOIN procedure p ON p.id = d.procedure_id "
            "WHERE d.received_at < ? AND d.status != 'submitted' "
            "AND NOT (d.status IN ('rejected', 'withdrawn', 'stopped', 'returned') AND d.updated_at < ?)"
        )
        acc: dict[tuple[str, str], dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for (
                code,
                name,
                field,
                channel,
                received,
                due,
                status,
                returned,
                resolved,
                status_at_end,
                has_events,
            ) in conn.exec_driver_sql(sql, (e_iso, e_iso, s_iso)):
                if resolved is None and status == "returned" and returned:
                    resolved = returned
                if not has_events:  # rows imported without a timeline: their current status stands
                    status_at_end = status
                key = (field or "", code)
                a = acc.setdefault(
                    key,
                    {
                        "name": name or "",
                        "paper": 0,
                        "online": 0,
                        "post": 0,
                        "on_time": 0,
                        "late": 0,
                        "pending": 0,
                        "overdue": 0,
                    },
                )
                if received >= s_iso:
                    a[channel if channel in ("paper", "online", "post") else "paper"] += 1
                if resolved is not None and s_iso <= resolved < e_iso:
                    if due is None or _cmp(resolved) <= _cmp(due):
                        a["on_time"] += 1
                    else:
                        a["late"] += 1
                if status_at_end in _RUNNING_OR_WAITING:
                    a["pending"] += 1
                    if status_at_end != "supplement" and due is not None and _cmp(due) < end:
                        a["overdue"] += 1
        rows = tuple(
            MonthlyRow(
                field,
                code,
                a["name"],
                a["paper"],
                a["online"],
                a["post"],
                a["on_time"],
                a["late"],
                a["pending"],
                a["overdue"],
            )
            for (field, code), a in sorted(acc.items())
            if a["paper"] + a["online"] + a["post"] + a["on_time"] + a["late"] + a["pending"]
        )
        return MonthlyReport(
            office=self.office,
            month=f"{start:%Y-%m}",
            rows=rows,
            generated_at=now_vn(),
            prepared_by=self._preparer(actor),
        )

    def write_monthly(
        self,
        report: MonthlyReport,
        fmt: str,
        out: Path,
        *,
        actor: str = "cli",
    ) -> Path:
        """Write the report as CSV (UTF-8 with BOM, for Excel), XLSX or PDF, atomically; audited."""
        who = self._require(actor)
        fmt = (fmt or "").strip().lower()
        if fmt not in FORMATS:
            raise BadInput("Định dạng phải là csv, xlsx hoặc pdf.", field="format")
        out = check_output_file(Path(out))
        private_dirs(out.parent)
        tmp = out.with_name(out.name + ".part")
        try:
            if fmt == "csv":
                with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                    writer = csv.writer(fh)
                    writer.writerow(
                        [f"Báo cáo tháng {report.month[5:]}/{report.month[:4]} — {report.office.commune_name}"]
                    )
                    writer.writerow(HEADERS)
                    for r in report.rows:
                        writer.writerow(row_values(r))
                    writer.writerow(row_values(report.total))
            elif fmt == "xlsx":
                _write_xlsx(report, tmp)
            else:
                tmp.write_bytes(self.renderer.render_monthly(report))
            private_file(tmp)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
        self.audit.log(who, "report.export", detail=f"monthly {report.month} {fmt}")
        return out

    def write_book(
        self,
        dossiers: list[Dossier],
        date_from: date,
        date_to: date,
        target: Path,
        *,
        actor: str = "cli",
        field: str = "",
    ) -> Path:
        """The tracking book as PDF (through the installed form renderer) or CSV for a `.csv` target; audited."""
        from onestop.domain import BookRequest

        who = self._require(actor)
        check_output_file(target)
        private_dirs(target.parent)
        tmp = target.with_name(target.name + ".part")
        try:
            if target.suffix.lower() == ".csv":
                with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                    w = csv.writer(fh)
                    w.writerow(
                        [
                            "Mã hồ sơ",
                            "Ngày nhận",
                            "Người nộp",
                            "Thủ tục",
                            "Lĩnh vực",
                            "Hẹn trả",
                            "Trạng thái",
                            "Ngày trả",
                            "Người nhận",
                        ]
                    )
                    for d in dossiers:
                        w.writerow(
                            [
                                d.code,
                                _when(d.received_at),
                                d.applicant.full_name,
                                d.procedure.name,
                                d.procedure.field,
                                _when(d.due_at),
                                d.status.label,
                                _when(d.returned_at) if d.returned_at else "",
                                d.collected_by,
                            ]
                        )
            else:
                request = BookRequest(
                    office=self.office,
                    dossiers=tuple(dossiers),
                    date_from=date_from,
                    date_to=date_to,
                    issued_at=now_vn(),
                    field=field,
                    prepared_by=self._preparer(actor),
                )
                tmp.write_bytes(self.renderer.render_book(request))
            private_file(tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        self.audit.log(
            who, "report.export", detail=f"book {date_from.isoformat()}..{date_to.isoformat()} {target.suffix}"
        )
        return target

    def default_path(self, report: MonthlyReport, fmt: str) -> Path:
        """Where an export lands by default: the archive directory, `reports/bao-cao-YYYY-MM.<fmt>`."""
        return self.archive_dir / "reports" / f"bao-cao-{report.month}.{fmt}"

    # ------------------------------------------------------------------ tracking book and chart

    def book(self, date_from: date, date_to: date, field: str = "", *, actor: str = "cli") -> list[Dossier]:
        """Dossiers received between the two dates (inclusive), oldest first, optionally one field only."""
        from db import models
        from db.engine import session_scope
        from onestop.services.records import to_domain
        from onestop.text import clean, fold

        self._require(actor)
        if date_from > date_to:
            raise BadInput("Ngày bắt đầu phải trước ngày kết thúc.", field="date_from")
        if (date_to - date_from).days > MAX_BOOK_DAYS:
            raise BadInput(f"Sổ theo dõi tối đa {MAX_BOOK_DAYS} ngày mỗi lần.", field="date_to")
        start = datetime(date_from.year, date_from.month, date_from.day, tzinfo=VN_TZ)
        end = datetime(date_to.year, date_to.month, date_to.day, tzinfo=VN_TZ) + timedelta(days=1)
        wanted = fold(clean(field))
        with session_scope(self.engine) as s:
            ids = [
                r[0]
                for r in s.connection().exec_driver_sql(
                    "SELECT d.id, p.field FROM dossier d JOIN procedure p ON p.id = d.procedure_id "
                    "WHERE d.received_at >= ? AND d.received_at < ? AND d.status != 'submitted' "
                    "ORDER BY d.received_at, d.id",
                    (_iso(start), _iso(end)),
                )
                if not wanted or fold(r[1]) == wanted
            ]
            return [to_domain(s, s.get_one(models.Dossier, i)) for i in ids]

    def fields(self) -> list[str]:
        """The fields (lĩnh vực) of the active catalog, for the book's field picker."""
        return sorted({p.field for p in self.catalog.list()})

    def last_12_months(self, now: datetime | None = None) -> list[tuple[str, int, int]]:
        """(month "YYYY-MM", received, resolved) for the 12 months ending with the current one."""
        now = (now or now_vn()).astimezone(VN_TZ)
        months = []
        y, m = now.year, now.month
        for _ in range(12):
            months.append(f"{y:04d}-{m:02d}")
            y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        months.reverse()
        start, _ = parse_month(months[0])
        _, end = parse_month(months[-1])
        received: dict[str, int] = {}
        resolved: dict[str, int] = {}
        with self.engine.connect() as conn:
            for month, n in conn.exec_driver_sql(
                "SELECT substr(received_at, 1, 7), count(*) FROM dossier WHERE received_at >= ? "
                "AND received_at < ? AND status != 'submitted' GROUP BY 1",
                (_iso(start), _iso(end)),
            ):
                received[month] = n
            for month, n in conn.exec_driver_sql(
                "SELECT substr(first_at, 1, 7), count(*) FROM (SELECT dossier_id, min(at) AS first_at "
                "FROM status_event WHERE to_status IN ('result_ready', 'returned') GROUP BY dossier_id) "
                "WHERE first_at >= ? AND first_at < ? GROUP BY 1",
                (_iso(start), _iso(end)),
            ):
                resolved[month] = n
        return [(mo, received.get(mo, 0), resolved.get(mo, 0)) for mo in months]


def _cmp(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=VN_TZ) if parsed.tzinfo is None else parsed


def _write_xlsx(report: MonthlyReport, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"Thang {report.month}"
    ws.append([f"BÁO CÁO TÌNH HÌNH TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ THÁNG {report.month[5:]}/{report.month[:4]}"])
    ws.append([report.office.receiving_unit])
    ws.append([])
    ws.append(list(HEADERS))
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws["A1"].font = Font(bold=True, size=13)
    for r in report.rows:
        ws.append(row_values(r))
    ws.append(row_values(report.total))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGHIJK", (22, 12, 50, 11, 11, 11, 11, 11, 11, 11, 12), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "D5"
    wb.save(path)
