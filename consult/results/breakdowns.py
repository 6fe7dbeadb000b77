"""Results broken down by a background question, with small groups suppressed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Answer, Question, QuestionKind, Survey
from .cache import cached, response_stamp, signature
from .formulas import NO_ANSWER_LABEL, suppressed
from .scope import Scope
from .tallies import QuestionResult, question_result, tally


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
