"""What residents see, kept per app process until staff change it.

Answers are many and edits are few, so the survey page does not load its survey, build
its form class and render its questions on every request. Every change to the content
models raises ``ContentRevision.revision`` in the same transaction (``track_changes``),
and a process starts a fresh copy when the number has moved:

- pages trust a copy confirmed within ``CONTENT_RECHECK_SECONDS`` (1 s), so showing or
  checking a survey costs no query; another process's edit shows within that time, and
  this process's own edits at once;
- storing an answer confirms the copy inside its write transaction (``confirm_copy``),
  so nothing is ever stored against a survey that has changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from itertools import chain
from typing import TypeVar

from flask import current_app, g, has_app_context
from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from .extensions import db
from .models import ContentRevision, Option, Question, Round, Strategy, Survey, TargetArea

#: The models whose rows residents' pages show.
CONTENT_MODELS = (Strategy, TargetArea, Round, Survey, Question, Option)
_COPY = "consult.content"  #: where the copy lives in ``app.extensions``
_RAISED = "consult.content_raised"  #: ``session.info`` flag: this transaction changed content
T = TypeVar("T")


class ContentCopy:
    """One process's copy of the content at one revision: values built on first use."""

    def __init__(self, revision: int):
        self.revision = revision
        self.confirmed_at = time.monotonic()
        self._values: dict[Hashable, object] = {}

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value kept under ``key``, built now if it is not kept yet (None is not kept,
        so that requests for pages that do not exist cannot fill the memory)."""
        if key in self._values:
            return self._values[key]
        value = build()
        if value is not None:
            self._values[key] = value
        return value


def content() -> ContentCopy:
    """This process's copy of the content, current as the module docstring describes."""
    if "content" not in g:
        copy = current_app.extensions.get(_COPY)
        if copy is None or not _trusted(copy):
            copy = _confirmed(copy, current_revision())
        g.content = copy
    return g.content


def _trusted(copy: ContentCopy) -> bool:
    return time.monotonic() - copy.confirmed_at < current_app.config["CONTENT_RECHECK_SECONDS"]


def _confirmed(copy: ContentCopy | None, revision: int) -> ContentCopy:
    if copy is None or copy.revision != revision:
        copy = current_app.extensions[_COPY] = ContentCopy(revision)
    copy.confirmed_at = time.monotonic()
    return copy


class StaleCopy(Exception):
    """The copy a request worked from is out of date; roll back and handle it again."""


def confirm_copy() -> None:
    """In a write transaction, before storing: raise ``StaleCopy`` (and forget the copy)
    if the content changed since this request's copy was made."""
    copy = content()
    if current_revision() != copy.revision:
        current_app.extensions.pop(_COPY, None)
        g.pop("content")
        raise StaleCopy()
    copy.confirmed_at = time.monotonic()


def current_revision() -> int:
    return db.session.scalar(select(ContentRevision.revision)) or 0


def detached(*rows: T) -> T:
    """Take loaded rows out of the session (with what cascades), so no commit expires
    them; returns the last."""
    for row in rows:
        db.session.expunge(row)
    return rows[-1]


# Raising the revision -----------------------------------------------------------------------


def track_changes(sessions: sessionmaker) -> None:
    """Raise the revision in any transaction that changes content, through the unit of
    work or through an ORM-enabled UPDATE or DELETE; forget this process's copy when such
    a transaction commits."""

    @event.listens_for(sessions, "before_flush")
    def _on_flush(session, _context, _instances):
        if _changes_content(session):
            _raise_revision(session)

    @event.listens_for(sessions, "do_orm_execute")
    def _on_statement(state: ORMExecuteState):
        if (state.is_update or state.is_delete) and any(
            mapper.class_ in CONTENT_MODELS for mapper in state.all_mappers
        ):
            _raise_revision(state.session)

    @event.listens_for(sessions, "after_commit")
    def _on_commit(session):
        if session.info.pop(_RAISED, False) and has_app_context():
            current_app.extensions.pop(_COPY, None)

    @event.listens_for(sessions, "after_rollback")
    def _on_rollback(session):
        session.info.pop(_RAISED, None)


def _changes_content(session: Session) -> bool:
    added_or_deleted = chain(session.new, session.deleted)
    return any(isinstance(row, CONTENT_MODELS) for row in added_or_deleted) or any(
        isinstance(row, CONTENT_MODELS) and session.is_modified(row) for row in session.dirty
    )


def _raise_revision(session: Session) -> None:
    table = ContentRevision.__table__  # Core, so that no ORM event fires again
    session.connection().execute(update(table).values(revision=table.c.revision + 1))
    session.info[_RAISED] = True


track_changes(db.session.session_factory)
