"""Admin: user accounts and the audit log."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import audit
from ..auth.roles import admin_only
from ..extensions import db
from ..forms import render_form
from ..models import Role, User
from ..users import all_users, create_user, generate_password, issue_temporary_password
from . import bp
from .forms import ActionForm, RoleForm, UserForm


@bp.get("/users")
@admin_only
def users():
    return render_template("staff/users.html", users=all_users(), action=ActionForm())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        password = generate_password()
        user = create_user(
            form.email.data, password, Role(form.role.data), name=form.name.data, temporary=True
        )
        audit.record(current_user, "user.create", f"{user.email} ({user.role})")
        db.session.commit()
        return render_template("staff/password.html", user=user, password=password)
    return render_form("staff/user_form.html", form)


@bp.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@admin_only
def change_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RoleForm(data={"role": user.role.value} if request.method == "GET" else None)
    if form.validate_on_submit():
        if user.id == current_user.id and form.role.data != Role.ADMIN:
            form.form_errors.append(_l("Du kan inte ta bort din egen administratörsroll."))
        else:
            user.role = Role(form.role.data)
            audit.record(current_user, "user.role", f"{user.email} → {user.role}")
            db.session.commit()
            flash(_l("Rollen är ändrad."))
            return redirect(url_for("staff.users"))
    return render_form("staff/role_form.html", form, user=user)


@bp.post("/users/<int:user_id>/<any(activate, deactivate):change>")
@admin_only
def set_active(user_id: int, change: str):
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("staff.users"))
    if user.id == current_user.id:
        flash(_l("Du kan inte stänga av ditt eget konto."))
        return redirect(url_for("staff.users"))
    user.active = change == "activate"
    audit.record(current_user, f"user.{change}", user.email)
    db.session.commit()
    flash(_l("Kontot är aktiverat.") if user.active else _l("Kontot är avstängt."))
    return redirect(url_for("staff.users"))


@bp.post("/users/<int:user_id>/password")
@admin_only
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("staff.users"))
    password = issue_temporary_password(user)
    audit.record(current_user, "user.password_reset", user.email)
    db.session.commit()
    return render_template("staff/password.html", user=user, password=password)


@bp.get("/audit")
@admin_only
def audit_log():
    before = request.args.get("before", type=int)
    return render_template("staff/audit.html", events=audit.recent_events(before_id=before))
