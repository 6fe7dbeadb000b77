"""Factories for result tests: responses with chosen answers, stored directly."""

from datetime import date

from consult.extensions import db
from consult.models import Answer, Channel, InvitationCode, Response, Survey
from consult.redaction import redact

DONT_KNOW = "Vet ej"

#: Ten responses to a ``make_survey`` survey, by question position:
#: 1 single, 2 multi, 3 agree5 (or "Vet ej"), 4 scale 1–10, 7 age band (background).
TEN = [
    {1: "Bra", 2: ["Skola", "Vård"], 3: 5, 4: 8, 7: "16–34"},
    {1: "Bra", 2: ["Skola"], 3: 4, 4: 7, 7: "16–34"},
    {1: "Bra", 2: ["Vård"], 3: 4, 4: 9, 7: "35–64"},
    {1: "Dåligt", 2: ["Vägar", "Skola"], 3: 2, 4: 3, 7: "35–64"},
    {1: "Bra", 2: ["Skola"], 3: DONT_KNOW, 4: 6, 7: "35–64"},
    {1: "Dåligt", 2: ["Kultur"], 3: 1, 4: 2, 7: "65+"},
    {1: "Bra", 2: ["Skola", "Vägar"], 3: 5, 4: 10, 7: "35–64"},
    {1: "Vet inte", 2: ["Vård"], 3: 3, 4: 5, 7: "35–64"},
    {1: "Bra", 2: ["Skola"], 3: 4, 4: 8, 7: "16–34"},
    {1: "Dåligt", 2: ["Vård", "Vägar"], 3: DONT_KNOW, 4: 4},
]


def question(survey: Survey, position: int):
    return next(q for q in survey.questions if q.position == position)


def add_response(
    survey: Survey,
    answers: dict[int, object],
    *,
    channel: Channel = Channel.WEB,
    day: date = date(2026, 5, 4),
    texts: dict[int, str] | None = None,
) -> Response:
    """Store one response; ``answers`` maps question position to a label, labels, number,
    "Vet ej" or text. ``texts`` gives free text whose stored original differs (the
    original is ``texts[position]``, redacted automatically)."""
    rows = []
    for position, value in {**answers, **(texts or {})}.items():
        rows += _answers(question(survey, position), value)
    response = Response(survey_id=survey.id, submitted_on=day, channel=channel, answers=rows)
    db.session.add(response)
    db.session.flush()
    return response


def _answers(q, value) -> list[Answer]:
    if q.kind.is_text:
        return [Answer(question_id=q.id, text=value, redacted_text=redact(value))]
    if value == DONT_KNOW:
        return [Answer(question_id=q.id, dont_know=True)]
    if isinstance(value, int):
        return [Answer(question_id=q.id, number=value)]
    labels = value if isinstance(value, list) else [value]
    ids = {option.label: option.id for option in q.options}
    return [Answer(question_id=q.id, option_id=ids[label]) for label in labels]


def add_responses(survey: Survey, rows: list[dict], **kwargs) -> None:
    for answers in rows:
        add_response(survey, answers, **kwargs)
    db.session.commit()


def add_codes(survey: Survey, count: int, used: int = 0) -> None:
    db.session.add_all(
        InvitationCode(survey_id=survey.id, digest=f"{survey.id}-{n:061d}", used=n < used)
        for n in range(count)
    )
    db.session.commit()
