"""Which responses count (real or simulated, per survey), and the counts on index pages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Channel, Response, Round, Survey
from .cache import cached

REAL_CHANNELS = tuple(channel for channel in Channel if channel is not Channel.SIMULATED)


# Staff and board index pages ----------------------------------------------------------------


def rounds_with_surveys() -> list[Round]:
    return db.session.scalars(
        select(Round)
        .options(selectinload(Round.surveys).selectinload(Survey.target_area))
        .order_by(Round.id.desc())
    ).all()


def response_counts() -> dict[int, int]:
    """Real (non-simulated) responses per survey id, in one GROUP BY."""
    rows = db.session.execute(
        select(Response.survey_id, func.count())
        .where(Response.channel != Channel.SIMULATED)
        .group_by(Response.survey_id)
    )
    return dict(rows.all())


# Which responses count ----------------------------------------------------------------------


def channel_counts(survey_ids: Iterable[int]) -> dict[int, Counter]:
    """Responses per survey id and channel (real and simulated), in one GROUP BY."""
    ids = list(survey_ids)
    counts: dict[int, Counter] = {survey_id: Counter() for survey_id in ids}
    if ids:
        rows = db.session.execute(
            select(Response.survey_id, Response.channel, func.count())
            .where(Response.survey_id.in_(ids))
            .group_by(Response.survey_id, Response.channel)
        )
        for survey_id, channel, count in rows:
            counts[survey_id][Channel(channel)] = count
    return counts


def cached_channel_counts(survey_ids: list[int], stamp: tuple) -> dict[int, Counter]:
    """``channel_counts`` through the aggregate cache."""
    key = ("channels", *sorted(survey_ids))
    return cached(key, stamp, lambda: channel_counts(survey_ids))


@dataclass(frozen=True)
class Scope:
    """Count real responses, or only simulated ones (never both).

    ``pure`` says every response of the surveys concerned is of the wanted kind, so
    queries may skip the join to ``response`` that filters on the channel.
    """

    simulated: bool = False
    pure: bool = False

    @classmethod
    def of(cls, counts: Iterable[Counter], simulated: bool) -> Scope:
        """The scope for surveys with these channel counts."""
        other = sum(c[ch] for c in counts for ch in Channel if is_simulated(ch) != simulated)
        return cls(simulated=simulated, pure=other == 0)

    def condition(self):
        if self.simulated:
            return Response.channel == Channel.SIMULATED
        return Response.channel != Channel.SIMULATED

    def apply(self, stmt, response_id):
        """``stmt`` limited to this scope's responses (``response_id``: the column to join)."""
        if self.pure:
            return stmt
        return stmt.join(Response, Response.id == response_id).where(self.condition())

    def total(self, counts: Counter) -> int:
        return sum(n for channel, n in counts.items() if is_simulated(channel) == self.simulated)


def is_simulated(channel: Channel) -> bool:
    return channel is Channel.SIMULATED
