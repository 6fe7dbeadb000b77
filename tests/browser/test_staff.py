"""The staff area in a real browser, end to end, with axe-core on every page visited.

A staff member builds a survey with invitation codes (round, survey, one question of each
kind, a reordering, the preview, opening the round, codes as letters); a resident without
JavaScript answers it on a phone with one of the codes. A smaller test walks an admin
through accounts and the audit log.

axe findings are collected over the whole walk and asserted at the end, so one run names
every page with a problem instead of stopping at the first. axe-core never finishes in a
page without JavaScript (its timers do not run), so the resident's page is audited in a
second, JavaScript-enabled phone page at the same address.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from consult.extensions import db
from consult.models import InvitationCode, Role, Survey
from consult.surveys import code_digest
from consult.users import create_user

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SLUG = "personalens-testenkat"
SURVEY_TITLE = "Trygghet i Vimmerby"
CODE = re.compile(r"^[A-Z0-9]{5}-[A-Z0-9]{5}$")
PASSWORD = re.compile(r"^[a-z2-9]{5}(-[a-z2-9]{5}){3}$")

#: The questions in the order they are added: kind, text, and the rest of the form.
QUESTIONS = [
    ("single", "Känner du dig trygg i centrum?", {"options": "Ja\nNej", "required": True}),
    (
        "multi",
        "Var saknar du belysning?",
        {"options": "Parker\nGång- och cykelvägar\nParkeringar", "max_choices": "2"},
    ),
    ("agree5", "Polisen syns tillräckligt ofta.", {"required": True}),
    (
        "scale",
        "Hur trygg är din närmiljö?",
        {"scale_min": "1", "scale_max": "10", "min_label": "Otrygg", "max_label": "Trygg"},
    ),
    ("short_text", "Vilken plats undviker du?", {}),
    ("long_text", "Vad skulle göra dig tryggare?", {}),
]
#: Labels of the question form's fields, by the names used in QUESTIONS.
QUESTION_LABELS = {
    "options": "Svarsalternativ, ett per rad",
    "max_choices": "Högsta antal val (valfritt)",
    "scale_min": "Skalans lägsta värde",
    "scale_max": "Skalans högsta värde",
    "min_label": "Text vid lägsta värdet",
    "max_label": "Text vid högsta värdet",
}
MOVED_UP = "Hur trygg är din närmiljö?"  # the scale question, moved above agree5


# axe -----------------------------------------------------------------------------------------


class AxeAudit:
    """Runs axe-core (WCAG 2.1 A and AA) on page states and keeps every violation report.

    The page must have JavaScript enabled: without it axe's promise never settles.
    """

    def __init__(self):
        self.axe = Axe()
        self.checked: list[str] = []
        self.reports: dict[str, str] = {}

    def check(self, page: Page, name: str) -> None:
        """Audit the page as it is now, under ``name``."""
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
        assert results.response["passes"], f"axe checked nothing on {name}"
        self.checked.append(name)
        if results.violations_count:
            self.reports[name] = f"{page.url}\n{results.generate_report()}"

    def assert_clean(self) -> None:
        """No page audited so far had a violation."""
        failures = "\n\n".join(f"== {name}: {report}" for name, report in self.reports.items())
        assert not self.reports, f"axe violations on {list(self.reports)}:\n{failures}"


@pytest.fixture
def audit():
    return AxeAudit()


# Accounts and pages --------------------------------------------------------------------------


@pytest.fixture
def make_user(live_app):
    """``make_user(email, role)``: an active account in the live app; returns its password."""

    def _make_user(email: str, role: Role) -> str:
        password = "rätt-häftklammer-häst"
        with live_app.app_context():
            create_user(email, password, role)
            db.session.commit()
        return password

    return _make_user


def log_in(page: Page, audit: AxeAudit, email: str, password: str) -> None:
    """Sign in through /login (auditing the form on the way)."""
    page.goto("/login")
    audit.check(page, "login")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


def click(page: Page, name: str, *, role: str = "button") -> None:
    """Click the button (or link) called ``name`` and wait for the next page."""
    page.get_by_role(role, name=name, exact=True).click()
    page.wait_for_load_state()


def expect_heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def expect_flash(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def expect_errors(page: Page, *messages: str) -> None:
    """An error page: "Fel:" in the title and each message in the summary."""
    expect(page).to_have_title(re.compile("^Fel:"))
    for message in messages:
        expect(page.locator(".error-summary")).to_contain_text(message)


# The survey builder --------------------------------------------------------------------------


def create_round(page: Page, audit: AxeAudit, title: str) -> None:
    """From the staff index: a new round with no dates; ends on the round page."""
    click(page, "Ny enkätomgång", role="link")
    expect_heading(page, "Ny enkätomgång")
    audit.check(page, "new round form")
    page.get_by_label("Namn på omgången").fill(title)
    click(page, "Spara")
    expect(page).to_have_url(re.compile(r"/staff/rounds/\d+$"))
    expect_heading(page, title)
    audit.check(page, "round page (draft)")


def create_survey(page: Page, audit: AxeAudit) -> int:
    """From the round page: a code-only survey; ends on its builder page. Returns its id."""
    click(page, "Ny enkät", role="link")
    expect_heading(page, "Ny enkät")
    audit.check(page, "new survey form")
    page.get_by_label("Rubrik").fill(SURVEY_TITLE)
    page.get_by_label("Inledning").fill("Fem minuter om hur trygg du känner dig.")
    page.get_by_label("Kort adress").fill(SLUG)
    page.get_by_label("Målområde").select_option(label="Attraktiva och hållbara livsmiljöer")
    page.get_by_label("Bara den som har en inbjudningskod").check()
    click(page, "Spara")
    expect(page).to_have_url(re.compile(r"/staff/surveys/\d+$"))
    expect_heading(page, SURVEY_TITLE)
    expect(page.locator("dl.facts")).to_contain_text(f"/s/{SLUG}")
    return int(page.url.rsplit("/", 1)[1])


def open_question_form(page: Page, audit: AxeAudit, kind: str) -> None:
    """From the builder: choose the kind under "Lägg till en fråga" and press "Ny fråga"."""
    page.get_by_label("Frågetyp").select_option(kind)
    click(page, "Ny fråga")
    expect_heading(page, "Ny fråga")
    expect(page.get_by_label("Frågetyp")).to_have_value(kind)
    audit.check(page, f"question form ({kind})")


def fill_question(page: Page, text: str, fields: dict) -> None:
    """Fill the question form: the text, "must be answered", and the kind's own fields."""
    page.get_by_label("Fråga", exact=True).fill(text)
    if fields.get("required"):
        page.get_by_label("Frågan måste besvaras").check()
    for name, label in QUESTION_LABELS.items():
        if name in fields:
            page.get_by_label(label, exact=True).fill(fields[name])


