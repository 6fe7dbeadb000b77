"""Survey operations: loading, invitation codes, and recording responses anonymously."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from .extensions import db
from .models import (
    Access,
    Answer,
    Channel,
    InvitationCode,
    Question,
    QuestionKind,
    Response,
    Round,
    RoundState,
    Strategy,
    Survey,
    UsedFormToken,
)
from .redaction import redact

STOCKHOLM = ZoneInfo("Europe/Stockholm")
#: No 0/O, 1/I/L: codes are typed from paper letters.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
#: The form value of "Vet ej" on agreement scales.
DONT_KNOW = "vet-ej"


class CodeRefused(Exception):
    """The invitation code did not allow a response; nothing was stored."""


class UnknownCode(CodeRefused):
    """No such code for this survey."""


class UsedCode(CodeRefused):
    """The code has already allowed a response."""


class AlreadySubmitted(Exception):
    """This very form was stored before (double tap, reload, back and resubmit)."""


def today_in_sweden() -> date:
    return datetime.now(STOCKHOLM).date()


def get_survey(slug: str) -> Survey | None:
    """A survey with its round, target area, questions and options in three queries."""
    return db.session.scalar(
        select(Survey)
        .where(Survey.slug == slug)
        .options(
            joinedload(Survey.round),
            joinedload(Survey.target_area),
            selectinload(Survey.questions).selectinload(Question.options),
        )
    )


def get_strategy() -> Strategy | None:
    return db.session.scalar(select(Strategy).order_by(Strategy.id).limit(1))


def open_surveys() -> list[Survey]:
    """Surveys taking answers right now, in target-area order."""
    surveys = db.session.scalars(
        select(Survey)
        .join(Survey.round)
        .where(Round.state == RoundState.OPEN)
        .options(joinedload(Survey.round), joinedload(Survey.target_area))
        .order_by(Survey.position, Survey.id)
    ).all()
    live = [survey for survey in surveys if survey.round.accepts_answers()]
    return sorted(live, key=lambda survey: survey.target_area.position)


# Invitation codes ---------------------------------------------------------------------------


def normalise_code(raw: str) -> str:
    """Upper case without spaces or dashes, so "abcde-fghjk" and "ABCDE FGHJK" match."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def code_digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def format_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def generate_codes(survey: Survey, count: int) -> list[str]:
    """Create ``count`` one-time codes; only their digests are stored. Returns the codes."""
    codes = {
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(count)
    }
    while len(codes) < count:
        codes.add("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))
    db.session.add_all(
        InvitationCode(survey_id=survey.id, digest=code_digest(code)) for code in codes
    )
    db.session.flush()
    return [format_code(code) for code in sorted(codes)]


def burn_code(survey: Survey, code: str) -> None:
    """Mark a code used, atomically: of two racing submissions exactly one succeeds."""
    digest = code_digest(code)
    burnt = db.session.execute(
        update(InvitationCode)
        .where(
            InvitationCode.survey_id == survey.id,
            InvitationCode.digest == digest,
            InvitationCode.used.is_(False),
        )
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    if burnt.rowcount == 1:
        return
    known = db.session.scalar(
        select(
            exists().where(InvitationCode.survey_id == survey.id, InvitationCode.digest == digest)
        )
    )
    raise UsedCode() if known else UnknownCode()


# Responses ----------------------------------------------------------------------------------


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def _claim_form_token(survey: Survey, token: str) -> None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    try:
        db.session.execute(
            insert(UsedFormToken.__table__).values(digest=digest, survey_id=survey.id)
        )
    except IntegrityError as error:
        raise AlreadySubmitted() from error


def answer_rows(survey: Survey, values: dict[int, object]) -> list[dict]:
    """Validated form values (by question id) as answer rows, one per ticked option."""
    rows = []
    for question in survey.questions:
        value = values.get(question.id)
        if value in (None, "", []):
            continue
        for one in value if question.kind is QuestionKind.MULTI else [value]:
            rows.append(answer_row(question, one))
    return rows


def answer_row(question: Question, value) -> dict:
    """The columns of one answer: ``value`` is an option id, a number, a text or DONT_KNOW."""
    row = {"question_id": question.id, **EMPTY_ANSWER}
    if question.kind.is_text:
        row["text"], row["redacted_text"] = str(value), redact(str(value))
    elif question.kind.has_options:
        row["option_id"] = int(value)
    elif value == DONT_KNOW:
        row["dont_know"] = True
    else:
        row["number"] = int(value)
    return row


#: Every answer row names every column, so that rows insert in one executemany.
EMPTY_ANSWER = {
    "option_id": None,
    "number": None,
    "text": None,
    "redacted_text": None,
    "dont_know": False,
    "hidden": False,
}


def record_response(
    survey: Survey,
    answers: list[dict],
    *,
    channel: Channel,
    code: str | None = None,
    form_token: str | None = None,
) -> int:
    """Store one response with its ``answer_rows``, burning the code and form token with
    it; returns the response's id.

    Everything happens in the caller's transaction: commit once, or roll back on any
    exception, and nothing is half-stored. Core statements, not the unit of work: this
    is the path every submission takes.
    """
    if form_token:
        _claim_form_token(survey, form_token)
    if survey.access is Access.CODE and channel is Channel.WEB:
        burn_code(survey, code or "")
    response = Response.__table__
    response_id = db.session.execute(
        insert(response)
        .values(survey_id=survey.id, submitted_on=today_in_sweden(), channel=channel)
        .returning(response.c.id)
    ).scalar_one()
    if answers:
        rows = [{**row, "response_id": response_id} for row in answers]
        db.session.execute(insert(Answer.__table__), rows)
    return response_id
