"""One dossier: all its data, documents, fees, status timeline, printed forms and sync state; every action on a key.

The footer shows only the actions legal for the current status (the lifecycle table decides). Each action asks
for what it needs in a modal (reason, papers, new date, who collected), then runs the service in a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from screens.common import OneStopScreen, describe_print, error_text, fmt_date, fmt_money, fmt_short
from screens.dialogs import DIALOG_CSS, ChecklistDialog, ConfirmDialog, ReasonDialog
from screens.widgets.columns import Col
from screens.widgets.status_bar import StatusBar
from screens.widgets.table import CounterTable

if TYPE_CHECKING:
    from onestop.domain import Dossier
    from onestop.services.lifecycle import DossierService


class NewDueDialog(ModalScreen["tuple[datetime, str] | None"]):
    """Apology: a new appointment (dd/mm/yyyy HH:MM) and the reason; returns (new due, reason) or None."""

    DEFAULT_CSS = DIALOG_CSS + "NewDueDialog { align: center middle; background: $background 60%; }"
    BINDINGS = [Binding("escape", "cancel", "Hủy", tooltip="Đóng, không ghi gì", id="newdue.cancel")]

    def __init__(self, current: datetime | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Xin lỗi và hẹn lại ngày trả", classes="dialog-title")
            yield Label(f"Hẹn trả hiện tại: {fmt_short(self.current)}")
            yield Label("Ngày giờ hẹn mới (dd/mm/yyyy HH:MM):")
            yield Input(placeholder="ví dụ 30/11/2026 16:00", id="newdue-date", max_length=16)
            yield Label("Lý do:")
            yield Input(id="newdue-reason", max_length=500)
            yield Static("", classes="dialog-error", id="newdue-error")
            with Horizontal():
                yield Button("Ghi (Enter)", variant="primary", id="ok")
                yield Button("Hủy (Esc)", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        from onestop.errors import BadInput
        from onestop.formats import parse_datetime
        from onestop.text import clean

        raw = self.query_one("#newdue-date", Input).value.strip()
        reason = clean(self.query_one("#newdue-reason", Input).value)
        error = self.query_one("#newdue-error", Static)
        try:
            parsed = parse_datetime(raw, field="new_due")
        except BadInput:
            error.update("Ngày giờ không hợp lệ (dd/mm/yyyy HH:MM).")
            return
        if not reason:
            error.update("Cần ghi lý do xin lỗi, hẹn lại.")
        else:
            self.dismiss((parsed, reason))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ReturnDialog(ModalScreen["tuple[str, str] | None"]):
    """Returning the result: who collected it and their ID number; returns (name, id) or None."""

    DEFAULT_CSS = DIALOG_CSS + "ReturnDialog { align: center middle; background: $background 60%; }"
    BINDINGS = [Binding("escape", "cancel", "Hủy", tooltip="Đóng, không ghi gì", id="return.cancel")]

    def __init__(self, name: str = "", id_number: str = "") -> None:
        super().__init__()
        self.default_name, self.default_id = name, id_number

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Trả kết quả cho công dân", classes="dialog-title")
            yield Label("Họ tên người nhận:")
            yield Input(self.default_name, id="return-name", max_length=100)
            yield Label("Số định danh người nhận (12 số):")
            yield Input(self.default_id, id="return-id", max_length=12)
            yield Static("", classes="dialog-error", id="return-error")
            with Horizontal():
                yield Button("Ghi (Enter)", variant="primary", id="ok")
                yield Button("Hủy (Esc)", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        from onestop.text import clean

        name = clean(self.query_one("#return-name", Input).value)
        id_number = clean(self.query_one("#return-id", Input).value).replace(" ", "")
        error = self.query_one("#return-error", Static)
        if not name:
            error.update("Cần ghi họ tên người nhận.")
        elif id_number and not (id_number.isdigit() and len(id_number) in (9, 12)):
            error.update("Số định danh phải gồm 12 (hoặc 9) chữ số.")
        else:
            self.dismiss((name, id_number))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ResultFileDialog(ModalScreen["str | None"]):
    """Số hóa kết quả: pick the scanned result among the scanner folder's newest files (Enter), or type a path;
    returns the file's path or None."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """ResultFileDialog { align: center middle; background: $background 60%; }
    ResultFileDialog OptionList { height: auto; max-height: 12; }"""
    )
    BINDINGS = [Binding("escape", "cancel", "Hủy", tooltip="Đóng, không gắn tệp nào", id="resultfile.cancel")]

    def __init__(self, code: str, folder: str) -> None:
        super().__init__()
        self.code, self.folder = code, folder
        self.files: list[Path] = []

    def compose(self) -> ComposeResult:
        from screens.widgets.documents import newest_files

        self.files = newest_files(self.folder)
        with Vertical(classes="dialog"):
            yield Label(f"Số hóa kết quả hồ sơ {self.code}", classes="dialog-title")
            yield Label("Tệp mới nhất trong thư mục máy quét (↑↓ chọn, Enter gắn):")
            options = [
                Option(f"{p.name}  {datetime.fromtimestamp(p.stat().st_mtime):%H:%M %d/%m}") for p in self.files
            ] or [Option("(chưa có tệp trong thư mục máy quét)", disabled=True)]
            yield OptionList(*options, id="resultfile-list")
            yield Label("Hoặc đường dẫn tệp (Enter để gắn):")
            yield Input(id="resultfile-path", max_length=1000)
            yield Static("", classes="dialog-error", id="resultfile-error")
            with Horizontal():
                yield Button("Hủy (Esc)", id="cancel")

    def on_mount(self) -> None:
        if self.files:
            self.query_one(OptionList).highlighted = 0
            self.query_one(OptionList).focus()
        else:
            self.query_one("#resultfile-path", Input).focus()

    @on(OptionList.OptionSelected, "#resultfile-list")
    def picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.files):
            self.dismiss(str(self.files[event.option_index]))

    @on(Input.Submitted, "#resultfile-path")
    def typed(self) -> None:
        raw = self.query_one("#resultfile-path", Input).value.strip().strip('"')
        if not raw:
            self.query_one("#resultfile-error", Static).update("Chọn một tệp trong danh sách hoặc ghi đường dẫn tệp.")
            return
        path = Path(raw).expanduser()
        if not path.is_file():
            self.query_one("#resultfile-error", Static).update(f"Không tìm thấy tệp «{raw[:80]}».")
            return
        self.dismiss(str(path))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class DossierScreen(OneStopScreen):
    """The detail of one dossier and its lifecycle actions."""

    CSS_PATH = "dossier.tcss"
    # footer words kept short so every legal action, p and Esc fit 120 columns; the tooltips (F1) say it in full
    BINDINGS = [
        Binding(
            "s",
            "act('supplement')",
            "Bổ sung",
            tooltip="Yêu cầu bổ sung giấy tờ (tạm dừng tính hạn)",
            id="dossier.supplement",
        ),
        Binding(
            "b",
            "act('supplement_received')",
            "Đã bổ sung",
            tooltip="Đã nhận đủ giấy tờ bổ sung",
            id="dossier.supplement-received",
        ),
        Binding("c", "act('in_progress')", "Xử lý", tooltip="Chuyển hồ sơ sang đang xử lý", id="dossier.in-progress"),
        Binding(
            "f",
            "act('financial')",
            "Tài chính",
            tooltip="Chờ công dân thực hiện nghĩa vụ tài chính",
            id="dossier.financial",
        ),
        Binding("a", "act('accept')", "Tiếp nhận", tooltip="Tiếp nhận hồ sơ nộp trực tuyến", id="dossier.accept"),
        Binding("r", "act('reject')", "Từ chối", tooltip="Từ chối tiếp nhận (cần lý do)", id="dossier.reject"),
        Binding("w", "act('withdraw')", "Rút", tooltip="Công dân rút hồ sơ (cần lý do)", id="dossier.withdraw"),
        Binding("t", "act('stop')", "Dừng", tooltip="Dừng xử lý (cần lý do)", id="dossier.stop"),
        Binding("x", "act('apology')", "Hẹn lại", tooltip="Phiếu xin lỗi và ngày hẹn mới", id="dossier.apology"),
        Binding("k", "act('result_ready')", "Có KQ", tooltip="Đã xử lý xong, chờ trả", id="dossier.result-ready"),
        Binding("g", "act('return')", "Trả KQ", tooltip="Trả kết quả cho công dân", id="dossier.return"),
        Binding("p", "reprint", "In lại", tooltip="In lại giấy tiếp nhận", id="dossier.reprint"),
        Binding(
            "d",
            "attach_result",
            "Số hóa KQ",
            tooltip="Số hóa kết quả: gắn tệp quét kết quả (thư mục máy quét hoặc đường dẫn)",
            id="dossier.result-file",
        ),
        Binding("h", "rate", "Đánh giá", tooltip="Công dân đánh giá mức độ hài lòng (chữ lớn)", id="dossier.rate"),
        Binding(
            "i", "print_declaration", "Tờ khai", tooltip="In tờ khai đã điền cho công dân ký", id="dossier.declaration"
        ),
        Binding("f8", "reprint", "In lại", show=False, tooltip="In lại giấy tiếp nhận", id="dossier.reprint-f8"),
        Binding("escape", "back", "Quay lại", tooltip="Quay lại màn hình trước", id="dossier.back"),
    ]

    class Loaded(Message):
        """The dossier as the service returned it (after opening, an action or a reprint)."""

        def __init__(self, dossier: Dossier) -> None:
            super().__init__()
            self.dossier = dossier

    class Acted(Message):
        """A lifecycle action succeeded; `dossier` is the result."""

        def __init__(self, name: str, dossier: Dossier) -> None:
            super().__init__()
            self.name, self.dossier = name, dossier

    class Rated(Message):
        """The citizen's rating was stored; `label` says which."""

        def __init__(self, label: str) -> None:
            super().__init__()
            self.label = label

    class ResultAttached(Message):
        """A digitised result file was attached; `dossier` is the result."""

        def __init__(self, dossier: Dossier) -> None:
            super().__init__()
            self.dossier = dossier

    class FormIssued(Message):
        """A counter form went to the archive (and maybe the printer): what to tell the officer."""

        def __init__(self, text: str, printed: bool) -> None:
            super().__init__()
            self.text, self.printed = text, printed

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.dossier: Dossier | None = None
        self.error = ""

    def compose(self) -> ComposeResult:
        yield StatusBar()
        with VerticalScroll(id="dossier-body"):
            yield Static(f"Đang mở hồ sơ {self.code}…", id="dossier-head")
            with Horizontal(id="dossier-columns"):
                yield Static("", id="dossier-applicant", classes="box")
                yield Static("", id="dossier-procedure", classes="box")
            yield Label("Thành phần hồ sơ", classes="section-title")
            yield CounterTable(id="dossier-documents", cursor_type="row", show_cursor=False)
            yield Static("", id="dossier-results")
            yield Static("", id="dossier-fees")
            yield Static("", id="dossier-declaration")
            yield Label("Tiến trình xử lý", classes="section-title")
            yield CounterTable(id="dossier-timeline", cursor_type="row")
            yield Label("Phiếu đã in", classes="section-title")
            yield CounterTable(id="dossier-forms", cursor_type="row", show_cursor=False)
            yield Static("", id="dossier-sync")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="dossier-load", exit_on_error=False, description="Đọc hồ sơ")
    def _load(self) -> None:
        app = self.onestop
        self.post_message(self.Loaded(app.services.dossiers.get(self.code, actor=app.officer.username)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.show(message.dossier)

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        if worker.group == "dossier-load":  # the message goes where the dossier would have been
            message = error_text(error, "Không mở được hồ sơ")
            self._show_error(message)
        super().worker_failed(worker, error)

    def _show_error(self, message: str) -> None:
        self.error = message
        self.query_one("#dossier-head", Static).update(Text(message, style="bold red"))
        self.refresh_bindings()

    def now(self) -> datetime:
        return self.onestop.now()

    def _fill_documents(self, d: Dossier) -> None:
        """The papers, every column visible: the name (and the files) are cut to the terminal's width with "…", so
        the kind, count and digitised files never fall off the right edge on a narrow terminal."""
        docs = self.query_one("#dossier-documents", DataTable)
        docs.clear(columns=True)  # auto-width columns never narrow otherwise
        docs.add_columns("TT", "Tên giấy tờ", "Loại", "Số lượng", "Số hóa")
        width = max(self.app.size.width - 4, 60)
        files = [", ".join(x.file_name for x in doc.attachments) or "—" for doc in d.documents]
        files_w = min(max((len(f) for f in files), default=6), 24)
        name_w = max(width - (3 + 10 + 8 + max(files_w, 6) + 2 * 5), 16)
        for i, (doc, attached) in enumerate(zip(d.documents, files, strict=True), 1):
            docs.add_row(str(i), _cut(doc.name, name_w), doc.kind.label, str(doc.count), _cut(attached, files_w))

    def on_resize(self) -> None:
        if self.dossier is not None:
            self._fill_documents(self.dossier)
            self.call_after_refresh(self._fill_timeline, self.dossier)

    def _fill_timeline(self, d: Dossier) -> None:
        """The status history and the printed forms fitted to the width (both scrolled sideways at 80 columns, "Hẹn trả
        mới" and "Tình trạng" past the edge): dates lose their hour and year first, and the state, the reason and
        the form's name wrap onto more lines of their row instead of being cut (a refusal's reason is read whole)."""
        from onestop.formats import to_vn
        from screens.widgets.columns import Forms

        def when(at: datetime) -> Forms:
            return Forms((fmt_short(at), f"{to_vn(at):%H:%M %d/%m}"))

        events = []
        for e in d.events:
            note = " — ".join(x for x in (e.reason, e.note) if x)
            due = Forms((fmt_short(e.new_due), fmt_date(e.new_due))) if e.new_due else ""
            events.append((str(e.seq), when(e.at), e.to_status.label, e.officer, note or "—", due))
        self._fill_wrapping("#dossier-timeline", TIMELINE_COLUMNS, TIMELINE_WRAPS, events)
        statuses = {"archived": "Đã lưu PDF", "printed": "Đã in", "failed": "In lỗi"}
        forms = [
            (f.form.title.capitalize(), when(f.at), f.officer, str(f.copies), statuses.get(f.status, f.status))
            for f in d.forms
        ]
        self._fill_wrapping("#dossier-forms", FORMS_COLUMNS, FORMS_WRAPS, forms)

    def _fill_wrapping(self, selector: str, columns: tuple[Col, ...], wraps: tuple[int, ...], rows: list[Any]) -> None:
        """Fill a table with its columns fitted to its width; the `wraps` columns wrap (rows grow), the rest are cut
        (a `Forms` cell shows its longest form that fits)."""
        from screens.widgets.columns import Forms, cut, fit_rows, table_room

        table = self.query_one(selector, DataTable)
        widths = fit_rows(columns, rows, table_room(table, len(rows), self.app.size.width - 4))
        table.clear(columns=True)
        for col, width in zip(columns, widths, strict=True):
            table.add_column(col.label, width=width)
        for cells in rows:
            shown = [
                Text(str(cell)) if i in wraps else cut(cell, width or 1) if isinstance(cell, Forms) else cell
                for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
            ]
            lines = max(len(shown[i].wrap(self.app.console, widths[i] or 1)) for i in wraps)
            table.add_row(*shown, height=lines)

    def show(self, d: Dossier) -> None:
        """Paint every section from the domain `Dossier`."""
        self.dossier, self.error = d, ""
        self.code = d.code
        overdue = d.is_overdue(self.now())
        head = Text()
        head.append(f"HỒ SƠ {d.code}", style="bold")
        if d.official_code:
            head.append(f"   Mã chính thức: {d.official_code}")
        head.append("\nTrạng thái: ")
        head.append(f"{d.status.label} ({d.status.national_code})", style="bold")
        if overdue:
            head.append("   QUÁ HẠN", style="bold red")
        head.append(f"\nTiếp nhận: {fmt_short(d.received_at)}")
        if d.status.is_closed and d.returned_at is None:  # rejected, withdrawn, stopped: nothing will be returned
            head.append(f"    Không hẹn trả ({d.status.label.lower()})")
        else:
            head.append("    Hẹn trả: ")
            head.append(fmt_short(d.due_at), style="bold red" if overdue else "bold")
        if d.due_reason:
            head.append(f"\n{d.due_reason}", style="italic")
        if d.rating is not None:
            head.append(f"\nĐánh giá của công dân: {d.rating.label}", style="bold")
            if d.rating.reason or d.rating.comment:
                head.append(f" — {' — '.join(x for x in (d.rating.reason, d.rating.comment) if x)}")
        if d.returned_at:
            head.append(
                f"\nĐã trả lúc {fmt_short(d.returned_at)} cho {d.collected_by or '—'}"
                f"{' (' + d.collected_id_number + ')' if d.collected_id_number else ''}"
            )
        self.query_one("#dossier-head", Static).update(head)
        a = d.applicant
        applicant = (
            f"[b]Người nộp[/b]\n{a.full_name}\nSố định danh: {a.id_number or '—'}\n"
            + (f"Số định danh đã hủy: {a.cancelled_id_number}\n" if a.cancelled_id_number else "")
            + f"Ngày sinh: {fmt_date(a.birth_date)}  {a.gender}\nĐịa chỉ: {a.address or '—'}\n"
            f"Điện thoại: {a.phone or '—'}  Email: {a.email or '—'}"
        )
        if d.representative:
            r = d.representative
            applicant += f"\n[b]Người nộp thay[/b]: {r.full_name} ({r.id_number})\nGiấy ủy quyền: {d.authorisation_doc}"
        self.query_one("#dossier-applicant", Static).update(_escape_keep_bold(applicant))
        procedure = (
            f"[b]Thủ tục[/b] {d.procedure.code} (phiên bản {d.procedure.version})\n{d.procedure.name}\n"
            f"Lĩnh vực: {d.procedure.field}\nThời hạn: {d.procedure.deadline_text}\n"
            f"Kênh nộp: {d.channel.label}\nTrả kết quả: {d.return_via.label}"
            f"{' — ' + d.return_address if d.return_address else ''}\n"
            f"Cán bộ tiếp nhận: {d.officer_name or d.officer}   Số bộ: {d.sets_count}"
        )
        self.query_one("#dossier-procedure", Static).update(_escape_keep_bold(procedure))
        self.query_one("#dossier-declaration", Static).update(_declaration_text(d))
        self._fill_documents(d)
        self.query_one("#dossier-results", Static).update(_results_text(d))
        fees = (
            "; ".join(
                f"{p.label}: {fmt_money(p.amount_vnd)}" + (f" (miễn: {p.exemption})" if p.exemption else "")
                for p in d.payments
            )
            or "Không thu phí"
        )
        self.query_one("#dossier-fees", Static).update(Text(f"Phí, lệ phí: {fees}"))
        self._fill_timeline(d)
        sync = {
            "queued": "Chờ gửi lên hệ thống tỉnh",
            "pending": "Chờ gửi lên hệ thống tỉnh",
            "synced": "Đã đồng bộ",
            "sent": "Đã gửi",
            "failed": "Gửi lỗi",
            "rejected": "Bị từ chối",
            "conflict": "Xung đột",
        }.get(d.sync_state, d.sync_state or "—")
        sync_text = Text(f"Đồng bộ: {sync}")
        if d.sync_message:
            sync_text.append(f" — {d.sync_message}", style="italic")
        self.query_one("#dossier-sync", Static).update(sync_text)
        self.refresh_bindings()

    # ------------------------------------------------------------------ which keys are live

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            if self.dossier is None:
                return False
            from onestop.services.lifecycle import action_allowed

            return action_allowed(self.dossier.status, str(parameters[0]))
        if action == "reprint":
            return self.dossier is not None
        if action == "print_declaration":  # only a dossier received with an electronic tờ khai
            return self.dossier is not None and self.dossier.declaration is not None
        if action in ("rate", "attach_result"):  # when the result is ready or handed over (no footer room before)
            return self.dossier is not None and self.dossier.status.value in ("result_ready", "returned")
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    # ------------------------------------------------------------------ actions

    def action_act(self, name: str) -> None:
        """Ask what the action needs (its row of `LIFECYCLE`), then run it in a worker."""
        if self.dossier is not None:
            LIFECYCLE[name].ask(self, self.dossier, name)

    def confirm(self, dossier: Dossier, name: str) -> None:
        from onestop.services.lifecycle import ACTIONS_BY_NAME

        def answered(yes: bool | None) -> None:
            if yes:
                self.run(name)

        label = ACTIONS_BY_NAME[name].label
        self.app.push_screen(ConfirmDialog(f"{label} cho hồ sơ {dossier.code}?", title=label), answered)

    def ask_reason(self, dossier: Dossier, name: str) -> None:
        def answered(reason: str | None) -> None:
            if reason:
                self.run(name, reason=reason)

        titles = {"reject": "Từ chối tiếp nhận hồ sơ", "withdraw": "Công dân rút hồ sơ", "stop": "Dừng xử lý hồ sơ"}
        self.app.push_screen(ReasonDialog("Lý do:", title=titles[name]), answered)

    def ask_supplement(self, dossier: Dossier, name: str) -> None:
        """Pick the missing papers from the procedure's list (those not received are ticked), add others as text,
        then the reason."""

        def got_items(items: list[str] | None) -> None:
            if not items:
                return

            def got_reason(reason: str | None) -> None:
                if reason:
                    self.run(name, items=items, reason=reason)

            self.app.push_screen(ReasonDialog("Lý do yêu cầu bổ sung:", title="Yêu cầu bổ sung"), got_reason)

        received = {doc.name for doc in dossier.documents}
        listed = [(doc.name, doc.name not in received) for doc in dossier.procedure.documents]
        self.app.push_screen(
            ChecklistDialog(
                "Giấy tờ cần bổ sung (Space: chọn/bỏ; các giấy tờ chưa nhận đã được chọn sẵn):",
                listed,
                title="Yêu cầu bổ sung, hoàn thiện hồ sơ",
                other="Giấy tờ khác (ngăn cách bằng dấu ;), Enter để ghi:",
            ),
            got_items,
        )

    def ask_arrived(self, dossier: Dossier, name: str) -> None:
        """Receiving a supplement: tick each requested paper as it arrives; all of them → back to processing."""
        requested = requested_items(dossier)
        if not requested:
            self.confirm(dossier, name)
            return

        def got(arrived: list[str] | None) -> None:
            if arrived:
                self.run(name, arrived=arrived)

        self.app.push_screen(
            ChecklistDialog(
                "Đánh dấu (Space) từng giấy tờ công dân đã nộp bổ sung, rồi Ctrl+S:",
                [(item, False) for item in requested],
                title="Nhận hồ sơ bổ sung",
                require_all=True,
            ),
            got,
        )

    def ask_new_due(self, dossier: Dossier, name: str) -> None:
        def answered(got: tuple[datetime, str] | None) -> None:
            if got:
                self.run(name, new_due=got[0], reason=got[1])

        self.app.push_screen(NewDueDialog(dossier.due_at), answered)

    def ask_collector(self, dossier: Dossier, name: str) -> None:
        def answered(got: tuple[str, str] | None) -> None:
            if got:
                self.run(name, collected_by=got[0], collected_id=got[1])

        self.app.push_screen(ReturnDialog(dossier.applicant.full_name, dossier.applicant.id_number), answered)

    def run(self, name: str, **kw: Any) -> None:
        self._act(name, kw)

    @work(thread=True, exclusive=True, group="dossier-act", exit_on_error=False, description="Chuyển trạng thái")
    def _act(self, name: str, kw: dict[str, Any]) -> None:
        """Worker: the action, then (for some) its counter form; each outcome goes back as a message."""
        app = self.onestop
        who = app.officer.username
        row = LIFECYCLE[name]
        dossier = row.run(app.services.dossiers, self.code, who, kw)
        self.post_message(self.Acted(name, dossier))
        if row.form:
            self._issue_form(row.form, who, kw)

    @on(Acted)
    def _acted(self, message: Acted) -> None:
        self.show(message.dossier)
        self.notify(f"Hồ sơ {message.dossier.code}: {message.dossier.status.label}.", timeout=4)
        if message.name == "return":  # the result is handed over: the citizen rates the service
            self.action_rate()

    def _issue_form(self, form: str, who: str, kw: dict[str, Any]) -> None:
        """Issue the counter form that goes with the action (worker thread; printing problems are warnings)."""
        from onestop.domain import FormKind
        from onestop.errors import OneStopError

        try:
            outcome = self.onestop.services.forms.issue(
                self.code,
                FormKind(form),
                officer=who,
                reason=kw.get("reason", ""),
                items=tuple(kw.get("items", ())),
                new_due=kw.get("new_due"),
            )
        except OneStopError as err:  # the action is done; only the paper is missing
            self.post_message(self.FormIssued(err.message or "Chưa in được phiếu.", False))
            return
        self.post_message(self.FormIssued(*describe_print(outcome, "phiếu")))

    @on(FormIssued)
    def _form_issued(self, message: FormIssued) -> None:
        self.notify(
            message.text,
            title="In phiếu",
            severity="information" if message.printed else "warning",
            timeout=5 if message.printed else 12,
        )
        self.reload()

    def action_rate(self) -> None:
        """The large-print rating screen; the choice is stored (audited, synced) in a worker."""
        from screens.rating import RatingScreen

        d = self.dossier
        if d is not None:
            self.app.push_screen(RatingScreen(d.code, d.procedure.name), self._rated_choice)

    def _rated_choice(self, choice: Any) -> None:
        if choice:
            self._rate(choice)

    @work(thread=True, exclusive=True, group="dossier-rate", exit_on_error=False, description="Ghi đánh giá")
    def _rate(self, choice: Any) -> None:
        """Worker: store the rating; failures reach the screen's worker-state handler like every action's."""
        app = self.onestop
        rating = app.services.ratings.rate(
            self.code,
            choice.level,
            actor=app.officer.username,
            reason=choice.reason,
            declined=choice.declined,
            via="screen",
        )
        self.post_message(self.Rated(rating.label))

    @on(Rated)
    def _rated(self, message: Rated) -> None:
        self.notify(f"Đã ghi đánh giá: {message.label}.", timeout=4)
        self.reload()

    def action_attach_result(self) -> None:
        """Số hóa kết quả: the officer picks the scanned result (scanner folder or a path); stored in a worker."""
        d = self.dossier
        if d is not None:
            folder = self.onestop.services.settings.scanner_folder
            self.app.push_screen(ResultFileDialog(d.code, folder), self._result_file_chosen)

    def _result_file_chosen(self, path: str | None) -> None:
        if path:
            self._attach_result(path)

    @work(thread=True, exclusive=True, group="dossier-result", exit_on_error=False, description="Số hóa kết quả")
    def _attach_result(self, path: str) -> None:
        """Worker: copy, record and queue the result file; a refusal reaches the worker-state handler."""
        app = self.onestop
        dossier = app.services.digitisation.attach_result(self.code, Path(path), actor=app.officer.username)
        self.post_message(self.ResultAttached(dossier))

    @on(ResultAttached)
    def _result_attached(self, message: ResultAttached) -> None:
        self.show(message.dossier)
        latest = message.dossier.result_files[-1].file_name if message.dossier.result_files else ""
        self.notify(f"Đã số hóa kết quả hồ sơ {message.dossier.code}: {latest}.", timeout=5)

    def action_print_declaration(self) -> None:
        from screens.intake.declaration import print_declaration

        if self.dossier is not None and self.dossier.declaration is not None:
            print_declaration(self, self.code)

    def action_reprint(self) -> None:
        if self.dossier is not None:
            self._reprint()

    @work(thread=True, exclusive=True, group="dossier-print", exit_on_error=False, description="In lại phiếu")
    def _reprint(self) -> None:
        from onestop.errors import OneStopError

        app = self.onestop
        try:
            outcome = app.services.forms.issue_receipt(self.code, app.officer.username)
        except OneStopError as err:
            self.post_message(self.FormIssued(err.message or "Chưa in được.", False))
            return
        self.post_message(self.FormIssued(*describe_print(outcome)))


Asker = Callable[[DossierScreen, "Dossier", str], None]
Runner = Callable[["DossierService", str, str, dict[str, Any]], "Dossier"]


TIMELINE_COLUMNS = (
    Col("Bước"),
    Col("Thời điểm", give=4, floor=11),
    Col("Trạng thái", give=7, floor=12),
    Col("Cán bộ"),
    Col("Lý do / ghi chú", give=6, floor=14),
    Col("Hẹn trả mới", give=3, floor=10),
)
"""The status history's columns by priority (screens.widgets.columns); the state and the reason wrap, never cut."""
TIMELINE_WRAPS = (2, 4)
FORMS_COLUMNS = (
    Col("Phiếu", give=5, floor=16),
    Col("Thời điểm", give=4, floor=11),
    Col("Cán bộ"),
    Col("Số liên"),
    Col("Tình trạng"),
)
"""The printed forms' columns: the time loses its year first, then the form's name wraps."""
FORMS_WRAPS = (0,)


def _cut(text: str, width: int) -> str:
    """`text` in at most `width` cells, "…" marking a cut."""
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def _results_text(d: Dossier) -> Text:
    """The digitised result (số hóa kết quả): its files, or nothing before the result exists."""
    if d.result_files:
        names = ", ".join(a.file_name for a in d.result_files)
        return Text(f"Kết quả đã số hóa ({len(d.result_files)} tệp): {names}")
    if d.status.value in ("result_ready", "returned"):
        return Text("Kết quả chưa số hóa — nhấn D để gắn tệp quét kết quả.", style="italic")
    return Text("")


def _declaration_text(d: Any) -> Text:
    """The declaration (tờ khai) the dossier was received with: its form and the persons it names."""
    declaration = getattr(d, "declaration", None)
    if declaration is None:
        return Text("")
    from onestop.declarations.values import persons_text

    text = Text()
    text.append(f"Tờ khai: {declaration.title or declaration.form}", style="bold")
    text.append(f"  (mẫu {declaration.form}, phiên bản {declaration.version})")
    for line in persons_text(declaration.persons):
        text.append(f"\n{line}")
    return text


@dataclass(frozen=True)
class LifecycleRow:
    """How the dossier screen carries out one of the lifecycle's actions."""

    ask: Asker
    """Which dialog asks for what the action needs (its answer calls `DossierScreen.run`)."""
    run: Runner
    """The service call, in a worker: (dossiers, code, officer, answers) → the changed dossier."""
    form: str | None = None
    """The counter form printed after it succeeds (a `FormKind` value)."""


def requested_items(dossier: Dossier) -> list[str]:
    """The papers the latest supplement request asked for (from its event note "Cần bổ sung: a; b")."""
    from onestop.domain import Status

    for event in reversed(dossier.events):
        if event.to_status is Status.SUPPLEMENT:
            _, _, listed = event.note.partition("Cần bổ sung:")
            return [item.strip() for item in listed.split(";") if item.strip()]
    return []


def _receive_supplement(dossiers: DossierService, code: str, who: str, kw: dict[str, Any]) -> Dossier:
    if not kw.get("arrived"):
        return dossiers.receive_supplement(code, who)
    from onestop.domain import Status

    reason = "Đã nhận đủ hồ sơ bổ sung: " + "; ".join(kw["arrived"])
    return dossiers.transition(code, Status.IN_PROGRESS, actor=who, reason=reason[:500])


def _move_to(name: str) -> Runner:
    def run(dossiers: DossierService, code: str, who: str, kw: dict[str, Any]) -> Dossier:
        from onestop.services.lifecycle import ACTIONS_BY_NAME

        target = ACTIONS_BY_NAME[name].target
        assert target is not None
        return dossiers.transition(code, target, actor=who)

    return run


# keyed by `onestop.services.lifecycle.ACTIONS` (a test keeps the two in step)
LIFECYCLE: dict[str, LifecycleRow] = {
    "supplement": LifecycleRow(
        DossierScreen.ask_supplement,
        lambda d, code, who, kw: d.request_supplement(code, kw["items"], kw["reason"], who),
        form="supplement",
    ),
    "supplement_received": LifecycleRow(DossierScreen.ask_arrived, _receive_supplement),
    "in_progress": LifecycleRow(DossierScreen.confirm, _move_to("in_progress")),
    "financial": LifecycleRow(DossierScreen.confirm, _move_to("financial")),
    "reject": LifecycleRow(
        DossierScreen.ask_reason, lambda d, code, who, kw: d.reject(code, kw["reason"], who), form="rejection"
    ),
    "withdraw": LifecycleRow(DossierScreen.ask_reason, lambda d, code, who, kw: d.withdraw(code, kw["reason"], who)),
    "stop": LifecycleRow(
        DossierScreen.ask_reason, lambda d, code, who, kw: d.stop(code, kw["reason"], who), form="stop"
    ),
    "apology": LifecycleRow(
        DossierScreen.ask_new_due,
        lambda d, code, who, kw: d.apologise(code, kw["new_due"], kw["reason"], who),
        form="apology",
    ),
    "result_ready": LifecycleRow(DossierScreen.confirm, lambda d, code, who, kw: d.result_ready(code, who)),
    "return": LifecycleRow(
        DossierScreen.ask_collector,
        lambda d, code, who, kw: d.return_result(
            code, collected_by=kw["collected_by"], collected_id_number=kw["collected_id"], actor=who
        ),
    ),
    "accept": LifecycleRow(DossierScreen.confirm, _move_to("accept")),
}


def _escape_keep_bold(markup: str) -> Text:
    """Render our own [b]…[/b] while keeping citizens' text literal (square brackets in an address stay)."""
    out = Text()
    bold = False
    for part in markup.replace("[/b]", "\x00/b\x00").replace("[b]", "\x00b\x00").split("\x00"):
        if part == "b":
            bold = True
        elif part == "/b":
            bold = False
        else:
            out.append(part, style="bold" if bold else "")
    return out
