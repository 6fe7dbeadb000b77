"""Staff and board sessions: signed-cookie sessions that end after 30 minutes idle or
12 hours in all (``SESSION_IDLE_TIMEOUT`` and ``SESSION_MAX_AGE``), and at once when the
account logs out anywhere, is switched off, or its password changes.

The login time, the time of the last request and the account's mark (a keyed digest of
its password hash and session epoch) are kept in the signed session itself, so any app
server can enforce them; Flask-Login's remember-me cookie is not used.
"""

import hashlib
import hmac
import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..models import User

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
ACCOUNT_MARK = "account_mark"
USER_KEY = "_user_id"  #: where Flask-Login keeps the signed-in user's id
SESSION_ENDED = _l("Din inloggning har gått ut. Logga in igen.")
ACCOUNT_CHANGED = _l(
    "Du är utloggad: kontot har loggats ut på en annan enhet, fått nytt lösenord eller "
    "stängts av. Logga in igen."
)
CHOOSE_PASSWORD = _l("Välj ett eget lösenord innan du fortsätter.")
#: What a user who must choose a password may still reach.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"auth.change_password", "auth.logout", "static"})


def start_session(user: User) -> None:
    """Sign ``user`` in and note when, and under which account mark."""
    login_user(user)
    session[LOGIN_AT] = session[SEEN_AT] = int(time.time())
    keep_account_mark(user)


def keep_account_mark(user: User) -> None:
    """After the user's own password change: this session goes on, every other one ends."""
    session[ACCOUNT_MARK] = account_mark(user)


def account_mark(user: User) -> str:
    """Changes with the password and at every logout; no hash goes into a cookie."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{user.password_hash}:{user.session_epoch}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def log_out(user: User) -> None:
    """End every session of ``user``, on every device (the caller commits)."""
    user.session_epoch += 1
    end_session()


def end_session() -> None:
    """End this session only."""
    logout_user()
    for key in (LOGIN_AT, SEEN_AT, ACCOUNT_MARK):
        session.pop(key, None)


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
    """Before each request: end a session that expired or whose account changed, and send
    its user to the login page; keep a user with a temporary password on the page for
    choosing one."""
    if USER_KEY not in session:
        return None
    now = int(time.time())
    if session_expired(now):
        return _sent_to_login(SESSION_ENDED)
    if not _account_unchanged():
        return _sent_to_login(ACCOUNT_CHANGED)
    if session.get(SEEN_AT) != now:
        session[SEEN_AT] = now
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        flash(CHOOSE_PASSWORD)
        return redirect(url_for("auth.change_password"))
    return None


def _account_unchanged() -> bool:
    user = current_user
    return (
        user.is_authenticated
        and user.is_active
        and hmac.compare_digest(str(session.get(ACCOUNT_MARK, "")), account_mark(user))
    )


def _sent_to_login(message):
    end_session()
    flash(message)
    back = request.path if request.method == "GET" else None
    return redirect(url_for("auth.login", next=back))
