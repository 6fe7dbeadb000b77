"""Production hardening: cookie flags and headers, trusted proxies, login throttling per
account and per client, the submission rate limit, and password hashing parameters."""

import pytest
from argon2 import Type, extract_parameters
from sqlalchemy import func, select

from config import ProductionConfig
from consult import create_app
from consult.extensions import db, limiter
from consult.models import Response, User

from .conftest import TEST_SETTINGS, csrf, fresh_schema, make_app
from .factories import TEST_PASSWORD, make_survey, make_user

HTTPS = "https://consult.example"


@pytest.fixture
def production_app(database_uri):
    """The production config class as deployed, on the test database."""
    overrides = {**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri}
    app = create_app(type("TestedProductionConfig", (ProductionConfig,), overrides))
    with app.app_context():
        fresh_schema()
        make_user("staff@example.se", "staff")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def limited_app(database_uri):
    """Rate limits on (fresh in-memory counters), behind one trusted proxy."""
    app = make_app(
        database_uri, RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1, LOGIN_ACCOUNT_LIMIT="3/hour"
    )
    with app.app_context():
        fresh_schema()
        make_user("staff@example.se", "staff")
        make_user("board@example.se", "board")
    yield app
    with app.app_context():
        db.engine.dispose()


def login_from(client, email, password, address="192.0.2.1", **kwargs):
    """POST /login as a browser at ``address`` behind the proxy would."""
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf(client, "/login")},
        headers={"X-Forwarded-For": address},
        **kwargs,
    )


def test_production_cookies_are_secure_httponly_lax_and_login_works_over_https(production_app):
    client = production_app.test_client()
    token = csrf_over_https(client)
    # No Referer header: "Referrer-Policy: no-referrer" means browsers never send one.
    response = client.post(
        "/login",
        data={"email": "staff@example.se", "password": TEST_PASSWORD, "csrf_token": token},
        base_url=HTTPS,
    )
    assert response.status_code == 302, response.text
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "remember_token" not in str(response.headers)


def csrf_over_https(client) -> str:
    from .factories import hidden_value

    return hidden_value(client.get("/login", base_url=HTTPS).text, "csrf_token")


def test_production_headers(production_app):
    headers = production_app.test_client().get("/", base_url=HTTPS).headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "Cache-Control" not in headers  # public pages may be cached


def test_signed_in_pages_are_not_cached(login):
    client = login("staff")
    assert client.get("/staff/").headers["Cache-Control"] == "no-store"


def test_failed_logins_are_throttled_per_account_whatever_the_client(limited_app):
    client = limited_app.test_client()
    for n in range(3):  # three different clients, one account
        response = login_from(client, "Staff@Example.se", "wrong password", f"192.0.2.{n}")
        assert response.status_code == 422
    refused = login_from(client, "staff@example.se", TEST_PASSWORD, "198.51.100.7")
    assert refused.status_code == 429
    assert "För många misslyckade inloggningar" in refused.text
    assert login_from(client, "board@example.se", TEST_PASSWORD).status_code == 302


def test_unknown_addresses_are_throttled_like_real_ones(limited_app):
    client = limited_app.test_client()
    statuses = [login_from(client, "nobody@example.se", "guess").status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_account_counters_hold_no_e_mail_address(limited_app):
    client = limited_app.test_client()
    login_from(client, "staff@example.se", "wrong password")
    keys = list(limiter.storage.storage)
    assert any("login-account" in key for key in keys), keys
    assert not any("staff" in key or "example" in key for key in keys), keys
    with limited_app.app_context():  # nor in the database
        assert db.session.scalar(select(func.count()).select_from(User)) == 2


def test_default_account_limit_is_100_failures_an_hour(app):
    assert app.config["LOGIN_ACCOUNT_LIMIT"] == "100/hour"


def test_login_is_limited_per_client_behind_a_trusted_proxy(limited_app):
    client = limited_app.test_client()
    token = csrf(client, "/login")

    def attempt(address):  # an empty password: refused without hashing
        return client.post(
            "/login",
            data={"email": "x@example.se", "password": "", "csrf_token": token},
            headers={"X-Forwarded-For": address},
        ).status_code

    assert [attempt("203.0.113.1") for _ in range(20)] == [422] * 20
    assert attempt("203.0.113.1") == 429
    assert attempt("203.0.113.2") == 422  # another client behind the same proxy


def test_without_trusted_proxies_forwarded_addresses_are_ignored(database_uri):
    app = make_app(database_uri, RATELIMIT_ENABLED=True)
    with app.app_context():
        fresh_schema()
    client = app.test_client()
    token = csrf(client, "/login")
    statuses = [
        client.post(
            "/login",
            data={"email": "x@example.se", "password": "", "csrf_token": token},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},  # spoofed: one client really
        ).status_code
        for n in range(21)
    ]
    assert statuses[-1] == 429
    with app.app_context():
        db.engine.dispose()


def test_submissions_are_rate_limited_with_a_friendly_page(limited_app):
    with limited_app.app_context():
        make_survey("test")
    client = limited_app.test_client()
    statuses = [client.post("/s/test", data={}).status_code for _ in range(120)]
    assert statuses == [422] * 120  # incomplete forms, shown again with their errors
    response = client.post("/s/test", data={})
    assert response.status_code == 429
    assert "För många försök" in response.text and "Vänta en stund" in response.text
    assert client.get("/s/test").status_code == 200  # reading is not limited
    with limited_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert limited_app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_passwords_use_argon2id_at_or_above_owasp_parameters(app, ctx):
    user = make_user("staff@example.se", "staff")
    parameters = extract_parameters(user.password_hash)
    assert parameters.type is Type.ID
    assert parameters.memory_cost >= 19 * 1024  # KiB
    assert parameters.time_cost >= 2
    assert parameters.parallelism >= 1
    assert parameters.salt_len >= 16 and parameters.hash_len >= 32
