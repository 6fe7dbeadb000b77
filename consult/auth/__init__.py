from flask import Blueprint

bp = Blueprint("auth", __name__)

from ..extensions import db, login_manager  # noqa: E402
from ..models import User  # noqa: E402
from . import routes  # noqa: E402,F401
from .roles import role_required  # noqa: E402,F401
from .sessions import enforce_session_limits  # noqa: E402

bp.before_app_request(enforce_session_limits)


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None
