"""Login and logout for staff and board. Residents never log in."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db, limiter
from ..models import Role
from ..users import authenticate
from . import bp
from .forms import LoginForm
from .sessions import end_session, start_session
from .throttle import account_throttled, count_failed_login

WRONG_CREDENTIALS = _l("Fel e-postadress eller lösenord.")
THROTTLED = _l("För många misslyckade inloggningar med den här e-postadressen. Försök igen senare.")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20/minute;200/hour", methods=["POST"])  # per client; per account in .throttle
def login():
    form = LoginForm()
    if form.validate_on_submit():
        if account_throttled(form.email.data):
            form.form_errors.append(THROTTLED)
            return render_template("auth/login.html", form=form), 429
        user = authenticate(form.email.data, form.password.data)
        if user:
            db.session.commit()
            start_session(user)
            return redirect(_next_page() or _home_for(user.role))
        count_failed_login(form.email.data)
        form.form_errors.append(WRONG_CREDENTIALS)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    end_session()
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
