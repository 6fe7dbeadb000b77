"""Staff: the survey builder — questions, their order, the question bank and the preview."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import builder
from ..auth.roles import staff_only
from ..extensions import db
from ..forms import render_form
from ..models import Access, Question, Survey
from ..public.forms import questions_html, survey_form
from ..surveys import answer_rows
from . import bp
from .deletion import confirmation_page, deleted
from .forms import KIND_LABELS, ActionForm, BankForm, QuestionForm


@bp.get("/surveys/<int:survey_id>")
@staff_only
def survey_page(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    return render_template(
        "staff/survey.html",
        survey=survey,
        responses=builder.response_count(survey),
        bank_form=BankForm(bank=builder.question_bank(survey)),
        action=ActionForm(),
        kinds=KIND_LABELS,
    )


@bp.route("/surveys/<int:survey_id>/questions/new", methods=["GET", "POST"])
@staff_only
def new_question(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    form = QuestionForm(survey=survey, data={"kind": request.args.get("kind", "single")})
    if form.validate_on_submit():
        builder.add_question(current_user, survey, form.spec())
        db.session.commit()
        flash(_l("Frågan är tillagd."))
        return redirect(url_for("staff.survey_page", survey_id=survey.id) + "#fragor")
    return render_form("staff/question_form.html", form, survey=survey, title=_l("Ny fråga"))


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_question(question_id: int):
    question = db.get_or_404(Question, question_id)
    survey = question.survey
    form = QuestionForm(survey=survey, question=question)
    if request.method == "GET":
        form.fill_from(question)
    elif form.validate_on_submit():
        try:
            builder.update_question(current_user, question, form.spec())
        except builder.RefusedChange as refusal:
            db.session.rollback()
            form.form_errors.append(refusal.message)
        else:
            db.session.commit()
            flash(_l("Frågan är sparad."))
            return redirect(url_for("staff.survey_page", survey_id=survey.id) + "#fragor")
    return render_form(
        "staff/question_form.html",
        form,
        survey=survey,
        question=question,
        title=_l("Ändra frågan"),
        locked=builder.has_responses(survey),
    )


@bp.post("/questions/<int:question_id>/<any(up, down):direction>")
@staff_only
def move_question(question_id: int, direction: str):
    question = db.get_or_404(Question, question_id)
    if ActionForm().validate_on_submit():
        builder.move_question(current_user, question, -1 if direction == "up" else 1)
        db.session.commit()
    anchor = f"#fraga-{question.id}"
    return redirect(url_for("staff.survey_page", survey_id=question.survey_id) + anchor)


@bp.route("/questions/<int:question_id>/delete", methods=["GET", "POST"])
@staff_only
def delete_question(question_id: int):
    """Ask first (GET), delete on the confirming POST."""
    question = db.get_or_404(Question, question_id)
    survey_id = question.survey_id
    if request.method == "GET":
        return confirmation_page(
            title=_l("Ta bort frågan?"),
            name=question.text,
            consequence=_l(
                "Frågan och dess svarsalternativ tas bort från enkäten. Det går inte att ångra."
            ),
            confirm_url=url_for("staff.delete_question", question_id=question.id),
            confirm_label=_l("Ja, ta bort frågan"),
            back_url=url_for("staff.survey_page", survey_id=survey_id) + f"#fraga-{question.id}",
            back_label=question.survey.title,
        )
    deleted(lambda: builder.delete_question(current_user, question), _l("Frågan är borttagen."))
    return redirect(url_for("staff.survey_page", survey_id=survey_id) + "#fragor")


@bp.post("/surveys/<int:survey_id>/bank")
@staff_only
def add_from_bank(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    form = BankForm(bank=builder.question_bank(survey))
    if form.validate_on_submit():
        builder.add_from_bank(current_user, survey, form.key.data)
        db.session.commit()
        flash(_l("Frågan från frågebanken är tillagd."))
    return redirect(url_for("staff.survey_page", survey_id=survey.id) + "#fragor")


@bp.route("/surveys/<int:survey_id>/preview", methods=["GET", "POST"])
@staff_only
def preview(survey_id: int):
    """The survey exactly as residents see it; submitting validates but stores nothing."""
    survey = db.get_or_404(Survey, survey_id)
    form = survey_form(survey, with_code=survey.access is Access.CODE)
    if form.validate_on_submit():
        answer_rows(survey, form.values())  # proves the answers would convert
        flash(_l("Förhandsvisning: svaren var giltiga. Ingenting sparades."))
    return render_form(
        "public/survey.html", form, survey=survey, questions=questions_html(form), preview=True
    )
