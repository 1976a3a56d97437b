"""The documents checklist (original/copy/present-only, counts, extras, reuse of earlier digitised papers) and the
scanner-folder file picker."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, OptionList, Static
from textual.widgets.option_list import Option

KINDS = ("original", "copy", "present_only")
CONDITIONAL_RE = re.compile(r"\((?:chỉ khi|nếu)\b|,\s*nếu có\b", re.IGNORECASE)
"""A paper needed only in some cases: "(chỉ khi …)", "(nếu nộp thay)", "…, nếu có"."""


def conditional(name: str) -> bool:
    """Whether a catalog paper is needed only in some cases (it starts unticked: the officer ticks it if brought)."""
    return bool(CONDITIONAL_RE.search(name))


COLUMNS = ("Nhận", "Giấy tờ", "Loại", "SL", "Tệp")
KIND_LABELS = {"original": "Bản chính", "copy": "Bản sao", "present_only": "Xuất trình"}


@dataclass
class DocLine:
    """One line of the checklist as the officer edits it."""

    name: str
    kind: str = "original"
    count: int = 1
    received: bool = True
    files: list[str] = field(default_factory=list)
    reuse_from: str = ""
    """Code of the citizen's earlier dossier whose digitised paper is reused instead of a new one (R)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "count": self.count,
            "received": self.received,
            "files": list(self.files),
            "reuse_from": self.reuse_from,
        }


def newest_files(folder: str, limit: int = 20) -> list[Path]:
    """The most recently modified regular files in the scanner folder (none if unset or unreadable)."""
    if not folder:
        return []
    try:
        entries = [e for e in os.scandir(folder) if e.is_file() and not e.name.startswith(".")]
    except OSError:
        return []
    entries.sort(key=lambda e: e.stat().st_mtime, reverse=True)
    return [Path(e.path) for e in entries[:limit]]


