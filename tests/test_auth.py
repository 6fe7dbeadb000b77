"""Login, logout, password hashing and the role matrix of every non-public route."""

import pytest
from sqlalchemy import select

from consult.extensions import db
from consult.models import User

from .conftest import csrf
from .factories import TEST_PASSWORD, make_user

#: (path, roles allowed). Everyone else signed in gets 403; anonymous visitors go to /login.
PROTECTED = [
    ("/staff/", {"staff", "admin"}),
    ("/board/", {"board", "staff", "admin"}),
]


def post_login(client, email, password):
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf(client, "/login")}
    )


@pytest.mark.parametrize("path", [path for path, _ in PROTECTED])
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["admin", "staff", "board"])
@pytest.mark.parametrize(("path", "allowed"), PROTECTED)
def test_role_matrix(login, path, allowed, role):
    client = login(role)
    assert client.get(path).status_code == (200 if role in allowed else 403)


@pytest.mark.parametrize(
    ("role", "home"), [("staff", "/staff/"), ("board", "/board/"), ("admin", "/staff/")]
)
def test_login_goes_to_the_role_s_home(app, client, role, home):
    with app.app_context():
        make_user(f"{role}@example.se", role)
    response = post_login(client, f"{role.upper()}@Example.se ", TEST_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == home


def test_wrong_password_and_unknown_email_get_the_same_message(app, client):
    with app.app_context():
        make_user("staff@example.se", "staff")
    wrong_password = post_login(client, "staff@example.se", "not the password")
    unknown_email = post_login(client, "nobody@example.se", TEST_PASSWORD)
    assert wrong_password.status_code == unknown_email.status_code == 422
    message = "Fel e-postadress eller lösenord."
    assert message in wrong_password.text and message in unknown_email.text
    assert 'value="staff@example.se"' in wrong_password.text  # what was typed is kept


def test_an_inactive_user_cannot_log_in(app, client):
    with app.app_context():
        make_user("old@example.se", "staff").active = False
        db.session.commit()
    assert post_login(client, "old@example.se", TEST_PASSWORD).status_code == 422


def test_empty_login_form_lists_errors(client):
    response = client.post("/login", data={"csrf_token": csrf(client, "/login")})
    assert response.status_code == 422
    assert "Skriv din e-postadress." in response.text and "<title>Fel:" in response.text


def test_login_without_csrf_token_is_refused(app, client):
    with app.app_context():
        make_user("staff@example.se", "staff")
    response = client.post("/login", data={"email": "staff@example.se", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Sidan har varit öppen för länge" in response.text


def test_next_only_redirects_within_the_site(app, client):
    with app.app_context():
        make_user("staff@example.se", "staff")
    token = csrf(client, "/login")
    for target, expected in [
        ("/board/", "/board/"),
        ("//evil.example", "/staff/"),
        ("https://evil.example/", "/staff/"),
        ("/\\evil.example", "/staff/"),
    ]:
        response = client.post(
            f"/login?next={target}",
            data={"email": "staff@example.se", "password": TEST_PASSWORD, "csrf_token": token},
        )
        assert response.headers["Location"] == expected, target
        client.post("/logout", data={"csrf_token": csrf(client, "/")})


def test_logout_needs_a_post_with_csrf(login):
    client = login("staff")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/staff/").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf(client, "/")}).status_code == 302
    assert client.get("/staff/").status_code == 302


def test_passwords_are_stored_as_argon2id_hashes(app):
    with app.app_context():
        make_user("staff@example.se", "staff")
        user = db.session.scalars(select(User)).one()
        assert user.password_hash.startswith("$argon2id$")
        assert TEST_PASSWORD not in user.password_hash


def test_session_cookie_is_httponly_and_lax(app, client):
    client.get("/login")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"
