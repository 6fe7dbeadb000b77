"""Migrations build the same schema as the models, from empty, on SQLite and PostgreSQL,
with the content revision's one row."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from consult.extensions import db

from .conftest import POSTGRES_URL, make_app, postgres_schema


@pytest.fixture
def empty_database(tmp_path):
    """An empty SQLite file, or an empty PostgreSQL schema dropped afterwards."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    with postgres_schema(f"migration_check_{os.getpid()}") as url:
        yield url


def test_upgrade_from_empty_matches_the_models_and_downgrades(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], diff
        revisions = db.session.execute(text("SELECT id, revision FROM content_revision")).all()
        assert [tuple(row) for row in revisions] == [(1, 0)], "the one counter row is there"
        db.session.rollback()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
