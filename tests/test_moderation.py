"""Staff moderation of free text: hide, show again, remove parts; always with CSRF, for
staff only, audited without the answer's text, and never revealing what was removed."""

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import Answer, AuditEvent

from .board_factories import TEN, add_response, add_responses
from .conftest import csrf
from .factories import make_survey

ORIGINAL = "Mitt namn är Kalle Hemlig, ring 070-123 45 67 om bänken vid Kalle Hemligs hus"


@pytest.fixture
def answer(app):
    with app.app_context():
        survey = make_survey()
        add_responses(survey, TEN)
        response = add_response(survey, {}, texts={6: ORIGINAL})
        db.session.commit()
        return {
            "id": response.answers[0].id,
            "survey": survey.id,
            "question": response.answers[0].question_id,
        }


def page(answer) -> str:
    return f"/staff/surveys/{answer['survey']}/free-text?question={answer['question']}"


def stored(app, answer_id: int) -> Answer:
    with app.app_context():
        return db.session.get(Answer, answer_id)


def events(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (e.action, e.detail)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


def test_staff_see_only_the_redacted_text(login, answer):
    client = login("staff")
    html = client.get(page(answer)).text
    assert "ring [telefonnummer] om bänken" in html and "070" not in html
    assert page(answer) in client.get("/board/surveys/test").text  # linked from the dashboard


def test_the_board_has_no_link_to_moderation(login, answer):
    assert "/staff/" not in login("board").get("/board/surveys/test").text


def test_staff_can_hide_an_answer_from_the_board_and_show_it_again(app, login, answer):
    client = login("staff")
    assert "1 svar kan läsas." in client.get("/board/surveys/test").text
    url = f"/staff/answers/{answer['id']}/hidden"
    response = client.post(url, data={"hidden": "1", "csrf_token": csrf(client, page(answer))})
    assert "0 svar kan läsas." in client.get("/board/surveys/test").text  # not a stale count
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"#answer-{answer['id']}"
    )
    assert stored(app, answer["id"]).hidden
    board_page = f"/board/surveys/test/text/{answer['question']}"
    assert "bänken" not in client.get(board_page).text
    assert "Dolt för styrgruppen" in client.get(page(answer)).text  # staff still see it
    client.post(url, data={"hidden": "0", "csrf_token": csrf(client, page(answer))})
    assert not stored(app, answer["id"]).hidden
    assert [action for action, _ in events(app)] == ["answer.hide", "answer.show"]


def test_staff_can_remove_more_but_only_by_replacing_parts_with_a_marker(app, login, answer):
    client = login("staff")
    url = f"/staff/answers/{answer['id']}/remove"
    prefix = f"a{answer['id']}-"
    response = client.post(
        url,
        data={f"{prefix}part": "kalle hemlig", f"{prefix}csrf_token": csrf(client, page(answer))},
    )
    assert response.status_code == 303
    redacted = stored(app, answer["id"]).redacted_text
    assert (
        redacted == "Mitt namn är [borttaget], ring [telefonnummer] om bänken vid [borttaget]s hus"
    )
    assert stored(app, answer["id"]).text == ORIGINAL  # the stored original is untouched
    ((action, detail),) = events(app)
    assert (
        action == "answer.redact"
        and detail == f"answer #{answer['id']}, question #{answer['question']}: 2 part(s) removed"
    )
    assert "Kalle" not in detail


def test_removing_text_that_is_not_there_keeps_what_was_typed_and_says_why(app, login, answer):
    client = login("staff")
    prefix = f"a{answer['id']}-"
    response = client.post(
        f"/staff/answers/{answer['id']}/remove",
        data={f"{prefix}part": "070-123", f"{prefix}csrf_token": csrf(client, page(answer))},
    )
    assert response.status_code == 422
    assert "Texten finns inte i svaret" in response.text and 'value="070-123"' in response.text
    assert "<title>Fel:" in response.text
    assert stored(app, answer["id"]).redacted_text.startswith("Mitt namn är Kalle Hemlig")
    assert events(app) == []


def test_moderation_needs_csrf(app, login, answer):
    client = login("staff")
    assert (
        client.post(f"/staff/answers/{answer['id']}/hidden", data={"hidden": "1"}).status_code
        == 400
    )
    assert (
        client.post(
            f"/staff/answers/{answer['id']}/remove", data={f"a{answer['id']}-part": "Kalle"}
        ).status_code
        == 400
    )
    assert not stored(app, answer["id"]).hidden and events(app) == []


@pytest.mark.parametrize("role", ["board", None])
def test_moderation_is_for_staff_only(app, client, login, answer, role):
    if role:
        client = login(role)
    expected = 403 if role else 302
    assert client.get(page(answer)).status_code == expected
    assert client.post(
        f"/staff/answers/{answer['id']}/hidden", data={"hidden": "1"}
    ).status_code in (expected, 400)
    assert not stored(app, answer["id"]).hidden


def test_only_free_text_answers_can_be_moderated(app, login, answer):
    client = login("admin")
    with app.app_context():
        choice = db.session.scalar(select(Answer.id).where(Answer.option_id.is_not(None)))
    token = csrf(client, page(answer))
    assert (
        client.post(
            f"/staff/answers/{choice}/hidden", data={"hidden": "1", "csrf_token": token}
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/staff/answers/999999/hidden", data={"hidden": "1", "csrf_token": token}
        ).status_code
        == 404
    )
