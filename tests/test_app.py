"""App factory, configuration, SQLite hardening, headers and plain pages."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from config import database_url
from consult.extensions import db
from consult.models import InvalidTransition, Round, RoundState

from .factories import make_strategy

ROOT = Path(__file__).resolve().parent.parent


def test_without_configuration_the_app_makes_and_keeps_its_own_secret(tmp_path):
    env = {**os.environ, "CONSULT_INSTANCE_PATH": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    env.pop("DATABASE_URL", None)
    script = (
        "from consult import create_app; a = create_app(); print(a.secret_key); "
        "print(a.config['SQLALCHEMY_DATABASE_URI'])"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    secret, uri = runs[0]
    assert len(secret) == 64 and (tmp_path / "secret_key").read_text().strip() == secret
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    assert uri == f"sqlite:///{tmp_path / 'consult.db'}"


def test_database_url_is_normalised_for_psycopg():
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert database_url("") is None


def test_sqlite_is_hardened(app, ctx):
    if db.engine.dialect.name != "sqlite":
        return
    pragmas = {
        name: db.session.execute(text(f"PRAGMA {name}")).scalar()
        for name in ("journal_mode", "busy_timeout", "foreign_keys")
    }
    assert pragmas == {"journal_mode": "wal", "busy_timeout": 15000, "foreign_keys": 1}


def test_round_state_machine():
    round_ = Round(title="2026", state=RoundState.DRAFT)
    for invalid in (round_.close,):
        try:
            invalid()
        except InvalidTransition:
            pass
        else:
            raise AssertionError("closing a draft must fail")
    round_.open()
    assert round_.state is RoundState.OPEN and round_.accepts_answers()
    try:
        round_.open()
    except InvalidTransition:
        pass
    else:
        raise AssertionError("opening an open round must fail")
    round_.close()
    assert round_.state is RoundState.CLOSED and not round_.accepts_answers()
    for invalid in (round_.open, round_.close):
        try:
            invalid()
        except InvalidTransition:
            continue
        raise AssertionError("a closed round stays closed")


def test_security_headers_on_every_page(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in headers  # only where cookies are Secure


def test_start_page_shows_goal_and_open_surveys_by_area(client, ctx):
    from .factories import make_survey

    make_survey("oppen")
    make_survey("utkast", state=RoundState.DRAFT)
    page = client.get("/").text
    assert "Ett gott liv för alla." in page
    assert "Målområde 1" in page and "/s/oppen" in page and "/s/utkast" not in page


def test_start_page_without_open_surveys(client, ctx):
    make_strategy()
    db.session.commit()
    assert "Inga enkäter är öppna just nu" in client.get("/").text


def test_privacy_and_accessibility_pages(client, ctx):
    make_strategy()
    db.session.commit()
    privacy = client.get("/privacy").text
    assert (
        "IP-adress" in privacy and "klockslag" in privacy.lower() and "kontakt@testby.se" in privacy
    )
    statement = client.get("/accessibility").text
    assert "lagen om tillgänglighet till digital offentlig service" in statement
    assert "kontakt@testby.se" in statement and "Digg" in statement


def test_language_switch_sets_a_cookie_and_stays_on_the_site(client):
    response = client.get("/lang/en?next=/privacy")
    assert response.status_code == 302 and response.headers["Location"] == "/privacy"
    assert client.get_cookie("lang").value == "en"
    page = client.get("/privacy").text
    assert '<html lang="en">' in page and "How your answers are handled" in page
    for evil in ("//evil.example", "https://evil.example", "/\\evil.example"):
        assert client.get(f"/lang/sv?next={evil}").headers["Location"] == "/"
    assert client.get("/lang/xx").status_code == 404


def test_healthz_checks_the_database(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/finns-inte")
    assert response.status_code == 404 and "Sidan finns inte" in response.text
