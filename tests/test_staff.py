"""Staff area: rounds, surveys, the question builder, integrity rules, codes, paper, users."""

import re

import pytest
from sqlalchemy import func, select

from consult import builder
from consult.extensions import db
from consult.models import (
    Access,
    AuditEvent,
    Channel,
    InvitationCode,
    Question,
    QuestionKind,
    Response,
    Round,
    RoundState,
    Survey,
    User,
)
from consult.surveys import generate_codes

from .conftest import csrf
from .factories import form_post, hidden_value, make_survey, valid_answers


def token(client) -> str:
    return csrf(client, "/staff/")


def post(client, path, data=None, **kwargs):
    return client.post(path, data={"csrf_token": token(client), **(data or {})}, **kwargs)


@pytest.fixture
def staff(login):
    return login("staff")


# Role matrix ------------------------------------------------------------------------------

STAFF_ROUTES = [
    ("GET", "/staff/"),
    ("GET", "/staff/rounds/new"),
    ("POST", "/staff/rounds/new"),
    ("GET", "/staff/rounds/{round}"),
    ("GET", "/staff/rounds/{round}/edit"),
    ("POST", "/staff/rounds/{round}/edit"),
    ("POST", "/staff/rounds/{round}/open"),
    ("POST", "/staff/rounds/{round}/close"),
    ("POST", "/staff/rounds/{round}/clone"),
    ("GET", "/staff/rounds/{round}/surveys/new"),
    ("POST", "/staff/rounds/{round}/surveys/new"),
    ("GET", "/staff/surveys/{survey}"),
    ("GET", "/staff/surveys/{survey}/edit"),
    ("POST", "/staff/surveys/{survey}/edit"),
    ("POST", "/staff/surveys/{survey}/up"),
    ("POST", "/staff/surveys/{survey}/down"),
    ("GET", "/staff/surveys/{survey}/delete"),
    ("POST", "/staff/surveys/{survey}/delete"),
    ("GET", "/staff/surveys/{survey}/questions/new"),
    ("POST", "/staff/surveys/{survey}/questions/new"),
    ("GET", "/staff/questions/{question}/edit"),
    ("POST", "/staff/questions/{question}/edit"),
    ("POST", "/staff/questions/{question}/up"),
    ("POST", "/staff/questions/{question}/down"),
    ("GET", "/staff/questions/{question}/delete"),
    ("POST", "/staff/questions/{question}/delete"),
    ("POST", "/staff/surveys/{survey}/bank"),
    ("GET", "/staff/surveys/{survey}/preview"),
    ("POST", "/staff/surveys/{survey}/preview"),
    ("GET", "/staff/surveys/{survey}/codes"),
    ("POST", "/staff/surveys/{survey}/codes"),
    ("POST", "/staff/surveys/{survey}/codes.csv"),
    ("GET", "/staff/surveys/{survey}/poster"),
    ("GET", "/staff/surveys/{survey}/paper"),
    ("POST", "/staff/surveys/{survey}/paper"),
]
ADMIN_ROUTES = [
    ("GET", "/staff/users"),
    ("GET", "/staff/users/new"),
    ("POST", "/staff/users/new"),
    ("GET", "/staff/users/{user}/role"),
    ("POST", "/staff/users/{user}/role"),
    ("POST", "/staff/users/{user}/activate"),
    ("POST", "/staff/users/{user}/deactivate"),
    ("POST", "/staff/users/{user}/password"),
    ("GET", "/staff/audit"),
]


def test_every_staff_route_is_covered_by_the_matrix(app):
    """Free-text moderation routes have their own matrix in test_moderation.py."""
    listed = {path for _, path in STAFF_ROUTES + ADMIN_ROUTES}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint.startswith("staff.") and not view.__module__.endswith(".moderation"):
            path = re.sub(r"<(?:int:)?(\w+)_id>", r"{\1}", rule.rule)
            path = re.sub(r"<any\([^)]*\):\w+>", "*", path)
            assert any(re.fullmatch(re.escape(path).replace(r"\*", r"\w+"), p) for p in listed), (
                path
            )


@pytest.fixture
def objects(app):
    with app.app_context():
        survey = make_survey()
        other = User(email="other@example.se", password_hash="x", role="staff")
        db.session.add(other)
        db.session.commit()
        return {
            "round": survey.round_id,
            "survey": survey.id,
            "question": survey.questions[0].id,
            "user": other.id,
        }


