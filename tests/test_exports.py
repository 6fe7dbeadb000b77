"""Exports: Swedish Excel CSV and XLSX, the same suppression as the pages, no formula
injection, free text only as redacted text, the full export for staff only, streamed."""

import csv
import io
import re
import zipfile

import pytest

from consult.exports import csv_cell, defuse
from consult.extensions import db
from consult.models import Channel

from .board_factories import TEN, add_response, add_responses
from .factories import make_survey

RISKY = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(data: bytes) -> tuple[list[list[str]], str, str]:
    """Cell texts of the first sheet (inline strings), the sheet XML and the styles XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        styles = book.read("xl/styles.xml").decode()
    rows = []
    for row in re.findall(r"<row [^>]*>(.*?)</row>", sheet, re.S):
        cells = re.findall(
            r'<c r="([A-Z]+)\d+"[^>]*>(?:<is><t[^>]*>(.*?)</t></is>|<v>(.*?)</v>)</c>', row, re.S
        )
        values = {_column(ref): text or value for ref, text, value in cells}
        rows.append([values.get(n, "") for n in range(max(values, default=-1) + 1)])
    return rows, sheet, styles


def _column(letters: str) -> int:
    return sum((ord(c) - 64) * 26**n for n, c in enumerate(reversed(letters))) - 1


@pytest.fixture
def survey(app):
    with app.app_context():
        survey = make_survey()
        add_responses(survey, TEN)
        add_response(survey, {}, texts={5: '=HYPERLINK("http://evil")', 6: "Ring 070-123 45 67"})
        hidden = add_response(survey, {}, texts={6: "Dolt svar"})
        hidden.answers[0].hidden = True
        add_responses(survey, TEN[:2], channel=Channel.SIMULATED)
        db.session.commit()
        return {"slug": survey.slug, "round": survey.round_id}


# Cells --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", RISKY)
def test_risky_text_is_defused(value):
    assert defuse(value) == "'" + value
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "cell"),
    [(None, ""), (12, "12"), (62.5, "62,5"), (57.77777777, "57,7778"), (0.0, "0"), ("Bra", "Bra")],
)
def test_cells_for_swedish_excel(value, cell):
    assert csv_cell(value) == cell


# Aggregated results -------------------------------------------------------------------------


def test_results_csv_opens_in_swedish_excel_with_hand_computed_figures(login, survey):
    response = login("board").get(f"/board/rounds/{survey['round']}/results.csv")
    assert response.mimetype == "text/csv" and response.is_streamed
    assert 'filename="resultat-omgang-1.csv"' in response.headers["Content-Disposition"]
    rows = read_csv(response.data)
    assert rows[0][:3] == ["Omgång", "Målområde", "Enkät"] and len(rows[0]) == 18
    overall = {(r[3], r[7]): r for r in rows[1:] if r[6] == "Alla"}
    assert overall["1", "Bra"][8:12] == ["6", "10", "60", "30,3642"]
    summary = overall["4", "Sammanfattning"]
    assert summary[12:16] == ["6,2", "1,6476", "57,7778", "18,3072"]
    assert overall["3", "Sammanfattning"][8:17] == [
        "5",
        "8",
        "62,5",
        "33,548",
        "3,5",
        "0,98",
        "62,5",
        "24,5",
        "2",
    ]
    assert overall["6", "Fritextsvar"][8] == "1"  # the hidden answer is not counted as readable
    assert all(len(row) == 18 for row in rows)


def test_results_export_suppresses_like_the_pages(app, login, survey):
    rows = read_csv(login("board").get(f"/board/rounds/{survey['round']}/results.csv").data)
    by_age = [r for r in rows[1:] if r[5] == "Hur gammal är du?"]
    hidden = {r[6] for r in by_age if r[17].startswith("Dold")}
    shown = {r[6] for r in by_age if not r[17].startswith("Dold")}
    # 16–34: 3, 35–64: 5, 65+: 1, no answer: 1 + 2 (text-only responses) = 3 → 3 + 1 + 3 ≥ 5
    assert hidden == {"16–34", "65+", "Uppgift saknas"} and shown == {"35–64"}
    assert all(r[8:17] == [""] * 9 for r in by_age if r[6] in hidden)


def test_a_survey_below_k_exports_its_count_only(app, login):
    with app.app_context():
        add_responses(make_survey(), TEN[:3])
    rows = read_csv(login("board").get("/board/rounds/1/results.csv").data)
    assert len(rows) == 2 and rows[1][8] == "3" and rows[1][17].startswith("Färre än 5 svar")


def test_results_xlsx_has_the_same_figures_and_no_formulas(app, login):
    with app.app_context():
        survey = make_survey()
        add_responses(survey, TEN)
        survey.questions[0].options[0].label = "=1+1"
        survey.questions[0].text = "@SUM(A1:A2)"
        db.session.commit()
    response = login("board").get("/board/rounds/1/results.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    rows, sheet, styles = read_xlsx(response.data)
    assert "<f>" not in sheet
    first = rows[1]
    assert first[3:11] == ["1", "@SUM(A1:A2)", "Ingen", "Alla", "=1+1", "6", "10", "60"]
    quoted = re.findall(r'<c r="([A-Z]+\d+)" s="(\d+)" t="inlineStr"><is><t>=1\+1</t>', sheet)
    assert quoted, "the risky cell has no style"
    assert 'quotePrefix="1"' in styles


# Every response (staff only) ----------------------------------------------------------------


def test_full_export_is_for_staff_only(login, survey):
    assert (
        login("board", "b@example.se")
        .get(f"/board/surveys/{survey['slug']}/responses.csv")
        .status_code
        == 403
    )


def test_full_export_has_one_row_per_real_response_with_redacted_text(login, survey):
    response = login("staff").get(f"/board/surveys/{survey['slug']}/responses.csv")
    assert response.is_streamed
    rows = read_csv(response.data)
    assert rows[0] == [
        "Enkät", "Inskickad", "Kanal", "1. Hur trivs du?", "2. Vad är viktigt?",
        "3. Jag känner mig trygg.", "4. Betyg på kommunen?", "5. Ett ord om orten?",
        "6. Berätta mer.", "7. Hur gammal är du?",
    ]  # fmt: skip
    assert len(rows) == 1 + 12  # the two simulated responses are left out
    assert rows[1] == [
        "Enkät test",
        "2026-05-04",
        "Webb",
        "Bra",
        "Skola | Vård",
        "5",
        "8",
        "",
        "",
        "16–34",
    ]
    assert rows[5][5] == "Vet ej"
    texts = rows[11]
    assert texts[7] == '\'=HYPERLINK("http://evil")' and texts[8] == "Ring [telefonnummer]"
    assert rows[12][8] == "[dold av personalen]"
    assert "070" not in response.text and "Dolt svar" not in response.text


def test_full_export_of_simulated_responses_only_when_asked(login, survey):
    rows = read_csv(
        login("staff").get(f"/board/surveys/{survey['slug']}/responses.csv?simulated=1").data
    )
    assert len(rows) == 3 and {row[2] for row in rows[1:]} == {"Simulerade"}


def test_full_export_as_xlsx(login, survey):
    rows, sheet, _styles = read_xlsx(
        login("admin").get(f"/board/surveys/{survey['slug']}/responses.xlsx").data
    )
    assert "<f>" not in sheet
    assert len(rows) == 13 and rows[1][2:5] == ["Webb", "Bra", "Skola | Vård"]
    assert rows[11][7] == '=HYPERLINK("http://evil")'  # text with Excel's quote prefix:
    assert re.search(r'<c r="H12" s="(\d+)" t="inlineStr"><is><t>=HYPERLINK', sheet)
