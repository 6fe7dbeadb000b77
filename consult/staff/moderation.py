"""Staff moderation of free text before the board reads it: the pages for hiding an answer
or removing more of it (the operations are in ``consult.redaction``)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..auth.roles import STAFF_ROLES, role_required
from ..board.forms import SearchForm
from ..extensions import db
from ..models import Answer, Question, Survey
from ..redaction import NotInAnswer, remove_from_answer, set_answer_hidden
from ..results import free_texts, survey_scope
from . import bp
from .forms import HideForm, RemoveForm

PER_PAGE = 50


@bp.get("/surveys/<int:survey_id>/free-text")
@role_required(*STAFF_ROLES)
def moderation(survey_id: int):
    survey, question = _survey_and_question(survey_id, request.args.get("question", type=int))
    return _render(survey, question)


@bp.post("/answers/<int:answer_id>/hidden")
@role_required(*STAFF_ROLES)
def hide_answer(answer_id: int):
    answer = _text_answer(answer_id)
    form = HideForm()
    if not form.validate_on_submit():
        abort(400)
    set_answer_hidden(answer, form.hidden.data == "1", current_user)
    db.session.commit()
    flash(_l("Svaret är dolt för styrgruppen.") if answer.hidden else _l("Svaret visas igen."))
    return _back_to(answer)


@bp.post("/answers/<int:answer_id>/remove")
@role_required(*STAFF_ROLES)
def remove_part(answer_id: int):
    answer = _text_answer(answer_id)
    form = RemoveForm(prefix=f"a{answer.id}")
    if form.validate_on_submit():
        try:
            remove_from_answer(answer, form.part.data, current_user)
        except NotInAnswer:
            form.part.errors.append(_l("Texten finns inte i svaret. Skriv den exakt som den står."))
        else:
            db.session.commit()
            flash(_l("Texten är borttagen ur svaret."))
            return _back_to(answer)
    survey, question = _survey_and_question(answer.response.survey_id, answer.question_id)
    return _render(survey, question, failed=form, failed_id=answer.id), 422


def _survey_and_question(survey_id: int, question_id: int | None) -> tuple[Survey, Question]:
    survey = db.get_or_404(Survey, survey_id, options=[selectinload(Survey.questions)])
    texts = [q for q in survey.questions if q.kind.is_text]
    question = next((q for q in texts if q.id == question_id), texts[0] if texts else None)
    return survey, question


def _text_answer(answer_id: int) -> Answer:
    answer = db.get_or_404(Answer, answer_id)
    if answer.redacted_text is None:
        abort(404)
    return answer


def _render(survey: Survey, question: Question | None, failed=None, failed_id=None):
    search = SearchForm(formdata=request.args)
    page = None
    if question is not None:
        scope, _n = survey_scope(survey)
        number = request.args.get("page", 1, type=int)
        page = free_texts(
            question,
            scope,
            search=search.term(),
            page=number,
            per_page=PER_PAGE,
            include_hidden=True,
        )
    return render_template(
        "staff/moderation.html",
        survey=survey,
        question=question,
        page=page,
        search=search,
        hide_form=HideForm(),
        remove_form_for=lambda item_id: (
            failed if item_id == failed_id else RemoveForm(prefix=f"a{item_id}", formdata=None)
        ),
        has_errors=failed is not None,
    )


def _back_to(answer: Answer):
    """The moderation page the form was on (same question, search and page)."""
    target = url_for(
        "staff.moderation",
        survey_id=answer.response.survey_id,
        question=answer.question_id,
        q=request.args.get("q") or None,
        page=request.args.get("page", type=int),
        _anchor=f"answer-{answer.id}",
    )
    return redirect(target, code=303)
