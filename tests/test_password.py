"""Changing one's own password (OWASP ASVS 2.1.5–2.1.6), temporary passwords that must be
replaced at first login (2.3.1), and sessions that end when the password changes or the
account is switched off."""

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import AuditEvent, User
from consult.users import authenticate

from .conftest import csrf, fresh_schema, make_app
from .factories import TEST_PASSWORD, make_user

PAGE = "/account/password"
NEW = "a new sentence for a password"


def change(client, current=TEST_PASSWORD, new=NEW, repeat=None):
    return client.post(
        PAGE,
        data={
            "current_password": current,
            "new_password": new,
            "repeat_password": new if repeat is None else repeat,
            "csrf_token": csrf(client, PAGE),
        },
    )


def login_as(client, email, password):
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf(client, "/login")}
    )


@pytest.mark.parametrize("role", ["board", "staff", "admin"])
def test_every_role_can_change_its_own_password(app, login, role):
    client = login(role)
    response = change(client)
    assert response.status_code == 302
    assert "Ditt lösenord är bytt." in client.get(response.headers["Location"]).text
    with app.app_context():
        assert authenticate(f"{role}@example.se", NEW) is not None
        assert authenticate(f"{role}@example.se", TEST_PASSWORD) is None
        events = db.session.scalars(select(AuditEvent.action)).all()
        assert "user.password_change" in events


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"current": "wrong password here"}, "Det nuvarande lösenordet stämmer inte."),
        ({"current": ""}, "Skriv ditt nuvarande lösenord."),
        ({"new": "too short"}, "Lösenordet ska ha minst 12 och högst 1024 tecken."),
        ({"new": "x" * 1025}, "Lösenordet ska ha minst 12 och högst 1024 tecken."),
        ({"repeat": "something else entirely"}, "Du skrev två olika nya lösenord."),
        ({"new": TEST_PASSWORD}, "Välj ett annat lösenord än det nuvarande."),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(app, login, fields, message):
    client = login("staff")
    response = change(client, **fields)
    assert response.status_code == 422
    assert message in response.text and 'class="error-summary"' in response.text
    assert TEST_PASSWORD not in response.text and NEW not in response.text  # never echoed
    with app.app_context():
        assert authenticate("staff@example.se", TEST_PASSWORD) is not None


def test_the_page_needs_a_signed_in_user_and_a_csrf_token(app, client, login):
    assert client.get(PAGE).headers["Location"].startswith("/login?next=")
    signed_in = login("board")
    response = signed_in.post(
        PAGE,
        data={"current_password": TEST_PASSWORD, "new_password": NEW, "repeat_password": NEW},
    )
    assert response.status_code == 400
    with app.app_context():
        assert authenticate("board@example.se", TEST_PASSWORD) is not None


def test_wrong_current_passwords_count_as_failed_logins(database_uri, fast_hashing):
    app = make_app(database_uri, RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_LIMIT="4/hour")
    with app.app_context():
        fresh_schema()
        make_user("staff@example.se", "staff")
    client = app.test_client()
    assert login_as(client, "staff@example.se", TEST_PASSWORD).status_code == 302
    assert [change(client, current="not my password").status_code for _ in range(4)] == [422] * 4
    response = change(client)  # the right one, but the account's attempts are used up
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.text
    with app.app_context():
        assert authenticate("staff@example.se", TEST_PASSWORD) is not None
        db.session.remove()
        db.engine.dispose()


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, login):
    here = login("staff")
    elsewhere = app.test_client()
    assert login_as(elsewhere, "staff@example.se", TEST_PASSWORD).status_code == 302

    assert change(here).status_code == 302
    assert here.get("/staff/").status_code == 200
    response = elsewhere.get("/staff/")
    assert response.headers["Location"] == "/login?next=/staff/"
    assert "fått nytt lösenord" in elsewhere.get(response.headers["Location"]).text
    assert elsewhere.get("/staff/").status_code == 302


def test_a_switched_off_account_is_signed_out_at_its_next_request(app, login):
    client = login("staff")
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "staff@example.se")).active = False
        db.session.commit()
    assert client.get("/staff/").headers["Location"] == "/login?next=/staff/"


def test_a_temporary_password_must_be_replaced_before_anything_else(app, client, login):
    admin = login("admin")
    page = admin.post(
        "/staff/users/new",
        data={
            "email": "ny@example.se",
            "name": "Ny",
            "role": "staff",
            "csrf_token": csrf(admin, "/staff/users/new"),
        },
    )
    temporary = page.text.split('<p class="code">')[1].split("<")[0]
    assert "måste välja ett eget lösenord" in page.text

    assert login_as(client, "ny@example.se", temporary).status_code == 302
    for path in ("/staff/", "/board/", "/"):
        assert client.get(path).headers["Location"] == PAGE
    assert "Välj ett eget lösenord innan du fortsätter." in client.get(PAGE).text
    assert change(client, current=temporary).status_code == 302
    assert client.get("/staff/").status_code == 200


def test_an_admin_reset_ends_the_users_sessions_and_asks_for_a_new_password(app, login):
    user = login("staff")
    admin = login("admin", using=app.test_client())
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "staff@example.se"))
    page = admin.post(
        f"/staff/users/{user_id}/password", data={"csrf_token": csrf(admin, "/staff/users")}
    )
    temporary = page.text.split('<p class="code">')[1].split("<")[0]

    assert user.get("/staff/").headers["Location"] == "/login?next=/staff/"
    assert login_as(user, "staff@example.se", temporary).status_code == 302
    assert user.get("/staff/").headers["Location"] == PAGE
