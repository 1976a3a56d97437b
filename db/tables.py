"""The Core table behind a SQLModel class, typed (SQLModel declares `__table__` only at run time)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel


def table_of(model: type[SQLModel]) -> sa.Table:
    """`model.__table__`, as a `sa.Table` that type checkers know."""
    table = sa.inspect(model).local_table
    assert isinstance(table, sa.Table), model
    return table
