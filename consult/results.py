"""Aggregation for staff and board pages: counts, shares, means, indices, margins of error
and small-group suppression.

Every figure is counted in SQL (GROUP BY on indexed columns); Python only turns a handful
of aggregated rows into estimates, so a page costs about the same at 100k responses as at
1k. Real and simulated responses (``Channel.SIMULATED``) are never mixed: every result is
computed either from the real responses or, when asked for, from the simulated ones.

The board reads free text only as ``Answer.redacted_text``; nothing here selects
``Answer.text``.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from .extensions import db
from .models import (
    Answer,
    AuditEvent,
    Channel,
    InvitationCode,
    Question,
    QuestionKind,
    Response,
    Round,
    Survey,
    TargetArea,
)
from .public.forms import AGREE5_LABELS

#: z for a two-sided 95 % interval (normal approximation).
Z95 = 1.96
#: Agreement levels counted as agreeing ("Instämmer i stor grad" and "helt").
AGREEING = (4, 5)
NO_ANSWER_LABEL = _l("Uppgift saknas")
AGREEING_LABEL = _l("Instämmer i stor grad eller helt")
REAL_CHANNELS = tuple(channel for channel in Channel if channel is not Channel.SIMULATED)


# Formulas -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """A mean or an index with its 95 % margin of error (None when n < 2) and its n."""

    value: float
    moe: float | None
    n: int


def proportion_moe(count: int, n: int) -> float | None:
    """95 % margin of error of the proportion p = count/n: 1.96·√(p(1−p)/n) (a fraction)."""
    if n <= 0:
        return None
    p = count / n
    return Z95 * math.sqrt(p * (1 - p) / n)


def sample_sd(n: int, total: float, total_sq: float) -> float | None:
    """Sample standard deviation from n, Σx and Σx²: √((Σx² − (Σx)²/n) / (n − 1))."""
    if n < 2:
        return None
    return math.sqrt(max(total_sq - total * total / n, 0.0) / (n - 1))


def mean_estimate(n: int, total: float, total_sq: float) -> Estimate | None:
    """The mean Σx/n with its 95 % margin of error 1.96·s/√n (s: sample standard deviation)."""
    if n <= 0:
        return None
    sd = sample_sd(n, total, total_sq)
    return Estimate(total / n, None if sd is None else Z95 * sd / math.sqrt(n), n)


def index_estimate(mean: Estimate | None, low: int, high: int) -> Estimate | None:
    """SCB-style index 0–100: (mean − min) / (max − min) × 100; the margin of error scales
    by the same 100 / (max − min)."""
    if mean is None or high <= low:
        return None
    factor = 100 / (high - low)
    moe = None if mean.moe is None else mean.moe * factor
    return Estimate((mean.value - low) * factor, moe, mean.n)


def suppressed(sizes: Mapping, k: int, always: Iterable = ()) -> set:
    """The groups to hide, given each group's number of respondents.

    Primary suppression hides every group with 1 to k − 1 respondents (and ``always``).
    Secondary suppression then hides the next smallest groups until the hidden groups
    number at least two and hold at least k respondents together, so no hidden group can
    be worked out from the total and the groups shown. Empty groups stay visible: they
    describe nobody, and hiding them would protect nothing.
    """
    hidden = {group for group, n in sizes.items() if 0 < n < k}
    hidden |= set(always) & set(sizes)
    if not hidden:
        return hidden
    candidates = sorted((g for g, n in sizes.items() if g not in hidden and n > 0), key=sizes.get)
    while candidates and (len(hidden) < 2 or sum(sizes[g] for g in hidden) < k):
        hidden.add(candidates.pop(0))
    return hidden


@dataclass(frozen=True)
class Share:
    """``count`` of ``base`` as a percentage, with its 95 % margin in percentage points."""

    key: object
    label: str
    count: int
    base: int

    @property
    def percent(self) -> float | None:
        return 100 * self.count / self.base if self.base else None

    @property
    def moe(self) -> float | None:
        moe = proportion_moe(self.count, self.base)
        return None if moe is None else 100 * moe


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


# Aggregates kept while their responses are unchanged ---------------------------------------

CACHE_SIZE = 256
CACHE_SECONDS = 600


class AggregateCache:
    """Aggregates (plain counts and estimates, never ORM objects), kept per app while the
    responses they were counted from are unchanged.

    Each entry carries the stamp of its surveys' responses (``response_stamp``): a new or
    deleted response changes the stamp, so the next reader counts again. Entries also
    expire after ``CACHE_SECONDS``, and beyond ``CACHE_SIZE`` the least recently used go.
    Counts of readable free text are also keyed on the latest audit event, since staff
    moderation (hiding an answer) is always audited. Free text itself is never cached.
    """

    def __init__(self, size: int = CACHE_SIZE, seconds: float = CACHE_SECONDS):
        self.size, self.seconds = size, seconds
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, stamp: tuple, compute):
        """The cached value for ``key`` if its stamp matches, else ``compute()`` (stored)."""
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry and entry[0] == stamp and now - entry[1] < self.seconds:
                self._entries.move_to_end(key)
                return entry[2]
        value = compute()
        with self._lock:
            self._entries[key] = (stamp, now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


def response_stamp(survey_ids: Iterable[int]) -> tuple:
    """How many responses the surveys hold, and the highest id (from the index alone)."""
    ids = sorted(set(survey_ids))
    if not ids:
        return (0, None)
    row = db.session.execute(
        select(func.count(Response.id), func.max(Response.id)).where(Response.survey_id.in_(ids))
    ).one()
    return (tuple(ids), row[0], row[1])


def moderation_stamp() -> int | None:
    """The latest audit event: it changes whenever staff moderate free text."""
    return db.session.scalar(select(func.max(AuditEvent.id)))


def cached(key: tuple, stamp: tuple, compute):
    """``compute()``, or its result from the app's ``AggregateCache``."""
    cache = current_app.extensions.setdefault("consult.aggregates", AggregateCache())
    return cache.get(key, stamp, compute)


