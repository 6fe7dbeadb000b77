"""The yardsticks for throughput, run under the same gunicorn settings as consult.

- ``app``: a bare Flask app with the same shape of exchange as a survey (GET a page with
  two hidden tokens, POST a form, 303 to a thank-you page). The issue's baseline:
  ``gunicorn -c python:consult.gunicorn_conf bench.bare:app``.
- ``app_with_writes()``: the same, and each POST also makes the durable writes a
  submission needs (a form-token row, a response row, a row per answer, one commit) with
  SQLAlchemy Core, in tables of its own (``create_tables``) in ``DATABASE_URL``, with
  consult's engine settings. It is the floor for a Flask app that stores answers: what
  consult costs above it is its own work (the survey, its validation, its pages).
"""

import hashlib
import os
import secrets
from datetime import date

from flask import Flask, redirect, request
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, Text, create_engine, insert

from config import Config, database_url
from consult.database import harden_sqlite

PAGE = (
    '<form method="post"><input name="csrf_token" type="hidden" value="{token}">'
    '<input name="form_token" type="hidden" value="{token}"></form>'
)

metadata = MetaData()
tokens = Table("bare_form_token", metadata, Column("digest", String(64), primary_key=True))
responses = Table(
    "bare_response", metadata, Column("id", Integer, primary_key=True), Column("day", Date)
)
answers = Table(
    "bare_answer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("response_id", Integer, index=True),
    Column("field", String(20)),
    Column("value", Text),
)


def bare_app(store=None) -> Flask:
    """The exchange; ``store(form)`` is called with each POSTed form."""
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.route("/s/<slug>", methods=["GET", "POST"])
    def survey(slug: str):
        if request.method == "POST":
            form = request.form.to_dict(flat=False)
            if store:
                store(form)
            return redirect(f"/s/{slug}/tack", code=303)
        return PAGE.format(token=secrets.token_urlsafe(24))

    return app


app = bare_app()


def _engine(url: str):
    engine = create_engine(database_url(url), **Config.SQLALCHEMY_ENGINE_OPTIONS)
    if engine.dialect.name == "sqlite":
        harden_sqlite(engine)
    return engine


def create_tables(url: str) -> None:
    """Before the server starts (its workers would race to create them)."""
    engine = _engine(url)
    metadata.create_all(engine)
    engine.dispose()


def app_with_writes() -> Flask:
    engine = _engine(os.environ["DATABASE_URL"])

    def store(form: dict[str, list[str]]) -> None:
        token = (form.get("form_token") or [""])[0]
        rows = [
            {"field": name, "value": value}
            for name, values in form.items()
            if name.startswith("q")
            for value in values
        ]
        with engine.begin() as connection:
            connection.execute(
                insert(tokens).values(digest=hashlib.sha256(token.encode()).hexdigest())
            )
            response_id = connection.execute(
                insert(responses).values(day=date.today()).returning(responses.c.id)
            ).scalar_one()
            connection.execute(
                insert(answers), [{**row, "response_id": response_id} for row in rows]
            )

    return bare_app(store)
