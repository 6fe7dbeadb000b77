"""Staff and board sessions: signed-cookie sessions that end after 30 minutes idle or
12 hours in all (``SESSION_IDLE_TIMEOUT`` and ``SESSION_MAX_AGE``).

The login time and the time of the last request are kept in the signed session itself,
so any app server can enforce them; Flask-Login's remember-me cookie is not used.
"""

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from ..models import User

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
USER_KEY = "_user_id"  #: where Flask-Login keeps the signed-in user's id
SESSION_ENDED = _l("Din inloggning har gått ut. Logga in igen.")


def start_session(user: User) -> None:
    """Sign ``user`` in and note when."""
    login_user(user)
    session[LOGIN_AT] = session[SEEN_AT] = int(time.time())


def end_session() -> None:
    logout_user()
    session.pop(LOGIN_AT, None)
    session.pop(SEEN_AT, None)


def session_expired(now: int) -> bool:
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return True
    config = current_app.config
    return (
        now - seen_at > config["SESSION_IDLE_TIMEOUT"].total_seconds()
        or now - login_at > config["SESSION_MAX_AGE"].total_seconds()
    )


def enforce_session_limits():
    """Before each request: end an expired session and send its user to the login page."""
    if USER_KEY not in session:
        return None
    now = int(time.time())
    if session_expired(now):
        end_session()
        flash(SESSION_ENDED)
        back = request.path if request.method == "GET" else None
        return redirect(url_for("auth.login", next=back))
    if session.get(SEEN_AT) != now:
        session[SEEN_AT] = now
    return None
