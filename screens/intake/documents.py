"""Step 3: the documents checklist of the procedure, the citizen's earlier digitised papers offered for reuse, and
the scanner folder's newest files. A no-paper procedure (Chỉ thị 24/CT-TTg) takes no paper components and says why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from screens.intake.base import IntakeStep
from screens.widgets.documents import DocLine, DocumentsPanel, conditional

if TYPE_CHECKING:
    from onestop.domain import Procedure


class DocumentsStep(IntakeStep):
    """Space ticks what was received, K the kind, +/- the count, A adds a paper, F attaches a scanned file,
    R reuses the citizen's earlier digitised paper of the same kind."""

    DEFAULT_CSS = """
    DocumentsStep #docs-no-paper { height: auto; border: round $warning; padding: 0 1; display: none; }
    DocumentsStep #docs-no-paper.-shown { display: block; }
    DocumentsStep #documents-error { height: auto; color: $error; display: none; }
    DocumentsStep #documents-error.-shown { display: block; }
    """

    KEY = "documents"
    LABEL = "Giấy tờ"
    FIELDS = frozenset({"documents", "attachments"})
    FIRST_FOCUS = "#docs-table"

    def __init__(self) -> None:
        super().__init__()
        self.no_paper = ""
        """Why this procedure takes no paper components (Chỉ thị 24/CT-TTg), or "" for an ordinary one."""
        self._offers_for = ""
        """The ID number whose earlier digitised papers are offered now."""

    def compose(self) -> ComposeResult:
        yield Static("", id="docs-no-paper")
        yield Static("", id="documents-error")
        yield DocumentsPanel(id="docs-panel")

    @property
    def panel(self) -> DocumentsPanel:
        return self.query_one(DocumentsPanel)

    def received(self) -> list[DocLine]:
        return [line for line in self.panel.lines if line.received]

    def procedure_changed(self, procedure: Procedure) -> None:
        from onestop.catalog_flags import no_paper_reason

        self.no_paper = no_paper_reason(procedure.code)
        self._offers_for = ""
        banner = self.query_one("#docs-no-paper", Static)
        banner.update(
            "KHÔNG THU GIẤY TỜ — " + self.no_paper + "\nChỉ ghi giấy tờ công dân xuất trình (không giữ lại); "
            "ở bước sau chọn «Nộp trực tuyến thay công dân» và ghi nhận sự đồng ý."
            if self.no_paper
            else ""
        )
        banner.set_class(bool(self.no_paper), "-shown")
        if self.no_paper:  # nothing is collected: every paper is at most shown, and none is ticked beforehand
            lines = [DocLine(d.name, "present_only", d.count, received=False) for d in procedure.documents]
        else:
            lines = [
                DocLine(d.name, d.kind.value, d.count, received=not conditional(d.name)) for d in procedure.documents
            ]
        self.panel.set_lines(lines)
        self.intake.set_error("documents", "")

    def enter(self) -> None:
        self.panel.load_files(self.onestop.services.settings.scanner_folder)
        self.offer_reuse()
        # the lines were laid out while the step was hidden: fit the names to the table's real width
        self.call_after_refresh(self.panel.show_lines)

    def offer_reuse(self) -> None:
        """A known citizen's earlier digitised papers of the same names, still valid, offered for reuse (R)."""
        from screens.intake.applicant import ApplicantStep

        id_number = self.intake.step_of(ApplicantStep).applicant.value("id_number").strip()
        if self.no_paper or len(id_number) != 12 or not id_number.isdigit():
            offers = []
        elif id_number == self._offers_for:
            return
        else:
            offers = self.onestop.services.digitisation.reusable(id_number)
        self._offers_for = id_number
        self.panel.set_reusable(offers)

    @on(DataTable.RowSelected, "#docs-table")
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.intake.action_next_step()

    def check(self) -> bool:
        """A no-paper procedure keeps only papers shown, never collected."""
        kept = [line.name for line in self.received() if line.kind != "present_only"]
        message = ""
        if self.no_paper and kept:
            message = (
                f"Không nhận giấy tờ «{kept[0][:60]}»: thủ tục thuộc danh mục không yêu cầu nộp giấy tờ "
                "(Chỉ thị 24/CT-TTg). Bỏ đánh dấu (Space) hoặc chọn loại «Xuất trình» (K)."
            )
        self.intake.set_error("documents", message)
        return not message

    def fill_draft(self, values: dict[str, Any]) -> None:
        from onestop.domain import DocKind, DocumentLine

        docs = self.received()
        values["documents"] = tuple(DocumentLine(d.name, DocKind(d.kind), d.count) for d in docs)
        values["attachments"] = tuple((i, f) for i, d in enumerate(docs) for f in d.files)

    def after_save(self, code: str) -> None:
        """Record each reuse on the saved dossier (linked files, source dossier, audited, synced, counted)."""
        from onestop.errors import OneStopError

        services = self.onestop.services
        for position, line in enumerate(self.received(), start=1):
            if not line.reuse_from:
                continue
            try:
                services.digitisation.reuse(code, position, line.reuse_from, actor=self.intake.officer_name)
            except OneStopError as err:
                self.app.notify(
                    f"Hồ sơ {code} đã lưu nhưng chưa ghi được tái sử dụng «{line.name[:40]}»: {err.message}",
                    severity="warning",
                    timeout=12,
                )

    def save_state(self, state: dict[str, Any]) -> None:
        state["docs"] = [line.as_dict() for line in self.panel.lines]

    def restore_state(self, data: dict[str, Any]) -> None:
        lines = [
            DocLine(
                d["name"],
                d.get("kind", "original"),
                int(d.get("count", 1)),
                bool(d.get("received", True)),
                list(d.get("files") or []),
                str(d.get("reuse_from") or ""),
            )
            for d in data.get("docs") or []
            if d.get("name")
        ]
        if lines:
            self.panel.set_lines(lines)
