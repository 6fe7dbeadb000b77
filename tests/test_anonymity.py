"""The anonymity promise, checked on the schema, the stored rows and the logs."""

import logging
import re
import threading
import urllib.request

from sqlalchemy import Date, DateTime, func, inspect, select, text
from werkzeug.serving import make_server

from consult.extensions import db
from consult.models import Access, Answer, InvitationCode, Response, UsedFormToken
from consult.surveys import generate_codes

from .factories import form_post, hidden_value, make_survey, valid_answers

RESIDENT_TABLES = (Response, Answer, InvitationCode, UsedFormToken)
IDENTIFYING_HEADERS = {
    "User-Agent": "Mozilla/5.0 (Identifiable Phone 12345)",
    "Referer": "https://example.com/from-a-newsletter?person=42",
    "X-Forwarded-For": "203.0.113.77",
}


def column_names(model) -> set[str]:
    return {column.name for column in model.__table__.columns}


def test_a_response_row_holds_survey_day_and_channel_only(app, ctx):
    assert column_names(Response) == {"id", "survey_id", "submitted_on", "channel"}
    assert isinstance(Response.__table__.c.submitted_on.type, Date)
    assert column_names(Answer) == {
        "id",
        "response_id",
        "question_id",
        "option_id",
        "number",
        "text",
        "dont_know",
        "redacted_text",
        "hidden",
    }
    assert column_names(InvitationCode) == {"id", "survey_id", "digest", "used"}
    assert column_names(UsedFormToken) == {"digest", "survey_id"}


def test_no_resident_table_has_a_time_or_a_link_to_codes_or_people(app, ctx):
    inspector = inspect(db.engine)
    for model in RESIDENT_TABLES:
        table = model.__tablename__
        for column in model.__table__.columns:
            assert not isinstance(column.type, DateTime), f"{table}.{column.name}"
        targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert targets <= {"survey", "response", "question", "option"}, table
        assert "user" not in targets and "invitation_code" not in targets
    # and nothing points at invitation_code either
    for table in inspector.get_table_names():
        referred = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert "invitation_code" not in referred, table


def test_stored_rows_hold_no_address_agent_referrer_or_code(app, client, ctx):
    survey = make_survey(access=Access.CODE)
    [code] = generate_codes(survey, 1)
    db.session.commit()
    client.environ_base.update(REMOTE_ADDR="198.51.100.23")
    page = client.get(f"/s/test?kod={code}", headers=IDENTIFYING_HEADERS).text
    data = {
        "csrf_token": hidden_value(page, "csrf_token"),
        "form_token": hidden_value(page, "form_token"),
        "code": code,
        **valid_answers(survey),
    }
    assert client.post("/s/test", data=data, headers=IDENTIFYING_HEADERS).status_code == 303

    dump = repr(all_rows())
    for secret in (
        "198.51.100.23",
        "203.0.113.77",
        "Identifiable",
        "newsletter",
        code,
        code.replace("-", ""),
        data["form_token"],
    ):
        assert secret not in dump, secret


def all_rows() -> list[tuple]:
    """Every row of every table, as plain values."""
    db.session.rollback()
    rows = []
    for table in db.metadata.sorted_tables:
        rows += [tuple(row) for row in db.session.execute(select(table)).all()]
    return rows


def test_the_code_row_cannot_be_matched_to_the_response(app, client, ctx):
    survey = make_survey(access=Access.CODE)
    codes = generate_codes(survey, 3)
    db.session.commit()
    form_post(client, "test", {**valid_answers(survey), "code": codes[1]})
    code_rows = db.session.scalars(select(InvitationCode)).all()
    response = db.session.scalars(select(Response)).one()
    # nothing shared but the survey: no ids, no times, no order information
    assert {row.survey_id for row in code_rows} == {response.survey_id}
    assert sum(row.used for row in code_rows) == 1
    assert not set(column_names(InvitationCode)) & {"response_id", "used_on", "used_at"}


def test_server_logs_carry_no_client_address_query_string_or_time(app, ctx, caplog):
    """A real development server: its request log lines keep neither address, code nor the
    time (which, matched with the order of stored responses, would date them)."""
    survey = make_survey(access=Access.CODE)
    [code] = generate_codes(survey, 1)
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO):
            url = f"http://127.0.0.1:{server.server_port}/s/test?kod={code}"
            with urllib.request.urlopen(url) as reply:
                assert reply.status == 200
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    request_lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /s/test " in line for line in request_lines), request_lines
    for line in request_lines:
        assert "127.0.0.1" not in line
        assert code not in line and "kod=" not in line
        assert not re.search(r"\d{2}:\d{2}:\d{2}", line), line


def test_submitting_logs_nothing_about_the_resident(app, client, ctx, caplog):
    survey = make_survey()
    with caplog.at_level(logging.DEBUG):
        form_post(client, "test", {**valid_answers(survey), survey.questions[4].field_name: "Unik"})
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "Unik" not in text and "127.0.0.1" not in text


def test_a_failed_write_stores_nothing_and_logs_no_answer(app, client, ctx, caplog):
    """The database fails in the middle of storing: the statement's values (the answers)
    stay out of the log, and the token and response written before it are rolled back."""
    survey = make_survey()
    answers = {**valid_answers(survey), survey.questions[4].field_name: "Hemlig rad 4711"}
    page = client.get("/s/test").text
    tokens = {name: hidden_value(page, name) for name in ("csrf_token", "form_token")}
    app.config["PROPAGATE_EXCEPTIONS"] = False
    rename_answer_table("answer", "answer_away")
    try:
        with caplog.at_level(logging.DEBUG):
            response = client.post("/s/test", data={**tokens, **answers})
    finally:
        rename_answer_table("answer_away", "answer")
    assert response.status_code in (500, 503) and "Ingenting sparades." in response.text
    assert "INSERT INTO answer" in caplog.text, "the failure itself is logged"
    assert "Hemlig rad 4711" not in caplog.text and tokens["form_token"] not in caplog.text
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(func.count()).select_from(UsedFormToken)) == 0


def rename_answer_table(name: str, new_name: str) -> None:
    db.session.execute(text(f"ALTER TABLE {name} RENAME TO {new_name}"))
    db.session.commit()


def test_referrer_policy_keeps_survey_links_private(client, ctx):
    make_survey()
    assert client.get("/s/test").headers["Referrer-Policy"] == "no-referrer"
