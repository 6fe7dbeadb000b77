"""A resident's pages in a real browser: keyboard only, no JavaScript, errors, reflow,
axe-core, and no requests to anyone but us.

Surveys are split between tests so each can count its own stored responses:
livsmiljo (keyboard), arbete (no JavaScript), fritid (error state); the page checks use
infrastruktur and never submit a valid answer.
"""

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

SURVEY = "/s/infrastruktur"
THANKS_HEADING = "Tack för ditt svar"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# Finding and answering questions -------------------------------------------------------------


def question(page: Page, number: int):
    """The ``number``-th question on the survey page (its fieldset or text field wrapper)."""
    return page.locator("form.survey .field").nth(number - 1)


def field_name(page: Page, number: int) -> str:
    """The form field name (``q<id>``) of the ``number``-th question."""
    return question(page, number).locator("input, textarea").first.get_attribute("name")


def choose(page: Page, number: int, *labels: str) -> None:
    """Tick the options with these exact labels in question ``number``, by mouse."""
    for label in labels:
        question(page, number).get_by_label(label, exact=True).check()


def write(page: Page, number: int, text: str) -> None:
    """Type ``text`` into the text field of question ``number``."""
    question(page, number).get_by_role("textbox").fill(text)


def submit(page: Page) -> None:
    """Click the form's submit button and wait for the next page to load."""
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()