def save_question(page: Page) -> None:
    click(page, "Spara frågan")
    expect(page).to_have_url(re.compile(r"/staff/surveys/\d+#fragor$"))
    expect_flash(page, "Frågan är tillagd.")


def add_single_choice_via_error(page: Page, audit: AxeAudit, text: str, fields: dict) -> None:
    """A single-choice question sent with one option is refused; two options then save it."""
    open_question_form(page, audit, "single")
    fill_question(page, text, {**fields, "options": "Ja"})
    click(page, "Spara frågan")
    expect_errors(page, "Skriv minst två svarsalternativ, ett per rad.")
    expect(page.get_by_label(QUESTION_LABELS["options"])).to_have_attribute("aria-invalid", "true")
    audit.check(page, "question form (single) with errors")
    page.get_by_label(QUESTION_LABELS["options"]).fill(fields["options"])
    save_question(page)


def add_questions(page: Page, audit: AxeAudit) -> None:
    """One question of each kind, in the order of QUESTIONS."""
    (kind, text, fields), *rest = QUESTIONS
    add_single_choice_via_error(page, audit, text, fields)
    for kind, text, fields in rest:
        open_question_form(page, audit, kind)
        fill_question(page, text, fields)
        save_question(page)


def expect_builder_order(page: Page, texts: list[str]) -> None:
    """The builder lists exactly these questions, in this order."""
    expect(page.locator("ol.question-list .q-text")).to_have_text(texts)


def move_up(page: Page, text: str) -> None:
    """Press "Flytta upp" on the builder's question with this text."""
    item = page.locator("ol.question-list > li").filter(has_text=text)
    item.get_by_role("button", name="Flytta upp").click()
    page.wait_for_load_state()


def expected_order() -> list[str]:
    """The question texts after MOVED_UP has swapped places with the one above it."""
    texts = [text for _, text, _ in QUESTIONS]
    i = texts.index(MOVED_UP)
    texts[i - 1], texts[i] = texts[i], texts[i - 1]
    return texts


