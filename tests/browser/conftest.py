"""Fixtures for browser tests: a live server on the seeded Vimmerby demo, and Chromium.

Playwright never downloads a browser here: it drives the system's Debian Chromium. When
that is missing the tests are skipped, or fail if ``CONSULT_REQUIRE_BROWSER=1`` (CI).
"""

import os
import threading
from collections import defaultdict
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from consult import create_app
from consult.demo import seed_demo
from consult.extensions import db
from consult.models import QuestionKind, Response, Survey

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
#: Longest a single Playwright wait may take before the test fails.
TIMEOUT_MS = 10_000


def require_chromium() -> None:
    """Skip when Chromium is missing, unless CONSULT_REQUIRE_BROWSER=1 makes that a failure."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing; browser tests need Debian's chromium package"
    if os.environ.get("CONSULT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (CONSULT_REQUIRE_BROWSER=1)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app on a SQLite file holding the Vimmerby demo surveys."""
    database = tmp_path_factory.mktemp("browser") / "consult.db"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-tests-only",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """Base URL of the app served by Werkzeug in a background thread."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless system Chromium, shared by all tests."""
    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(width=360, height=740, **context_options)``: a page in a fresh context.

    Each page gets its own cookies, so no test sees another's "already answered" cookie.
    """
    contexts = []

    def _new_page(width=PHONE["width"], height=PHONE["height"], **options):
        context = browser.new_context(
            base_url=live_server, viewport={"width": width, "height": height}, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A phone-sized page (360×740) with JavaScript on."""
    return new_page()


@pytest.fixture(scope="session")
def stored_answers(live_app):
    """``stored_answers(slug)``: every stored response to that survey, as readable dicts.

    Each dict maps question number to the answer: an option label, a number, a text or
    "Vet ej"; multiple-choice answers are a sorted list of labels.
    """

    def _stored_answers(slug: str) -> list[dict[int, object]]:
        with live_app.app_context():
            survey = db.session.scalar(select(Survey).where(Survey.slug == slug))
            responses = db.session.scalars(
                select(Response).where(Response.survey_id == survey.id).order_by(Response.id)
            ).all()
            return [_readable(survey, response) for response in responses]

    return _stored_answers


def _readable(survey: Survey, response: Response) -> dict[int, object]:
    questions = {question.id: question for question in survey.questions}
    labels = {option.id: option.label for q in survey.questions for option in q.options}
    values = defaultdict(list)
    for answer in response.answers:
        if answer.dont_know:
            value = "Vet ej"
        elif answer.option_id is not None:
            value = labels[answer.option_id]
        else:
            value = answer.number if answer.number is not None else answer.text
        values[answer.question_id].append(value)
    return {questions[q].position: _one_or_all(questions[q], vals) for q, vals in values.items()}


def _one_or_all(question, values: list) -> object:
    """Multiple choice gives a sorted list; anything else one value (or all, if several)."""
    if question.kind is QuestionKind.MULTI or len(values) != 1:
        return sorted(values, key=str)
    return values[0]
