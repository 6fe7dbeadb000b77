from flask import Blueprint

bp = Blueprint(__name__.rsplit(".", 1)[-1], __name__)

from . import codes, questions, routes, users  # noqa: E402,F401
