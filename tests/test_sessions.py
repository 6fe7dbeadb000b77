"""Staff and board sessions end after 30 minutes idle and after 12 hours in all."""

import time

import pytest

from consult.auth.sessions import LOGIN_AT, SEEN_AT

from .conftest import csrf
from .factories import TEST_PASSWORD

MINUTE = 60
EXPIRED = "Din inloggning har gått ut. Logga in igen."


def shift(client, **seconds_ago):
    """Move the session's login and last-seen times into the past."""
    now = int(time.time())
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = now - ago


def assert_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"
    page = client.get(response.headers["Location"])
    assert EXPIRED in page.text
    assert client.get(path).status_code == 302  # logged out for good, not just redirected once


@pytest.mark.parametrize(("role", "home"), [("staff", "/staff/"), ("board", "/board/")])
def test_idle_session_ends_after_30_minutes(login, role, home):
    client = login(role)
    shift(client, seen_at=29 * MINUTE)
    assert client.get(home).status_code == 200
    shift(client, seen_at=31 * MINUTE)
    assert_sent_to_login(client, home)


def test_activity_keeps_the_session_alive(login):
    client = login("staff")
    shift(client, seen_at=20 * MINUTE)
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        assert int(time.time()) - session[SEEN_AT] < 5
    shift(client, seen_at=20 * MINUTE)
    assert client.get("/staff/").status_code == 200


def test_session_ends_after_12_hours_however_active(login):
    client = login("board")
    shift(client, login_at=11 * 60 * MINUTE, seen_at=MINUTE)
    assert client.get("/board/").status_code == 200
    shift(client, login_at=12 * 60 * MINUTE + MINUTE, seen_at=0)
    assert_sent_to_login(client, "/board/")


def test_session_without_login_time_is_not_accepted(login):
    client = login("staff")
    with client.session_transaction() as session:
        del session[LOGIN_AT]
    assert_sent_to_login(client, "/staff/")


def test_login_records_its_time_and_sets_no_remember_cookie(login):
    before = int(time.time())
    client = login("staff")
    with client.session_transaction() as session:
        assert before <= session[LOGIN_AT] == session[SEEN_AT] <= int(time.time())
    assert client.get_cookie("remember_token") is None


def test_logout_forgets_the_times(login):
    client = login("staff")
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    with client.session_transaction() as session:
        assert LOGIN_AT not in session and SEEN_AT not in session and "_user_id" not in session


def test_logging_out_ends_the_accounts_sessions_everywhere_copied_cookies_too(app, login):
    client = login("staff")
    elsewhere, thief = app.test_client(), app.test_client()
    assert sign_in(elsewhere).status_code == 302
    thief.set_cookie("session", client.get_cookie("session").value)
    client.post("/logout", data={"csrf_token": csrf(client, "/")})

    for browser in (thief, elsewhere):
        response = browser.get("/staff/")
        assert response.headers["Location"] == "/login?next=/staff/"
        assert "Du är utloggad: kontot har loggats ut" in browser.get("/login").text
    assert sign_in(client).status_code == 302 and client.get("/staff/").status_code == 200


def sign_in(browser, email="staff@example.se"):
    fields = {"email": email, "password": TEST_PASSWORD, "csrf_token": csrf(browser, "/login")}
    return browser.post("/login", data=fields)


def test_residents_are_never_redirected(client):
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert LOGIN_AT not in session
