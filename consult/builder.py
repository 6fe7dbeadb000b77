"""Staff operations on rounds, surveys and questions, and the rules that protect answers.

Once a survey has responses, nothing may change what a stored answer means: options cannot
be removed or reordered, a question's kind or scale cannot change, and questions cannot be
deleted. Wording fixes are allowed and recorded in the audit log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import selectinload

from . import audit
from .extensions import db
from .models import (
    InvitationCode,
    Option,
    Question,
    QuestionKind,
    Response,
    Round,
    RoundState,
    Survey,
    UsedFormToken,
    User,
    utcnow,
)

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")


class RefusedChange(Exception):
    """A change that would alter what stored answers mean; ``message`` explains why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class QuestionSpec:
    """Everything a staff member sets on a question, independent of any form."""

    kind: QuestionKind
    text: str
    help: str = ""
    required: bool = False
    is_background: bool = False
    key: str | None = None
    max_choices: int | None = None
    scale_min: int | None = None
    scale_max: int | None = None
    min_label: str | None = None
    max_label: str | None = None
    options: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, question: Question) -> QuestionSpec:
        settings = {name: getattr(question, name) for name in SETTINGS}
        return cls(**settings, options=[option.label for option in question.options])


#: A question's own settings, as named on both ``Question`` and ``QuestionSpec``.
SETTINGS = tuple(f.name for f in fields(QuestionSpec) if f.name != "options")


# Rounds -------------------------------------------------------------------------------------


def create_round(actor: User, title: str, opens_at=None, closes_at=None) -> Round:
    round_ = Round(title=title, opens_at=opens_at, closes_at=closes_at)
    db.session.add(round_)
    db.session.flush()
    audit.record(actor, "round.create", f"#{round_.id} {title}")
    return round_


def update_round(actor: User, round_: Round, title: str, opens_at=None, closes_at=None) -> None:
    round_.title, round_.opens_at, round_.closes_at = title, opens_at, closes_at
    audit.record(actor, "round.update", f"#{round_.id} {title}")


def open_round(actor: User | None, round_: Round) -> None:
    """Publish a draft round; it takes answers from its opening time (if any)."""
    round_.open()
    audit.record(actor, "round.open", f"#{round_.id} {round_.title}")


def close_round(actor: User | None, round_: Round) -> None:
    """Close a round and forget its used form tokens: they are only needed while it is open."""
    round_.close()
    survey_ids = select(Survey.id).where(Survey.round_id == round_.id)
    db.session.execute(delete(UsedFormToken).where(UsedFormToken.survey_id.in_(survey_ids)))
    audit.record(actor, "round.close", f"#{round_.id} {round_.title}")


def close_due_rounds(now: datetime | None = None) -> list[Round]:
    """Close every open round whose closing time has passed (run from a scheduler)."""
    due = db.session.scalars(
        select(Round).where(Round.state == RoundState.OPEN, Round.closes_at <= (now or utcnow()))
    ).all()
    for round_ in due:
        close_round(None, round_)
    return due


def clone_round(actor: User, source: Round) -> Round:
    """A new draft round with copies of the source's surveys and questions (keys kept)."""
    copy = Round(title=str(_l("Kopia av %(title)s", title=source.title)))
    taken = set(db.session.scalars(select(Survey.slug)))
    for survey in source.surveys:
        slug = _free_slug(survey.slug, taken)
        taken.add(slug)
        copy.surveys.append(
            Survey(
                target_area_id=survey.target_area_id,
                slug=slug,
                title=survey.title,
                intro=survey.intro,
                access=survey.access,
                position=survey.position,
                questions=[_copy_question(q, q.position) for q in survey.questions],
            )
        )
    db.session.add(copy)
    db.session.flush()
    audit.record(actor, "round.clone", f"#{source.id} → #{copy.id}")
    return copy


def _free_slug(slug: str, taken: set[str]) -> str:
    stem = re.sub(r"-\d+$", "", slug)[:55]
    number = 2
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def _copy_question(question: Question, position: int) -> Question:
    spec = QuestionSpec.of(question)
    copy = Question(position=position)
    _apply(copy, spec)
    copy.options = [Option(position=n, label=label) for n, label in enumerate(spec.options, 1)]
    return copy


# Surveys ------------------------------------------------------------------------------------


def slug_taken(slug: str, except_survey: Survey | None = None) -> bool:
    query = select(exists().where(Survey.slug == slug))
    if except_survey is not None:
        query = select(exists().where(Survey.slug == slug, Survey.id != except_survey.id))
    return bool(db.session.scalar(query))


def create_survey(actor: User, round_: Round, **fields) -> Survey:
    position = len(round_.surveys)
    survey = Survey(round=round_, position=position, **fields)
    db.session.add(survey)
    db.session.flush()
    audit.record(actor, "survey.create", f"#{survey.id} /s/{survey.slug}")
    return survey


def update_survey(actor: User, survey: Survey, **fields) -> None:
    for name, value in fields.items():
        setattr(survey, name, value)
    audit.record(actor, "survey.update", f"#{survey.id} /s/{survey.slug}")


def move_survey(actor: User, survey: Survey, step: int) -> None:
    """Move a survey up (-1) or down (+1) in its round, and so on the start page."""
    surveys = _swapped(list(survey.round.surveys), survey, step)
    if surveys:
        _renumber(surveys, start=0)
        audit.record(actor, "survey.move", f"#{survey.id} /s/{survey.slug}")


