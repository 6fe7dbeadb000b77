"""Board area (dashboards, trends and exports grow here)."""

from flask import render_template

from ..auth.roles import READER_ROLES, role_required
from ..results import response_counts, rounds_with_surveys
from . import bp


@bp.get("/")
@role_required(*READER_ROLES)
def index():
    return render_template(
        "board/index.html", rounds=rounds_with_surveys(), counts=response_counts()
    )
