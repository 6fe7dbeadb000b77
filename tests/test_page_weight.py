"""Resident pages stay light: at most 25 KB gzip with their assets, no JS, nothing external."""

import gzip
import re

from consult.extensions import db

from .factories import make_survey

BUDGET = 25 * 1024


def page_weight(client, path: str) -> tuple[int, list[str]]:
    """Gzip bytes of the page plus every asset it references, and those asset URLs."""
    html = client.get(path)
    assert html.status_code == 200
    referenced = re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html.text)
    assets = [url for url in referenced if not url.startswith("data:")]  # inline: in the HTML
    total = len(gzip.compress(html.data, 6))
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200, url
        total += len(gzip.compress(asset.data, 6))
        asset.close()
    return total, assets


def test_start_page_and_a_ten_question_survey_fit_the_budget(app, client, ctx, capsys):
    make_survey(extra_text_questions=3)
    make_survey("andra")
    db.session.commit()
    for path in ("/", "/s/test"):
        total, assets = page_weight(client, path)
        with capsys.disabled():
            print(f"\npage weight {path}: {total} bytes gzip (HTML + {len(assets)} assets)")
        assert total <= BUDGET, (path, total)
        assert all(url.startswith("/") and not url.startswith("//") for url in assets), assets
        assert not any(url.endswith(".js") for url in assets)


def test_the_ten_question_survey_has_ten_questions_and_no_script(client, ctx):
    survey = make_survey(extra_text_questions=3)
    assert len(survey.questions) == 10
    html = client.get("/s/test").text
    assert "<script" not in html
    assert not re.search(r"\son\w+=", html)  # no inline event handlers
    assert not re.search(r'(?:href|src)="(?:https?:)?//', html)
