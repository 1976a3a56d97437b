"""What every screen shares: the typed way to the app, one worker-failure handler, date and money formatting."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from textual import on
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from onestop.services.forms import PrintOutcome
    from screens.app import OneStopApp


def onestop_app(node: DOMNode) -> OneStopApp:
    """The running `OneStopApp`, typed (posting: `cast("Posting", self.app)`); the one way screens reach it."""
    return cast("OneStopApp", node.app)


class AppAccess:
    """Mixin for screens and widgets: `self.onestop` is the typed app (services, officer, clock)."""

    @property
    def onestop(self) -> OneStopApp:
        return onestop_app(cast(DOMNode, self))


@runtime_checkable
class LargePrint(Protocol):
    """A screen with a citizen-facing large view: the app offers F9 on it and calls this hook."""

    def toggle_large_print(self) -> None:
        """Show or hide the large view (the citizen reads their data from it)."""


@runtime_checkable
class SyncAware(Protocol):
    """A screen that shows sync state: the app calls this after every status reading or sync run."""

    def sync_status_changed(self) -> None:
        """Repaint from `OneStopApp.sync_text` / `sync_status`."""


@runtime_checkable
class KeepsDraft(Protocol):
    """A screen holding typed-in work: the app calls this before locking the counter."""

    def save_draft_now(self) -> None:
        """Write the draft now (synchronously)."""


class OneStopScreen(AppAccess, Screen[None]):
    """Base of the counter's screens: the typed app, and one `Worker.StateChanged` handler (harlequin's pattern).

    A worker that raises a `OneStopError` becomes a notification with its Vietnamese title and message; anything else
    is logged privately and shown in the error dialog. Screens override `worker_failed` to add their own reaction
    (e.g. write the message where the data would have been) and then call `super().worker_failed(...)`.
    """

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        """Every screen's `Footer()` wraps its keys onto more lines on a narrow terminal instead of cutting them."""
        from textual.widgets import Footer

        from screens.widgets.footer import CounterFooter

        widgets = [CounterFooter(id=w.id) if type(w) is Footer else w for w in widgets]
        await super().mount_composed_widgets(widgets)

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.worker_failed(event.worker, event.worker.error)

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        report_failure(self, error, what=worker.description)


def error_text(error: BaseException, fallback: str) -> str:
    """The Vietnamese message of a `OneStopError`; `fallback` (naming the error's type) for anything else."""
    from onestop.errors import OneStopError

    return error.message if isinstance(error, OneStopError) else f"{fallback} ({type(error).__name__})."


def report_failure(node: DOMNode, error: BaseException, *, what: str = "") -> None:
    """A `OneStopError` as a notification; anything else logged and shown in the error dialog."""
    from onestop.errors import OneStopError

    app = onestop_app(node)
    if isinstance(error, OneStopError):
        app.notify(error.message, title=error.title, severity="error", timeout=10)
        return
    from screens.dialogs import ErrorDialog

    log = app.log_unexpected(error)
    doing = f" khi {what.lower()}" if what else ""
    app.push_screen(
        ErrorDialog(
            f"Lỗi không mong đợi{doing} ({type(error).__name__}). Dữ liệu đã lưu vẫn an toàn; chi tiết đã ghi vào {log}.",
            detail=str(error),
        )
    )


def fmt_date(value: date | None) -> str:
    """dd/MM/yyyy, or an em dash."""
    from onestop.formats import date_vn

    return date_vn(value)


def fmt_datetime(value: datetime | None) -> str:
    """`HH giờ mm phút, ngày dd/MM/yyyy` as printed on the receipt."""
    from onestop.formats import datetime_long

    return datetime_long(value)


def fmt_short(value: datetime | None) -> str:
    """`HH:MM dd/MM/yyyy`, compact for tables."""
    from onestop.formats import datetime_short

    return datetime_short(value)


def fmt_money(amount: int | None) -> str:
    """Vietnamese đồng with dot separators, or "chưa có"."""
    from onestop.formats import money_vnd

    return money_vnd(amount)


def describe_print(outcome: PrintOutcome, form_label: str = "giấy tiếp nhận") -> tuple[str, bool]:
    """What the officer is told after a form went to the printer: (text, printed). The PDF is always kept."""
    code = outcome.code
    if outcome.printed:
        return (f"Đã gửi {form_label} {code} tới máy in {outcome.printer} (lệnh {outcome.job_id}).", True)
    again = {"receipt": "Nhấn F8 để in lại.", "declaration": "Nhấn I để in lại."}.get(
        outcome.form.value, f"In lại: onestop receipt {code} --form {outcome.form.value} --print."
    )
    return (
        f"Hồ sơ {code} đã lưu; chưa in được {form_label}: {outcome.message} Bản PDF: {outcome.pdf_path}. {again}",
        False,
    )