def signature(questions: Iterable[Question]) -> tuple:
    """What the counts of these questions depend on besides the answers."""
    return tuple(
        (q.id, q.kind.value, q.scale_min, q.scale_max, tuple(o.id for o in q.options))
        for q in questions
    )


# Tallies: everything a page needs, in a few GROUP BY queries --------------------------------


@dataclass
class Tally:
    """Aggregated answers to one question, overall or within one group."""

    respondents: int = 0
    options: Counter = field(default_factory=Counter)  #: option id → answers
    numbers: Counter = field(default_factory=Counter)  #: value → answers; None is "Vet ej"
    n: int = 0  #: numbers given (without "Vet ej"), with their sum and sum of squares:
    total: int = 0
    total_sq: int = 0
    visible_texts: int = 0  #: free-text answers the board may read

    def __iadd__(self, other: Tally) -> Tally:
        self.respondents += other.respondents
        self.options.update(other.options)
        self.numbers.update(other.numbers)
        self.n += other.n
        self.total += other.total
        self.total_sq += other.total_sq
        self.visible_texts += other.visible_texts
        return self


def tally(questions: Iterable[Question], scope: Scope, by: Question | None = None) -> dict:
    """{(group, question id): Tally} for ``questions`` (free text: see ``text_counts``).

    Without ``by`` the group is None. With a background question ``by`` the group is the
    option its respondents chose there, or None for those who did not answer it.
    """
    ids: dict[str, list[int]] = defaultdict(list)
    for question in questions:
        ids[_tally_kind(question.kind)].append(question.id)
    tallies: dict = defaultdict(Tally)
    question, count = Answer.question_id, func.count()
    with_options = ids["choice"] + ids["multi"]
    choice = _grouped([question, Answer.option_id], [count], with_options, scope, by)
    for group, qid, option, n in choice:
        tallies[group, qid].options[option] += n
        tallies[group, qid].respondents += n
    distinct = [func.count(Answer.response_id.distinct())]
    for group, qid, n in _grouped([question], distinct, ids["multi"], scope, by):
        tallies[group, qid].respondents = n  # replaces the sum of ticks counted above
    for group, qid, number, n in _grouped(
        [question, Answer.number], [count], ids["number"], scope, by
    ):
        tallies[group, qid].numbers[number] += n
        tallies[group, qid].respondents += n
    moments = [func.count(Answer.number), func.sum(Answer.number)]
    moments.append(func.sum(Answer.number * Answer.number))
    for group, qid, n, total, total_sq in _grouped([question], moments, ids["number"], scope, by):
        entry = tallies[group, qid]
        entry.n, entry.total, entry.total_sq = n, int(total or 0), int(total_sq or 0)
    return dict(tallies)


def _tally_kind(kind: QuestionKind) -> str:
    if kind is QuestionKind.MULTI:
        return "multi"
    if kind.has_options:
        return "choice"
    return "text" if kind.is_text else "number"


