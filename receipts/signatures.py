"""Signature blocks: bold title, italic hint, room to sign, bold name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from receipts.markup import para, t
from receipts.styles import FormStyles


@dataclass(frozen=True)
class Signer:
    title: str
    name: str
    hint: str = "(Ký và ghi rõ họ tên)"


def signatures(signers: Sequence[Signer | None], st: FormStyles, width: float) -> KeepTogether:
    """Signature blocks side by side; None leaves a column empty."""
    gap = 18 * mm * st.scale
    cells: list[object] = []
    for signer in signers:
        if signer is None:
            cells.append("")
            continue
        cells.append(
            [
                para(signer.title, st.sign_title),
                para(signer.hint, st.sign_hint),
                Spacer(1, gap),
                para(t(signer.name) if signer.name.strip() else "", st.sign_name),
            ]
        )
    table = Table([cells], colWidths=[width / len(cells)] * len(cells))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 6 * st.scale), table])
