"""Login and logout for staff and board. Residents never log in."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from ..extensions import db, limiter
from ..models import Role
from ..users import authenticate
from . import bp
from .forms import LoginForm

WRONG_CREDENTIALS = _l("Fel e-postadress eller lösenord.")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20/minute;200/hour", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user:
            db.session.commit()
            login_user(user)
            return redirect(_next_page() or _home_for(user.role))
        form.form_errors.append(WRONG_CREDENTIALS)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    flash(_l("Du är utloggad."))
    return redirect(url_for("public.index"))


def _home_for(role: Role) -> str:
    return url_for("board.index" if role is Role.BOARD else "staff.index")


def _next_page() -> str | None:
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not parts.netloc and not parts.scheme and "\\" not in target:
        return target
    return None
