"""Resident pages: start page, surveys, thank-you, privacy and accessibility."""

from datetime import date
from itertools import groupby

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import csrf, db, limiter
from ..forms import render_form
from ..models import Access, Channel, RoundState
from ..surveys import (
    AlreadySubmitted,
    CodeRefused,
    UnknownCode,
    UsedCode,
    answers_from_values,
    get_strategy,
    get_survey,
    open_surveys,
    record_response,
)
from . import bp
from .answered import answered_surveys, remember_answered
from .forms import survey_form

#: When the accessibility statement was last reviewed against the pages.
STATEMENT_REVIEWED_ON = date(2026, 11, 27)

CODE_MESSAGES = {
    UnknownCode: _l(
        "Koden finns inte. Kontrollera att du har skrivit den exakt som den står i brevet."
    ),
    UsedCode: _l("Koden har redan använts. Varje kod kan bara användas en gång."),
}


@bp.get("/")
def index():
    by_area = groupby(open_surveys(), key=lambda survey: survey.target_area)
    return render_template(
        "public/index.html", strategy=get_strategy(), by_area=[(a, list(s)) for a, s in by_area]
    )


@bp.route("/s/<slug>", methods=["GET", "POST"])
@csrf.exempt  # SurveyForm checks CSRF itself, so a stale page comes back with its answers kept
@limiter.limit("120/minute", methods=["POST"])  # generous: a class may share one address
def survey(slug: str):
    survey = _answerable_survey(slug)
    with_code = survey.access is Access.CODE
    form = survey_form(survey, with_code=with_code, code=request.args.get("kod", ""))
    if form.validate_on_submit():
        survey_id = survey.id  # read before the commit expires the survey
        try:
            _store(survey, form)
        except CodeRefused as refusal:
            db.session.rollback()
            form.code.errors.append(CODE_MESSAGES[type(refusal)])
        else:
            return _thank(slug, survey_id)
    form.reissue_token_if_invalid()
    return render_form("public/survey.html", form, survey=survey, already=_answered_here(survey))


def _answered_here(survey) -> bool:
    """Open surveys say so when this phone has answered (code surveys have the code for that)."""
    return (
        survey.access is Access.OPEN
        and survey.id in answered_surveys(request)
        and not request.args.get("igen")
    )


def _answerable_survey(slug: str):
    survey = get_survey(slug)
    if survey is None or survey.round.state is RoundState.DRAFT:
        abort(404)
    if not survey.round.accepts_answers():
        abort(make_response(render_template("public/closed.html", survey=survey), 410))
    return survey


def _store(survey, form) -> None:
    """Record the response; a form that was already stored is quietly not stored again."""
    try:
        record_response(
            survey,
            answers_from_values(survey, form.values()),
            channel=Channel.WEB,
            code=form.code.data if survey.access is Access.CODE else None,
            form_token=form.form_token.data,
        )
    except AlreadySubmitted:
        db.session.rollback()
        return
    db.session.commit()


def _thank(slug: str, survey_id: int):
    response = redirect(url_for("public.thanks", slug=slug), code=303)
    remember_answered(request, response, survey_id)
    return response


@bp.get("/s/<slug>/tack")
def thanks(slug: str):
    survey = get_survey(slug) or abort(404)
    return render_template("public/thanks.html", survey=survey)


@bp.get("/privacy")
def privacy():
    return render_template("public/privacy.html", strategy=get_strategy())


@bp.get("/accessibility")
def accessibility():
    return render_template(
        "public/accessibility.html", strategy=get_strategy(), reviewed_on=STATEMENT_REVIEWED_ON
    )


@bp.get("/lang/<code>")
def set_language(code: str):
    """The visible language switch: remember the choice in a cookie and go back."""
    if code not in ("sv", "en"):
        abort(404)
    target = request.args.get("next", "/")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    response = redirect(target)
    response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(db.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "database unavailable"}, 503
    return {"status": "ok"}