def expect_survey_order(page: Page, texts: list[str]) -> None:
    """A survey page (or its preview) shows exactly these questions, in this order.

    Only questions are numbered, so the invitation code field is left out.
    """
    labels = page.locator("form.survey .field-label:has(.q-num)")
    expect(labels).to_have_count(len(texts))
    expect(labels).to_contain_text(texts)


def generate_letters(page: Page, audit: AxeAudit, count: int) -> str:
    """From the builder: make ``count`` codes; check the letters; return the first code."""
    click(page, "Inbjudningskoder och brev", role="link")
    expect_heading(page, "Inbjudningskoder")
    audit.check(page, "codes page")
    page.get_by_label("Antal koder").fill(str(count))
    click(page, "Skapa koder och brev")
    expect_heading(page, f"{count} nya koder")
    letters = page.locator("article.letter")
    expect(letters).to_have_count(count)
    for letter in letters.all():
        expect(letter.locator("svg")).to_have_count(1)
        expect(letter.locator("p.code")).to_have_text(CODE)
    audit.check(page, "letters page")
    return letters.first.locator("p.code").inner_text()


# The resident --------------------------------------------------------------------------------


def resident_question(page: Page, text: str):
    """The survey question (fieldset or text field wrapper) whose label has this text."""
    return page.locator("form.survey .field").filter(has_text=text)


def answer_survey(page: Page) -> None:
    """Answer every question, by label, without JavaScript."""
    single, multi, agree, scale, short, long = (text for _, text, _ in QUESTIONS)
    resident_question(page, single).get_by_label("Ja", exact=True).check()
    for label in ("Parker", "Parkeringar"):
        resident_question(page, multi).get_by_label(label, exact=True).check()
    resident_question(page, agree).get_by_label("Instämmer i stor grad", exact=True).check()
    resident_question(page, scale).get_by_label("8", exact=True).check()
    resident_question(page, short).get_by_role("textbox").fill("Resecentrum")
    resident_question(page, long).get_by_role("textbox").fill("Mer folk ute på kvällarna.")


def open_with_javascript(new_page, page: Page) -> Page:
    """The same address as ``page`` in a fresh page of the same size, with JavaScript on."""
    copy = new_page(**page.viewport_size)
    copy.goto(page.url)
    return copy


def stored_code_flags(live_app, survey_id: int) -> dict[str, bool]:
    """Every invitation code of the survey: digest → used."""
    with live_app.app_context():
        codes = db.session.scalars(
            select(InvitationCode).where(InvitationCode.survey_id == survey_id)
        ).all()
        return {code.digest: code.used for code in codes}


def survey_id_of(live_app, slug: str) -> int:
    with live_app.app_context():
        return db.session.scalar(select(Survey.id).where(Survey.slug == slug))


# Tests ---------------------------------------------------------------------------------------


def test_staff_builds_a_code_survey_that_a_resident_answers(
    new_page, live_app, make_user, audit, stored_answers
):
    """Round → survey → six question kinds → reorder → (not) delete → preview → open →
    letters → answer."""
    staff = new_page(**DESKTOP)
    email = "personal@vimmerby.example"
    log_in(staff, audit, email, make_user(email, Role.STAFF))
    expect_heading(staff, "Enkätomgångar")
    audit.check(staff, "staff index")

    create_round(staff, audit, "Trygghetsenkät 2027")
    survey_id = create_survey(staff, audit)
    assert survey_id == survey_id_of(live_app, SLUG)
    add_questions(staff, audit)
    expect_builder_order(staff, [text for _, text, _ in QUESTIONS])

    move_up(staff, MOVED_UP)
    expect_builder_order(staff, expected_order())
    audit.check(staff, "survey builder page")

    click(staff, "Ta bort enkäten", role="link")
    expect_heading(staff, "Ta bort enkäten?")
    audit.check(staff, "delete survey confirmation")
    click(staff, "Nej, behåll den", role="link")
    expect_heading(staff, SURVEY_TITLE)

    click(staff, "Förhandsvisa", role="link")
    expect(staff).to_have_url(re.compile(rf"/staff/surveys/{survey_id}/preview$"))
    expect(staff.locator(".preview-banner")).to_be_visible()
    expect_survey_order(staff, expected_order())
    audit.check(staff, "preview")

    click(staff, "Tillbaka till enkätbyggaren", role="link")
    click(staff, "Trygghetsenkät 2027", role="link")
    click(staff, "Öppna omgången")
    expect_flash(staff, "Omgången är öppnad.")
    expect(staff.locator("dl.facts .status")).to_have_text("Öppen")
    audit.check(staff, "round page (open)")

    click(staff, SURVEY_TITLE, role="link")
    code = generate_letters(staff, audit, 2)

    resident = new_page(**PHONE, java_script_enabled=False)
    resident.goto(f"/s/{SLUG}?kod={code}")
    expect_heading(resident, SURVEY_TITLE)
    expect(resident.get_by_label("Kod från ditt brev")).to_have_value(code)
    expect_survey_order(resident, expected_order())
    audit.check(open_with_javascript(new_page, resident), "resident survey page")
    answer_survey(resident)
    resident.get_by_role("button", name="Skicka svar").click()
    resident.wait_for_load_state()
    expect(resident).to_have_url(re.compile(rf"/s/{SLUG}/tack(#[\w-]*)?$"))
    expect_heading(resident, "Tack för ditt svar")

    assert stored_answers(SLUG) == [
        {
            1: "Ja",
            2: ["Parker", "Parkeringar"],
            3: 8,
            4: 4,
            5: "Resecentrum",
            6: "Mer folk ute på kvällarna.",
        }
    ]
    flags = stored_code_flags(live_app, survey_id)
    assert len(flags) == 2 and flags[code_digest(code)] is True
    assert sum(flags.values()) == 1, "a code other than the one given was used"
    audit.assert_clean()


