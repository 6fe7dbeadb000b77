"""Free-text answers as the board reads them: redacted, searchable, a page at a time."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Answer, Question
from .scope import Scope


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
