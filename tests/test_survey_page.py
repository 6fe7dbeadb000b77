"""The resident's survey page: rendering, validation errors, and what is kept."""

import re

from sqlalchemy import func, select

from consult.extensions import db
from consult.models import Access, Response, RoundState

from .factories import form_post, hidden_value, make_survey, valid_answers


def count_responses() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def test_survey_page_renders_every_kind_with_nothing_preselected(app, client, ctx):
    survey = make_survey()
    page = client.get("/s/test")
    assert page.status_code == 200
    html = page.text
    assert "checked" not in html
    assert 'type="range"' not in html
    assert html.count('type="radio"') == 3 + 6 + 10 + 3
    assert html.count('type="checkbox"') == 4
    assert "<textarea" in html
    assert html.count("(valfri)") == 3  # short text, long text, background
    assert "<legend" in html and 'for="q' in html
    assert "<script" not in html
    assert "Välj högst 2." in html
    assert "1 betyder ”Mycket dåligt” och 10 betyder ”Mycket bra”" in html
    assert survey.title in html


def test_missing_answers_show_errors_and_keep_what_was_typed(app, client, ctx):
    survey = make_survey()
    answers = valid_answers(survey)
    single, multi, agree = (q.field_name for q in survey.questions[:3])
    answers[single] = None
    answers[agree] = None
    answers[survey.questions[5].field_name] = "Mitt långa svar <b>kvar</b>"
    response = form_post(client, "test", answers)

    assert response.status_code == 422
    html = response.text
    assert re.search(r"<title>Fel: Enkät test", html)
    assert 'class="error-summary"' in html and "autofocus" in html
    assert f'href="#{single}-0"' in html and f'href="#{agree}-0"' in html
    assert "Fråga 1: Välj ett svar på frågan." in html
    assert "Fråga 3: Välj ett svar på frågan." in html
    assert html.count('class="field-error"') == 2
    assert "Mitt långa svar &lt;b&gt;kvar&lt;/b&gt;" in html
    assert html.count("checked") == 4  # two ticks, scale, background
    assert count_responses() == 0


def test_optional_questions_may_be_left_empty(app, client, ctx):
    survey = make_survey(required=False)
    response = form_post(client, "test", {})
    assert response.status_code == 303
    assert count_responses() == 1
    assert db.session.scalars(select(Response)).one().answers == []
    assert survey.questions[0].required is False


def test_invalid_values_get_clear_messages_and_store_nothing(app, client, ctx):
    other = make_survey("annan")
    survey = make_survey()
    q = survey.questions
    cases = {
        q[0].field_name: ("99999", "Välj ett av alternativen som finns på sidan."),
        q[1].field_name: (
            [str(other.questions[1].options[0].id)],
            "Välj ett av alternativen som finns på sidan.",
        ),
        q[2].field_name: ("6", "Välj ett av alternativen som finns på sidan."),
        q[3].field_name: ("11", "Välj ett av alternativen som finns på sidan."),
    }
    for field, (bad, message) in cases.items():
        response = form_post(client, "test", {**valid_answers(survey), field: bad})
        assert response.status_code == 422, field
        assert message in response.text
    assert count_responses() == 0


def test_too_many_ticks_is_refused(app, client, ctx):
    survey = make_survey()
    multi = survey.questions[1]
    ticks = [str(option.id) for option in multi.options[:3]]
    response = form_post(client, "test", {**valid_answers(survey), multi.field_name: ticks})
    assert response.status_code == 422
    assert "Välj högst 2 alternativ." in response.text
    assert response.text.count("checked") >= 3  # the ticks are kept to be corrected
    assert count_responses() == 0


def test_text_over_the_limit_is_refused_and_kept(app, client, ctx):
    survey = make_survey()
    short = survey.questions[4]
    response = form_post(client, "test", {**valid_answers(survey), short.field_name: "å" * 201})
    assert response.status_code == 422
    assert "Svaret får vara högst 200 tecken. Nu är det 201 tecken." in response.text
    assert "å" * 201 in response.text
    assert count_responses() == 0


def test_missing_or_wrong_csrf_token_shows_the_form_again_with_answers(app, client, ctx):
    survey = make_survey()
    answers = {**valid_answers(survey), survey.questions[4].field_name: "Behåll mig"}
    for token in (None, "fel-token"):
        response = form_post(client, "test", answers, csrf_token=token)
        assert response.status_code == 422
        assert (
            "Sidan har varit öppen för länge. Kontrollera dina svar och skicka igen."
            in response.text
        )
        assert 'value="Behåll mig"' in response.text
    assert count_responses() == 0


def test_missing_form_token_is_reissued(app, client, ctx):
    survey = make_survey()
    response = form_post(client, "test", valid_answers(survey), form_token=None)
    assert response.status_code == 422
    assert len(hidden_value(response.text, "form_token")) >= 16
    assert count_responses() == 0


def test_non_utf8_and_control_characters_never_cause_a_500(app, client, ctx):
    survey = make_survey()
    page = client.get("/s/test").text
    short, long_ = survey.questions[4], survey.questions[5]
    body = (
        f"csrf_token={hidden_value(page, 'csrf_token')}"
        f"&form_token={hidden_value(page, 'form_token')}"
        f"&{short.field_name}=%FF%FE%00ok&{long_.field_name}=a%00b%0D%0Ac"
        f"&{survey.questions[0].field_name}=%C3%28"
    ).encode()
    response = client.post("/s/test", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    assert count_responses() == 0


def test_control_characters_are_removed_before_storing(app, client, ctx):
    survey = make_survey()
    short, long_ = survey.questions[4], survey.questions[5]
    answers = {**valid_answers(survey), short.field_name: "a\x00b\x07c", long_.field_name: "x\r\ny"}
    assert form_post(client, "test", answers).status_code == 303
    texts = {a.question_id: a.text for a in db.session.scalars(select(Response)).one().answers}
    assert texts[short.id] == "abc"
    assert texts[long_.id] == "x\ny"


def test_unknown_draft_and_closed_surveys(app, client, ctx):
    make_survey("utkast", state=RoundState.DRAFT)
    make_survey("stangd", state=RoundState.CLOSED)
    assert client.get("/s/finns-inte").status_code == 404
    assert client.get("/s/utkast").status_code == 404
    closed = client.get("/s/stangd")
    assert closed.status_code == 410
    assert "Enkäten är stängd" in closed.text
    posted = client.post("/s/stangd", data={"q1": "1"})
    assert posted.status_code == 410
    assert count_responses() == 0


def test_a_survey_outside_its_opening_window_takes_no_answers(app, client, ctx):
    from datetime import UTC, datetime, timedelta

    survey = make_survey()
    survey.round.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/s/test").status_code == 410
    survey.round.closes_at = None
    survey.round.opens_at = datetime.now(UTC) + timedelta(days=1)
    db.session.commit()
    assert client.get("/s/test").status_code == 410


def test_oversized_body_is_refused_with_413(app, client, ctx):
    survey = make_survey()
    huge = {survey.questions[5].field_name: "x" * 300_000}
    response = form_post(client, "test", {**valid_answers(survey), **huge})
    assert response.status_code == 413
    assert "För mycket data" in response.text
    assert count_responses() == 0


def test_code_survey_asks_for_the_code_and_prefills_it_from_the_link(app, client, ctx):
    make_survey(access=Access.CODE)
    page = client.get("/s/test?kod=ABCDE-FGHJK").text
    assert 'value="ABCDE-FGHJK"' in page
    assert "Kod från ditt brev" in page