class DocumentsPanel(Horizontal):
    """Left: the checklist (Space toggles, K kind, +/- count, A adds). Right: scanned files (Enter or F attaches)."""

    DEFAULT_CSS = """
    DocumentsPanel { height: 1fr; }
    DocumentsPanel #docs-left { width: 2fr; }
    DocumentsPanel #docs-right { width: 1fr; margin-left: 1; }
    DocumentsPanel DataTable { height: 1fr; }
    DocumentsPanel OptionList { height: 1fr; }
    DocumentsPanel #docs-reuse-note { height: auto; color: $success; display: none; }
    DocumentsPanel #docs-reuse-note.-shown { display: block; }
    """
    BINDINGS = [
        # first, so that a narrow footer still shows it (offered only when there is something to reuse)
        Binding(
            "r",
            "reuse",
            "Tái sử dụng",
            tooltip="Dùng lại bản số hóa của công dân từ hồ sơ trước (không cần nộp lại giấy)",
            id="docs.reuse",
        ),
        Binding("space", "tick", "Đánh dấu", tooltip="Đánh dấu đã nhận / chưa nhận", id="docs.toggle"),
        Binding("k", "cycle_kind", "Loại", tooltip="Bản chính / bản sao / xuất trình", id="docs.kind"),
        Binding("plus,equals_sign", "count(1)", "Tăng SL", tooltip="Tăng số lượng", id="docs.more"),
        Binding("minus", "count(-1)", "Giảm SL", tooltip="Giảm số lượng", id="docs.less"),
        Binding("a", "add", "Thêm giấy tờ", tooltip="Thêm giấy tờ ngoài danh mục", id="docs.add"),
        Binding("f", "attach", "Gắn tệp", tooltip="Gắn tệp số hóa đang chọn vào dòng giấy tờ", id="docs.attach"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[DocLine] = []
        self.files: list[Path] = []
        self.reusable: dict[str, Any] = {}
        """Paper name → `Reusable`: the citizen's earlier digitised components still valid for reuse."""

    def compose(self) -> ComposeResult:
        with Vertical(id="docs-left"):
            yield Label("Thành phần hồ sơ — Space: đã nhận · K: loại · +/-: SL · A: thêm · PgDn: tiếp")
            yield DataTable(id="docs-table", cursor_type="row")
            yield Static("", id="docs-reuse-note")
        with Vertical(id="docs-right"):
            yield Label("Tệp số hóa mới nhất — Enter/F: gắn vào dòng đang chọn")
            yield OptionList(id="docs-files")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)

    def on_resize(self) -> None:
        if self.lines:
            self.show_lines()

    def _name_width(self) -> int:
        """Room left for a paper's name so that kind, count and files stay on screen (K, +/- act on them)."""
        width = self.query_one(DataTable).scrollable_content_region.width
        if width <= 0:
            return 46
        # the other columns ("Nhận", "Xuất trình", "SL", "Tệp") plus one cell of padding either side of each column
        return max(20, min(70, width - (4 + 10 + 2 + 3) - 5 * 2))

    def set_lines(self, lines: list[DocLine]) -> None:
        self.lines = lines
        self.show_lines()

    def show_lines(self, keep_row: int | None = None) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row if keep_row is None else keep_row
        table.clear(columns=True)  # a column keeps its widest width otherwise: SL and Tệp would leave the screen
        room = self._name_width()
        names = [Text(line.name) for line in self.lines]
        for label in COLUMNS:  # a long name wraps in its column (it was cut at 80 columns: "Giấy tờ tùy thân của …")
            width = min(room, max((name.cell_len for name in names), default=0)) if label == "Giấy tờ" else None
            table.add_column(label, width=max(width, len(label)) if width is not None else None)
        for line, name in zip(self.lines, names, strict=True):
            table.add_row(
                "☑" if line.received else "☐",
                name,
                KIND_LABELS[line.kind],
                str(line.count),
                self._files_cell(line),
                height=len(name.wrap(self.app.console, room)),
            )
        if self.lines:
            table.move_cursor(row=max(0, min(row, len(self.lines) - 1)))
        self.show_reuse_note()

    def _files_cell(self, line: DocLine) -> str:
        """Scanned files attached; "TSD" once reused; "R?" while an earlier digitised paper may be reused."""
        if line.reuse_from:
            return "TSD"
        if line.files:
            return str(len(line.files))
        return "R?" if line.name in self.reusable else ""

    def set_reusable(self, offers: list[Any]) -> None:
        """The citizen's earlier digitised papers (`Reusable`); a chosen reuse no longer offered is dropped."""
        self.reusable = {offer.document_name: offer for offer in offers}
        for line in self.lines:
            if line.reuse_from and line.name not in self.reusable:
                line.reuse_from = ""
        self.show_lines()
        self.refresh_bindings()

    def show_reuse_note(self) -> None:
        note = self.query_one("#docs-reuse-note", Static)
        offerable = [line for line in self.lines if line.name in self.reusable]
        if not offerable:
            note.update("")
            note.set_class(False, "-shown")
            return
        chosen = sum(1 for line in offerable if line.reuse_from)
        text = (
            f"Công dân có {len(offerable)} giấy tờ đã số hóa còn dùng được (R? ở cột Tệp) — "
            f"R để tái sử dụng, không cần nộp lại; đã chọn {chosen}."
        )
        line = self.current()
        if line is not None and line.name in self.reusable:
            offer = self.reusable[line.name]
            text += f"\nDòng đang chọn: bản số hóa từ hồ sơ {offer.dossier_code} ({len(offer.files)} tệp)."
        note.update(text)
        note.set_class(True, "-shown")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_reuse_note()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """R is offered only when the citizen has an earlier digitised paper of this procedure's kinds."""
        if action == "reuse":
            return any(line.name in self.reusable for line in self.lines)
        return True

    def action_reuse(self) -> None:
        """Reuse (or stop reusing) the earlier digitised paper of the highlighted line."""
        line = self.current()
        if line is None:
            return
        offer = self.reusable.get(line.name)
        if offer is None:
            self.app.notify(f"Không có bản số hóa trước đây của «{line.name[:40]}» để tái sử dụng.", severity="warning")
            return
        if line.reuse_from:
            line.reuse_from = ""
            self.app.notify(f"Bỏ tái sử dụng «{line.name[:40]}».")
        else:
            line.reuse_from, line.received = offer.dossier_code, True
            self.app.notify(f"Tái sử dụng «{line.name[:40]}» đã số hóa từ hồ sơ {offer.dossier_code}.")
        self.show_lines()

    def load_files(self, folder: str) -> None:
        self.files = newest_files(folder)
        options = self.query_one(OptionList)
        options.clear_options()
        if not self.files:
            options.add_option(Option("(chưa có tệp trong thư mục máy quét)", disabled=True))
            return
        options.add_options(
            [Option(f"{p.name}  {datetime.fromtimestamp(p.stat().st_mtime):%H:%M %d/%m}") for p in self.files]
        )
        options.highlighted = 0

    def current(self) -> DocLine | None:
        table = self.query_one(DataTable)
        return self.lines[table.cursor_row] if self.lines and 0 <= table.cursor_row < len(self.lines) else None

    def action_tick(self) -> None:
        if line := self.current():
            line.received = not line.received
            self.show_lines()

    def action_cycle_kind(self) -> None:
        if line := self.current():
            line.kind = KINDS[(KINDS.index(line.kind) + 1) % len(KINDS)]
            self.show_lines()

    def action_count(self, step: int) -> None:
        if line := self.current():
            line.count = max(1, min(99, line.count + step))
            self.show_lines()

    def action_add(self) -> None:
        from screens.dialogs import ReasonDialog

        def added(name: str | None) -> None:
            if name:
                self.lines.append(DocLine(name=name))
                self.show_lines(keep_row=len(self.lines) - 1)
                self.query_one(DataTable).focus()

        self.app.push_screen(ReasonDialog("Tên giấy tờ:", title="Thêm giấy tờ", max_length=500), added)

    def action_attach(self) -> None:
        """Attach the highlighted scanned file to the highlighted document line."""
        options = self.query_one(OptionList)
        line = self.current()
        index = options.highlighted
        if line is None or index is None or not self.files or index >= len(self.files):
            self.app.notify("Chọn một dòng giấy tờ và một tệp số hóa trước.", severity="warning")
            return
        path = str(self.files[index])
        if path not in line.files:
            line.files.append(path)
            line.received = True
        self.show_lines()
        self.app.notify(f"Đã gắn {self.files[index].name} vào «{line.name[:40]}».")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_attach()
