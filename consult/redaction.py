"""Automatic removal of personal data from free-text answers, before the board sees them.

Patterns run in order; each match becomes a marker naming what was removed, so the text
stays readable ("Ring mig på [telefonnummer]"). The board only ever reads redacted text.
"""

import re

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
