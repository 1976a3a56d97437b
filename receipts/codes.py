"""Machine-readable codes on the receipt: the Code128 barcode of the dossier code and the lookup QR code."""

from __future__ import annotations

from urllib.parse import urlencode

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib.units import mm

from onestop.domain import Dossier, Office


def lookup_payload(office: Office, dossier: Dossier) -> str:
    """The text of the receipt QR: the lookup URL with code and key, else `<code>|<lookup_key>`."""
    if office.lookup_url:
        separator = "&" if "?" in office.lookup_url else "?"
        return office.lookup_url + separator + urlencode({"ma": dossier.code, "k": dossier.lookup_key})
    return f"{dossier.code}|{dossier.lookup_key}"


def barcode(code: str, scale: float) -> Code128:
    """The dossier code as Code128, left-aligned, 10 mm high at scale 1."""
    bar_width = max(0.33 * mm, 0.33 * mm * scale)
    bars = Code128(code, barWidth=bar_width, barHeight=10 * mm * scale, humanReadable=False)
    bars.hAlign = "LEFT"
    return bars


def qr_code(payload: str, size: float) -> QrCode:
    """A square QR code of `size` points with error correction M and the standard quiet zone."""
    qr = QrCode(payload, width=size, height=size, qrLevel="M", qrBorder=4)
    qr.hAlign = "CENTER"
    return qr