def _call(client, method, path, objects, with_csrf=True):
    """GET, or POST with a valid CSRF token so that the role check is what answers."""
    url = path.format(**objects)
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": csrf(client, "/login")} if with_csrf else {})


@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES + ADMIN_ROUTES)
def test_anonymous_visitors_are_sent_to_login(client, objects, method, path):
    response = _call(client, method, path, objects)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES + ADMIN_ROUTES)
def test_board_members_are_refused(login, objects, method, path):
    assert _call(login("board"), method, path, objects).status_code == 403


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_staff_cannot_manage_users(staff, objects, method, path):
    assert _call(staff, method, path, objects).status_code == 403


@pytest.mark.parametrize("role", ["staff", "admin"])
@pytest.mark.parametrize(("method", "path"), [r for r in STAFF_ROUTES if r[0] == "GET"])
def test_staff_and_admin_open_every_staff_page(login, objects, method, path, role):
    assert _call(login(role), method, path, objects).status_code == 200


@pytest.mark.parametrize(("method", "path"), [r for r in ADMIN_ROUTES if r[0] == "GET"])
def test_admin_opens_every_admin_page(login, objects, method, path):
    assert _call(login("admin"), method, path, objects).status_code == 200


@pytest.mark.parametrize(("method", "path"), [r for r in STAFF_ROUTES if r[0] == "POST"])
def test_staff_posts_without_csrf_change_nothing(staff, objects, method, path, app):
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = _call(staff, method, path, objects, with_csrf=False)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


# Rounds -----------------------------------------------------------------------------------


def test_create_a_round_with_dates_in_swedish_time(staff, ctx):
    response = post(
        staff,
        "/staff/rounds/new",
        {
            "title": "Medborgardialog 2027",
            "opens_at": "2027-03-01T08:00",
            "closes_at": "2027-03-31T20:00",
        },
    )
    assert response.status_code == 302
    round_ = db.session.scalars(select(Round)).one()
    assert round_.state is RoundState.DRAFT
    # March: Stockholm is UTC+1
    assert round_.opens_at.replace(tzinfo=None).isoformat() == "2027-03-01T07:00:00"
    assert round_.closes_at.replace(tzinfo=None).isoformat() == "2027-03-31T18:00:00"
    page = staff.get(response.headers["Location"]).text
    assert "2027-03-01 08:00" in page and "Utkast" in page
    assert db.session.scalars(select(AuditEvent.action)).all() == ["round.create"]


def test_round_form_errors_keep_what_was_typed(staff, ctx):
    response = post(
        staff,
        "/staff/rounds/new",
        {"title": "Omgång <b>", "opens_at": "2027-03-31T08:00", "closes_at": "2027-03-01T08:00"},
    )
    assert response.status_code == 422
    assert "Stängningen måste komma efter öppningen." in response.text
    assert (
        'value="Omgång &lt;b&gt;"' in response.text and 'value="2027-03-31T08:00"' in response.text
    )
    bad = post(staff, "/staff/rounds/new", {"title": "", "opens_at": "inte ett datum"})
    assert bad.status_code == 422
    assert "Skriv ett namn på omgången." in bad.text and "Skriv datum och tid som" in bad.text
    assert db.session.scalar(select(func.count()).select_from(Round)) == 0


def test_open_and_close_a_round_and_refuse_invalid_transitions(staff, ctx):
    survey = make_survey(state=RoundState.DRAFT)
    round_id = survey.round_id
    post(staff, f"/staff/rounds/{round_id}/close")
    refused = staff.get(f"/staff/rounds/{round_id}").text
    assert "en omgång går från utkast till öppen till stängd" in refused
    post(staff, f"/staff/rounds/{round_id}/open")
    db.session.expire_all()
    assert db.session.get(Round, round_id).state is RoundState.OPEN
    post(staff, f"/staff/rounds/{round_id}/close")
    post(staff, f"/staff/rounds/{round_id}/open")
    db.session.expire_all()
    assert db.session.get(Round, round_id).state is RoundState.CLOSED


