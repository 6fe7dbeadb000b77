"""Configuration classes, read from the environment.

With no environment at all the app runs on SQLite in its instance folder and keeps a
generated secret key there (see ``consult.create_app``). ``CONSULT_CONFIG=production``
picks the production class; ``CONSULT_INSTANCE_PATH`` moves the instance folder.
"""

import os
from datetime import timedelta


def env_flag(name: str, default: bool) -> bool:
    """A yes/no setting from the environment: 1/true/yes/on or 0/false/no/off."""
    raw = os.environ.get(name, "").strip().lower()
    return default if not raw else raw in ("1", "true", "yes", "on")


def database_url(raw: str | None) -> str | None:
    """Normalise a DATABASE_URL so SQLAlchemy uses psycopg 3 for PostgreSQL."""
    if not raw:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw.removeprefix(prefix)
    return raw


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    #: hide_parameters: a failed statement's error (and so the log) never holds the values it
    #: carried, such as a resident's answers.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    #: Rate-limit counters (client addresses) live in memory, or in Redis when shared.
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    #: Off only for load tests that send everything from one address.
    RATELIMIT_ENABLED = env_flag("RATELIMIT_ENABLED", True)
    #: Namespace for the counters in a Redis shared with other software.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "consult")
    #: Failed logins per account (counted under a keyed hash of the e-mail address).
    LOGIN_ACCOUNT_LIMIT = os.environ.get("LOGIN_ACCOUNT_LIMIT", "100/hour")
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    LANGUAGES = ("sv", "en")

    #: Largest request body accepted; survey answers are small.
    MAX_CONTENT_LENGTH = 256 * 1024
    MAX_FORM_PARTS = 500
    WTF_CSRF_TIME_LIMIT = 6 * 3600
    #: Flask-WTF's HTTPS check wants a Referer header, which "Referrer-Policy: no-referrer"
    #: stops browsers from sending; the token and SameSite=Lax cookies protect the forms.
    WTF_CSRF_SSL_STRICT = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    #: Staff and board sessions end after this long without a request ...
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    #: ... and this long after logging in, however active.
    SESSION_MAX_AGE = timedelta(hours=12)

    #: How long a process shows residents its copy of the surveys before asking the database
    #: whether staff changed them (consult/content.py); storing an answer always asks.
    CONTENT_RECHECK_SECONDS = float(os.environ.get("CONTENT_RECHECK_SECONDS", "1"))

    #: Smallest group the board may see in any breakdown.
    SUPPRESSION_K = int(os.environ.get("SUPPRESSION_K", "5"))


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {"default": Config, "production": ProductionConfig}
