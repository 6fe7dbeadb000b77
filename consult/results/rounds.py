"""The overview of a round: responses per survey and day, and each target area's index."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Channel, InvitationCode, Question, Response, Round, Survey, TargetArea
from .cache import cached, response_stamp, signature
from .formulas import Estimate, at_least
from .scope import Scope, cached_channel_counts, is_simulated
from .surveys import index_questions, respondent_index


@dataclass
class SurveyOverview:
    survey: Survey
    channels: Counter
    codes: int  #: invitation codes issued

    @property
    def n(self) -> int:
        return sum(self.channels.values())

    @property
    def response_rate(self) -> float | None:
        """Responses per invitation code issued, in per cent (None without codes)."""
        return 100 * self.n / self.codes if self.codes else None


@dataclass
class AreaOverview:
    area: TargetArea
    surveys: list[SurveyOverview]
    index: Estimate | None  #: from the area's rating scales; None below k respondents

    @property
    def n(self) -> int:
        return sum(s.n for s in self.surveys)


@dataclass
class RoundOverview:
    """Responses per target area and survey, by channel and by day, with response rates
    where invitation codes were used, and an index per target area."""

    round: Round
    scope: Scope
    k: int
    areas: list[AreaOverview]
    days: list[Day]
    has_other_kind: bool

    @property
    def channels(self) -> Counter:
        return sum((s.channels for a in self.areas for s in a.surveys), Counter())

    @property
    def n(self) -> int:
        return sum(area.n for area in self.areas)


def get_round(round_id: int) -> Round | None:
    """A round with its surveys, their target areas, questions and options."""
    return db.session.get(
        Round,
        round_id,
        options=[
            selectinload(Round.surveys).options(
                joinedload(Survey.target_area),
                selectinload(Survey.questions).selectinload(Question.options),
            )
        ],
    )


def round_overview(round_: Round, *, k: int, simulated: bool = False) -> RoundOverview:
    """The overview of one round (``round_`` loaded with ``get_round``)."""
    survey_ids = [s.id for s in round_.surveys]
    stamp = response_stamp(survey_ids)
    counts = cached_channel_counts(survey_ids, stamp)
    scope = Scope.of(counts.values(), simulated)
    codes = _codes_issued([s.id for s in round_.surveys]) if not simulated else {}
    overviews = defaultdict(list)
    for survey in round_.surveys:
        mine = Counter({c: n for c, n in counts[survey.id].items() if is_simulated(c) == simulated})
        overviews[survey.target_area].append(SurveyOverview(survey, mine, codes.get(survey.id, 0)))
    questions = index_questions(q for s in round_.surveys for q in s.questions)
    indices = cached(
        ("areas", simulated, signature(questions)),
        stamp,
        lambda: respondent_index(questions, scope, by_area=True),
    )
    days = cached(("days", simulated, *survey_ids), stamp, lambda: _days(survey_ids, scope))
    areas = [
        AreaOverview(area, surveys, at_least(indices.get(area.id), k))
        for area, surveys in sorted(overviews.items(), key=lambda item: item[0].position)
    ]
    other = sum(scope.total(c) != c.total() for c in counts.values()) > 0
    return RoundOverview(round_, scope, k, areas, days, other)


def _codes_issued(survey_ids: list[int]) -> dict[int, int]:
    if not survey_ids:
        return {}
    rows = db.session.execute(
        select(InvitationCode.survey_id, func.count())
        .where(InvitationCode.survey_id.in_(survey_ids))
        .group_by(InvitationCode.survey_id)
    )
    return dict(rows.all())


@dataclass(frozen=True)
class Day:
    """Responses on one day, by channel and by target area id."""

    day: date
    channels: Counter
    areas: Counter

    @property
    def n(self) -> int:
        return self.channels.total()


def _days(survey_ids: list[int], scope: Scope) -> list[Day]:
    """Responses per day, by channel and by target area, oldest day first."""
    if not survey_ids:
        return []
    area = Survey.target_area_id
    rows = db.session.execute(
        select(Response.submitted_on, Response.channel, area, func.count())
        .join(Survey, Survey.id == Response.survey_id)
        .where(Response.survey_id.in_(survey_ids), scope.condition())
        .group_by(Response.submitted_on, Response.channel, area)
        .order_by(Response.submitted_on)
    )
    days: dict[date, Day] = {}
    for day, channel, area_id, count in rows:
        entry = days.setdefault(day, Day(day, Counter(), Counter()))
        entry.channels[Channel(channel)] += count
        entry.areas[area_id] += count
    return list(days.values())
