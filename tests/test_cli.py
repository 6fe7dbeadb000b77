"""Command-line tools: seed-demo, create-user, generate-codes."""

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import (
    InvitationCode,
    Option,
    Question,
    QuestionKind,
    Role,
    Round,
    Strategy,
    Survey,
    TargetArea,
    User,
)
from consult.surveys import code_digest

AREAS = [
    "Attraktiva och hållbara livsmiljöer",
    "Kompetens- och arbetsmarknadsförsörjning",
    "Främja företagsamhet på lika villkor",
    "Aktiv och meningsfull fritid i ett samhällsbyggande och inkluderande perspektiv",
    "Väl fungerande infrastruktur",
]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_loads_vimmerby_and_is_safe_to_run_twice(app, runner, ctx):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "http://127.0.0.1:5000/s/livsmiljo" in first.output
    before = [count(m) for m in (Strategy, TargetArea, Round, Survey, Question, Option)]
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    db.session.rollback()
    assert [count(m) for m in (Strategy, TargetArea, Round, Survey, Question, Option)] == before

    strategy = db.session.scalars(select(Strategy)).one()
    assert strategy.municipality == "Vimmerby kommun"
    assert strategy.goal.startswith("Skapa goda förutsättningar för att ständigt stärka")
    assert [area.name for area in strategy.target_areas] == AREAS
    surveys = db.session.scalars(select(Survey)).all()
    assert sorted(s.target_area.name for s in surveys) == sorted(AREAS)
    assert all(6 <= len(s.questions) <= 10 for s in surveys)
    kinds = {q.kind for s in surveys for q in s.questions}
    assert kinds == set(QuestionKind)
    assert all(any(q.is_background for q in s.questions) for s in surveys)
    assert all(s.round.accepts_answers() for s in surveys)


def test_seeded_surveys_open_for_residents(app, runner, client, ctx):
    runner.invoke(args=["seed-demo"])
    index = client.get("/").text
    for name in AREAS:
        assert name.replace("-", "-") in index or name in index
    for slug in ("livsmiljo", "arbete", "foretagande", "fritid", "infrastruktur"):
        assert client.get(f"/s/{slug}").status_code == 200


def test_create_user_with_password_option(app, runner, ctx):
    result = runner.invoke(
        args=[
            "create-user",
            "Anna@Vimmerby.se",
            "--role",
            "staff",
            "--password",
            "ett långt lösenord",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert (user.email, user.role) == ("anna@vimmerby.se", Role.STAFF)


def test_create_user_prompts_for_the_password(app, runner, ctx):
    result = runner.invoke(
        args=["create-user", "b@example.se", "--role", "board"],
        input="hemligt lösenord\nhemligt lösenord\n",
    )
    assert result.exit_code == 0, result.output
    assert count(User) == 1


def test_create_user_refuses_duplicates_short_passwords_and_bad_roles(app, runner, ctx):
    ok = ["create-user", "a@example.se", "--role", "admin", "--password", "långt nog lösenord"]
    assert runner.invoke(args=ok).exit_code == 0
    duplicate = runner.invoke(args=ok)
    assert duplicate.exit_code != 0 and "not created" in duplicate.output
    short = runner.invoke(
        args=["create-user", "c@example.se", "--role", "staff", "--password", "kort"]
    )
    assert short.exit_code != 0 and "12 characters" in short.output
    bad_role = runner.invoke(
        args=["create-user", "d@example.se", "--role", "mayor", "--password", "x" * 12]
    )
    assert bad_role.exit_code != 0
    db.session.rollback()
    assert count(User) == 1


def test_generate_codes_prints_codes_and_stores_only_digests(app, runner, ctx):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["generate-codes", "arbete", "--count", "5"])
    assert result.exit_code == 0, result.output
    codes = result.output.split()
    assert len(set(codes)) == 5 and all(len(code) == 11 and code[5] == "-" for code in codes)
    db.session.rollback()
    digests = set(db.session.scalars(select(InvitationCode.digest)))
    assert digests == {code_digest(code) for code in codes}
    assert runner.invoke(args=["generate-codes", "finns-inte"]).exit_code != 0


def test_close_due_rounds_closes_what_has_passed_its_closing_time(app, runner, ctx):
    from datetime import UTC, datetime, timedelta

    from consult.models import RoundState

    from .factories import make_survey

    due, running = make_survey("due"), make_survey("running")
    due.round.closes_at = datetime.now(UTC) - timedelta(minutes=5)
    running.round.closes_at = datetime.now(UTC) + timedelta(days=5)
    db.session.commit()
    result = runner.invoke(args=["close-due-rounds"])
    assert result.exit_code == 0 and "Closed 1 round(s)." in result.output
    db.session.rollback()
    assert (due.round.state, running.round.state) == (RoundState.CLOSED, RoundState.OPEN)