def test_a_round_opens_and_closes_on_its_dates(ctx):
    from datetime import UTC, datetime, timedelta

    survey = make_survey()
    now = datetime.now(UTC)
    survey.round.opens_at, survey.round.closes_at = (
        now + timedelta(hours=1),
        now + timedelta(hours=2),
    )
    assert survey.round.status(now) == "scheduled" and not survey.round.accepts_answers(now)
    later = now + timedelta(hours=1, minutes=1)
    assert survey.round.status(later) == "open" and survey.round.accepts_answers(later)
    after = now + timedelta(hours=3)
    assert survey.round.status(after) == "closed" and not survey.round.accepts_answers(after)
    db.session.commit()
    assert builder.close_due_rounds(after) == [survey.round]
    assert survey.round.state is RoundState.CLOSED


def test_clone_copies_surveys_and_questions_with_keys(staff, ctx):
    survey = make_survey()
    response = post(staff, f"/staff/rounds/{survey.round_id}/clone")
    copy = db.session.scalars(select(Round).where(Round.id != survey.round_id)).one()
    assert response.headers["Location"] == f"/staff/rounds/{copy.id}"
    assert copy.state is RoundState.DRAFT and copy.title == f"Kopia av {survey.round.title}"
    [cloned] = copy.surveys
    assert cloned.slug == "test-2" and cloned.title == survey.title
    assert [(q.kind, q.text, q.key, [o.label for o in q.options]) for q in cloned.questions] == [
        (q.kind, q.text, q.key, [o.label for o in q.options]) for q in survey.questions
    ]
    assert {q.id for q in cloned.questions}.isdisjoint({q.id for q in survey.questions})


# Surveys and questions --------------------------------------------------------------------


def test_create_a_survey_with_a_validated_slug(staff, ctx):
    existing = make_survey()
    round_id, area_id = existing.round_id, existing.target_area_id
    data = {
        "title": "Trygghet",
        "intro": "",
        "slug": "test",
        "target_area_id": str(area_id),
        "access": "code",
    }
    taken = post(staff, f"/staff/rounds/{round_id}/surveys/new", data)
    assert taken.status_code == 422 and "Adressen används redan" in taken.text
    bad = post(staff, f"/staff/rounds/{round_id}/surveys/new", {**data, "slug": "Å ä!"})
    assert bad.status_code == 422 and "Använd bara små bokstäver" in bad.text
    ok = post(staff, f"/staff/rounds/{round_id}/surveys/new", {**data, "slug": "Trygghet-2027"})
    assert ok.status_code == 302
    created = db.session.scalars(select(Survey).where(Survey.slug == "trygghet-2027")).one()
    assert created.access is Access.CODE and created.target_area_id == area_id


def question_data(**overrides):
    return {
        "kind": "single",
        "text": "Hur trivs du?",
        "help": "",
        "options": "Bra\nDåligt",
        "key": "",
        "max_choices": "",
        "scale_min": "",
        "scale_max": "",
        "min_label": "",
        "max_label": "",
        **overrides,
    }


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("single", {}),
        ("multi", {"max_choices": "2", "options": "A\nB\nC"}),
        ("agree5", {"options": ""}),
        ("scale", {"scale_min": "1", "scale_max": "10", "min_label": "Dåligt", "max_label": "Bra"}),
        ("short_text", {"options": ""}),
        ("long_text", {"options": ""}),
    ],
)
def test_add_a_question_of_every_kind(staff, ctx, kind, extra):
    survey = make_survey()
    count = len(survey.questions)
    response = post(
        staff,
        f"/staff/surveys/{survey.id}/questions/new",
        question_data(kind=kind, required="y", **extra),
    )
    assert response.status_code == 302, response.text
    db.session.expire_all()
    added = db.session.get(Survey, survey.id).questions[-1]
    assert added.kind is QuestionKind(kind) and added.position == count + 1 and added.required
    assert client_sees(staff, survey.slug, added.text)


def client_sees(client, slug, text) -> bool:
    return text in client.get(f"/s/{slug}").text


def test_question_form_errors(staff, ctx):
    survey = make_survey()
    url = f"/staff/surveys/{survey.id}/questions/new"
    one_option = post(staff, url, question_data(options="Bara ett"))
    assert one_option.status_code == 422 and "Skriv minst två svarsalternativ" in one_option.text
    assert "Bara ett" in one_option.text
    no_scale = post(staff, url, question_data(kind="scale", options=""))
    assert "En betygsskala behöver lägsta och högsta värde." in no_scale.text
    not_a_number = post(staff, url, question_data(kind="scale", scale_min="ett", scale_max="10"))
    assert "Skriv ett heltal" in not_a_number.text
    clash = post(staff, url, question_data(key="safe"))
    assert "redan den nyckeln" in clash.text
    bad_kind = post(staff, url, question_data(kind="slider"))
    assert bad_kind.status_code == 422
    db.session.expire_all()
    assert len(db.session.get(Survey, survey.id).questions) == 7