def test_admin_manages_accounts_and_reads_the_audit_log(new_page, make_user, audit):
    """Users, the new-account form and its errors, a board account's one-time password, and
    the audit log that records it.
    """
    admin = new_page(**DESKTOP)
    email = "admin@vimmerby.example"
    log_in(admin, audit, email, make_user(email, Role.ADMIN))

    admin.get_by_role("navigation", name="Konto").get_by_role("link", name="Användare").click()
    expect_heading(admin, "Användare")
    audit.check(admin, "users")

    click(admin, "Nytt konto", role="link")
    expect_heading(admin, "Nytt konto")
    audit.check(admin, "new user form")
    click(admin, "Skapa kontot")
    expect_errors(admin, "Skriv en e-postadress.", "Välj en roll.")
    audit.check(admin, "new user form with errors")

    admin.get_by_label("E-postadress").fill("styrgrupp@vimmerby.example")
    admin.get_by_label("Namn", exact=True).fill("Stina Styrgrupp")
    admin.get_by_label("Styrgrupp", exact=True).check()
    click(admin, "Skapa kontot")
    expect_heading(admin, "Tillfälligt lösenord för styrgrupp@vimmerby.example")
    expect(admin.locator("p.code")).to_have_text(PASSWORD)
    audit.check(admin, "one-time password")
    first_login_with(new_page(**PHONE), audit, admin.locator("p.code").inner_text())

    click(admin, "Tillbaka till användarna", role="link")
    expect(admin.get_by_role("row").filter(has_text="styrgrupp@vimmerby.example")).to_contain_text(
        "Styrgrupp"
    )
    click(admin, "Händelselogg", role="link")
    expect_heading(admin, "Händelselogg")
    expect(admin.get_by_role("row").filter(has_text="user.create")).to_contain_text(
        "styrgrupp@vimmerby.example"
    )
    audit.check(admin, "audit log")
    audit.assert_clean()


def first_login_with(page: Page, audit: AxeAudit, temporary: str) -> None:
    """The new board member signs in with the one-time password and must choose their own."""
    page.goto("/login")
    page.get_by_label("E-postadress").fill("styrgrupp@vimmerby.example")
    page.get_by_label("Lösenord").fill(temporary)
    page.get_by_role("button", name="Logga in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/account/password$"))
    expect_heading(page, "Byt lösenord")
    audit.check(page, "password change after a temporary password")

    click(page, "Byt lösenord")
    expect_errors(page, "Skriv ditt nuvarande lösenord.", "Skriv ett nytt lösenord.")
    audit.check(page, "password change with errors")
    page.get_by_label("Nuvarande lösenord").fill(temporary)
    page.get_by_label("Nytt lösenord", exact=True).fill("en egen mening som lösenord")
    page.get_by_label("Nytt lösenord en gång till").fill("en egen mening som lösenord")
    click(page, "Byt lösenord")
    expect(page).to_have_url(re.compile(r"/board/$"))
    expect_flash(page, "Ditt lösenord är bytt.")
