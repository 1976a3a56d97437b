"""Signature blocks: authority and title in bold caps, italic hint, room to sign, bold name (ND 30/2020)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from onestop.domain import Office
from receipts.markup import format_long_date, para, t
from receipts.styles import FormStyles

HEAD_OF_AGENCY = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"
"""The form's own words for the signer of Mẫu 04 and 05 when no leader is configured (the name is left blank)."""
SEAL_HINT = "(Ký, ghi rõ họ tên và đóng dấu)"


@dataclass(frozen=True)
class Signer:
    title: str
    name: str
    hint: str = "(Ký và ghi rõ họ tên)"
    authority: str = ""  # "KT. CHỦ TỊCH", printed above the title


def leader_signer(office: Office) -> Signer:
    """The head of the agency from config `[leader]`; never the counter officer (BRIEF §11.1)."""
    if office.leader_name and office.leader_title:
        return Signer(office.leader_title, office.leader_name, SEAL_HINT, office.leader_authority)
    return Signer(HEAD_OF_AGENCY, "", SEAL_HINT)


def signatures(signers: Sequence[Signer | None], st: FormStyles, width: float) -> Table:
    """Signature blocks side by side in one unsplittable row; None leaves a column empty."""
    gap = 18 * mm * st.scale
    cells: list[object] = []
    for signer in signers:
        if signer is None:
            cells.append("")
            continue
        heading = [para(t(signer.authority), st.sign_title)] if signer.authority.strip() else []
        cells.append(
            [
                *heading,
                para(t(signer.title), st.sign_title),
                para(signer.hint, st.sign_hint),
                Spacer(1, gap),
                para(t(signer.name) if signer.name.strip() else "", st.sign_name),
            ]
        )
    table = Table([cells], colWidths=[width / len(cells)] * len(cells))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 6 * st.scale),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def report_signatures(
    office: Office, issued_at: datetime, preparer_title: str, preparer: str, st: FormStyles, width: float
) -> KeepTogether:
    """The closing block of a report or book: place and date over the right column, the preparer on the left and
    the head of the agency on the right (issue 15: the report PDF had no signature block)."""
    place_date = para(f"<i>{t(office.place)}, {format_long_date(issued_at)}</i>", st.place_date)
    dated = Table([["", place_date]], colWidths=[width / 2, width / 2])
    dated.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    block = signatures([Signer(preparer_title, preparer), leader_signer(office)], st, width)
    return KeepTogether([Spacer(1, 8 * st.scale), dated, block])
