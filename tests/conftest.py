"""Fixtures: an app on a fresh database per test (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set), its client and CLI runner, and small factories."""

import os
from contextlib import contextmanager, nullcontext

import pytest
from flask import g, has_app_context
from sqlalchemy import create_engine, text

from config import database_url
from consult import create_app
from consult.extensions import db

from .factories import TEST_PASSWORD, make_user

POSTGRES_URL = database_url(os.environ.get("TEST_DATABASE_URL"))
TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-only-not-a-secret",
    "RATELIMIT_ENABLED": False,
}
_postgres_schema_ready = False


def in_schema(url: str, schema: str) -> str:
    """``url`` with every connection's search_path set to ``schema``."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@contextmanager
def postgres_schema(name: str):
    """A PostgreSQL schema of this test run's own, dropped afterwards, so that runs
    sharing one database (a developer's and CI's) never truncate each other's tables."""
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {name}"))
    try:
        yield in_schema(POSTGRES_URL, name)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_run_url():
    with postgres_schema(f"consult_test_{os.getpid()}") as url:
        yield url


def make_app(database_uri: str, **overrides):
    return create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_uri, **overrides})


def fresh_schema() -> None:
    """Empty tables: created per test on SQLite, truncated per test on PostgreSQL."""
    global _postgres_schema_ready
    if db.engine.dialect.name != "postgresql":
        db.create_all()
        return
    if not _postgres_schema_ready:
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.create_all()
        _postgres_schema_ready = True
    # content_revision keeps its one row, as every database has from its creation on
    emptied = [table for table in db.metadata.sorted_tables if table.name != "content_revision"]
    tables = ", ".join(f'"{table.name}"' for table in emptied)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def database_uri(request, tmp_path):
    if POSTGRES_URL:
        return request.getfixturevalue("postgres_run_url")
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(database_uri):
    app = make_app(database_uri)
    app.teardown_request(_forget_request_globals)
    with app.app_context():
        fresh_schema()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _forget_request_globals(_error=None) -> None:
    """A request in a test shares the test's app context (see ``ctx``), and so its ``g``:
    forget what one request cached there (signed-in user, CSRF token) before the next."""
    g._get_current_object().__dict__.clear()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for calling domain functions directly."""
    with app.app_context():
        yield


@pytest.fixture
def fast_hashing(monkeypatch):
    """Cheap argon2id parameters, so tests that log in many times stay quick."""
    from argon2 import PasswordHasher

    from consult import users

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", cheap)


@pytest.fixture
def login(app, client, fast_hashing):
    """``login(role)`` creates a user with that role and signs a client in (``client`` by
    default; pass ``using=`` for a second browser)."""

    def _login(role: str, email: str | None = None, using=None):
        email, browser = email or f"{role}@example.se", using or client
        with nullcontext() if has_app_context() else app.app_context():
            make_user(email, role)
        response = browser.post(
            "/login",
            data={"email": email, "password": TEST_PASSWORD, "csrf_token": csrf(browser, "/login")},
        )
        assert response.status_code == 302, response.text
        return browser

    return _login


def csrf(client, path: str) -> str:
    """The CSRF token of the form at ``path``, as a browser would read it."""
    from .factories import hidden_value

    return hidden_value(client.get(path).text, "csrf_token")