def delete_survey(actor: User, survey: Survey) -> None:
    """Delete a survey without responses, with its questions and invitation codes."""
    if has_responses(survey):
        raise RefusedChange(_l("En enkät som har svar kan inte tas bort."))
    for table in (InvitationCode, UsedFormToken):
        db.session.execute(delete(table).where(table.survey_id == survey.id))
    db.session.delete(survey)
    _renumber([other for other in survey.round.surveys if other is not survey], start=0)
    audit.record(actor, "survey.delete", f"#{survey.id} /s/{survey.slug}")


def has_responses(survey: Survey) -> bool:
    return bool(db.session.scalar(select(exists().where(Response.survey_id == survey.id))))


def response_count(survey: Survey) -> int:
    return db.session.scalar(select(func.count()).where(Response.survey_id == survey.id))


# Questions ----------------------------------------------------------------------------------


def add_question(actor: User, survey: Survey, spec: QuestionSpec) -> Question:
    question = Question(survey=survey, position=len(survey.questions) + 1)
    _apply(question, spec)
    question.options = [Option(position=n, label=label) for n, label in enumerate(spec.options, 1)]
    db.session.add(question)
    db.session.flush()
    audit.record(actor, "question.add", f"survey #{survey.id}, question #{question.id}")
    return question


def update_question(actor: User, question: Question, spec: QuestionSpec) -> None:
    """Apply ``spec``; on a survey with responses, refuse changes of meaning."""
    if has_responses(question.survey):
        _refuse_changes_of_meaning(question, spec)
        _relabel_and_extend_options(question, spec.options)
    else:
        question.options = [
            Option(position=n, label=label) for n, label in enumerate(spec.options, 1)
        ]
    before = question.text
    _apply(question, spec)
    detail = f"question #{question.id}"
    if before != spec.text:
        detail += f": ”{before}” → ”{spec.text}”"
    audit.record(actor, "question.update", detail)


def _refuse_changes_of_meaning(question: Question, spec: QuestionSpec) -> None:
    if spec.kind is not question.kind:
        raise RefusedChange(_l("Frågetypen kan inte ändras när enkäten har svar."))
    if (spec.scale_min, spec.scale_max) != (question.scale_min, question.scale_max):
        raise RefusedChange(_l("Skalan kan inte ändras när enkäten har svar."))
    if spec.max_choices != question.max_choices:
        raise RefusedChange(_l("Högsta antal val kan inte ändras när enkäten har svar."))
    old = [option.label for option in question.options]
    if len(spec.options) < len(old):
        raise RefusedChange(_l("Alternativ kan inte tas bort när enkäten har svar."))
    for position, label in enumerate(spec.options[: len(old)]):
        if label != old[position] and label in old:
            raise RefusedChange(_l("Alternativens ordning kan inte ändras när enkäten har svar."))


def _relabel_and_extend_options(question: Question, labels: list[str]) -> None:
    for option, label in zip(question.options, labels, strict=False):
        option.label = label
    for position, label in enumerate(labels[len(question.options) :], len(question.options) + 1):
        question.options.append(Option(position=position, label=label))


def _apply(question: Question, spec: QuestionSpec) -> None:
    for name in SETTINGS:
        setattr(question, name, getattr(spec, name))


def move_question(actor: User, question: Question, step: int) -> None:
    """Move a question up (-1) or down (+1); question order never changes stored answers."""
    questions = _swapped(list(question.survey.questions), question, step)
    if questions:
        _renumber(questions)
        audit.record(actor, "question.move", f"question #{question.id}")


def delete_question(actor: User, question: Question) -> None:
    survey = question.survey
    if has_responses(survey):
        raise RefusedChange(_l("Frågor kan inte tas bort när enkäten har svar."))
    survey.questions.remove(question)
    _renumber(survey.questions)
    audit.record(actor, "question.delete", f"survey #{survey.id}, question #{question.id}")


def _swapped(rows: list, row, step: int) -> list | None:
    """``rows`` with ``row`` swapped with its neighbour ``step`` away; None at either end."""
    index = rows.index(row)
    target = index + step
    if not 0 <= target < len(rows):
        return None
    rows[index], rows[target] = rows[target], rows[index]
    return rows


def _renumber(rows: list, start: int = 1) -> None:
    """Questions count from 1, surveys (like ``create_survey``) from 0."""
    for position, row in enumerate(rows, start):
        row.position = position


def question_bank(exclude: Survey | None = None) -> list[Question]:
    """The newest question for each stable key, to reuse so rounds can be compared."""
    newest = select(func.max(Question.id)).where(Question.key.is_not(None)).group_by(Question.key)
    questions = db.session.scalars(
        select(Question)
        .where(Question.id.in_(newest))
        .options(selectinload(Question.options))
        .order_by(Question.key)
    ).all()
    used = {q.key for q in exclude.questions} if exclude else set()
    return [question for question in questions if question.key not in used]


def add_from_bank(actor: User, survey: Survey, key: str) -> Question:
    source = next((q for q in question_bank(survey) if q.key == key), None)
    if source is None:
        raise RefusedChange(_l("Frågan finns inte i frågebanken."))
    return add_question(actor, survey, QuestionSpec.of(source))
