from flask import Blueprint

bp = Blueprint("auth", __name__)

from ..extensions import db, login_manager  # noqa: E402
from ..models import User  # noqa: E402
from . import routes  # noqa: E402,F401
from .roles import role_required  # noqa: E402,F401


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None
