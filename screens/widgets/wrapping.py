"""Check boxes and radio buttons whose long labels wrap onto more lines instead of being cut at the column's edge.

Textual's toggle buttons are one line high whatever their label: at 80 columns the intake's fee step cut
"Công dân đồng ý cho nộp trực tuyến thay" and the exemption/return choices mid-word. These take the lines their
label needs at the width they are given (the layout asks again on every resize).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import Checkbox, RadioButton

WRAP_CSS = """
WrappingCheckbox, WrappingRadioButton { width: auto; max-width: 100%; height: auto; text-wrap: wrap; text-overflow: fold; }
"""


def _lines(widget: Checkbox | RadioButton, width: int) -> int:
    if width <= 0:
        return 1
    return max(1, len(widget.render().wrap(width)))


class WrappingCheckbox(Checkbox):
    DEFAULT_CSS = WRAP_CSS

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return _lines(self, width)


class WrappingRadioButton(RadioButton):
    DEFAULT_CSS = WRAP_CSS

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return _lines(self, width)
