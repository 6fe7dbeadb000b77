"""simulate-responses: valid synthetic answers, marked simulated, never mixed with real ones."""

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Answer, Channel, QuestionKind, Response
from consult.results import response_counts
from consult.simulate import simulate_responses
from consult.surveys import get_survey

from .board_factories import TEN, add_responses
from .factories import make_survey


def test_the_command_fills_a_survey_with_valid_simulated_responses(app, runner, ctx):
    survey = make_survey()
    result = runner.invoke(args=["simulate-responses", "test", "--count", "1200", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert "Added 1200 simulated responses to test" in result.output
    db.session.expire_all()
    channels = db.session.execute(select(Response.channel, func.count()).group_by(Response.channel))
    assert dict(channels.all()) == {Channel.SIMULATED: 1200}
    assert response_counts() == {}  # real-results counts leave them out

    questions = {q.id: q for q in get_survey("test").questions}
    answers = db.session.execute(
        select(
            Answer.response_id,
            Answer.question_id,
            Answer.option_id,
            Answer.number,
            Answer.dont_know,
            Answer.text,
            Answer.redacted_text,
        )
    ).all()
    per_question = Counter()
    for response_id, qid, option, number, dont_know, text, redacted in answers:
        q = questions[qid]
        per_question[response_id, qid] += 1
        if q.kind.has_options:
            assert option in {o.id for o in q.options}
        elif q.kind is QuestionKind.AGREE5:
            assert dont_know or 1 <= number <= 5
        elif q.kind is QuestionKind.SCALE:
            assert q.scale_min <= number <= q.scale_max
        else:
            assert text and redacted and "070-" not in redacted
    for (_response, qid), count in per_question.items():
        limit = questions[qid].max_choices or 1 if questions[qid].kind is QuestionKind.MULTI else 1
        assert count <= limit
    required = [q.id for q in survey.questions if q.required]
    assert all(per_question[r, q] for r in range(1, 1201) for q in required)


def test_simulated_days_fall_in_the_window(ctx):
    make_survey()
    simulate_responses(get_survey("test"), 300, seed=1, days=5, last_day=date(2026, 5, 10))
    days = set(db.session.scalars(select(Response.submitted_on)))
    assert days <= {date(2026, 5, d) for d in range(6, 11)} and len(days) == 5


def test_a_seed_repeats_the_same_answers(ctx):
    make_survey("a")
    make_survey("b")
    simulate_responses(get_survey("a"), 200, seed=3, last_day=date(2026, 5, 10))
    simulate_responses(get_survey("b"), 200, seed=3, last_day=date(2026, 5, 10))

    def summary(slug):
        survey = get_survey(slug)
        rows = db.session.execute(
            select(Answer.number, func.count())
            .join(Response)
            .where(Response.survey_id == survey.id)
            .group_by(Answer.number)
        )
        return sorted(rows.all(), key=str)

    assert summary("a") == summary("b")


def test_refused_on_a_round_with_real_responses(app, runner, ctx):
    survey = make_survey()
    add_responses(survey, TEN[:1])
    result = runner.invoke(args=["simulate-responses", "test", "--count", "5"])
    assert (
        result.exit_code != 0 and "refused" in result.output and "real responses" in result.output
    )
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_unknown_survey(runner, ctx):
    result = runner.invoke(args=["simulate-responses", "nope", "--count", "5"])
    assert result.exit_code != 0 and "no survey" in result.output


def test_simulated_results_are_shown_only_when_asked_and_labelled(app, login, runner):
    with app.app_context():
        make_survey()
        result = runner.invoke(args=["simulate-responses", "test", "-n", "40", "--seed", "1"])
        assert result.exit_code == 0, result.output
    client = login("board")
    real = client.get("/board/surveys/test").text
    assert (
        "Resultaten visas när minst 5 har svarat" in real
        and "Det finns också simulerade svar" in real
    )
    simulated = client.get("/board/surveys/test?simulated=1").text
    assert "Simulerade svar – inte riktiga svar" in simulated and "data-figure" in simulated