def test_move_and_delete_questions(staff, ctx):
    survey = make_survey()
    first, second = survey.questions[0].id, survey.questions[1].id
    post(staff, f"/staff/questions/{first}/down")
    db.session.expire_all()
    assert [q.id for q in db.session.get(Survey, survey.id).questions][:2] == [second, first]
    confirm = staff.get(f"/staff/questions/{first}/delete")
    assert "Ta bort frågan?" in confirm.text and db.session.get(Question, first) is not None
    post(staff, f"/staff/questions/{first}/delete")
    db.session.expire_all()
    questions = db.session.get(Survey, survey.id).questions
    assert first not in [q.id for q in questions]
    assert [q.position for q in questions] == list(range(1, len(questions) + 1))


def test_move_surveys_within_their_round(staff, ctx):
    first = make_survey("forsta")
    second = Survey(
        round=first.round, target_area=first.target_area, slug="andra", title="Andra", position=1
    )
    db.session.add(second)
    db.session.commit()
    round_id, ids = first.round_id, [first.id, second.id]

    response = post(staff, f"/staff/surveys/{ids[0]}/down")
    assert response.headers["Location"] == f"/staff/rounds/{round_id}#enkat-{ids[0]}"
    db.session.expire_all()
    assert [s.id for s in db.session.get(Round, round_id).surveys] == ids[::-1]
    post(staff, f"/staff/surveys/{ids[0]}/down")  # already last: nothing moves
    db.session.expire_all()
    assert [s.position for s in db.session.get(Round, round_id).surveys] == [0, 1]
    page = staff.get(f"/staff/rounds/{round_id}").text
    assert '<span class="visually-hidden"> Enkät forsta</span>' in page


def test_delete_a_survey_without_responses(staff, ctx):
    survey = make_survey()
    generate_codes(survey, 3)
    db.session.commit()
    survey_id, round_id = survey.id, survey.round_id
    question_ids = [q.id for q in survey.questions]

    confirm = staff.get(f"/staff/surveys/{survey_id}/delete")
    assert "Ta bort enkäten?" in confirm.text and "Enkät test" in confirm.text
    assert staff.get("/s/test").status_code == 200
    response = post(staff, f"/staff/surveys/{survey_id}/delete")
    assert response.headers["Location"] == f"/staff/rounds/{round_id}"
    db.session.expire_all()
    assert db.session.get(Survey, survey_id) is None
    assert not db.session.scalars(select(Question).where(Question.id.in_(question_ids))).all()
    assert not db.session.scalars(select(InvitationCode)).all()
    assert staff.get("/s/test").status_code == 404, "residents no longer find it"
    events = db.session.scalars(select(AuditEvent.action)).all()
    assert "survey.delete" in events


def test_a_survey_with_responses_cannot_be_deleted(staff, answered, ctx):
    assert "Ta bort enkäten" not in staff.get(f"/staff/surveys/{answered}").text
    response = post(staff, f"/staff/surveys/{answered}/delete")
    assert response.headers["Location"] == f"/staff/surveys/{answered}"
    assert (
        "En enkät som har svar kan inte tas bort." in staff.get(response.headers["Location"]).text
    )
    db.session.expire_all()
    assert db.session.get(Survey, answered) is not None


@pytest.fixture
def answered(app, client):
    """A survey with one stored response."""
    with app.app_context():
        survey = make_survey("svarad")
        form_post(client, "svarad", valid_answers(survey))
        return survey.id


def edit_question(client, question: Question, **overrides):
    current = {
        "kind": question.kind.value,
        "text": question.text,
        "help": question.help,
        "options": "\n".join(o.label for o in question.options),
        "key": question.key or "",
        "max_choices": question.max_choices or "",
        "scale_min": question.scale_min or "",
        "scale_max": question.scale_max or "",
        "min_label": question.min_label or "",
        "max_label": question.max_label or "",
        "required": "y" if question.required else "",
    }
    return post(client, f"/staff/questions/{question.id}/edit", {**current, **overrides})


