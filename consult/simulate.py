"""Synthetic responses for demos and benchmarks: ``flask --app consult simulate-responses``.

Simulated responses have the channel ``Channel.SIMULATED``: results pages leave them out
and show them only when asked (``?simulated=1``), under a banner that says so. A round
that holds real responses is never given simulated ones, so the two are not mixed
where someone might read them together. Rows go in with bulk inserts, in batches.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

import click
from sqlalchemy import exists, insert, select

from .extensions import db
from .models import Answer, Channel, Question, QuestionKind, Response, Survey
from .surveys import DONT_KNOW, answer_row, get_survey, today_in_sweden

BATCH = 5_000
#: Free text a resident might write; some carry personal data that redaction removes.
PHRASES = [
    "Fler cykelvägar mellan byarna.",
    "Bättre busstider på kvällar och helger.",
    "Mer aktiviteter för unga på landsbygden.",
    "Det är tryggt och lugnt här, behåll det.",
    "Snöröjningen på små vägar behöver bli bättre.",
    "Bredbandet är för dåligt där jag bor.",
    "Fler bostäder för äldre i centrum.",
    "Ring mig gärna på 070-123 45 67 om ni vill veta mer.",
    "Jag bor på Storgatan 12 och gatubelysningen är trasig.",
    "Skriv till anna.exempel@example.se så berättar jag mer.",
    "Bra skolor men för få lärare.",
    "Biblioteket är fantastiskt!",
]
ANSWER_RATE = {"background": 0.9, "optional": 0.8, "short_text": 0.3, "long_text": 0.2}
DONT_KNOW_RATE = 0.06


class RealResponsesExist(Exception):
    """The survey's round already holds real responses."""


def simulate_responses(
    survey: Survey,
    count: int,
    *,
    seed: int | None = None,
    days: int = 21,
    last_day: date | None = None,
) -> int:
    """Add ``count`` simulated responses to ``survey`` (loaded with ``get_survey``),
    submitted on the ``days`` days up to ``last_day``. Returns how many were added."""
    if _round_has_real_responses(survey):
        raise RealResponsesExist(survey.round.title)
    rng = random.Random(seed)
    profiles = [QuestionProfile.of(question, rng) for question in survey.questions]
    first_day = (last_day or today_in_sweden()) - timedelta(days=days - 1)
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        days_on = [first_day + timedelta(days=rng.randrange(days)) for _ in range(size)]
        ids = _insert_responses(survey, days_on)
        rows = [row for response_id in ids for row in _answers(response_id, profiles, rng)]
        if rows:  # Core executemany: the ORM would split rows by which columns are empty
            db.session.connection().execute(insert(Answer.__table__), rows)
    db.session.flush()
    return count


def _round_has_real_responses(survey: Survey) -> bool:
    in_round = select(Survey.id).where(Survey.round_id == survey.round_id)
    return db.session.scalar(
        select(
            exists().where(Response.survey_id.in_(in_round), Response.channel != Channel.SIMULATED)
        )
    )


def _insert_responses(survey: Survey, days_on: list[date]) -> list[int]:
    """Insert responses in one statement and return their ids in the same order."""
    table = Response.__table__
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    rows = [
        {"survey_id": survey.id, "submitted_on": day, "channel": Channel.SIMULATED}
        for day in days_on
    ]
    return list(db.session.connection().execute(stmt, rows).scalars())


# How each question is answered --------------------------------------------------------------


@dataclass
class QuestionProfile:
    """How likely each answer to one question is, drawn once per run."""

    question: Question
    answer_rate: float
    weights: list[float] = field(default_factory=list)  #: per option or scale value
    values: list = field(default_factory=list)  #: option ids or scale values

    def __post_init__(self):
        self.cumulative = list(accumulate(self.weights))

    @classmethod
    def of(cls, question: Question, rng: random.Random) -> QuestionProfile:
        kind = question.kind
        rate = 1.0 if question.required else ANSWER_RATE["optional"]
        if question.is_background:
            rate = ANSWER_RATE["background"]
        if kind.is_text:
            return cls(question, ANSWER_RATE[kind.value], [1.0] * len(PHRASES), PHRASES)
        if kind.has_options:
            values = [option.id for option in question.options]
            return cls(question, rate, [0.2 + rng.random() ** 2 for _ in values], values)
        low, high = (
            (1, 5) if kind is QuestionKind.AGREE5 else (question.scale_min, question.scale_max)
        )
        values = list(range(low, high + 1))
        centre = low + (high - low) * rng.uniform(0.45, 0.8)
        spread = max((high - low) / 4, 0.8)
        weights = [math.exp(-(((v - centre) / spread) ** 2) / 2) for v in values]
        return cls(question, rate, weights, values)


def _answers(response_id: int, profiles: list[QuestionProfile], rng: random.Random) -> list[dict]:
    rows = []
    for profile in profiles:
        if rng.random() >= profile.answer_rate:
            continue
        rows += [_row(response_id, profile.question, value) for value in _pick(profile, rng)]
    return rows


def _pick(profile: QuestionProfile, rng: random.Random) -> list:
    """The values one simulated resident gives to one question."""
    kind = profile.question.kind
    if kind is QuestionKind.AGREE5 and rng.random() < DONT_KNOW_RATE:
        return [DONT_KNOW]
    if kind is not QuestionKind.MULTI:
        return rng.choices(profile.values, cum_weights=profile.cumulative)
    most = profile.question.max_choices or min(3, len(profile.values))
    wanted = rng.randint(1, min(most, len(profile.values)))
    chosen: list = []
    while len(chosen) < wanted:
        pick = rng.choices(profile.values, cum_weights=profile.cumulative)[0]
        if pick not in chosen:
            chosen.append(pick)
    return chosen


def _row(response_id: int, question: Question, value) -> dict:
    return {**answer_row(question, value), "response_id": response_id}


# Command ------------------------------------------------------------------------------------


@click.command("simulate-responses")
@click.argument("slug")
@click.option("--count", "-n", type=click.IntRange(1, 1_000_000), default=100, show_default=True)
@click.option("--days", type=click.IntRange(1, 366), default=21, show_default=True)
@click.option("--seed", type=int, default=None, help="Repeatable answers for benchmarks.")
def simulate_responses_command(slug: str, count: int, days: int, seed: int | None) -> None:
    """Fill survey SLUG with COUNT synthetic responses (channel "simulated").

    They never count as real results: pages show them only with ?simulated=1, under a
    banner. Refused on a round that already holds real responses.
    """
    survey = get_survey(slug)
    if survey is None:
        raise click.ClickException(f"no survey with slug {slug!r}")
    try:
        added = simulate_responses(survey, count, seed=seed, days=days)
    except RealResponsesExist as error:
        raise click.ClickException(
            f"refused: round {error} holds real responses; simulate in a round of its own"
        ) from error
    db.session.commit()
    click.echo(f"Added {added} simulated responses to {slug} (shown only with ?simulated=1).")
