"""Resident pages: start page, surveys, thank-you, privacy and accessibility."""

from datetime import date
from itertools import groupby

from flask import (
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from ..content import StaleCopy, confirm_copy, content, detached
from ..extensions import csrf, db
from ..forms import render_form
from ..models import Access, Channel, RoundState
from ..surveys import (
    AlreadySubmitted,
    CodeRefused,
    UnknownCode,
    UsedCode,
    answer_rows,
    get_strategy,
    get_survey,
    open_surveys,
    record_response,
)
from . import bp
from .answered import answered_surveys, remember_answered
from .forms import questions_html, survey_form_class

#: Generous: a school class may share one address. Each app process counts its own.
SUBMISSIONS_PER_CLIENT = parse("120/minute")
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
def survey(slug: str):
    if request.method == "POST" and _too_many_submissions():
        abort(429)
    while True:  # again only when staff changed the survey while this answer was checked
        try:
            return _survey_page(slug)
        except StaleCopy:
            db.session.rollback()


def _survey_page(slug: str):
    survey = _answerable_survey(slug)
    form = _form(survey, with_questions=request.method == "POST")
    if form.validate_on_submit():
        try:
            _store(survey, form)
        except CodeRefused as refusal:
            db.session.rollback()
            form.code.errors.append(CODE_MESSAGES[type(refusal)])
        else:
            return _thank(slug, survey.id)
    form.reissue_token_if_invalid()
    return render_form(
        "public/survey.html",
        form,
        survey=survey,
        questions=_questions(form),
        already=_answered_here(survey),
    )


def _too_many_submissions() -> bool:
    """More than SUBMISSIONS_PER_CLIENT from this address: counted in this process's memory
    only, never in Redis or on disk, even where the staff login limits are shared."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return False
    if "consult.submissions" not in current_app.extensions:
        current_app.extensions["consult.submissions"] = MovingWindowRateLimiter(MemoryStorage())
    counter = current_app.extensions["consult.submissions"]
    return not counter.hit(SUBMISSIONS_PER_CLIENT, "submissions", request.remote_addr or "")


def _cached_survey(slug: str):
    """The survey, loaded once per process and content revision (detached: read-only)."""

    def load():
        survey = get_survey(slug)
        return survey and detached(survey.round, survey.target_area, survey)

    return content().get(("survey", slug), load)


def _form(survey, *, with_questions: bool = True):
    """The survey's form. Without its questions (enough to show an untouched page, whose
    questions come from the cache) it is quicker to make."""
    settings = {"with_code": survey.access is Access.CODE, "with_questions": with_questions}
    key = ("form", survey.id, *settings.values())
    form_class = content().get(key, lambda: survey_form_class(survey, **settings))
    return form_class(survey, code=request.args.get("kod", ""))


def _questions(form) -> Markup:
    """Untouched forms look alike, so they share one rendering per language."""
    if form.is_submitted():
        return questions_html(form)
    key = ("questions", form.survey.id, str(get_locale()))
    return content().get(key, lambda: questions_html(_form(form.survey)))


def _answered_here(survey) -> bool:
    """Open surveys say so when this phone has answered (code surveys have the code for that)."""
    return (
        survey.access is Access.OPEN
        and survey.id in answered_surveys(request)
        and not request.args.get("igen")
    )


def _answerable_survey(slug: str):
    survey = _cached_survey(slug)
    if survey is None or survey.round.state is RoundState.DRAFT:
        abort(404)
    if not survey.round.accepts_answers():
        abort(make_response(render_template("public/closed.html", survey=survey), 410))
    return survey


def _store(survey, form) -> None:
    """Record the response; a form that was already stored is quietly not stored again."""
    confirm_copy()
    try:
        record_response(
            survey,
            answer_rows(survey, form.values()),
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
    survey = _cached_survey(slug) or abort(404)
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
