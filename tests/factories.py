"""Small factories for tests: surveys with every question kind, users, form posts."""

import re
from html import unescape

from consult.extensions import db
from consult.models import (
    Access,
    Option,
    Question,
    QuestionKind,
    Role,
    Round,
    RoundState,
    Strategy,
    Survey,
    TargetArea,
)
from consult.users import create_user

TEST_PASSWORD = "correct horse battery staple"


def make_strategy() -> Strategy:
    strategy = Strategy(
        municipality="Testby kommun",
        title="Strategi",
        goal="Ett gott liv för alla.",
        contact_email="kontakt@testby.se",
    )
    strategy.target_areas = [TargetArea(position=n, name=f"Målområde {n}") for n in (1, 2)]
    db.session.add(strategy)
    db.session.flush()
    return strategy


def make_survey(
    slug: str = "test",
    *,
    state: RoundState = RoundState.OPEN,
    access: Access = Access.OPEN,
    required: bool = True,
    extra_text_questions: int = 0,
) -> Survey:
    """A survey with one question of each kind (q order: single, multi, agree5, scale,
    short text, long text) plus an optional background question, committed."""
    strategy = db.session.query(Strategy).first() or make_strategy()
    round_ = Round(title=f"Omgång {slug}", state=state)
    survey = Survey(
        round=round_,
        target_area=strategy.target_areas[0],
        slug=slug,
        title=f"Enkät {slug}",
        intro="Om livet här.",
        access=access,
    )
    survey.questions = [
        Question(
            position=1,
            kind=QuestionKind.SINGLE,
            text="Hur trivs du?",
            required=required,
            options=_options("Bra", "Dåligt", "Vet inte"),
        ),
        Question(
            position=2,
            kind=QuestionKind.MULTI,
            text="Vad är viktigt?",
            required=required,
            max_choices=2,
            options=_options("Skola", "Vård", "Vägar", "Kultur"),
        ),
        Question(
            position=3,
            kind=QuestionKind.AGREE5,
            text="Jag känner mig trygg.",
            required=required,
            key="safe",
        ),
        Question(
            position=4,
            kind=QuestionKind.SCALE,
            text="Betyg på kommunen?",
            required=required,
            scale_min=1,
            scale_max=10,
            min_label="Mycket dåligt",
            max_label="Mycket bra",
            key="grade",
        ),
        Question(
            position=5, kind=QuestionKind.SHORT_TEXT, text="Ett ord om orten?", required=False
        ),
        Question(
            position=6,
            kind=QuestionKind.LONG_TEXT,
            text="Berätta mer.",
            required=False,
            help="Skriv fritt.",
        ),
        Question(
            position=7,
            kind=QuestionKind.SINGLE,
            text="Hur gammal är du?",
            is_background=True,
            key="age_band",
            options=_options("16–34", "35–64", "65+"),
        ),
    ]
    for n in range(extra_text_questions):
        survey.questions.append(
            Question(position=8 + n, kind=QuestionKind.SHORT_TEXT, text=f"Extra fråga {n + 1}?")
        )
    db.session.add(survey)
    db.session.commit()
    return survey


def _options(*labels: str) -> list[Option]:
    return [Option(position=n, label=label) for n, label in enumerate(labels, 1)]


def make_user(email: str, role: str, password: str = TEST_PASSWORD):
    user = create_user(email, password, Role(role))
    db.session.commit()
    return user


def hidden_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert tag, f"no hidden field {name}"
    return unescape(re.search(r'value="([^"]*)"', tag.group(0)).group(1))


def valid_answers(survey: Survey) -> dict[str, object]:
    """Form data answering every question of a ``make_survey`` survey."""
    q = {question.position: question for question in survey.questions}
    return {
        q[1].field_name: str(q[1].options[0].id),
        q[2].field_name: [str(q[2].options[0].id), str(q[2].options[2].id)],
        q[3].field_name: "4",
        q[4].field_name: "7",
        q[5].field_name: "Lugnt",
        q[6].field_name: "Bra skolor\nmen dåliga bussar.",
        q[7].field_name: str(q[7].options[1].id),
    }


def form_post(client, survey_slug: str, answers: dict, *, query: str = "", **overrides):
    """GET the survey like a browser, then POST the answers with its CSRF and form tokens."""
    url = f"/s/{survey_slug}{query}"
    page = client.get(url).text
    data = {
        "csrf_token": hidden_value(page, "csrf_token"),
        "form_token": hidden_value(page, "form_token"),
        **answers,
    }
    data.update(overrides)
    return client.post(url, data={k: v for k, v in data.items() if v is not None})
