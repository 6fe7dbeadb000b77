"""Deleting after asking, for questions and surveys: the confirmation page (GET) and the
confirming POST, which deletes, commits and says so, or rolls back and says why not."""

from collections.abc import Callable

from flask import flash, render_template

from ..builder import RefusedChange
from ..extensions import db
from .forms import ActionForm


def confirmation_page(**texts):
    """``title``, the thing's ``name``, the ``consequence``, ``confirm_url`` and
    ``confirm_label`` for the button, and ``back_url`` and ``back_label`` for keeping it."""
    return render_template("staff/confirm_delete.html", action=ActionForm(), **texts)


def deleted(delete: Callable[[], None], done: str) -> bool:
    """Run ``delete`` on the confirming POST; True when it went through."""
    if not ActionForm().validate_on_submit():
        return False
    try:
        delete()
    except RefusedChange as refusal:
        db.session.rollback()
        flash(refusal.message)
        return False
    db.session.commit()
    flash(done)
    return True
