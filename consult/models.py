"""Typed SQLAlchemy 2.0 models.

The anonymity promise shapes ``Response``, ``Answer``, ``InvitationCode`` and
``UsedFormToken``: none of them holds a time of day, a client address, an account or
anything that links a response to a person or to the invitation code that allowed it.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    DDL,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


def str_enum(cls: type[enum.Enum], name: str) -> Enum:
    """Store an enum by its value in a VARCHAR with a CHECK constraint (portable, migratable)."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class InvalidTransition(Exception):
    """A round was asked to move to a state it cannot reach from where it is."""


class RoundState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Access(enum.StrEnum):
    OPEN = "open"  #: anyone with the link
    CODE = "code"  #: a one-time invitation code is needed


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    AGREE5 = "agree5"  #: 1–5 agreement with a "Vet ej" choice
    SCALE = "scale"  #: rating scale such as 1–10
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.SINGLE, QuestionKind.MULTI)

    @property
    def is_text(self) -> bool:
        return self in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)


class Channel(enum.StrEnum):
    WEB = "web"
    PAPER = "paper"
    SIMULATED = "simulated"  #: synthetic demo/benchmark data, never mistaken for real answers


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"
    BOARD = "board"


class Strategy(db.Model):
    """The municipality's development strategy: who asks, and the overall goal."""

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    goal: Mapped[str] = mapped_column(Text)
    #: Where residents report accessibility problems and ask about personal data.
    contact_email: Mapped[str] = mapped_column(String(254), default="")

    target_areas: Mapped[list[TargetArea]] = relationship(
        back_populates="strategy", order_by="TargetArea.position"
    )


class TargetArea(db.Model):
    """One of the strategy's prioritised target areas (data, not code)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategy.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    strategy: Mapped[Strategy] = relationship(back_populates="target_areas")


class Round(db.Model):
    """A consultation round; its surveys take answers only while it is open."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[RoundState] = mapped_column(
        str_enum(RoundState, "round_state"), default=RoundState.DRAFT
    )
    #: Optional window (UTC) inside the open state; shown in Europe/Stockholm time.
    opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    surveys: Mapped[list[Survey]] = relationship(back_populates="round", order_by="Survey.position")

    def open(self) -> None:
        if self.state is not RoundState.DRAFT:
            raise InvalidTransition(f"cannot open a round that is {self.state}")
        self.state = RoundState.OPEN

    def close(self) -> None:
        if self.state is not RoundState.OPEN:
            raise InvalidTransition(f"cannot close a round that is {self.state}")
        self.state = RoundState.CLOSED

    def status(self, now: datetime | None = None) -> str:
        """What staff see: draft, scheduled (open, before its opening time), open or closed."""
        now = now or utcnow()
        if self.state is RoundState.OPEN and self.opens_at and now < _aware(self.opens_at):
            return "scheduled"
        if self.state is RoundState.OPEN and not self.accepts_answers(now):
            return "closed"
        return self.state.value

    def accepts_answers(self, now: datetime | None = None) -> bool:
        """Open, and inside its opening window if it has one."""
        now = now or utcnow()
        if self.state is not RoundState.OPEN:
            return False
        if self.opens_at and now < _aware(self.opens_at):
            return False
        return not (self.closes_at and now >= _aware(self.closes_at))


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Survey(db.Model):
    """A survey in one round about one target area."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    target_area_id: Mapped[int] = mapped_column(ForeignKey("target_area.id"), index=True)
    #: Short, stable part of the link on posters and letters: /s/<slug>.
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    access: Mapped[Access] = mapped_column(str_enum(Access, "survey_access"), default=Access.OPEN)
    position: Mapped[int] = mapped_column(Integer, default=0)

    round: Mapped[Round] = relationship(back_populates="surveys")
    target_area: Mapped[TargetArea] = relationship()
    questions: Mapped[list[Question]] = relationship(
        back_populates="survey", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind, "question_kind"))
    text: Mapped[str] = mapped_column(Text)
    help: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Asked to break results down (age band, part of the municipality), not as a result itself.
    is_background: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Stable across rounds, so the same question can be compared over time.
    key: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Multiple choice: most options a resident may tick (None: no limit).
    max_choices: Mapped[int | None] = mapped_column(Integer)
    #: Rating scale bounds and end labels, e.g. 1 "Mycket dåligt" … 10 "Mycket bra".
    scale_min: Mapped[int | None] = mapped_column(Integer)
    scale_max: Mapped[int | None] = mapped_column(Integer)
    min_label: Mapped[str | None] = mapped_column(String(80))
    max_label: Mapped[str | None] = mapped_column(String(80))

    survey: Mapped[Survey] = relationship(back_populates="questions")
    options: Mapped[list[Option]] = relationship(
        back_populates="question", order_by="Option.position", cascade="all, delete-orphan"
    )

    @property
    def field_name(self) -> str:
        return f"q{self.id}"


class Option(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))

    question: Mapped[Question] = relationship(back_populates="options")


class Response(db.Model):
    """One submitted questionnaire: which survey, which day, which channel. Nothing else."""

    #: Counts per survey and channel (real vs simulated) read from the index alone.
    __table_args__ = (Index("ix_response_survey_channel", "survey_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    #: The day only (Europe/Stockholm), never the time of day.
    submitted_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "response_channel"))

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(db.Model):
    """One answer to one question: an option, a number, a text, or "Vet ej"."""

    __table_args__ = (
        Index("ix_answer_question_option", "question_id", "option_id"),
        Index("ix_answer_question_number", "question_id", "number"),
        #: Counting respondents per question (multiple choice, breakdowns) from the index.
        Index("ix_answer_question_response", "question_id", "response_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    option_id: Mapped[int | None] = mapped_column(ForeignKey("option.id"))
    number: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    #: Agreement scales: the resident chose "Vet ej" (number stays empty).
    dont_know: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Free text as the board may read it: personal data removed automatically when stored,
    #: and further by staff. The board never reads ``text`` itself.
    redacted_text: Mapped[str | None] = mapped_column(Text)
    #: Staff hid this free-text answer from the board (it still counts in totals).
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)

    response: Mapped[Response] = relationship(back_populates="answers")


class InvitationCode(db.Model):
    """A one-time code. Only its digest is kept; no time, and no link to any response."""

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class UsedFormToken(db.Model):
    """Digest of a submitted form's one-time token, so a double tap or a resubmit stores once.

    The token is random per page view; it identifies no one and links to no response.
    Rows are deleted when the round closes.
    """

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)


class ContentRevision(db.Model):
    """One counter, raised in the same transaction as any change to what residents see
    (``consult.content``), so that each app process knows when its cached copy is stale."""

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)


event.listen(
    ContentRevision.__table__,
    "after_create",
    DDL("INSERT INTO content_revision (id, revision) VALUES (1, 0)"),
)


class User(UserMixin, db.Model):
    """A member of staff or of the board. Residents never have accounts."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Signed in with a password someone else chose (an admin's temporary one): nothing but
    #: choosing a new password is allowed until then.
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    #: Raised at each logout: every session carries the number it started with, so logging
    #: out ends the account's sessions everywhere, copied cookies included.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active


class AuditEvent(db.Model):
    """Something a member of staff did. Residents' actions are never recorded."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()
