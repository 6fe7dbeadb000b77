"""Role checks for staff and board routes."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ..models import Role


def role_required(*roles: Role):
    """Anonymous visitors go to the login page; a signed-in user without the role gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


STAFF_ROLES = (Role.STAFF, Role.ADMIN)
READER_ROLES = (Role.BOARD, Role.STAFF, Role.ADMIN)

staff_only = role_required(*STAFF_ROLES)
admin_only = role_required(Role.ADMIN)
