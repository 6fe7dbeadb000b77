"""Storing responses: exactly once, with the right answers, codes burnt atomically."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Access, Answer, Channel, InvitationCode, Response
from consult.surveys import generate_codes

from .factories import form_post, hidden_value, make_survey, valid_answers


def responses() -> list[Response]:
    db.session.rollback()  # end the test's own read transaction: see what others committed
    return db.session.scalars(select(Response)).all()


def test_a_valid_submission_is_stored_with_its_answers(app, client, ctx):
    survey = make_survey()
    q = survey.questions
    response = form_post(client, "test", valid_answers(survey))
    assert response.status_code == 303
    assert response.headers["Location"] == "/s/test/tack"

    stored = responses()
    assert len(stored) == 1
    assert stored[0].channel is Channel.WEB
    assert stored[0].submitted_on == datetime.now(ZoneInfo("Europe/Stockholm")).date()
    got = sorted(
        (a.question_id, a.option_id, a.number, a.text, a.dont_know) for a in stored[0].answers
    )
    assert got == sorted(
        [
            (q[0].id, q[0].options[0].id, None, None, False),
            (q[1].id, q[1].options[0].id, None, None, False),
            (q[1].id, q[1].options[2].id, None, None, False),
            (q[2].id, None, 4, None, False),
            (q[3].id, None, 7, None, False),
            (q[4].id, None, None, "Lugnt", False),
            (q[5].id, None, None, "Bra skolor\nmen dåliga bussar.", False),
            (q[6].id, q[6].options[1].id, None, None, False),
        ]
    )
    thanks = client.get("/s/test/tack")
    assert "Tack för ditt svar" in thanks.text


def test_vet_ej_is_stored_as_dont_know_without_a_number(app, client, ctx):
    survey = make_survey()
    agree = survey.questions[2]
    form_post(client, "test", {**valid_answers(survey), agree.field_name: "vet-ej"})
    answer = db.session.scalars(select(Answer).where(Answer.question_id == agree.id)).one()
    assert answer.dont_know is True and answer.number is None


def test_the_same_form_posted_twice_is_stored_once(app, client, ctx):
    survey = make_survey()
    page = client.get("/s/test").text
    data = {
        "csrf_token": hidden_value(page, "csrf_token"),
        "form_token": hidden_value(page, "form_token"),
        **valid_answers(survey),
    }
    first = client.post("/s/test", data=data)
    again = client.post("/s/test", data=data)  # reload of the POST, or back and resubmit
    assert first.status_code == again.status_code == 303
    assert len(responses()) == 1


def test_a_double_tap_racing_on_two_connections_stores_once(app, ctx):
    survey = make_survey()
    clients = [app.test_client() for _ in range(2)]
    page = clients[0].get("/s/test").text
    session_cookie = clients[0].get_cookie("session")
    clients[1].set_cookie("session", session_cookie.value)
    data = {
        "csrf_token": hidden_value(page, "csrf_token"),
        "form_token": hidden_value(page, "form_token"),
        **valid_answers(survey),
    }
    statuses = race(lambda c: c.post("/s/test", data=data).status_code, clients)
    assert statuses == [303, 303]
    assert len(responses()) == 1


def race(action, items):
    """Run ``action`` on each item in its own thread, released at the same moment."""
    barrier = threading.Barrier(len(items))
    results = [None] * len(items)

    def run(index, item):
        barrier.wait()
        results[index] = action(item)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_an_invitation_code_works_once(app, client, ctx):
    survey = make_survey(access=Access.CODE)
    [code] = generate_codes(survey, 1)
    db.session.commit()
    answers = valid_answers(survey)

    missing = form_post(client, "test", answers)
    assert missing.status_code == 422
    assert "Skriv koden från ditt brev." in missing.text

    unknown = form_post(client, "test", {**answers, "code": "AAAAA-AAAAA"})
    assert unknown.status_code == 422
    assert "Koden finns inte" in unknown.text
    assert 'value="AAAAA-AAAAA"' in unknown.text

    typed_loosely = " " + code.lower().replace("-", " ") + " "
    assert form_post(client, "test", {**answers, "code": typed_loosely}).status_code == 303
    used = form_post(client, "test", {**answers, "code": code})
    assert used.status_code == 422
    assert "Koden har redan använts" in used.text
    assert len(responses()) == 1
    assert db.session.scalars(select(InvitationCode)).one().used is True


def test_a_code_carried_in_the_link_is_used(app, client, ctx):
    survey = make_survey(access=Access.CODE)
    [code] = generate_codes(survey, 1)
    db.session.commit()
    response = form_post(client, "test", valid_answers(survey), query=f"?kod={code}", code=None)
    assert response.status_code == 303
    assert len(responses()) == 1


def test_a_code_of_another_survey_is_refused(app, client, ctx):
    other = make_survey("annan", access=Access.CODE)
    [code] = generate_codes(other, 1)
    survey = make_survey(access=Access.CODE)
    db.session.commit()
    response = form_post(client, "test", {**valid_answers(survey), "code": code})
    assert response.status_code == 422
    assert len(responses()) == 0


def test_two_simultaneous_submissions_with_one_code_store_exactly_one(app, ctx):
    survey = make_survey(access=Access.CODE)
    [code] = generate_codes(survey, 1)
    db.session.commit()
    posts = []
    for client in (app.test_client(), app.test_client()):
        page = client.get("/s/test").text
        data = {
            "csrf_token": hidden_value(page, "csrf_token"),
            "form_token": hidden_value(page, "form_token"),
            "code": code,
            **valid_answers(survey),
        }
        posts.append((client, data))
    replies = race(lambda post: post[0].post("/s/test", data=post[1]), posts)
    assert sorted(reply.status_code for reply in replies) == [303, 422]
    refused = next(reply for reply in replies if reply.status_code == 422)
    assert "Koden har redan använts" in refused.text
    assert len(responses()) == 1
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 8


def test_answered_cookie_shows_a_notice_and_still_lets_another_person_answer(app, client, ctx):
    survey = make_survey()
    form_post(client, "test", valid_answers(survey))
    page = client.get("/s/test").text
    assert "Du har redan svarat på den här enkäten från den här enheten." in page
    assert '<form method="post"' not in page
    again = client.get("/s/test?igen=1").text
    assert '<form method="post"' in again


def test_a_tampered_answered_cookie_is_ignored(app, client, ctx):
    survey = make_survey()
    form_post(client, "test", valid_answers(survey))
    cookie = client.get_cookie("answered")
    client.set_cookie("answered", cookie.value[:-3] + "abc")
    page = client.get("/s/test")
    assert page.status_code == 200
    assert "Du har redan svarat" not in page.text
    client.set_cookie("answered", "inte-ens-signerad")
    assert client.get("/s/test").status_code == 200


def test_the_answered_cookie_holds_only_survey_ids(app, client, ctx):
    survey = make_survey()
    form_post(client, "test", valid_answers(survey))
    from itsdangerous import URLSafeSerializer

    payload = URLSafeSerializer(app.config["SECRET_KEY"], salt="answered-surveys").loads(
        client.get_cookie("answered").value
    )
    assert payload == [survey.id]


def test_closing_a_round_forgets_its_form_tokens(app, client, ctx):
    from consult.builder import close_round
    from consult.models import UsedFormToken

    survey = make_survey()
    other = make_survey("annan")
    form_post(client, "test", valid_answers(survey))
    form_post(client, "annan", valid_answers(other))
    assert db.session.scalar(select(func.count()).select_from(UsedFormToken)) == 2
    close_round(None, survey.round)
    db.session.commit()
    assert db.session.scalars(select(UsedFormToken.survey_id)).all() == [other.id]
    assert len(responses()) == 2


def test_free_text_is_stored_with_a_redacted_copy_for_the_board(app, client, ctx):
    survey = make_survey()
    long_ = survey.questions[5]
    text = "Ring mig på 070-123 45 67 eller mejla a@b.se"
    form_post(client, "test", {**valid_answers(survey), long_.field_name: text})
    answer = db.session.scalars(select(Answer).where(Answer.question_id == long_.id)).one()
    assert answer.text == text
    assert answer.redacted_text == "Ring mig på [telefonnummer] eller mejla [e-postadress]"
    assert answer.hidden is False
