from flask import Blueprint

bp = Blueprint(__name__.rsplit(".", 1)[-1], __name__)

from . import (  # noqa: E402,F401
    codes,
    moderation,  # noqa: E402,F401
    questions,
    routes,
    users,
)