@pytest.mark.parametrize(
    ("index", "change", "message"),
    [
        (0, {"options": "Bra\nDåligt"}, "Alternativ kan inte tas bort"),
        (0, {"options": "Dåligt\nBra\nVet inte"}, "ordning kan inte ändras"),
        (0, {"kind": "multi"}, "Frågetypen kan inte ändras"),
        (3, {"scale_max": "7"}, "Skalan kan inte ändras"),
        (1, {"max_choices": "3"}, "Högsta antal val kan inte ändras"),
    ],
)
def test_changes_of_meaning_are_refused_once_there_are_answers(
    staff, answered, ctx, index, change, message
):
    question = db.session.get(Survey, answered).questions[index]
    before = (question.kind, [o.label for o in question.options], question.scale_max)
    response = edit_question(staff, question, **change)
    assert response.status_code == 422 and message in response.text
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert (question.kind, [o.label for o in question.options], question.scale_max) == before


def test_deleting_a_question_with_answers_is_refused(staff, answered, ctx):
    question = db.session.get(Survey, answered).questions[0]
    post(staff, f"/staff/questions/{question.id}/delete")
    assert db.session.get(Question, question.id) is not None
    assert (
        "Frågor kan inte tas bort när enkäten har svar."
        in staff.get(f"/staff/surveys/{answered}").text
    )


def test_wording_fixes_are_allowed_and_audited(staff, answered, ctx):
    question = db.session.get(Survey, answered).questions[0]
    option_ids = [o.id for o in question.options]
    response = edit_question(
        staff,
        question,
        text="Hur trivs du i kommunen?",
        options="Mycket bra\nDåligt\nVet inte\nNytt alternativ",
    )
    assert response.status_code == 302
    db.session.expire_all()
    question = db.session.get(Question, question.id)
    assert question.text == "Hur trivs du i kommunen?"
    assert [o.id for o in question.options][:3] == option_ids
    assert [o.label for o in question.options] == [
        "Mycket bra",
        "Dåligt",
        "Vet inte",
        "Nytt alternativ",
    ]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "question.update")
    ).one()
    assert "Hur trivs du?" in event.detail and "Hur trivs du i kommunen?" in event.detail
    assert event.user.email == "staff@example.se"


def test_question_bank_offers_keys_from_earlier_rounds(staff, ctx):
    make_survey("forra")
    survey = make_survey("nu", required=False)
    survey.questions = [q for q in survey.questions if q.key != "grade"]
    db.session.commit()
    page = staff.get(f"/staff/surveys/{survey.id}").text
    assert "grade: Betyg på kommunen?" in page and "safe: " not in page
    post(staff, f"/staff/surveys/{survey.id}/bank", {"key": "grade"})
    db.session.expire_all()
    added = db.session.get(Survey, survey.id).questions[-1]
    assert (added.key, added.kind, added.scale_max) == ("grade", QuestionKind.SCALE, 10)


def test_preview_looks_like_the_resident_page_and_stores_nothing(staff, ctx):
    survey = make_survey(state=RoundState.DRAFT)
    page = staff.get(f"/staff/surveys/{survey.id}/preview").text
    assert "Förhandsvisning" in page and survey.questions[0].text in page
    data = {
        "csrf_token": hidden_value(page, "csrf_token"),
        "form_token": hidden_value(page, "form_token"),
        **valid_answers(survey),
    }
    assert staff.post(f"/staff/surveys/{survey.id}/preview", data=data).status_code == 200
    empty = staff.post(
        f"/staff/surveys/{survey.id}/preview",
        data={"csrf_token": data["csrf_token"], "form_token": data["form_token"]},
    )
    assert empty.status_code == 422 and "Välj ett svar på frågan." in empty.text
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


# Codes, posters and paper -----------------------------------------------------------------


