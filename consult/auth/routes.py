"""Login and logout for staff and board. Residents never log in."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import audit
from ..extensions import db, limiter
from ..forms import render_form
from ..models import Role
from ..users import MIN_PASSWORD_LENGTH, authenticate, change_own_password
from . import bp
from .forms import LoginForm, PasswordChangeForm
from .sessions import keep_account_mark, log_out, start_session
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


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("20/minute;200/hour", methods=["POST"])
def change_password():
    """Any signed-in user's own password; a wrong current one counts as a failed login."""
    form = PasswordChangeForm(current_user)
    if form.is_submitted() and account_throttled(current_user.email):
        form.form_errors.append(THROTTLED)
        return render_template("auth/password.html", form=form, min_length=MIN_PASSWORD_LENGTH), 429
    if form.validate_on_submit():
        change_own_password(current_user, form.new_password.data)
        audit.record(current_user, "user.password_change", current_user.email)
        db.session.commit()
        keep_account_mark(current_user)
        flash(_l("Ditt lösenord är bytt."))
        return redirect(_home_for(current_user.role))
    if form.current_password.errors and form.current_password.data:
        count_failed_login(current_user.email)
    return render_form("auth/password.html", form, min_length=MIN_PASSWORD_LENGTH)


@bp.post("/logout")
def logout():
    """Ends the account's sessions everywhere, so a copied session cookie is worthless."""
    if current_user.is_authenticated:
        log_out(current_user)
        db.session.commit()
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
