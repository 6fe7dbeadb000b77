from flask import Blueprint, request
from flask_babel import get_locale
from sqlalchemy.exc import OperationalError

from ..content import content
from ..extensions import db
from ..surveys import get_strategy

bp = Blueprint("public", __name__)


def site_name() -> str:
    strategy = get_strategy()
    return strategy.municipality if strategy else "consult"


def _kept_site_name() -> str:
    """From this process's copy; "consult" while the database is down, so that the error
    page saying so can still be shown."""
    try:
        return content().get("site_name", site_name)
    except OperationalError:
        db.session.rollback()
        return "consult"


@bp.app_context_processor
def _site():
    """Municipality name and language switch for every page's header."""
    locale = str(get_locale())
    return {
        "site_name": _kept_site_name(),
        "current_locale": locale,
        "other_locale": "en" if locale == "sv" else "sv",
        "current_path": request.full_path.rstrip("?"),
    }


from . import routes  # noqa: E402,F401
