"""WSGI entry point: ``gunicorn wsgi:app``."""

from consult import create_app

app = create_app()