def expect_thanks(page: Page, slug: str) -> None:
    """The thank-you page (a fragment such as #main survives the redirect)."""
    expect(page).to_have_url(re.compile(rf"/s/{slug}/tack(#[\w-]*)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(THANKS_HEADING)


# Keyboard ------------------------------------------------------------------------------------


def focused(page: Page, script: str):
    """Evaluate ``script`` (a function of the element) on ``document.activeElement``."""
    return page.evaluate(f"({script})(document.activeElement)")


def tab_to(page: Page, selector: str, *, key: str = "Tab", limit: int = 40) -> None:
    """Press ``key`` until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press(key)
        if focused(page, f"el => el.matches({selector!r})"):
            return
    pytest.fail(f"{limit} × {key} never reached {selector}")


def pick_radio(page: Page, index: int) -> None:
    """In the focused radio group with nothing chosen yet, choose option ``index`` (from 0)."""
    page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")


def assert_focus_visible(page: Page) -> None:
    """The focused element has a visible outline (the app's :focus-visible style)."""
    outline = focused(page, "el => getComputedStyle(el).outlineStyle")
    width = focused(page, "el => parseFloat(getComputedStyle(el).outlineWidth)")
    assert outline != "none" and width > 0, f"no visible focus outline ({outline}, {width}px)"


# Page states shared by the reflow, axe and request checks ------------------------------------


def text_wider_than(page: Page, width: int) -> list[str]:
    """Texts on the page whose right edge is past ``width`` pixels (to explain a failure)."""
    return page.evaluate(
        """width => {
            const found = [], range = document.createRange();
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                range.selectNodeContents(walker.currentNode);
                if (range.getBoundingClientRect().right > width)
                    found.push(walker.currentNode.textContent.trim());
            }
            return found;
        }""",
        width,
    )


def record_requests(page: Page) -> list:
    """A list that fills with every request the page makes from now on."""
    requests = []
    page.on("request", lambda request: requests.append(request))
    return requests


def open_errors(path: str):
    """A page state: the form at ``path`` sent empty."""

    def _open(page: Page) -> None:
        page.goto(path)
        submit(page)
        expect(page).to_have_title(re.compile("^Fel:"))

    return _open


RESIDENT_STATES = {
    "start": lambda page: page.goto("/"),
    "survey": lambda page: page.goto(SURVEY),
    "survey-errors": open_errors(SURVEY),
    "thanks": lambda page: page.goto(f"{SURVEY}/tack"),
    "privacy": lambda page: page.goto("/privacy"),
    "accessibility": lambda page: page.goto("/accessibility"),
}
STATES = {
    **RESIDENT_STATES,
    "login": lambda page: page.goto("/login"),
    "login-errors": open_errors("/login"),
}


# Tests ---------------------------------------------------------------------------------------


def test_keyboard_only_resident_can_answer(page, stored_answers):
    """Skip link, radio groups by arrow keys, check boxes by Space, text by typing, Enter."""
    page.goto("/s/livsmiljo")
    names = {n: field_name(page, n) for n in range(1, 7)}

    page.keyboard.press("Tab")
    assert focused(page, "el => el.classList.contains('skip')"), "first Tab is not the skip link"
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert focused(page, "el => el.id") == "main", "skip link does not move focus to main"

    tab_to(page, f"[name={names[1]}]")  # past the back link and the privacy link
    for number, index in ((1, 6), (2, 3), (3, 5)):  # scale 7, agree 4, "Vet ej"
        if number > 1:  # a radio group is a single tab stop
            tab_to(page, f"[name={names[number]}]", limit=1)
        assert_focus_visible(page)
        pick_radio(page, index)
        expect(page.locator(f"#{names[number]}-{index}")).to_be_checked()

    tab_to(page, f"#{names[4]}-0", limit=1)  # at most three: tick 1st, 3rd, then 2nd
    page.keyboard.press("Space")
    tab_to(page, f"#{names[4]}-2", limit=2)
    page.keyboard.press("Space")
    tab_to(page, f"#{names[4]}-1", key="Shift+Tab", limit=1)
    page.keyboard.press("Space")

    tab_to(page, f"[name={names[5]}]")
    pick_radio(page, 1)
    tab_to(page, f"#{names[6]}", limit=1)
    page.keyboard.type("Fler bänkar längs ån.")

    tab_to(page, "main form [type=submit]", limit=3)  # past the optional age and district
    assert_focus_visible(page)
    page.keyboard.press("Enter")

    expect_thanks(page, "livsmiljo")
    assert stored_answers("livsmiljo") == [
        {
            1: 7,
            2: 4,
            3: "Vet ej",
            4: ["Närhet till natur", "Tillgång till bostäder", "Trygghet"],
            5: "Ganska troligt",
            6: "Fler bänkar längs ån.",
        }
    ]


def test_answering_without_javascript(new_page, stored_answers):
    """The survey needs no JavaScript at all."""
    page = new_page(java_script_enabled=False)
    page.goto("/s/arbete")
    choose(page, 1, "Anställd")
    choose(page, 2, "Instämmer i stor grad")
    choose(page, 3, "Instämmer delvis")
    choose(page, 4, "8")
    choose(page, 5, "Praktik och lärlingsplatser", "Stöd för att starta eget")
    write(page, 6, "Undersköterskor")
    choose(page, 7, "35–49 år")
    choose(page, 8, "Storebro")
    submit(page)

    expect_thanks(page, "arbete")
    assert stored_answers("arbete") == [
        {
            1: "Anställd",
            2: 4,
            3: 3,
            4: 8,
            5: ["Praktik och lärlingsplatser", "Stöd för att starta eget"],
            6: "Undersköterskor",
            7: "35–49 år",
            8: "Storebro",
        }
    ]


def test_error_summary_leads_to_each_problem_and_keeps_answers(page, stored_answers):
    """Missing answers: a focused summary whose links move focus; given answers survive."""
    page.goto("/s/fritid")
    write(page, 6, "Klättervägg")
    choose(page, 8, "Tuna")
    submit(page)

    expect(page).to_have_title(re.compile("^Fel:"))
    assert focused(page, "el => el.classList.contains('error-summary')"), (
        "the error summary is not focused"
    )
    links = page.locator(".error-summary a")
    targets = [href.removeprefix("#") for href in links.evaluate_all("as => as.map(a => a.hash)")]
    assert targets == [f"{field_name(page, n)}-0" for n in range(1, 6)]
    for link, target in zip(links.all(), targets, strict=True):
        link.click()
        expect(page.locator(f"[id='{target}']")).to_be_focused()
    expect(question(page, 6).get_by_role("textbox")).to_have_value("Klättervägg")
    expect(question(page, 8).get_by_label("Tuna", exact=True)).to_be_checked()
    assert stored_answers("fritid") == []

    choose(page, 1, "6")
    choose(page, 2, "Friluftsliv", "Besökt biblioteket")
    choose(page, 3, "Instämmer helt")
    choose(page, 4, "Vet ej")
    choose(page, 5, "Varje vecka")
    submit(page)

    expect_thanks(page, "fritid")
    assert stored_answers("fritid") == [
        {
            1: 6,
            2: ["Besökt biblioteket", "Friluftsliv"],
            3: 5,
            4: "Vet ej",
            5: "Varje vecka",
            6: "Klättervägg",
            8: "Tuna",
        }
    ]


@pytest.mark.parametrize("state", ["start", "survey", "survey-errors"])
def test_no_horizontal_scrolling_at_320_px(new_page, state):
    """WCAG 1.4.10 Reflow: nothing is wider than a 320 px screen."""
    page = new_page(width=320, height=640)
    STATES[state](page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{state} is {width} px wide; too wide: {text_wider_than(page, 320)}"


@pytest.mark.parametrize("state", STATES)
def test_axe_finds_no_wcag_aa_violations(page, state):
    """axe-core (bundled with axe-playwright-python, nothing fetched) on every page state."""
    STATES[state](page)
    requests = record_requests(page)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    assert results.response["passes"], "axe checked nothing"
    assert results.violations_count == 0, results.generate_report()
    assert [r.url for r in requests] == [], "axe made requests"


@pytest.mark.parametrize("state", RESIDENT_STATES)
def test_resident_pages_load_nothing_from_elsewhere_and_no_scripts(page, live_server, state):
    """Every request goes to our own server, and resident pages load no script at all."""
    requests = record_requests(page)
    RESIDENT_STATES[state](page)
    page.wait_for_load_state("networkidle")

    assert requests, "no requests were recorded"
    foreign = [r.url for r in requests if urlsplit(r.url).netloc != urlsplit(live_server).netloc]
    assert foreign == [], f"requests to other hosts: {foreign}"
    scripts = [r.url for r in requests if r.resource_type == "script"]
    assert scripts == [], f"script requests: {scripts}"
    assert page.locator("script").count() == 0, "the page contains <script> elements"
