"""The board's pages over HTTP: role matrix, figures against hand-computed values,
suppression, escaping, the CSP and how plotly.js is served.

Hand-computed values for ``board_factories.TEN`` are in tests/test_results.py.
"""

import gzip
import json
import re
from html import unescape

import pytest

from consult.board import assets
from consult.extensions import db
from consult.models import Channel, RoundState

from .board_factories import TEN, add_codes, add_response, add_responses, question
from .factories import make_survey

XSS = "<img src=x onerror=alert(1)>"
JS_URL = "javascript:alert(1)"


def figures(html: str) -> dict:
    """The figures embedded in a page, by element id."""
    blocks = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', html, re.S)
    return {fig_id: json.loads(body) for fig_id, body in blocks}


def strings(value):
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def text(html: str) -> str:
    """The page's text, tags removed and whitespace squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def survey(app):
    with app.app_context():
        survey = make_survey()
        add_responses(survey, TEN)
        add_response(survey, {}, texts={6: "Ring mig på 070-123 45 67, hemligt ord: blåbär"})
        db.session.commit()
        return {
            "slug": survey.slug,
            "round": survey.round_id,
            "ids": {q.position: q.id for q in survey.questions},
        }


# Role matrix --------------------------------------------------------------------------------


def board_urls(app, survey) -> dict[str, list[str]]:
    """A URL for every /board/ route, by endpoint (and each export format)."""
    digest = assets.digest("board.js")
    slug, round_id, long_text = survey["slug"], survey["round"], survey["ids"][6]
    urls = {
        "board.index": ["/board/"],
        "board.round_page": [f"/board/rounds/{round_id}"],
        "board.report": [f"/board/rounds/{round_id}/report"],
        "board.survey": [f"/board/surveys/{slug}", f"/board/surveys/{slug}?by={survey['ids'][7]}"],
        "board.free_text": [f"/board/surveys/{slug}/text/{long_text}?q=bl"],
        "board.trends_page": ["/board/trends"],
        "board.results_export": [f"/board/rounds/{round_id}/results.{f}" for f in ("csv", "xlsx")],
        "board.responses_export": [f"/board/surveys/{slug}/responses.{f}" for f in ("csv", "xlsx")],
        "board.asset": [f"/board/assets/{digest}/board.js"],
    }
    every_board_route = {
        r.endpoint for r in app.url_map.iter_rules() if r.rule.startswith("/board")
    }
    assert set(urls) == every_board_route, "a /board/ route is missing from the role matrix"
    return urls


STAFF_ONLY = {"board.responses_export"}


def test_anonymous_visitors_are_sent_to_login_from_every_board_route(app, client, survey):
    for urls in board_urls(app, survey).values():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login?next="), url


@pytest.mark.parametrize("role", ["board", "staff", "admin"])
def test_role_matrix_of_every_board_route(app, login, survey, role):
    client = login(role)
    for endpoint, urls in board_urls(app, survey).items():
        expected = 403 if endpoint in STAFF_ONLY and role == "board" else 200
        for url in urls:
            response = client.get(url)
            assert response.status_code == expected, (url, role)
            response.close()


# Figures ------------------------------------------------------------------------------------


def test_dashboard_figures_match_hand_computed_values(login, survey):
    html = login("board").get(f"/board/surveys/{survey['slug']}").text
    figs, ids = figures(html), survey["ids"]
    single = figs[f"fig-q{ids[1]}"]["data"][0]
    assert single["x"] == pytest.approx([60, 30, 10])
    assert single["error_x"]["array"] == pytest.approx([30.3642, 28.4031, 18.5942], abs=1e-4)
    labels = figs[f"fig-q{ids[1]}"]["layout"]["yaxis"]["ticktext"]
    assert labels == ["Bra", "Dåligt", "Vet inte"]
    notes = [a["text"] for a in figs[f"fig-q{ids[1]}"]["layout"]["annotations"]]
    assert notes == ["6 (60,0 %)", "3 (30,0 %)", "1 (10,0 %)"]

    agree = {trace["legendrank"]: trace for trace in figs[f"fig-q{ids[3]}"]["data"]}
    assert agree[4]["x"] == pytest.approx([37.5]) and agree[5]["x"] == pytest.approx([25])
    assert agree[1]["x"] == pytest.approx([-12.5]) and agree[2]["x"] == pytest.approx([-12.5])

    scale = figs[f"fig-q{ids[4]}"]
    assert scale["data"][0]["y"] == pytest.approx([0, 10, 10, 10, 10, 10, 10, 20, 10, 10])
    assert scale["layout"]["shapes"][1]["x0"] == pytest.approx(6.2)
    assert scale["layout"]["annotations"][0]["text"] == "Medelvärde 6,2 ± 1,6"

    page = text(html)
    assert "Bra 6 60,0 % ± 30,4" in page
    assert "Instämmer i stor grad eller helt: 62,5 ± 33,5 %." in page
    assert "Medelvärde 3,5 ± 1,0 på skalan 1–5." in page
    assert "8 har tagit ställning, 2 svarade ”Vet ej”." in page
    assert "Medelvärde 6,2 ± 1,6, index 57,8 ± 18,3 (0–100), 10 svarande." in page
    assert "Index för enkätens betygsfrågor (0–100) 57,8 ± 18,3" in page
    assert "Svar 11" in page and "Webb 11" in page


def test_a_survey_below_k_shows_its_count_only(app, login):
    with app.app_context():
        add_responses(make_survey(), TEN[:4])
    html = login("board").get("/board/surveys/test").text
    assert "Resultaten visas när minst 5 har svarat" in html and "Svar 4" in text(html)
    assert figures(html) == {} and "data-figure" not in html
    assert "plotly" not in html  # nothing to draw, nothing loaded
    assert "Hur trivs du?" not in html


def test_breakdown_hides_small_groups_with_secondary_suppression(app, login, survey):
    app.config["SUPPRESSION_K"] = 3
    client = login("board")
    html = client.get(f"/board/surveys/{survey['slug']}?by={survey['ids'][7]}").text
    page = text(html)
    # 65+ (1) and no answer (1) are hidden, and so is 16–34 (3): 1 + 1 < 3.
    assert "16–34 – – – –" in page and "65+ – – – –" in page and "Uppgift saknas – – – –" in page
    assert "35–64 5 60,0 % (3) 20,0 % (1) 20,0 % (1)" in page
    breakdown = figures(html)[f"fig-q{survey['ids'][1]}-by"]
    assert [trace["name"] for trace in breakdown["data"]] == ["Alla", "35–64"]
    assert "Fritextsvar visas aldrig per grupp." in page
    assert f"fig-q{survey['ids'][6]}-by" not in figures(html)


def test_an_unknown_breakdown_is_ignored(login, survey):
    response = login("board").get(f"/board/surveys/{survey['slug']}?by=999999")
    assert response.status_code == 200 and "-by" not in "".join(figures(response.text))


def test_round_overview_counts_channels_days_and_response_rate(app, login, survey):
    with app.app_context():
        from consult.models import Survey

        add_codes(db.session.get(Survey, 1), 44)
        add_responses(db.session.get(Survey, 1), TEN[:3], channel=Channel.PAPER)
    html = login("board").get(f"/board/rounds/{survey['round']}").text
    page = text(html)
    assert "Svar totalt 14" in page and "Webb 11" in page and "Papper 3" in page
    assert "Enkät test 14 11 3 44 31,8 %" in page  # 14 / 44 codes
    assert {"fig-days", "fig-areas"} <= set(figures(html))
    # Q4 of all 13 respondents: Σx = 62 + 8 + 7 + 9 = 86, mean 86/13.
    assert figures(html)["fig-areas"]["data"][0]["x"] == pytest.approx([(86 / 13 - 1) / 9 * 100])


def test_trends_across_rounds(app, login):
    with app.app_context():
        add_responses(make_survey("v1", state=RoundState.CLOSED), TEN)
        add_responses(make_survey("v2"), [{3: 5, 4: 10}] * 5 + [{3: 1, 4: 1}] * 5)
    html = login("board").get("/board/trends").text
    lines = [fig["data"][0] for fig in figures(html).values()]
    assert sorted(tuple(round(y, 4) for y in line["y"]) for line in lines) == [
        (57.7778, 50.0),
        (62.5, 50.0),
    ]
    assert "Omgång v1 Index 57,8 ± 18,3 10" in text(html)


def test_report_prints_every_survey_with_open_tables(login, survey):
    html = login("board").get(f"/board/rounds/{survey['round']}/report").text
    assert "<details" not in html
    assert html.count('<table class="data">') >= 6
    assert "Hur trivs du?" in html and "Rapport: Omgång test" in html


# Free text ----------------------------------------------------------------------------------


def test_free_text_is_only_ever_redacted_text(app, login, survey):
    client = login("board")
    url = f"/board/surveys/{survey['slug']}/text/{survey['ids'][6]}"
    html = client.get(url).text
    assert "Ring mig på [telefonnummer], hemligt ord: blåbär" in html
    assert "070-123" not in html
    assert "0 svar som innehåller ”070”" in text(client.get(url + "?q=070").text)
    assert "1 svar som innehåller ”blåbär”" in text(client.get(url + "?q=blåbär").text)


def test_hidden_free_text_is_not_shown_to_the_board(app, login, survey):
    with app.app_context():
        from consult.models import Answer

        answer = db.session.scalar(db.select(Answer).where(Answer.redacted_text.is_not(None)))
        answer.hidden = True
        db.session.commit()
    html = login("board").get(f"/board/surveys/{survey['slug']}/text/{survey['ids'][6]}").text
    assert "hemligt ord" not in html and "0 svar" in text(html)


def test_free_text_of_a_survey_below_k_is_not_shown(app, login):
    with app.app_context():
        survey = make_survey()
        add_response(survey, {}, texts={6: "Ett svar"})
        db.session.commit()
        long_text = question(survey, 6).id
    html = login("board").get(f"/board/surveys/test/text/{long_text}").text
    assert "Ett svar" not in html and "Resultaten visas när minst 5 har svarat" in html


def test_free_text_of_another_question_is_not_found(login, survey):
    client = login("board")
    assert client.get(f"/board/surveys/{survey['slug']}/text/{survey['ids'][1]}").status_code == 404
    assert client.get(f"/board/surveys/nope/text/{survey['ids'][6]}").status_code == 404


# Simulated responses ------------------------------------------------------------------------


def test_simulated_responses_are_left_out_unless_asked_for_and_then_labelled(app, login, survey):
    with app.app_context():
        from consult.models import Survey

        add_responses(db.session.get(Survey, 1), TEN[:6], channel=Channel.SIMULATED)
    client = login("board")
    real = client.get(f"/board/surveys/{survey['slug']}").text
    assert "Svar 11" in text(real) and "Simulerade svar – inte riktiga svar" not in real
    assert "Det finns också simulerade svar" in real
    simulated = client.get(f"/board/surveys/{survey['slug']}?simulated=1").text
    assert "Simulerade svar – inte riktiga svar" in simulated
    assert "Svar 6" in text(simulated) and "Simulerade 6" in text(simulated)
    assert figures(simulated)[f"fig-q{survey['ids'][1]}"]["data"][0]["x"] == pytest.approx(
        [100 * 4 / 6, 100 * 2 / 6, 0]
    )


# Escaping, CSP and scripts ------------------------------------------------------------------


@pytest.fixture
def hostile(app):
    """A survey whose texts try to run script wherever they are shown."""
    with app.app_context():
        survey = make_survey()
        add_responses(survey, TEN)
        add_response(survey, {}, texts={6: f"{XSS} {JS_URL} </script><script>alert(2)</script>"})
        q = {question.position: question for question in survey.questions}
        q[1].text = f"{JS_URL} {XSS}"
        q[1].options[0].label = f"{XSS}\"'"
        q[7].options[0].label = f"<a href='{JS_URL}'>x</a>"
        survey.title = f"{XSS} titel"
        db.session.commit()
        return {"slug": survey.slug, "by": q[7].id, "text": q[6].id, "round": survey.round_id}


def test_every_label_and_hover_text_is_escaped(app, login, hostile):
    app.config["SUPPRESSION_K"] = 3
    client = login("board")
    pages = [
        f"/board/surveys/{hostile['slug']}?by={hostile['by']}",
        f"/board/surveys/{hostile['slug']}/text/{hostile['text']}",
        f"/board/rounds/{hostile['round']}",
        f"/board/rounds/{hostile['round']}/report",
    ]
    for url in pages:
        html = client.get(url).text
        assert XSS not in html and "<script>alert" not in html, url
        assert not re.search(r"(?:href|src)=\"?'?javascript:", html, re.I), url
        assert not re.search(r"\son\w+=", html.replace("onerror=alert", "")), url
        for fig_id, figure in figures(html).items():
            for value in strings(figure):
                assert "<img" not in value and "<a " not in value, (url, fig_id, value)
    html = client.get(pages[0]).text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # shown, as text
    labels = figures(html)[f"fig-q{1}"]["layout"]["yaxis"]["ticktext"]
    assert "&lt;img src=x onerror=alert(1)&gt;\"'" in labels  # plotly shows entities as text


def test_figure_json_cannot_close_its_script_block(login, hostile):
    html = login("board").get(f"/board/surveys/{hostile['slug']}?by={hostile['by']}").text
    blocks = re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S)
    assert blocks and all("<" not in block for block in blocks)


def test_board_pages_have_a_strict_csp_and_no_inline_script(login, survey):
    client = login("board")
    response = client.get(f"/board/surveys/{survey['slug']}")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "no-store" in response.headers["Cache-Control"]
    for tag in re.findall(r"<script[^>]*>", response.text):
        assert 'type="application/json"' in tag or re.search(r'src="/board/assets/\w+/', tag), tag
    assert "style=" not in response.text


def test_plotly_comes_from_the_package_under_a_content_hash(login, survey):
    client = login("board")
    html = client.get(f"/board/surveys/{survey['slug']}").text
    (url,) = re.findall(r'src="(/board/assets/[0-9a-f]{16}/plotly\.min\.js)"', html)
    plain = client.get(url)
    assert plain.status_code == 200 and plain.data == assets.PLOTLY_JS.read_bytes()
    assert plain.mimetype == "text/javascript"
    assert plain.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    packed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert client.get(url.replace(url.split("/")[3], "0" * 16)).status_code == 404
    assert client.get(url.replace("plotly.min.js", "models.py")).status_code == 404
    for guard in assets.style_guard_ids():
        assert f'<div id="{guard}" class="no-inline-styles" hidden></div>' in html


def test_plotly_is_loaded_only_where_there_are_charts(login, survey):
    client = login("board")
    assert "plotly" not in client.get("/board/").text
    assert (
        "plotly" not in client.get(f"/board/surveys/{survey['slug']}/text/{survey['ids'][6]}").text
    )
    assert "plotly" not in client.get("/").text
