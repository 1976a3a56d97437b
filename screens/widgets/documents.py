"""The documents checklist (original/copy/present-only, counts, extras) and the scanner-folder file picker."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, OptionList
from textual.widgets.option_list import Option

KINDS = ("original", "copy", "present_only")
CONDITIONAL_RE = re.compile(r"\((?:chỉ khi|nếu)\b|,\s*nếu có\b", re.IGNORECASE)
"""A paper needed only in some cases: "(chỉ khi …)", "(nếu nộp thay)", "…, nếu có"."""


def conditional(name: str) -> bool:
    """Whether a catalog paper is needed only in some cases (it starts unticked: the officer ticks it if brought)."""
    return bool(CONDITIONAL_RE.search(name))


KIND_LABELS = {"original": "Bản chính", "copy": "Bản sao", "present_only": "Xuất trình"}


@dataclass
class DocLine:
    """One line of the checklist as the officer edits it."""

    name: str
    kind: str = "original"
    count: int = 1
    received: bool = True
    files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "count": self.count,
            "received": self.received,
            "files": list(self.files),
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
    """
    BINDINGS = [
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

    def compose(self) -> ComposeResult:
        with Vertical(id="docs-left"):
            yield Label("Thành phần hồ sơ — Space: đã nhận · K: loại · +/-: SL · A: thêm · PgDn: tiếp")
            yield DataTable(id="docs-table", cursor_type="row")
        with Vertical(id="docs-right"):
            yield Label("Tệp số hóa mới nhất — Enter/F: gắn vào dòng đang chọn")
            yield OptionList(id="docs-files")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("Nhận", "Giấy tờ", "Loại", "SL", "Tệp")

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
        table.clear()
        room = self._name_width()
        for line in self.lines:
            name = line.name if len(line.name) <= room else line.name[: room - 1] + "…"
            table.add_row(
                "☑" if line.received else "☐",
                name,
                KIND_LABELS[line.kind],
                str(line.count),
                str(len(line.files)) if line.files else "",
            )
        if self.lines:
            table.move_cursor(row=max(0, min(row, len(self.lines) - 1)))

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
