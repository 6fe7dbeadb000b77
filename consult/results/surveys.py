"""A survey's results: every question, the per-respondent target-area index, breakdowns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..extensions import db
from ..models import Answer, Question, QuestionKind, Survey
from .breakdowns import Breakdown, breakdown
from .cache import cached, moderation_stamp, response_stamp, signature
from .formulas import Estimate, at_least, mean_estimate
from .scope import Scope, cached_channel_counts, is_simulated
from .tallies import QuestionResult, question_result, scale_bounds, tally, text_counts


@dataclass
class SurveyResults:
    """A survey's dashboard: counts by channel, and, from k responses on, every question,
    the survey's index and an optional breakdown."""

    survey: Survey
    scope: Scope
    k: int
    channels: Counter
    n: int
    has_other_kind: bool  #: simulated responses exist beside real ones, or the reverse
    questions: list[QuestionResult] = field(default_factory=list)
    index: Estimate | None = None
    breakdown: Breakdown | None = None

    @property
    def shown(self) -> bool:
        return self.n >= self.k


def survey_results(
    survey: Survey, *, k: int, simulated: bool = False, by: Question | None = None
) -> SurveyResults:
    """Everything the board may see of one survey: about ten GROUP BY queries, or, while
    the survey's responses are unchanged, two small ones (the stamps)."""
    stamp = response_stamp([survey.id])
    counts = cached_channel_counts([survey.id], stamp)[survey.id]
    scope = Scope.of([counts], simulated)
    channels = Counter({c: n for c, n in counts.items() if is_simulated(c) == simulated})
    results = SurveyResults(
        survey, scope, k, channels, scope.total(counts), scope.total(counts) != counts.total()
    )
    if not results.shown:
        return results
    key = (survey.id, simulated, signature(survey.questions))
    numbers = cached(("tally", *key), stamp, lambda: tally(survey.questions, scope))
    texts = cached(
        ("texts", *key),
        (*stamp, moderation_stamp()),
        lambda: text_counts(survey.questions, scope),
    )
    results.questions = [
        question_result(q, numbers.get((None, q.id)) or texts.get(q.id), k)
        for q in survey.questions
    ]
    scales = index_questions(survey.questions)
    index = cached(("index", *key), stamp, lambda: respondent_index(scales, scope).get(None))
    results.index = at_least(index, k)
    if by is not None:
        results.breakdown = breakdown(survey, by, scope, results.n, k)
    return results


def index_questions(questions: Iterable[Question]) -> list[Question]:
    """The rating-scale questions an index is made of (background questions excepted)."""
    return [
        q
        for q in questions
        if q.kind is QuestionKind.SCALE
        and not q.is_background
        and scale_bounds(q)[1] > scale_bounds(q)[0]
    ]


def respondent_index(questions: list[Question], scope: Scope, by_area: bool = False) -> dict:
    """Index 0–100 from rating-scale questions, the way SCB builds its citizen indices:
    each respondent's answers are rescaled to 0–100 and averaged, then averaged over
    respondents, with the 95 % margin of error 1.96·s/√n over respondents.

    Returns {None: Estimate}, or {target area id: Estimate} with ``by_area``.
    """
    if not questions:
        return {}
    rescaled = (
        (Answer.number - Question.scale_min) * 100.0 / (Question.scale_max - Question.scale_min)
    )
    per_respondent = (
        select(Answer.response_id, func.avg(rescaled).label("x"))
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.question_id.in_([q.id for q in questions]), Answer.number.is_not(None))
        .group_by(Answer.response_id)
    )
    if by_area:
        per_respondent = per_respondent.join(Survey, Survey.id == Question.survey_id)
        per_respondent = per_respondent.add_columns(Survey.target_area_id.label("area"))
        per_respondent = per_respondent.group_by(Survey.target_area_id)
    inner = scope.apply(per_respondent, Answer.response_id).subquery()
    x = inner.c.x
    stmt = select(func.count(), func.sum(x), func.sum(x * x))
    if by_area:
        stmt = stmt.add_columns(inner.c.area).group_by(inner.c.area)
    estimates = {}
    for row in db.session.execute(stmt):
        n, total, total_sq = row[0], float(row[1] or 0), float(row[2] or 0)
        key = row[3] if by_area else None
        if n:
            estimates[key] = mean_estimate(n, total, total_sq)
    return estimates


def survey_scope(survey: Survey, simulated: bool = False) -> tuple[Scope, int]:
    """The scope for one survey's responses, and how many responses it holds."""
    stamp = response_stamp([survey.id])
    counts = cached_channel_counts([survey.id], stamp)[survey.id]
    scope = Scope.of([counts], simulated)
    return scope, scope.total(counts)