def _grouped(keys: list, aggregates: list, question_ids: list[int], scope: Scope, by):
    """Rows (group, *keys, *aggregates) for the answers to ``question_ids``, grouped by
    ``keys`` and, with a background question ``by``, by the option chosen there (the group;
    None for respondents who left it out). Without ``by`` the group is None."""
    if not question_ids:
        return []
    stmt = select(*keys, *aggregates).where(Answer.question_id.in_(question_ids))
    group_by = list(keys)
    if by is not None:
        background = aliased(Answer)
        stmt = stmt.outerjoin(
            background,
            and_(background.response_id == Answer.response_id, background.question_id == by.id),
        ).add_columns(background.option_id)
        group_by.append(background.option_id)
    rows = db.session.execute(scope.apply(stmt.group_by(*group_by), Answer.response_id)).all()
    if by is None:
        return [(None, *row) for row in rows]
    return [(row[-1], *row[:-1]) for row in rows]


def text_counts(questions: Iterable[Question], scope: Scope) -> dict[int, Tally]:
    """{question id: Tally} of free-text answers: all of them, and those the board may read."""
    question_ids = [q.id for q in questions if q.kind.is_text]
    if not question_ids:
        return {}
    visible = func.sum(case((Answer.hidden.is_(False), 1), else_=0))
    stmt = (
        select(Answer.question_id, func.count(), visible)
        .where(Answer.question_id.in_(question_ids), Answer.redacted_text.is_not(None))
        .group_by(Answer.question_id)
    )
    return {
        qid: Tally(respondents=count, visible_texts=int(shown or 0))
        for qid, count, shown in db.session.execute(scope.apply(stmt, Answer.response_id))
    }


# Results per question -----------------------------------------------------------------------


@dataclass
class QuestionResult:
    """What the board sees of one question (overall or within one group).

    ``respondents`` answered the question ("Vet ej" included). Choice questions have a
    share per option, largest first (multiple choice: of respondents, so they may sum to
    more than 100 %). Agreement scales have a share per level 1–5 out of those who did
    not say "Vet ej", plus ``dont_know``, ``agreeing`` (4–5), mean and index. Rating
    scales have a share per value, mean and index. Free text has ``visible_texts``.
    ``shown`` is False when fewer than k answered: then nothing but the count is shown.
    """

    question: Question
    respondents: int
    shown: bool
    shares: list[Share] = field(default_factory=list)
    dont_know: int = 0
    agreeing: Share | None = None
    mean: Estimate | None = None
    index: Estimate | None = None
    visible_texts: int = 0


def scale_bounds(question: Question) -> tuple[int, int]:
    """The lowest and highest value of an agreement or rating scale."""
    if question.kind is QuestionKind.AGREE5:
        return 1, 5
    return question.scale_min or 0, question.scale_max or 0


def question_result(question: Question, counts: Tally | None, k: int) -> QuestionResult:
    """Turn a tally into shares, mean, index and margins of error."""
    counts = counts or Tally()
    result = QuestionResult(question, counts.respondents, shown=counts.respondents >= k)
    kind = question.kind
    if kind.is_text:
        result.shown = True
        result.visible_texts = counts.visible_texts
    elif kind.has_options:
        result.shares = sorted(
            (
                Share(o.id, o.label, counts.options[o.id], counts.respondents)
                for o in question.options
            ),
            key=lambda share: -share.count,
        )
    else:
        low, high = scale_bounds(question)
        result.dont_know = counts.numbers[None]
        valid = counts.respondents - result.dont_know
        labels = AGREE5_LABELS if kind is QuestionKind.AGREE5 else {}
        result.shares = [
            Share(v, labels.get(str(v), str(v)), counts.numbers[v], valid)
            for v in range(low, high + 1)
        ]
        result.mean = mean_estimate(counts.n, counts.total, counts.total_sq)
        result.index = index_estimate(result.mean, low, high)
        if kind is QuestionKind.AGREE5:
            agreeing = sum(counts.numbers[v] for v in AGREEING)
            result.agreeing = Share("agreeing", AGREEING_LABEL, agreeing, valid)
    return result


# Breakdowns by a background question --------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Respondents who chose one option of the background question (key None: left it out)."""

    key: int | None
    label: str
    size: int
    hidden: bool


@dataclass
class QuestionBreakdown:
    """One question's results per group; a hidden group's result is None."""

    question: Question
    rows: list[tuple[Group, QuestionResult | None]]


@dataclass
class Breakdown:
    by: Question
    groups: list[Group]
    questions: dict[int, QuestionBreakdown]


def breakdown_questions(survey: Survey) -> list[Question]:
    """Questions a survey's results may be broken down by: single-choice background ones."""
    return [q for q in survey.questions if q.is_background and q.kind is QuestionKind.SINGLE]


