"""Questions with the same key compared across rounds."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Question, QuestionKind, Round, Survey
from .cache import cached, response_stamp, signature
from .formulas import AGREEING, AGREEING_LABEL, Share, index_estimate, mean_estimate
from .scope import Scope, cached_channel_counts
from .tallies import Tally, scale_bounds, tally


@dataclass(frozen=True)
class TrendPoint:
    round: Round
    value: float
    moe: float | None
    n: int


@dataclass
class TrendSeries:
    label: str
    points: list[TrendPoint] = field(default_factory=list)


@dataclass
class Trend:
    """One question key across rounds: for rating scales the index, for agreement scales
    the share agreeing (4–5), for choice questions the share choosing each option (all
    0–100), each with its 95 % margin of error. Rounds with fewer than k answers are left
    out."""

    key: str
    question: Question  #: the latest version of the question
    series: list[TrendSeries]


INDEX_LABEL = _l("Index")


def trends(*, k: int, simulated: bool = False) -> list[Trend]:
    """Every question key asked in at least two rounds, in a few queries in all."""
    questions = db.session.scalars(
        select(Question)
        .join(Question.survey)
        .where(Question.key.is_not(None), Question.is_background.is_(False))
        .options(
            selectinload(Question.options),
            joinedload(Question.survey).joinedload(Survey.round),
        )
        .order_by(Question.key, Survey.round_id, Question.id)
    ).all()
    by_key: dict[str, dict[Round, list[Question]]] = defaultdict(lambda: defaultdict(list))
    for question in questions:
        if not question.kind.is_text:
            by_key[question.key][question.survey.round].append(question)
    by_key = {key: rounds for key, rounds in by_key.items() if len(rounds) >= 2}
    asked = [q for rounds in by_key.values() for qs in rounds.values() for q in qs]
    survey_ids = sorted({q.survey_id for q in asked})
    stamp = response_stamp(survey_ids)
    counts = cached_channel_counts(survey_ids, stamp)
    scope = Scope.of(counts.values(), simulated)
    tallies = cached(("trends", simulated, signature(asked)), stamp, lambda: tally(asked, scope))
    return [_trend(key, rounds, tallies, k) for key, rounds in by_key.items()]


def _trend(key: str, rounds: dict[Round, list[Question]], tallies: dict, k: int) -> Trend:
    series: dict[str, TrendSeries] = {}
    latest = None
    for round_, questions in sorted(rounds.items(), key=lambda item: item[0].id):
        latest = questions[-1]
        for key_, label, (value, moe, n) in _trend_values(questions, tallies, k):
            entry = series.setdefault(key_, TrendSeries(label))
            entry.points.append(TrendPoint(round_, value, moe, n))
    return Trend(key, latest, list(series.values()))


def _trend_values(questions: list[Question], tallies: dict, k: int) -> list[tuple]:
    """[(series key, label, (value, margin, n))] for one round, pooling the questions that
    share the key."""
    pooled, by_label = Tally(), Counter()
    for question in questions:
        counts = tallies.get((None, question.id), Tally())
        pooled += counts
        for option in question.options:
            by_label[option.label] += counts.options[option.id]
    if pooled.respondents < k:
        return []
    first = questions[0]
    if first.kind is QuestionKind.SCALE:
        mean = mean_estimate(pooled.n, pooled.total, pooled.total_sq)
        index = index_estimate(mean, *scale_bounds(first))
        return [("index", INDEX_LABEL, (index.value, index.moe, index.n))] if index else []
    if first.kind is QuestionKind.AGREE5:
        valid = pooled.respondents - pooled.numbers[None]
        share = Share(None, AGREEING_LABEL, sum(pooled.numbers[v] for v in AGREEING), valid)
        return [("agreeing", AGREEING_LABEL, (share.percent, share.moe, valid))] if valid else []
    shares = (Share(label, label, count, pooled.respondents) for label, count in by_label.items())
    return [(s.label, s.label, (s.percent, s.moe, s.base)) for s in shares]
