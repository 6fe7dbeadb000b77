"""Personal data removed from free-text answers before the board sees them: automatically
when an answer is stored, and by staff afterwards.

Patterns run in order; each match becomes a marker naming what was removed, so the text
stays readable ("Ring mig på [telefonnummer]"). The board only ever reads redacted text.
Staff, like the board, see only the redacted text; a part they remove is replaced with a
marker too, so nothing removed can come back. Their changes are in the audit log, without
the answer's text.
"""

import re

from . import audit
from .extensions import db
from .models import Answer, User

_PATTERNS: list[tuple[str, re.Pattern]] = [
    (  # e-mail addresses
        "[e-postadress]",
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE),
    ),
    (  # personnummer and samordningsnummer: (YY)YYMMDD, optional - or +, four digits
        "[personnummer]",
        re.compile(
            r"(?<!\d)(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
            r"\s?[-+]?\s?\d{4}(?!\d)"
        ),
    ),
    (  # Swedish phone numbers: +46 / 0046 / 0, then 7–10 digits with spaces or dashes
        "[telefonnummer]",
        re.compile(r"(?<![\d+])(?:\+46|0046|0)[\s-]?\(?0?\)?[1-9](?:[\s-]?\d){5,9}(?!\d)"),
    ),
    (  # street addresses: "Storgatan 12", "Södra vägen 3B"
        "[adress]",
        re.compile(
            r"\b[A-ZÅÄÖ][\wåäöé-]*(?:gatan|vägen|gränd|gränden|torget|stigen|backen|allén|"
            r"platsen|leden|tået)\s+\d+\s?[A-Za-z]?\b"
        ),
    ),
    (  # vehicle registration numbers: ABC 123, ABC 12D
        "[registreringsnummer]",
        re.compile(r"\b[A-HJ-PR-UW-ZÅÄÖ]{3}\s?\d{2}[A-HJ-PR-UW-Z0-9]\b"),
    ),
]


def redact(text: str) -> str:
    """``text`` with e-mail addresses, personal identity numbers, phone numbers, street
    addresses and vehicle registrations replaced by markers."""
    for marker, pattern in _PATTERNS:
        text = pattern.sub(marker, text)
    return text


# By staff -----------------------------------------------------------------------------------


#: What a part removed by staff becomes.
REMOVED = "[borttaget]"


class NotInAnswer(Exception):
    """The text to remove does not occur in the answer."""


def set_answer_hidden(answer: Answer, hidden: bool, user: User) -> None:
    """Hide a free-text answer from the board, or show it again (it always counts)."""
    answer.hidden = hidden
    action = "answer.hide" if hidden else "answer.show"
    audit.record(user, action, _detail(answer))
    db.session.flush()


def remove_from_answer(answer: Answer, part: str, user: User) -> int:
    """Replace every occurrence of ``part`` (any case) in the redacted text with a marker.

    Returns how many were replaced; raises ``NotInAnswer`` when there were none.
    """
    pattern = re.compile(re.escape(part), re.IGNORECASE)
    redacted, count = pattern.subn(REMOVED, answer.redacted_text or "")
    if not count:
        raise NotInAnswer(part)
    answer.redacted_text = redacted
    audit.record(user, "answer.redact", f"{_detail(answer)}: {count} part(s) removed")
    db.session.flush()
    return count


def _detail(answer: Answer) -> str:
    """Which answer, never what it says."""
    return f"answer #{answer.id}, question #{answer.question_id}"
