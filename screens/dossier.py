"""One dossier: all its data, documents, fees, status timeline, printed forms and sync state; every action on a key.

The footer shows only the actions legal for the current status (the lifecycle table decides). Each action asks
for what it needs in a modal (reason, papers, new date, who collected), then runs the service in a worker.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, Static

from screens.common import describe_print, fmt_date, fmt_money, fmt_short
from screens.dialogs import DIALOG_CSS, ConfirmDialog, ErrorDialog, ReasonDialog

# action name (lifecycle.ACTIONS) → the counter form printed after it succeeds
FORM_AFTER = {"supplement": "supplement", "reject": "rejection", "apology": "apology", "stop": "stop"}


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
        from onestop.domain import VN_TZ
        from onestop.text import clean

        raw = self.query_one("#newdue-date", Input).value.strip()
        reason = clean(self.query_one("#newdue-reason", Input).value)
        error = self.query_one("#newdue-error", Static)
        parsed = None
        for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
            try:
                parsed = datetime.strptime(raw, fmt)
                if fmt == "%d/%m/%Y":
                    parsed = parsed.replace(hour=17)
                break
            except ValueError:
                continue
        if parsed is None:
            error.update("Ngày giờ không hợp lệ (dd/mm/yyyy HH:MM).")
        elif not reason:
            error.update("Cần ghi lý do xin lỗi, hẹn lại.")
        else:
            self.dismiss((parsed.replace(tzinfo=VN_TZ), reason))

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


class DossierScreen(Screen[None]):
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
        Binding("f8", "reprint", "In lại", show=False, tooltip="In lại giấy tiếp nhận", id="dossier.reprint-f8"),
        Binding("escape", "back", "Quay lại", tooltip="Quay lại màn hình trước", id="dossier.back"),
    ]

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.dossier: Any = None
        self.error = ""
        self.loaded = asyncio.Event()
        """Set whenever the dossier (re)loaded and painted; tests wait on it."""

    def compose(self) -> ComposeResult:
        try:
            from screens.widgets.status_bar import StatusBar

            yield StatusBar()
        except ImportError:  # pragma: no cover
            pass
        with VerticalScroll(id="dossier-body"):
            yield Static(f"Đang mở hồ sơ {self.code}…", id="dossier-head")
            with Horizontal(id="dossier-columns"):
                yield Static("", id="dossier-applicant", classes="box")
                yield Static("", id="dossier-procedure", classes="box")
            yield Label("Thành phần hồ sơ", classes="section-title")
            yield DataTable(id="dossier-documents", cursor_type="row", show_cursor=False)
            yield Static("", id="dossier-fees")
            yield Label("Tiến trình xử lý", classes="section-title")
            yield DataTable(id="dossier-timeline", cursor_type="row")
            yield Label("Phiếu đã in", classes="section-title")
            yield DataTable(id="dossier-forms", cursor_type="row", show_cursor=False)
            yield Static("", id="dossier-sync")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#dossier-documents", DataTable).add_columns("TT", "Tên giấy tờ", "Loại", "Số lượng", "Số hóa")
        self.query_one("#dossier-timeline", DataTable).add_columns(
            "Bước", "Thời điểm", "Trạng thái", "Cán bộ", "Lý do / ghi chú", "Hẹn trả mới"
        )
        self.query_one("#dossier-forms", DataTable).add_columns("Phiếu", "Thời điểm", "Cán bộ", "Số liên", "Tình trạng")
        self.reload()

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        self.loaded.clear()
        self._load()

    @work(thread=True, exclusive=True, group="dossier-load", exit_on_error=False, description="Đọc hồ sơ")
    def _load(self) -> None:
        app: Any = self.app
        try:
            dossier = app.services.dossiers.get(self.code, actor=app.officer.username)
        except Exception as exc:
            message = getattr(exc, "message", "") or f"Không mở được hồ sơ ({type(exc).__name__})."
            app.call_from_thread(self._show_error, message)
            return
        app.call_from_thread(self.show, dossier)

    def _show_error(self, message: str) -> None:
        self.error = message
        self.query_one("#dossier-head", Static).update(Text(message, style="bold red"))
        self.refresh_bindings()
        self.loaded.set()

    def now(self) -> datetime:
        app: Any = self.app
        if hasattr(app, "now"):
            return app.now()
        from onestop.domain import now_vn

        return now_vn()

    def show(self, d: Any) -> None:
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
        head.append(f"\nTiếp nhận: {fmt_short(d.received_at)}    Hẹn trả: ")
        head.append(fmt_short(d.due_at), style="bold red" if overdue else "bold")
        if d.due_reason:
            head.append(f"\n{d.due_reason}", style="italic")
        if d.returned_at:
            head.append(
                f"\nĐã trả lúc {fmt_short(d.returned_at)} cho {d.collected_by or '—'}"
                f"{' (' + d.collected_id_number + ')' if d.collected_id_number else ''}"
            )
        self.query_one("#dossier-head", Static).update(head)
        a = d.applicant
        applicant = (
            f"[b]Người nộp[/b]\n{a.full_name}\nSố định danh: {a.id_number or '—'}\n"
            f"Ngày sinh: {fmt_date(a.birth_date)}  {a.gender}\nĐịa chỉ: {a.address or '—'}\n"
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
        docs = self.query_one("#dossier-documents", DataTable)
        docs.clear()
        for i, doc in enumerate(d.documents, 1):
            docs.add_row(
                str(i), doc.name, doc.kind.label, str(doc.count), ", ".join(x.file_name for x in doc.attachments) or "—"
            )
        fees = (
            "; ".join(
                f"{p.label}: {fmt_money(p.amount_vnd)}" + (f" (miễn: {p.exemption})" if p.exemption else "")
                for p in d.payments
            )
            or "Không thu phí"
        )
        self.query_one("#dossier-fees", Static).update(Text(f"Phí, lệ phí: {fees}"))
        timeline = self.query_one("#dossier-timeline", DataTable)
        timeline.clear()
        for e in d.events:
            note = " — ".join(x for x in (e.reason, e.note) if x)
            timeline.add_row(
                str(e.seq),
                fmt_short(e.at),
                e.to_status.label,
                e.officer,
                note or "—",
                fmt_short(e.new_due) if e.new_due else "",
            )
        forms = self.query_one("#dossier-forms", DataTable)
        forms.clear()
        for f in d.forms:
            forms.add_row(
                f.form.title.capitalize(),
                fmt_short(f.at),
                f.officer,
                str(f.copies),
                {"archived": "Đã lưu PDF", "printed": "Đã in", "failed": "In lỗi"}.get(f.status, f.status),
            )
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
        self.loaded.set()

    # ------------------------------------------------------------------ which keys are live

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            if self.dossier is None:
                return False
            from onestop.services.lifecycle import action_allowed

            return action_allowed(self.dossier.status, str(parameters[0]))
        if action == "reprint":
            return self.dossier is not None
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    # ------------------------------------------------------------------ actions

    def action_act(self, name: str) -> None:
        d = self.dossier
        if d is None:
            return
        if name == "supplement":

            def got_items(items: str | None) -> None:
                if items is None:
                    return
                parts = [p.strip() for p in items.split(";") if p.strip()]
                self.app.push_screen(
                    ReasonDialog("Lý do yêu cầu bổ sung:", title="Yêu cầu bổ sung"),
                    lambda reason: reason and self._run("supplement", items=parts, reason=reason),
                )

            self.app.push_screen(
                ReasonDialog("Giấy tờ cần bổ sung (ngăn cách bằng dấu ;):", title="Yêu cầu bổ sung, hoàn thiện hồ sơ"),
                got_items,
            )
        elif name in ("reject", "withdraw", "stop"):
            titles = {"reject": "Từ chối tiếp nhận hồ sơ", "withdraw": "Công dân rút hồ sơ", "stop": "Dừng xử lý hồ sơ"}
            self.app.push_screen(
                ReasonDialog("Lý do:", title=titles[name]), lambda reason: reason and self._run(name, reason=reason)
            )
        elif name == "apology":
            self.app.push_screen(
                NewDueDialog(d.due_at), lambda got: got and self._run("apology", new_due=got[0], reason=got[1])
            )
        elif name == "return":
            self.app.push_screen(
                ReturnDialog(d.applicant.full_name, d.applicant.id_number),
                lambda got: got and self._run("return", collected_by=got[0], collected_id=got[1]),
            )
        else:
            from onestop.services.lifecycle import ACTIONS_BY_NAME

            label = ACTIONS_BY_NAME[name].label
            self.app.push_screen(
                ConfirmDialog(f"{label} cho hồ sơ {d.code}?", title=label), lambda yes: yes and self._run(name)
            )

    def _run(self, name: str, **kw: Any) -> None:
        self.loaded.clear()
        self._act(name, kw)

    @work(thread=True, exclusive=True, group="dossier-act", exit_on_error=False, description="Chuyển trạng thái")
    def _act(self, name: str, kw: dict[str, Any]) -> None:
        from onestop.domain import Status

        app: Any = self.app
        who = app.officer.username
        dossiers = app.services.dossiers
        code = self.code
        try:
            if name == "supplement":
                d = dossiers.request_supplement(code, kw["items"], kw["reason"], who)
            elif name == "supplement_received":
                d = dossiers.receive_supplement(code, who)
            elif name == "reject":
                d = dossiers.reject(code, kw["reason"], who)
            elif name == "withdraw":
                d = dossiers.withdraw(code, kw["reason"], who)
            elif name == "stop":
                d = dossiers.stop(code, kw["reason"], who)
            elif name == "apology":
                d = dossiers.apologise(code, kw["new_due"], kw["reason"], who)
            elif name == "result_ready":
                d = dossiers.result_ready(code, who)
            elif name == "return":
                d = dossiers.return_result(
                    code, collected_by=kw["collected_by"], collected_id_number=kw["collected_id"], actor=who
                )
            else:
                target = {"in_progress": Status.IN_PROGRESS, "financial": Status.FINANCIAL, "accept": Status.RECEIVED}[
                    name
                ]
                d = dossiers.transition(code, target, actor=who)
        except Exception as exc:
            app.call_from_thread(self._failed, exc)
            return
        app.call_from_thread(self.show, d)
        app.call_from_thread(self.notify, f"Hồ sơ {d.code}: {d.status.label}.", timeout=4)
        form = FORM_AFTER.get(name)
        if form:
            self._print_form(form, kw)

    def _failed(self, exc: Exception) -> None:
        from onestop.errors import OneStopError

        if isinstance(exc, OneStopError):
            self.notify(exc.message, title=exc.title, severity="error", timeout=8)
        else:
            self.app.push_screen(
                ErrorDialog(f"Không thực hiện được ({type(exc).__name__}). Không có gì bị thay đổi.", detail=str(exc))
            )
        self.loaded.set()

    def _print_form(self, form: str, kw: dict[str, Any]) -> None:
        """Issue the counter form that goes with the action (worker thread; printing problems are warnings)."""
        from onestop.domain import FormKind

        app: Any = self.app
        forms = _optional(app.services, "forms")
        if forms is None or not hasattr(forms, "issue"):
            return
        try:
            outcome = forms.issue(
                self.code,
                FormKind(form),
                officer=app.officer.username,
                reason=kw.get("reason", ""),
                items=tuple(kw.get("items", ())),
                new_due=kw.get("new_due"),
            )
            message, printed = describe_print(outcome, "phiếu")
            app.call_from_thread(
                self.notify, message, severity="information" if printed else "warning", timeout=5 if printed else 12
            )
        except Exception as exc:
            app.call_from_thread(
                self.notify,
                getattr(exc, "message", "") or f"Chưa in được phiếu ({type(exc).__name__}).",
                severity="warning",
                timeout=8,
            )
        app.call_from_thread(self.reload)

    def action_reprint(self) -> None:
        if self.dossier is not None:
            self._reprint()

    @work(thread=True, exclusive=True, group="dossier-print", exit_on_error=False, description="In lại phiếu")
    def _reprint(self) -> None:
        app: Any = self.app
        forms = _optional(app.services, "forms")
        if forms is None:
            app.call_from_thread(self.notify, "Chức năng in phiếu chưa sẵn sàng trên máy này.", severity="warning")
            return
        try:
            message, printed = describe_print(forms.issue_receipt(self.code, app.officer.username))
            app.call_from_thread(
                self.notify, message, severity="information" if printed else "warning", timeout=5 if printed else 12
            )
        except Exception as exc:
            app.call_from_thread(
                self.notify,
                getattr(exc, "message", "") or f"Chưa in được ({type(exc).__name__}).",
                severity="warning",
                timeout=8,
            )
        app.call_from_thread(self.reload)


def _optional(services: Any, name: str) -> Any:
    from screens.common import optional_service

    return optional_service(services, name)


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
