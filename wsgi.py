"""WSGI entry point: ``gunicorn -c python:consult.gunicorn_conf wsgi:app`` (see README)."""

from consult import create_app

app = create_app()
