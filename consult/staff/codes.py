"""Staff: invitation codes (shown once, as letters and CSV), posters and paper answers."""

import csv
import io
import re

import segno
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from .. import audit
from ..auth.roles import staff_only
from ..extensions import db
from ..forms import render_form
from ..models import Channel, InvitationCode, RoundState, Survey
from ..public.forms import survey_form
from ..surveys import AlreadySubmitted, answer_rows, code_digest, generate_codes
from ..surveys import record_response as store_response
from . import bp
from .forms import CodesForm

CODE_FORMAT = re.compile(r"^[A-Z0-9]{5}-[A-Z0-9]{5}$")


def survey_link(survey: Survey, code: str | None = None) -> str:
    """The public link printed on posters and letters (with the code, when there is one)."""
    return url_for("public.survey", slug=survey.slug, kod=code, _external=True)


def qr_svg(url: str, title: str) -> Markup:
    """An inline, scalable SVG QR code (segno output: only paths; the URL is ours)."""
    return Markup(segno.make(url, error="m").svg_inline(omitsize=True, title=title, border=2))


@bp.route("/surveys/<int:survey_id>/codes", methods=["GET", "POST"])
@staff_only
def codes(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    form = CodesForm()
    if form.validate_on_submit():
        new_codes = generate_codes(survey, form.count.data)
        audit.record(current_user, "codes.generate", f"survey #{survey.id}: {len(new_codes)}")
        db.session.commit()
        letters = [(code, survey_link(survey, code)) for code in new_codes]
        return render_template("staff/letters.html", survey=survey, letters=letters, qr=qr_svg)
    issued, used = _code_counts(survey)
    return render_form("staff/codes.html", form, survey=survey, issued=issued, used=used)


def _code_counts(survey: Survey) -> tuple[int, int]:
    flags = db.session.scalars(
        select(InvitationCode.used).where(InvitationCode.survey_id == survey.id)
    ).all()
    return len(flags), sum(flags)


@bp.post("/surveys/<int:survey_id>/codes.csv")
@staff_only
def codes_csv(survey_id: int):
    """The batch just shown, as CSV for Swedish Excel. Only codes of this survey are echoed."""
    survey = db.get_or_404(Survey, survey_id)
    posted = [code for code in request.form.getlist("code") if CODE_FORMAT.match(code)]
    known = set(
        db.session.scalars(
            select(InvitationCode.digest).where(
                InvitationCode.survey_id == survey.id,
                InvitationCode.digest.in_([code_digest(code) for code in posted]),
            )
        )
    )
    rows = [(code, survey_link(survey, code)) for code in posted if code_digest(code) in known]
    if not rows:
        abort(400)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["kod", "länk"])
    writer.writerows(rows)
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="koder-{survey.slug}.csv"'},
    )


@bp.get("/surveys/<int:survey_id>/poster")
@staff_only
def poster(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    link = survey_link(survey)
    return render_template("staff/poster.html", survey=survey, link=link, qr=qr_svg(link, link))


@bp.route("/surveys/<int:survey_id>/paper", methods=["GET", "POST"])
@staff_only
def paper(survey_id: int):
    """Key in a paper questionnaire through the same form and validation as the web."""
    survey = db.get_or_404(Survey, survey_id)
    if survey.round.state is RoundState.DRAFT:
        abort(404)
    form = survey_form(survey)
    if form.validate_on_submit():
        try:
            store_response(
                survey,
                answer_rows(survey, form.values()),
                channel=Channel.PAPER,
                form_token=form.form_token.data,
            )
        except AlreadySubmitted:
            db.session.rollback()
        else:
            # Not audited: a timed log entry per paper response would order and time them.
            db.session.commit()
        flash(_l("Pappersenkäten är sparad. Här kan du registrera nästa."))
        return redirect(url_for("staff.paper", survey_id=survey.id))
    form.reissue_token_if_invalid()
    return render_form("staff/paper.html", form, survey=survey)
