"""CSV and XLSX downloads: aggregated results (board and staff) and every response,
anonymised (staff only).

- Streamed: rows come from generators, answers from ``yield_per`` queries, and files go
  out in chunks, so memory stays flat however many answers there are.
- Swedish Excel: CSV in UTF-8 with a BOM, semicolons between fields, decimal commas.
- Formula injection: a text cell starting with =, +, -, @, tab or carriage return gets a
  leading apostrophe in CSV and Excel's quote prefix in XLSX (where text is never
  written as a formula anyway).
- Free text only ever as ``redacted_text``; answers staff hid appear as a marker.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import groupby
from pathlib import Path

import xlsxwriter
from flask import Response, stream_with_context
from flask_babel import gettext as _
from sqlalchemy import select

from .charts import channel_label
from .extensions import db
from .models import Answer, Channel, QuestionKind, Survey
from .models import Response as SurveyResponse
from .results import (
    QuestionResult,
    Scope,
    breakdown,
    breakdown_questions,
    get_round,
    survey_results,
)
from .surveys import get_survey

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CHUNK_ROWS = 500
YIELD_PER = 1000
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# Cells --------------------------------------------------------------------------------------


def is_risky(text: str) -> bool:
    """Would a spreadsheet read this text as the start of a formula?"""
    return text.startswith(RISKY_STARTS)


def defuse(text: str) -> str:
    """Text that a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if is_risky(text) else text


