"""Staff: consultation rounds and their surveys."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from .. import builder
from ..auth.roles import staff_only
from ..extensions import db
from ..forms import render_form
from ..models import InvalidTransition, Round, Survey, TargetArea
from ..results import response_counts, rounds_with_surveys
from . import bp
from .deletion import confirmation_page, deleted
from .forms import ActionForm, RoundForm, SurveySettingsForm


@bp.get("/")
@staff_only
def index():
    rounds, counts = rounds_with_surveys(), response_counts()
    totals = {r.id: sum(counts.get(survey.id, 0) for survey in r.surveys) for r in rounds}
    return render_template("staff/index.html", rounds=rounds, totals=totals)


@bp.route("/rounds/new", methods=["GET", "POST"])
@staff_only
def new_round():
    form = RoundForm()
    if form.validate_on_submit():
        round_ = builder.create_round(current_user, **form.values())
        db.session.commit()
        return redirect(url_for("staff.round_page", round_id=round_.id))
    return render_form("staff/round_form.html", form, title=_l("Ny enkätomgång"))


@bp.get("/rounds/<int:round_id>")
@staff_only
def round_page(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    return render_template(
        "staff/round.html", round=round_, counts=response_counts(), action=ActionForm()
    )


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_round(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    form = RoundForm(obj=round_)
    if form.validate_on_submit():
        builder.update_round(current_user, round_, **form.values())
        db.session.commit()
        flash(_l("Omgången är sparad."))
        return redirect(url_for("staff.round_page", round_id=round_.id))
    return render_form("staff/round_form.html", form, title=_l("Ändra omgången"), round=round_)


@bp.post("/rounds/<int:round_id>/<any(open, close):change>")
@staff_only
def change_round_state(round_id: int, change: str):
    round_ = db.get_or_404(Round, round_id)
    if ActionForm().validate_on_submit():
        try:
            (builder.open_round if change == "open" else builder.close_round)(current_user, round_)
        except InvalidTransition:
            flash(_l("Det går inte: en omgång går från utkast till öppen till stängd."))
        else:
            db.session.commit()
            flash(_l("Omgången är öppnad.") if change == "open" else _l("Omgången är stängd."))
    return redirect(url_for("staff.round_page", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/clone")
@staff_only
def clone_round(round_id: int):
    source = db.get_or_404(Round, round_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("staff.round_page", round_id=source.id))
    copy = builder.clone_round(current_user, source)
    db.session.commit()
    flash(_l("En kopia är skapad som utkast. Kontrollera enkäternas adresser."))
    return redirect(url_for("staff.round_page", round_id=copy.id))


@bp.route("/rounds/<int:round_id>/surveys/new", methods=["GET", "POST"])
@staff_only
def new_survey(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    form = SurveySettingsForm(areas=_areas())
    if form.validate_on_submit():
        survey = builder.create_survey(current_user, round_, **form.values())
        db.session.commit()
        return redirect(url_for("staff.survey_page", survey_id=survey.id))
    return render_form("staff/survey_form.html", form, title=_l("Ny enkät"), round=round_)


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_survey(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    form = SurveySettingsForm(obj=survey, areas=_areas(), survey=survey)
    if form.validate_on_submit():
        builder.update_survey(current_user, survey, **form.values())
        db.session.commit()
        flash(_l("Enkäten är sparad."))
        return redirect(url_for("staff.survey_page", survey_id=survey.id))
    return render_form(
        "staff/survey_form.html",
        form,
        title=_l("Ändra enkäten"),
        round=survey.round,
        survey=survey,
    )


@bp.post("/surveys/<int:survey_id>/<any(up, down):direction>")
@staff_only
def move_survey(survey_id: int, direction: str):
    survey = db.get_or_404(Survey, survey_id)
    if ActionForm().validate_on_submit():
        builder.move_survey(current_user, survey, -1 if direction == "up" else 1)
        db.session.commit()
    return redirect(url_for("staff.round_page", round_id=survey.round_id) + f"#enkat-{survey.id}")


@bp.route("/surveys/<int:survey_id>/delete", methods=["GET", "POST"])
@staff_only
def delete_survey(survey_id: int):
    """Ask first (GET), delete on the confirming POST."""
    survey = db.get_or_404(Survey, survey_id)
    if request.method == "GET":
        return confirmation_page(
            title=_l("Ta bort enkäten?"),
            name=survey.title,
            consequence=_l(
                "Enkäten, dess frågor och dess inbjudningskoder tas bort. Det går inte att ångra."
            ),
            confirm_url=url_for("staff.delete_survey", survey_id=survey.id),
            confirm_label=_l("Ja, ta bort enkäten"),
            back_url=url_for("staff.survey_page", survey_id=survey.id),
            back_label=survey.title,
        )
    round_id = survey.round_id
    if deleted(lambda: builder.delete_survey(current_user, survey), _l("Enkäten är borttagen.")):
        return redirect(url_for("staff.round_page", round_id=round_id))
    return redirect(url_for("staff.survey_page", survey_id=survey_id))


def _areas() -> list[TargetArea]:
    return db.session.scalars(select(TargetArea).order_by(TargetArea.position)).all()
