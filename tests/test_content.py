"""Each process's copy of the surveys (consult/content.py): content changes raise the
revision, pages show an edit within the recheck time, and nothing is stored against a
survey that changed."""

import pytest
from sqlalchemy import func, select, update

from consult import builder
from consult.content import current_revision
from consult.extensions import db
from consult.models import QuestionKind, Response, Survey

from .conftest import _forget_request_globals, make_app
from .factories import form_post, hidden_value, make_survey, valid_answers


def post_page(browser, page: str, answers: dict):
    """Send the answers from a survey page fetched earlier."""
    tokens = {name: hidden_value(page, name) for name in ("csrf_token", "form_token")}
    return browser.post("/s/test", data={**tokens, **answers})


def revision_after(change) -> int:
    before = current_revision()
    change()
    db.session.commit()
    return current_revision() - before


def test_content_changes_raise_the_revision_and_answers_do_not(app, client, ctx):
    survey = make_survey()
    spec = builder.QuestionSpec(kind=QuestionKind.SHORT_TEXT, text="Något mer?")

    assert revision_after(lambda: setattr(survey, "title", "Ny titel")) == 1
    assert revision_after(lambda: builder.add_question(None, survey, spec)) == 1
    assert revision_after(lambda: builder.move_question(None, survey.questions[-1], -1)) == 1
    assert revision_after(lambda: survey.questions[0].options[0].__setattr__("label", "Ja")) == 1
    statement = update(Survey).where(Survey.id == survey.id).values(intro="Ändrad")
    assert revision_after(lambda: db.session.execute(statement)) == 1
    assert revision_after(lambda: builder.close_round(None, survey.round)) == 1
    assert revision_after(lambda: None) == 0
    assert revision_after(lambda: setattr(survey, "title", survey.title)) == 0  # no change


def test_an_answer_does_not_raise_the_revision(app, client, ctx):
    survey = make_survey()
    before = current_revision()
    assert form_post(client, "test", valid_answers(survey)).status_code == 303
    db.session.rollback()
    assert current_revision() == before


def test_an_edit_in_this_process_shows_at_once(app, client, ctx):
    survey = make_survey()
    assert "Enkät test" in client.get("/s/test").text
    survey.title = "Ny titel"
    db.session.commit()
    assert "Ny titel" in client.get("/s/test").text


@pytest.fixture
def other_server(app, database_uri):
    """A second app server on the same database, with a copy of its own."""
    other = make_app(database_uri)
    other.teardown_request(_forget_request_globals)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_another_servers_edit_shows_within_the_recheck_time(app, ctx, other_server):
    survey = make_survey()
    resident = other_server.test_client()
    assert "Enkät test" in resident.get("/s/test").text
    survey.title = "Ny titel"
    db.session.commit()

    assert "Enkät test" in resident.get("/s/test").text  # the copy is trusted for 1 s
    other_server.config["CONTENT_RECHECK_SECONDS"] = 0
    assert "Ny titel" in resident.get("/s/test").text


def test_an_answer_to_a_closed_round_is_refused_even_from_a_trusted_copy(app, ctx, other_server):
    survey = make_survey()
    answers, resident = valid_answers(survey), other_server.test_client()
    page = resident.get("/s/test").text
    builder.close_round(None, survey.round)
    db.session.commit()

    response = post_page(resident, page, answers)
    assert response.status_code == 410
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_an_answer_is_checked_again_when_the_questions_changed(app, ctx, other_server):
    survey = make_survey()
    answers, resident = valid_answers(survey), other_server.test_client()
    page = resident.get("/s/test").text
    spec = builder.QuestionSpec(kind=QuestionKind.SHORT_TEXT, text="Ny fråga?", required=True)
    builder.add_question(None, survey, spec)
    db.session.commit()

    response = post_page(resident, page, answers)
    assert response.status_code == 422
    assert "Ny fråga?" in response.text and "Skriv ett svar på frågan." in response.text
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_pages_that_do_not_exist_are_not_kept(app, client):
    for n in range(50):
        assert client.get(f"/s/finns-inte-{n}").status_code == 404
    copy = app.extensions["consult.content"]
    assert not [key for key in copy._values if "finns-inte" in str(key)]
