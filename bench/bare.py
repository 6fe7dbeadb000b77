"""The yardstick for throughput: a bare Flask app with the same shape of exchange as a
survey (GET a page with two hidden tokens, POST a form, 303 to a thank-you page), run under
the same gunicorn settings. ``gunicorn -c python:consult.gunicorn_conf bench.bare:app``"""

import secrets

from flask import Flask, redirect, request

app = Flask(__name__)

PAGE = (
    '<form method="post"><input name="csrf_token" type="hidden" value="{token}">'
    '<input name="form_token" type="hidden" value="{token}"></form>'
)


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.route("/s/<slug>", methods=["GET", "POST"])
def survey(slug: str):
    if request.method == "POST":
        request.form.to_dict(flat=False)
        return redirect(f"/s/{slug}/tack", code=303)
    return PAGE.format(token=secrets.token_urlsafe(24))
