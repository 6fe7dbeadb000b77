"""Fixtures: an app on a fresh database per test (SQLite file, or PostgreSQL when
TEST_DATABASE_URL is set), its client and CLI runner, and small factories."""

import os

import pytest
from sqlalchemy import text

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
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def database_uri(tmp_path):
    return POSTGRES_URL or f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(database_uri):
    app = make_app(database_uri)
    with app.app_context():
        fresh_schema()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


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
def login(app, client):
    """``login(role)`` creates a user with that role and signs the client in."""

    def _login(role: str, email: str | None = None):
        email = email or f"{role}@example.se"
        with app.app_context():
            make_user(email, role)
        response = client.post(
            "/login",
            data={"email": email, "password": TEST_PASSWORD, "csrf_token": csrf(client, "/login")},
        )
        assert response.status_code == 302, response.text
        return client

    return _login


def csrf(client, path: str) -> str:
    """The CSRF token of the form at ``path``, as a browser would read it."""
    from .factories import hidden_value

    return hidden_value(client.get(path).text, "csrf_token")
