"""Everything a results page needs from the answers, in a few GROUP BY queries, and
the result per question made from it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Answer, Question, QuestionKind
from ..public.forms import AGREE5_LABELS
from .formulas import AGREEING, AGREEING_LABEL, Estimate, Share, index_estimate, mean_estimate
from .scope import Scope

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
