"""Fee receipts (biên lai thu phí, lệ phí): each payment gets the next number of a configured series — ký hiệu,
quyển, số — and, when the provincial payment system is down, the officer records the number of the paper receipt
written by hand, to reconcile later (BRIEF §11.7: fees collected on paper while systems were down).

The series lives in the `setting` table (keys `fee_receipt.*`), set by a leader with `onestop fee series`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from db import models
from db.engine import session_scope
from onestop.domain import Role, now_vn
from onestop.errors import BadInput, Conflict
from onestop.formats import fee_receipt
from onestop.services.audit import record
from onestop.services.officers import OfficerService
from onestop.services.records import find_row
from onestop.text import clean

_SYMBOL, _BOOK, _NEXT = "fee_receipt.symbol", "fee_receipt.book", "fee_receipt.next"
NUMBER_WIDTH = 7


@dataclass(frozen=True)
class ReceiptSeries:
    symbol: str  # ký hiệu, e.g. "AA/26P"
    book: str  # quyển số
    next_number: int


@dataclass(frozen=True)
class ReceiptNumber:
    """One issued receipt: `text` is how it is printed ("Ký hiệu AA/26P, quyển 01, số 0000123")."""

    dossier_code: str
    symbol: str
    book: str
    number: int
    paper_number: str = ""

    @property
    def text(self) -> str:
        return fee_receipt(self.symbol, self.book, self.number, self.paper_number, NUMBER_WIDTH)


def _setting(conn: sa.Connection, key: str) -> str:
    query = sa.select(col(models.Setting.value)).where(col(models.Setting.key) == key)
    return conn.execute(query).scalar_one_or_none() or ""


def _put(conn: sa.Connection, key: str, value: str) -> None:
    changed = conn.execute(sa.update(models.Setting).where(col(models.Setting.key) == key).values(value=value))
    if changed.rowcount == 0:
        conn.execute(sa.insert(models.Setting).values(key=key, value=value))


def take_number(conn: sa.Connection) -> tuple[str, str, int] | None:
    """Inside the caller's write transaction: the series and the next number, advanced; None without a series."""
    symbol = _setting(conn, _SYMBOL)
    if not symbol:
        return None
    number = int(_setting(conn, _NEXT) or "1")
    _put(conn, _NEXT, str(number + 1))
    return symbol, _setting(conn, _BOOK), number


def insert_receipt(
    conn: sa.Connection,
    payment_id: int,
    taken: tuple[str, str, int] | None,
    officer: str,
    at: datetime,
    paper_number: str = "",
) -> None:
    """The payment's receipt: a number `taken` from the series, or (system down) only a paper receipt number."""
    symbol, book, number = taken or ("", "", 0)
    conn.execute(
        sa.insert(models.FeeReceipt).values(
            payment_id=payment_id,
            symbol=symbol,
            book=book,
            number=number,
            paper_number=paper_number,
            officer=officer,
            at=at,
        )
    )


class FeeReceiptService:
    """The receipt series, paper receipts recorded while the payment system is down, and reconciliation."""

    def __init__(self, engine: Engine, officers: OfficerService) -> None:
        self.engine = engine
        self.officers = officers

    def series(self) -> ReceiptSeries | None:
        with self.engine.connect() as conn:
            symbol = _setting(conn, _SYMBOL)
            if not symbol:
                return None
            return ReceiptSeries(symbol, _setting(conn, _BOOK), int(_setting(conn, _NEXT) or "1"))

    def set_series(self, symbol: str, book: str, next_number: int, *, actor: str) -> ReceiptSeries:
        """A leader sets the series in use (a new book of receipts, a new year's ký hiệu)."""
        who = self.officers.require(actor, Role.LEADER).username
        symbol, book = clean(symbol)[:20], clean(book)[:10]
        if not symbol or not book:
            raise BadInput("Cần ký hiệu và quyển số của biên lai.", field="symbol")
        if not 1 <= next_number <= 10**NUMBER_WIDTH - 1:
            raise BadInput("Số biên lai tiếp theo không hợp lệ.", field="next")
        with session_scope(self.engine, write=True) as s:
            conn = s.connection()
            _put(conn, _SYMBOL, symbol)
            _put(conn, _BOOK, book)
            _put(conn, _NEXT, str(next_number))
            record(s, who, "fee.series", detail=f"{symbol} quyển {book} từ số {next_number}")
        return ReceiptSeries(symbol, book, next_number)

    def record_paper(self, code: str, paper_number: str, *, actor: str) -> ReceiptNumber:
        """The number of the paper receipt handed out while the provincial payment system was down."""
        who = self.officers.require(actor).username
        paper_number = clean(paper_number)[:40]
        if not paper_number:
            raise BadInput("Cần số biên lai giấy.", field="number")
        with session_scope(self.engine, write=True) as s:
            row = find_row(s, code)
            payment = s.exec(
                select(models.Payment).where(models.Payment.dossier_id == row.id, models.Payment.amount_vnd > 0)
            ).first()
            if payment is None or payment.id is None:
                raise Conflict("Hồ sơ không thu phí, lệ phí nên không có biên lai.")
            receipt = s.get(models.FeeReceipt, payment.id) or models.FeeReceipt(
                payment_id=payment.id, symbol="", book="", number=0, officer=who, at=now_vn()
            )
            receipt.paper_number = paper_number
            s.add(receipt)
            record(s, who, "fee.paper_receipt", row.code, f"biên lai giấy {paper_number}")
            return ReceiptNumber(row.code, receipt.symbol, receipt.book, receipt.number, paper_number)

    def unreconciled(self) -> list[ReceiptNumber]:
        """Paper receipts not yet matched by an electronic number (to reconcile when the system is back)."""
        with session_scope(self.engine) as s:
            rows = s.exec(
                select(models.FeeReceipt, models.Dossier.code)
                .join(models.Payment, col(models.Payment.id) == models.FeeReceipt.payment_id)
                .join(models.Dossier, col(models.Dossier.id) == models.Payment.dossier_id)
                .where(models.FeeReceipt.paper_number != "", models.FeeReceipt.number == 0)
                .order_by(col(models.FeeReceipt.at))
            ).all()
            return [ReceiptNumber(code, r.symbol, r.book, r.number, r.paper_number) for r, code in rows]
