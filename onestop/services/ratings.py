"""Satisfaction ratings (TT 03/2025: the centre follows and rates citizens' satisfaction; QĐ 766 'Mức độ hài lòng').

One rating per dossier: Rất hài lòng (1) / Hài lòng (2) / Không hài lòng (3) with an optional reason and comment, or a
recorded refusal. A later rating replaces the earlier one (both audited). Every change bumps the dossier's version
and queues a `dossier.upsert` carrying `DanhGiaHaiLong`, so the province receives it.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from db import models
from db.engine import session_scope
from onestop.config import Settings
from onestop.domain import RATING_LEVELS, Rating, now_vn
from onestop.errors import BadInput
from onestop.services.audit import record
from onestop.services.records import enqueue, find_row, to_domain
from onestop.sync.payload import dossier_payload
from onestop.text import clean

VIAS = ("screen", "paper", "cli")


class RatingService:
    """Record and read citizens' satisfaction with a dossier."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings

    def rate(
        self,
        code: str,
        level: int | None,
        *,
        actor: str,
        reason: str = "",
        comment: str = "",
        via: str = "screen",
        declined: bool = False,
    ) -> Rating:
        """Store the rating of dossier `code` (audited, queued for the province); `BadInput` for a bad level."""
        if declined:
            level = None
        elif level not in RATING_LEVELS:
            raise BadInput(
                "Mức đánh giá phải là 1 (Rất hài lòng), 2 (Hài lòng) hoặc 3 (Không hài lòng).", field="level"
            )
        if via not in VIAS:
            raise BadInput("Hình thức đánh giá phải là screen, paper hoặc cli.", field="via")
        reason, comment = clean(reason), clean(comment)
        if len(reason) > 200 or len(comment) > 1000:
            raise BadInput("Lý do (tối đa 200 ký tự) hoặc ý kiến (tối đa 1000 ký tự) quá dài.", field="comment")
        if reason and level != 3:
            reason = ""  # a reason is asked only of a citizen who is not satisfied
        now = now_vn().replace(microsecond=0)  # stored to the second
        with session_scope(self.engine, write=True) as s:
            row = find_row(s, code)
            assert row.id is not None  # a stored dossier
            existing = s.exec(select(models.DossierRating).where(models.DossierRating.dossier_id == row.id)).first()
            rating = existing or models.DossierRating(dossier_id=row.id, officer=actor, at=now)
            rating.level, rating.declined, rating.reason, rating.comment = level, declined, reason, comment
            rating.via, rating.officer, rating.at = via, actor, now
            s.add(rating)
            label = "Không đánh giá" if declined else RATING_LEVELS[level or 0]
            detail = f"{'thay đánh giá; ' if existing else ''}{label} ({via})"
            record(s, actor, "dossier.rate", row.code, detail)
            row.row_version = (row.row_version or 1) + 1
            s.add(row)
            s.flush()
            dossier = to_domain(s, row)
            enqueue(
                s,
                "dossier.upsert",
                row,
                dossier_payload(dossier, self.settings.office, row_version=row.row_version),
                key=f"dossier:{row.uuid}:v{row.row_version}",
            )
            assert dossier.rating is not None
            return dossier.rating
