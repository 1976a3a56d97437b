"""The commune profile mirrored into the database (other tools and backups read it from there)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db import models
from db.engine import session_scope

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from onestop.domain import Office


def store_profile(engine: Engine, office: Office) -> None:
    """Write the commune's name, agency code, province and counter as `setting` rows (only what changed)."""
    with session_scope(engine, write=True) as s:
        for key, value in (
            ("commune.name", office.commune_name),
            ("commune.agency_code", office.agency_code),
            ("commune.province", office.province),
            ("commune.counter", office.counter_code),
        ):
            row = s.get(models.Setting, key) or models.Setting(key=key)
            if row.value != value:
                row.value = value
                s.add(row)
