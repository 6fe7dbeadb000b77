"""Staff area (rounds, survey builder, codes and paper answers grow here)."""

from flask import render_template

from ..auth.roles import STAFF_ROLES, role_required
from ..results import response_counts, rounds_with_surveys
from . import bp


@bp.get("/")
@role_required(*STAFF_ROLES)
def index():
    return render_template(
        "staff/index.html", rounds=rounds_with_surveys(), counts=response_counts()
    )
