"""The board's pages in a real browser: charts drawn by plotly.js under the strict CSP,
no console errors, no requests to anyone but us, hostile texts shown as text, axe-core.

The data lives in closed rounds of its own (closed: the resident start page stays as the
resident tests expect), with texts that try to run script wherever they are shown.
"""

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from consult.extensions import db
from consult.models import RoundState
from consult.users import create_user
from tests.board_factories import TEN, add_response, add_responses
from tests.factories import TEST_PASSWORD, make_survey

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
XSS = "<img src=x onerror=alert(1)>"
JS_URL = "javascript:alert(1)"


@pytest.fixture(scope="module")
def board_data(live_app):
    """Two closed rounds sharing question keys, the first with hostile texts; two accounts."""
    with live_app.app_context():
        earlier = make_survey("styrgrupp-1", state=RoundState.CLOSED)
        add_responses(earlier, TEN[::-1] * 2)
        survey = make_survey("styrgrupp-2", state=RoundState.CLOSED)
        add_responses(survey, TEN * 3)
        add_response(survey, {}, texts={6: f"{XSS} {JS_URL} Ring 070-123 45 67"})
        questions = {q.position: q for q in survey.questions}
        questions[1].text = f"{JS_URL} {XSS}"
        questions[1].options[0].label = XSS
        questions[7].options[1].label = f"<a href='{JS_URL}'>35–64</a>"
        db.session.commit()
        create_user("styrgrupp@example.se", TEST_PASSWORD, "board")
        create_user("handlaggare@example.se", TEST_PASSWORD, "staff")
        db.session.commit()
        return {
            "slug": survey.slug,
            "round": survey.round_id,
            "by": questions[7].id,
            "text": questions[6].id,
            "survey": survey.id,
        }


def sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()


class Watch:
    """Console errors, page errors, dialogs and requests of a page, from now on."""

    def __init__(self, page: Page):
        self.errors, self.dialogs, self.requests = [], [], []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: self.requests.append(request.url))


def wait_for_charts(page: Page) -> int:
    """Wait until board.js has drawn every chart; returns how many."""
    page.wait_for_selector("html[data-charts-drawn]")
    return int(page.get_attribute("html", "data-charts-drawn"))


def board_states(data) -> dict:
    return {
        "dashboard": f"/board/surveys/{data['slug']}",
        "breakdown": f"/board/surveys/{data['slug']}?by={data['by']}",
        "round": f"/board/rounds/{data['round']}",
        "trends": "/board/trends",
        "report": f"/board/rounds/{data['round']}/report",
    }


@pytest.fixture
def board_page(new_page, board_data):
    page = new_page(width=1024, height=800)
    sign_in(page, "styrgrupp@example.se")
    return page


@pytest.mark.parametrize("state", ["dashboard", "breakdown", "round", "trends", "report"])
def test_charts_are_drawn_without_errors_or_foreign_requests(
    board_page, board_data, live_server, state
):
    watch = Watch(board_page)
    board_page.goto(board_states(board_data)[state])
    drawn = wait_for_charts(board_page)
    charts = board_page.locator(".chart")
    assert drawn == charts.count() > 0
    for n in range(drawn):
        expect(charts.nth(n).locator("svg.main-svg").first).to_be_visible()
    board_page.wait_for_load_state("networkidle")
    assert watch.errors == [], watch.errors  # CSP violations are console errors too
    assert watch.dialogs == []
    host = urlsplit(live_server).netloc
    assert [url for url in watch.requests if urlsplit(url).netloc != host] == []


def test_hostile_texts_are_shown_as_text_in_charts_and_hover_labels(board_page, board_data):
    watch = Watch(board_page)
    board_page.goto(board_states(board_data)["breakdown"])
    wait_for_charts(board_page)
    svg_text = board_page.locator(".chart svg text").all_text_contents()
    assert XSS in svg_text
    bar = board_page.locator(".chart").first.locator(".bars .point").first
    bar.hover(force=True)
    expect(board_page.locator(".hoverlayer .hovertext").first).to_contain_text(XSS)
    assert board_page.locator("main img, .chart a, .chart script").count() == 0
    assert watch.dialogs == [] and watch.errors == []
    expect(board_page.get_by_role("heading", name=f"1. {JS_URL} {XSS}")).to_be_visible()


def test_free_text_shows_hostile_text_as_text(board_page, board_data):
    watch = Watch(board_page)
    board_page.goto(f"/board/surveys/{board_data['slug']}/text/{board_data['text']}")
    expect(board_page.locator(".free-text li")).to_have_text(f"{XSS} {JS_URL} Ring [telefonnummer]")
    assert board_page.locator("main img").count() == 0 and watch.dialogs == []


def test_every_chart_has_a_data_table(board_page, board_data):
    board_page.goto(board_states(board_data)["dashboard"])
    wait_for_charts(board_page)
    for section in board_page.locator("section.question:has(.chart)").all():
        expect(section.locator(".chart")).to_have_attribute("aria-hidden", "true")
        section.get_by_text("Visa som tabell").first.click()
        expect(section.locator("table.data").first).to_be_visible()


@pytest.mark.parametrize("state", ["dashboard", "breakdown", "round", "trends", "report"])
def test_axe_finds_no_wcag_aa_violations_on_board_pages(board_page, board_data, state):
    board_page.goto(board_states(board_data)[state])
    wait_for_charts(board_page)
    for summary in board_page.locator("details.data > summary").all():
        summary.click()  # tables open too
    results = Axe().run(board_page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    assert results.response["passes"], "axe checked nothing"
    assert results.violations_count == 0, results.generate_report()


def test_axe_on_free_text_and_moderation(new_page, board_data):
    page = new_page(width=1024, height=800)
    sign_in(page, "handlaggare@example.se")
    for url in (
        f"/board/surveys/{board_data['slug']}/text/{board_data['text']}?q=Ring",
        f"/staff/surveys/{board_data['survey']}/free-text",
    ):
        page.goto(url)
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
        assert results.violations_count == 0, (url, results.generate_report())


def test_the_report_prints_without_navigation_and_with_charts(board_page, board_data):
    board_page.goto(board_states(board_data)["report"])
    wait_for_charts(board_page)
    board_page.emulate_media(media="print")
    expect(board_page.locator(".site-header")).to_be_hidden()
    expect(board_page.locator(".back")).to_be_hidden()
    expect(board_page.locator(".chart").first).to_be_visible()
    expect(board_page.locator("table.data").first).to_be_visible()
    pdf = board_page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2
