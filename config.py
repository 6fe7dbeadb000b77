"""Configuration classes, read from the environment.

With no environment at all the app runs on SQLite in its instance folder and keeps a
generated secret key there (see ``consult.create_app``). ``CONSULT_CONFIG=production``
picks the production class; ``CONSULT_INSTANCE_PATH`` moves the instance folder.
"""

import os


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
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")
    #: Rate-limit counters (client addresses) live in memory, or in Redis when shared.
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"

    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    LANGUAGES = ("sv", "en")

    #: Largest request body accepted; survey answers are small.
    MAX_CONTENT_LENGTH = 256 * 1024
    MAX_FORM_PARTS = 500
    WTF_CSRF_TIME_LIMIT = 6 * 3600

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "") == "1"
    REMEMBER_COOKIE_HTTPONLY = True

    #: Smallest group the board may see in any breakdown.
    SUPPRESSION_K = int(os.environ.get("SUPPRESSION_K", "5"))


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {"default": Config, "production": ProductionConfig}