def csv_cell(value: object) -> str:
    """One CSV field: numbers with a decimal comma, dates as ISO, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    return defuse(str(value))


# Writers ------------------------------------------------------------------------------------


def csv_stream(rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 with BOM, semicolon-separated, CRLF: what Swedish Excel opens correctly."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for number, row in enumerate(rows, 1):
        writer.writerow([csv_cell(value) for value in row])
        if number % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_stream(rows: Iterable[list], sheet_name: str = "Export") -> Iterator[bytes]:
    """An XLSX file written row by row (XlsxWriter's constant-memory mode) to a temporary
    file, then sent in chunks."""
    with tempfile.TemporaryDirectory(prefix="consult-export-") as folder:
        path = Path(folder) / "export.xlsx"
        _write_xlsx(path, rows, sheet_name)
        with path.open("rb") as handle:
            while chunk := handle.read(64 * 1024):
                yield chunk


def _write_xlsx(path: Path, rows: Iterable[list], sheet_name: str) -> None:
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    with xlsxwriter.Workbook(str(path), options) as workbook:
        sheet = workbook.add_worksheet(sheet_name[:31])
        formats = {
            "quoted": workbook.add_format({"quote_prefix": True}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        }
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                _write_cell(sheet, r, c, value, formats)


def _write_cell(sheet, row: int, col: int, value: object, formats: dict) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_number(row, col, int(value))
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, formats["date"])
    else:
        text = str(value)
        sheet.write_string(row, col, text, formats["quoted"] if is_risky(text) else None)


def download(rows: Iterable[list], basename: str, fmt: str) -> Response:
    """A streamed attachment of ``rows`` as CSV or XLSX."""
    stream = csv_stream(rows) if fmt == "csv" else xlsx_stream(rows)
    response = Response(stream_with_context(stream), mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{basename}.{fmt}"'
    return response


# Aggregated results -------------------------------------------------------------------------


def result_header() -> list[str]:
    return [
        _("Omgång"),
        _("Målområde"),
        _("Enkät"),
        _("Fråga nr"),
        _("Fråga"),
        _("Uppdelning"),
        _("Grupp"),
        _("Svar"),
        _("Antal"),
        _("Bas (n)"),
        _("Andel (%)"),
        _("Felmarginal (± procentenheter)"),
        _("Medelvärde"),
        _("Felmarginal medelvärde"),
        _("Index 0–100"),
        _("Felmarginal index"),
        _("Vet ej"),
        _("Anmärkning"),
    ]


def result_rows(round_id: int, *, k: int, simulated: bool = False) -> Iterator[list]:
    """Every survey of a round, overall and broken down by each background question, with
    the same suppression as the pages.

    Rows are made as they are sent, after the view has returned and its session has gone,
    so everything is loaded here, from ids.
    """
    round_ = get_round(round_id)
    yield result_header()
    for survey in round_.surveys:
        yield from _survey_result_rows(survey, k, simulated)


def _survey_result_rows(survey: Survey, k: int, simulated: bool) -> Iterator[list]:
    results = survey_results(survey, k=k, simulated=simulated)
    head = [survey.round.title, survey.target_area.name, survey.title]
    if not results.shown:
        note = _("Färre än %(k)d svar: bara antalet visas.", k=k)
        yield [*head, None, None, None, None, None, results.n, None, *[None] * 7, note]
        return
    everyone = [_("Ingen"), _("Alla")]
    for result in results.questions:
        yield from _question_rows(head, result, everyone, k)
    for by in breakdown_questions(survey):
        split = breakdown(survey, by, results.scope, results.n, k)
        for question_breakdown in split.questions.values():
            for group, result in question_breakdown.rows:
                where = [by.text, str(group.label)]
                if result is None:
                    yield _hidden_row(head, question_breakdown.question, where, k)
                else:
                    yield from _question_rows(head, result, where, k)


def _hidden_row(head: list, question, where: list, k: int) -> list:
    note = _(
        "Dold: färre än %(k)d svar, eller dold så att en liten grupp inte kan räknas fram.", k=k
    )
    return [*head, question.position, question.text, *where, *[None] * 10, note]


def _question_rows(head: list, result: QuestionResult, where: list, k: int) -> Iterator[list]:
    question = result.question
    start = [*head, question.position, question.text, *where]
    if question.kind.is_text:
        yield [*start, _("Fritextsvar"), result.visible_texts, *[None] * 8, None]
        return
    if not result.shown:
        note = _("Färre än %(k)d svar: visas inte.", k=k)
        yield [*start, None, None, result.respondents, *[None] * 7, note]
        return
    for share in result.shares:
        row = [*start, str(share.label), share.count, share.base, share.percent, share.moe]
        yield [*row, *[None] * 6]
    if question.kind in (QuestionKind.AGREE5, QuestionKind.SCALE):
        yield _summary_row(start, result)


def _summary_row(start: list, result: QuestionResult) -> list:
    mean, index, agreeing = result.mean, result.index, result.agreeing
    row = [*start, _("Sammanfattning")]
    if agreeing:
        row += [agreeing.count, agreeing.base, agreeing.percent, agreeing.moe]
    else:
        row += [mean.n if mean else 0, mean.n if mean else 0, None, None]
    row += [mean and mean.value, mean and mean.moe, index and index.value, index and index.moe]
    note = _("Andel: instämmer i stor grad eller helt") if agreeing else None
    return [*row, result.dont_know if agreeing else None, note]


# Every response, anonymised (staff only) ----------------------------------------------------


def response_header(survey: Survey) -> list[str]:
    questions = [f"{q.position}. {q.text}" for q in survey.questions]
    return [_("Enkät"), _("Inskickad"), _("Kanal"), *questions]


def response_rows(slug: str, *, simulated: bool = False) -> Iterator[list]:
    """One row per response: survey, day, channel and each answer (free text redacted).

    Like ``result_rows``, this loads what it needs itself, while the rows are sent.
    """
    survey = get_survey(slug)
    yield response_header(survey)
    columns = {q.id: n for n, q in enumerate(survey.questions)}
    labels = {o.id: o.label for q in survey.questions for o in q.options}
    positions = {o.id: o.position for q in survey.questions for o in q.options}
    words = {"hidden": _("[dold av personalen]"), "dont_know": _("Vet ej")}
    channel_names = {channel: channel_label(channel) for channel in Channel}
    for (_id, day, channel), answers in groupby(_answer_stream(survey, simulated), _response_key):
        cells: list[list] = [[] for _q in columns]
        for row in answers:
            if row.question_id is not None:
                value = _answer_value(row, labels, words)
                cells[columns[row.question_id]].append((positions.get(row.option_id, 0), value))
        yield [survey.title, day, channel_names[channel], *(_joined(values) for values in cells)]


def _response_key(row):
    return row.id, row.submitted_on, row.channel


def _answer_stream(survey: Survey, simulated: bool):
    """Answers of the survey's responses in response order, fetched in batches."""
    stmt = (
        select(
            SurveyResponse.id,
            SurveyResponse.submitted_on,
            SurveyResponse.channel,
            Answer.question_id,
            Answer.option_id,
            Answer.number,
            Answer.dont_know,
            Answer.redacted_text,
            Answer.hidden,
        )
        .outerjoin(Answer, Answer.response_id == SurveyResponse.id)
        .where(SurveyResponse.survey_id == survey.id, Scope(simulated=simulated).condition())
        .order_by(SurveyResponse.id, Answer.id)
        .execution_options(yield_per=YIELD_PER)
    )
    return db.session.execute(stmt)


def _answer_value(row, labels: dict, words: dict):
    if row.option_id is not None:
        return labels.get(row.option_id, "")
    if row.dont_know:
        return words["dont_know"]
    if row.number is not None:
        return row.number
    if row.redacted_text is not None:
        return words["hidden"] if row.hidden else row.redacted_text
    return ""


def _joined(values: list[tuple]):
    """One cell from (position, value) pairs: a single answer as it is; the ticks of a
    multiple choice in option order, joined by " | "."""
    if not values:
        return None
    if len(values) == 1:
        return values[0][1]
    return " | ".join(str(value) for _position, value in sorted(values, key=lambda v: v[0]))
