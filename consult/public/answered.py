"""The "you have already answered" memory: a signed cookie on the resident's phone.

It lists survey ids only; the server stores nothing about who answered.
"""

from flask import Request, Response, current_app
from itsdangerous import BadData, URLSafeSerializer

COOKIE = "answered"
ONE_YEAR = 365 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="answered-surveys")


def answered_surveys(request: Request) -> set[int]:
    """Survey ids this phone has answered; a missing or tampered cookie counts as none."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return set()
    try:
        ids = _serializer().loads(raw)
    except BadData:
        return set()
    return {i for i in ids if isinstance(i, int)} if isinstance(ids, list) else set()


def remember_answered(request: Request, response: Response, survey_id: int) -> None:
    ids = sorted(answered_surveys(request) | {survey_id})[-100:]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(ids),
        max_age=ONE_YEAR,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
