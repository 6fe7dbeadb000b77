"""consult: citizen consultation surveys. ``create_app`` is the application factory."""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, Config

from .database import harden_sqlite
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .logs import anonymise_request_logs

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | str | Mapping | None = None) -> Flask:
    """Build the app. ``config`` is a config class, its name, or a mapping of overrides."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("CONSULT_INSTANCE_PATH"),
        template_folder=str(ROOT / "templates"),
    )
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    app.config.from_object(_config_class(config))
    if isinstance(config, Mapping):
        app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or _instance_secret(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = (
        app.config["SQLALCHEMY_DATABASE_URI"]
        or f"sqlite:///{Path(app.instance_path) / 'consult.db'}"
    )
    _trust_proxies(app, app.config["TRUSTED_PROXIES"])
    _init_extensions(app)
    _register_blueprints(app)
    from . import cli, errors, security

    cli.register(app)
    errors.register(app)
    security.register(app)
    anonymise_request_logs()
    return app


def _config_class(config) -> type[Config]:
    if isinstance(config, type):
        return config
    if isinstance(config, str):
        return CONFIGS[config]
    return CONFIGS[os.environ.get("CONSULT_CONFIG", "default")]


def _instance_secret(app: Flask) -> str:
    """A secret key generated once and kept in the instance folder (never in code)."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def _trust_proxies(app: Flask, count: int) -> None:
    """Behind ``count`` reverse proxies, see the client's address (for rate limits) and scheme."""
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Logga in för att se sidan.")
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            harden_sqlite(db.engine)


def _select_locale() -> str:
    """Swedish unless the visitor chose English with the language switch."""
    chosen = request.cookies.get("lang")
    return chosen if chosen in Config.LANGUAGES else Config.BABEL_DEFAULT_LOCALE


def _register_blueprints(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .board import bp as board_bp
    from .public import bp as public_bp
    from .staff import bp as staff_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(board_bp, url_prefix="/board")
