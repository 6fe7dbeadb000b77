"""Aggregates kept per process while the responses they count are unchanged."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent, Question, Response

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