def test_codes_are_shown_once_as_letters_and_csv_and_stored_as_digests(staff, client, ctx):
    survey = make_survey(access=Access.CODE)
    letters = post(staff, f"/staff/surveys/{survey.id}/codes", {"count": "3"})
    assert letters.status_code == 200
    codes = re.findall(r'<p class="code">([A-Z0-9-]{11})</p>', letters.text)
    assert len(set(codes)) == 3
    assert letters.text.count("<svg") == 3
    stored = db.session.scalars(select(InvitationCode.digest)).all()
    assert not any(code in letters.text and code in "".join(stored) for code in codes)

    csv = post(staff, f"/staff/surveys/{survey.id}/codes.csv", {"code": codes})
    assert csv.mimetype == "text/csv" and csv.data.startswith(b"\xef\xbb\xbf")
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "kod;länk" and len(lines) == 4
    assert lines[1] == f"{codes[0]};http://localhost/s/test?kod={codes[0]}"
    forged = post(staff, f"/staff/surveys/{survey.id}/codes.csv", {"code": ["AAAAA-AAAAA"]})
    assert forged.status_code == 400

    answered = form_post(client, "test", {**valid_answers(survey), "code": codes[0]})
    assert answered.status_code == 303


def test_code_count_is_validated(staff, ctx):
    survey = make_survey(access=Access.CODE)
    for bad in ("0", "5001", "många"):
        response = post(staff, f"/staff/surveys/{survey.id}/codes", {"count": bad})
        assert response.status_code == 422
        assert f'value="{bad}"' in response.text
    assert db.session.scalar(select(func.count()).select_from(InvitationCode)) == 0


def test_poster_has_a_qr_code_and_the_short_link(staff, ctx):
    survey = make_survey()
    page = staff.get(f"/staff/surveys/{survey.id}/poster").text
    assert "<svg" in page and "http://localhost/s/test" in page


def test_paper_answers_use_the_web_validation_and_are_stored_anonymously(staff, ctx):
    survey = make_survey(access=Access.CODE)
    url = f"/staff/surveys/{survey.id}/paper"
    page = staff.get(url).text
    assert "Kod från ditt brev" not in page
    data = {
        "csrf_token": hidden_value(page, "csrf_token"),
        "form_token": hidden_value(page, "form_token"),
    }
    invalid = staff.post(
        url, data={**data, **valid_answers(survey), survey.questions[3].field_name: "11"}
    )
    assert invalid.status_code == 422 and "Välj ett av alternativen" in invalid.text
    assert staff.post(url, data={**data, **valid_answers(survey)}).status_code == 302
    assert staff.post(url, data={**data, **valid_answers(survey)}).status_code == 302  # twice
    response = db.session.scalars(select(Response)).one()
    assert response.channel is Channel.PAPER and len(response.answers) == 8
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("paper%"))).all()


# Users and audit --------------------------------------------------------------------------


def test_admin_creates_a_user_and_sees_a_one_time_password(login, ctx):
    admin = login("admin")
    page = post(
        admin, "/staff/users/new", {"email": "Ny@Vimmerby.se", "name": "Ny", "role": "board"}
    )
    assert page.status_code == 200
    password = re.search(r'<p class="code">([a-z0-9-]+)</p>', page.text).group(1)
    user = db.session.scalars(select(User).where(User.email == "ny@vimmerby.se")).one()
    assert user.role.value == "board" and password not in user.password_hash
    duplicate = post(admin, "/staff/users/new", {"email": "ny@vimmerby.se", "role": "staff"})
    assert duplicate.status_code == 422 and "Det finns redan ett konto" in duplicate.text


def test_admin_changes_role_deactivates_and_resets_password(app, login, ctx):
    target = login("staff", "kollega@example.se", using=app.test_client())
    admin = login("admin")
    user = db.session.scalars(select(User).where(User.email == "kollega@example.se")).one()
    post(admin, f"/staff/users/{user.id}/role", {"role": "board"})
    post(admin, f"/staff/users/{user.id}/deactivate")
    old_hash = user.password_hash
    post(admin, f"/staff/users/{user.id}/password")
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert (user.role.value, user.active) == ("board", False) and user.password_hash != old_hash
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["user.role", "user.deactivate", "user.password_reset"]
    log = admin.get("/staff/audit").text
    assert "user.deactivate" in log and "kollega@example.se" in log
    assert target.get("/staff/").status_code in (302, 403)  # deactivated: signed out


def test_admin_cannot_lock_themselves_out(login, ctx):
    admin = login("admin")
    me = db.session.scalars(select(User)).one()
    post(admin, f"/staff/users/{me.id}/deactivate")
    demoted = post(admin, f"/staff/users/{me.id}/role", {"role": "staff"})
    assert demoted.status_code == 422
    db.session.expire_all()
    me = db.session.get(User, me.id)
    assert me.active and me.role.value == "admin"
