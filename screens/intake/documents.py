"""Step 3: the documents checklist of the procedure and the scanner folder's newest files."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable

from screens.intake.base import IntakeStep
from screens.widgets.documents import DocLine, DocumentsPanel, conditional

if TYPE_CHECKING:
    from onestop.domain import Procedure


class DocumentsStep(IntakeStep):
    """Space ticks what was received, K the kind, +/- the count, A adds a paper, F attaches a scanned file."""

    KEY = "documents"
    LABEL = "Giấy tờ"
    FIELDS = frozenset({"documents", "attachments"})
    FIRST_FOCUS = "#docs-table"

    def compose(self) -> ComposeResult:
        yield DocumentsPanel(id="docs-panel")

    @property
    def panel(self) -> DocumentsPanel:
        return self.query_one(DocumentsPanel)

    def received(self) -> list[DocLine]:
        return [line for line in self.panel.lines if line.received]

    def procedure_changed(self, procedure: Procedure) -> None:
        self.panel.set_lines(
            [DocLine(d.name, d.kind.value, d.count, received=not conditional(d.name)) for d in procedure.documents]
        )

    def enter(self) -> None:
        self.panel.load_files(self.onestop.services.settings.scanner_folder)

    @on(DataTable.RowSelected, "#docs-table")
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.intake.action_next_step()

    def fill_draft(self, values: dict[str, Any]) -> None:
        from onestop.domain import DocKind, DocumentLine

        docs = self.received()
        values["documents"] = tuple(DocumentLine(d.name, DocKind(d.kind), d.count) for d in docs)
        values["attachments"] = tuple((i, f) for i, d in enumerate(docs) for f in d.files)

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
            )
            for d in data.get("docs") or []
            if d.get("name")
        ]
        if lines:
            self.panel.set_lines(lines)
