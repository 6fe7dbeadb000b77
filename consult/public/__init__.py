from flask import Blueprint, g, request
from flask_babel import get_locale

from ..surveys import get_strategy

bp = Blueprint("public", __name__)


@bp.app_context_processor
def _site():
    """Municipality name and language switch for every page's header."""
    if "strategy" not in g:
        g.strategy = get_strategy()
    locale = str(get_locale())
    return {
        "site_strategy": g.strategy,
        "site_name": g.strategy.municipality if g.strategy else "consult",
        "current_locale": locale,
        "other_locale": "en" if locale == "sv" else "sv",
        "current_path": request.full_path.rstrip("?"),
    }


from . import routes  # noqa: E402,F401