def breakdown(survey: Survey, by: Question, scope: Scope, total: int, k: int) -> Breakdown:
    """Every question but free text and ``by`` itself, per group of ``by``, with small
    groups suppressed (first by group size, then per question by who answered it)."""
    questions = [q for q in survey.questions if not q.kind.is_text and q.id != by.id]
    sizes, counts = cached(
        ("breakdown", survey.id, scope.simulated, by.id, signature(questions)),
        response_stamp([survey.id]),
        lambda: (_group_sizes(by, scope, total), tally(questions, scope, by)),
    )
    hidden = suppressed(sizes, k)
    labels = {option.id: option.label for option in by.options} | {None: NO_ANSWER_LABEL}
    groups = [Group(key, labels[key], n, key in hidden) for key, n in sizes.items()]
    return Breakdown(
        by,
        groups,
        {q.id: _question_breakdown(q, groups, counts, k, hidden) for q in questions},
    )


def _group_sizes(by: Question, scope: Scope, total: int) -> dict:
    """Respondents per option of ``by`` (in option order), and None for the rest."""
    stmt = (
        select(Answer.option_id, func.count())
        .where(Answer.question_id == by.id)
        .group_by(Answer.option_id)
    )
    counts = dict(db.session.execute(scope.apply(stmt, Answer.response_id)).all())
    sizes = {option.id: counts.get(option.id, 0) for option in by.options}
    sizes[None] = total - sum(sizes.values())
    return sizes


def _question_breakdown(question, groups, counts, k, hidden_groups) -> QuestionBreakdown:
    per_group = {
        g.key: question_result(question, counts.get((g.key, question.id)), k) for g in groups
    }
    answered = {key: result.respondents for key, result in per_group.items()}
    hidden = suppressed(answered, k, always=hidden_groups)
    rows = [(g, None if g.key in hidden else per_group[g.key]) for g in groups]
    return QuestionBreakdown(question, rows)


# Results per survey -------------------------------------------------------------------------


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
    scales = _index_questions(survey.questions)
    index = cached(("index", *key), stamp, lambda: respondent_index(scales, scope).get(None))
    results.index = _at_least(index, k)
    if by is not None:
        results.breakdown = breakdown(survey, by, scope, results.n, k)
    return results


def _index_questions(questions: Iterable[Question]) -> list[Question]:
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


# Overview of a round ------------------------------------------------------------------------


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
    questions = _index_questions(q for s in round_.surveys for q in s.questions)
    indices = cached(
        ("areas", simulated, signature(questions)),
        stamp,
        lambda: respondent_index(questions, scope, by_area=True),
    )
    days = cached(("days", simulated, *survey_ids), stamp, lambda: _days(survey_ids, scope))
    areas = [
        AreaOverview(area, surveys, _at_least(indices.get(area.id), k))
        for area, surveys in sorted(overviews.items(), key=lambda item: item[0].position)
    ]
    other = sum(scope.total(c) != c.total() for c in counts.values()) > 0
    return RoundOverview(round_, scope, k, areas, days, other)


def _at_least(estimate: Estimate | None, k: int) -> Estimate | None:
    return estimate if estimate and estimate.n >= k else None


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


# Trends across rounds -----------------------------------------------------------------------


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


# Free text ----------------------------------------------------------------------------------


@dataclass
class TextPage:
    """One page of a question's free-text answers, as redacted text only."""

    items: list  #: rows of (id, redacted_text, hidden)
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def free_texts(
    question: Question,
    scope: Scope,
    *,
    search: str = "",
    page: int = 1,
    per_page: int = 50,
    include_hidden: bool = False,
) -> TextPage:
    """Free-text answers in alphabetical order (which says nothing about who or when).

    Only ``redacted_text`` is read, and the search runs on it in SQL, so it can never
    probe what redaction removed. Hidden answers are left out unless ``include_hidden``.
    """
    where = [Answer.question_id == question.id, Answer.redacted_text.is_not(None)]
    if not include_hidden:
        where.append(Answer.hidden.is_(False))
    if search:
        where.append(Answer.redacted_text.icontains(search, autoescape=True))
    total = db.session.scalar(
        scope.apply(select(func.count(Answer.id)).where(*where), Answer.response_id)
    )
    items = db.session.execute(
        scope.apply(
            select(Answer.id, Answer.redacted_text, Answer.hidden).where(*where), Answer.response_id
        )
        .order_by(Answer.redacted_text, Answer.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return TextPage(items, total or 0, max(page, 1), per_page)
