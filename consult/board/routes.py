"""Board area: overviews, dashboards, free text, trends, reports and exports.

Board members, staff and admins read everything here; the full answer export is for
staff only. Results come from ``results``, charts from ``charts``, files from ``exports``.
"""

from flask import abort, current_app, make_response, render_template, request, url_for
from flask_babel import format_date

from .. import charts, exports
from ..auth.roles import READER_ROLES, STAFF_ROLES, role_required
from ..extensions import db
from ..models import Question, Survey
from ..results import (
    free_texts,
    get_round,
    response_counts,
    round_overview,
    rounds_with_surveys,
    survey_results,
    survey_scope,
    trends,
)
from ..surveys import get_survey
from . import assets, bp
from .forms import BreakdownForm, SearchForm

TEXTS_PER_PAGE = 50
ASSET_CACHE = f"private, max-age={assets.ONE_YEAR}, immutable"


@bp.context_processor
def _board_helpers():
    return {
        "board_asset": _asset_url,
        "plotly_style_guards": assets.style_guard_ids(),
        "no_inline_styles": assets.NO_INLINE_STYLES,
        "simulated": _simulated(),
        "channel_label": charts.channel_label,
        "channels_in": charts.channels_in,
        "number": charts.number,
        "plus_minus": charts.plus_minus,
        "estimate_text": charts.estimate_text,
        "format_date": format_date,
    }


def _asset_url(name: str) -> str:
    return url_for("board.asset", digest=assets.digest(name), name=name)


def _k() -> int:
    return current_app.config["SUPPRESSION_K"]


def _simulated() -> bool:
    """Pages show real responses; ``?simulated=1`` shows the simulated ones instead."""
    return request.args.get("simulated") == "1"


@bp.get("/")
@role_required(*READER_ROLES)
def index():
    return render_template(
        "board/index.html", rounds=rounds_with_surveys(), counts=response_counts()
    )


@bp.get("/rounds/<int:round_id>")
@role_required(*READER_ROLES)
def round_page(round_id: int):
    round_ = get_round(round_id) or abort(404)
    overview = round_overview(round_, k=_k(), simulated=_simulated())
    return render_template(
        "board/round.html", overview=overview, figures=charts.round_figures(overview)
    )


@bp.get("/rounds/<int:round_id>/report")
@role_required(*READER_ROLES)
def report(round_id: int):
    round_ = get_round(round_id) or abort(404)
    overview = round_overview(round_, k=_k(), simulated=_simulated())
    surveys = [survey_results(s, k=_k(), simulated=_simulated()) for s in round_.surveys]
    figures = charts.round_figures(overview)
    for results in surveys:
        figures.update(charts.survey_figures(results))
    return render_template("board/report.html", overview=overview, surveys=surveys, figures=figures)


@bp.get("/surveys/<slug>")
@role_required(*READER_ROLES)
def survey(slug: str):
    survey = get_survey(slug) or abort(404)
    form = BreakdownForm(survey, request.args)
    results = survey_results(survey, k=_k(), simulated=_simulated(), by=form.question())
    return render_template(
        "board/survey.html", results=results, form=form, figures=charts.survey_figures(results)
    )


@bp.get("/surveys/<slug>/text/<int:question_id>")
@role_required(*READER_ROLES)
def free_text(slug: str, question_id: int):
    survey, question = _text_question(slug, question_id)
    scope, n = survey_scope(survey, _simulated())
    form = SearchForm(formdata=request.args)
    page = None
    if n >= _k():
        number = request.args.get("page", 1, type=int)
        page = free_texts(question, scope, search=form.term(), page=number, per_page=TEXTS_PER_PAGE)
    return render_template(
        "board/free_text.html", survey=survey, question=question, form=form, page=page, n=n
    )


def _text_question(slug: str, question_id: int) -> tuple[Survey, Question]:
    survey = get_survey(slug) or abort(404)
    question = db.session.get(Question, question_id)
    if question is None or question.survey_id != survey.id or not question.kind.is_text:
        abort(404)
    return survey, question


@bp.get("/trends")
@role_required(*READER_ROLES)
def trends_page():
    found = trends(k=_k(), simulated=_simulated())
    figures = {f"fig-trend-{n}": charts.trend_figure(trend) for n, trend in enumerate(found)}
    return render_template("board/trends.html", trends=found, figures=figures)


@bp.get("/rounds/<int:round_id>/results.<any(csv, xlsx):fmt>")
@role_required(*READER_ROLES)
def results_export(round_id: int, fmt: str):
    get_round(round_id) or abort(404)
    rows = exports.result_rows(round_id, k=_k(), simulated=_simulated())
    return exports.download(rows, f"resultat-omgang-{round_id}", fmt)


@bp.get("/surveys/<slug>/responses.<any(csv, xlsx):fmt>")
@role_required(*STAFF_ROLES)
def responses_export(slug: str, fmt: str):
    get_survey(slug) or abort(404)
    rows = exports.response_rows(slug, simulated=_simulated())
    return exports.download(rows, f"svar-{slug}", fmt)


@bp.get("/assets/<digest>/<name>")
@role_required(*READER_ROLES)
def asset(digest: str, name: str):
    if name not in assets.ASSETS or digest != assets.digest(name):
        abort(404)
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = make_response(assets.content(name, gzipped))
    response.mimetype = assets.mimetype(name)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = ASSET_CACHE  # the URL changes with the content
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    return response
