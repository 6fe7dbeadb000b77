"""Production set-up, end to end: migrations as a deploy step, gunicorn with the production
config on a loopback port, concurrent residents, a killed worker and a killed server, fuzzed
submissions, anonymous logs, /healthz, and two app servers sharing a database and Redis.

Short versions of bench/load.py, bench/fault.py and bench/fuzz.py; on SQLite, or on a
PostgreSQL database of their own when TEST_DATABASE_URL is set.
"""

import os
import re
import secrets
import time
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

import pytest
import redis

from bench._harness import (
    Browser,
    Server,
    Submission,
    check_stored,
    flask_cli,
    free_port,
    hidden_value,
    make_submissions,
    response_ids,
    run_residents,
    seeded_site,
    survey_plans,
)
from bench.fault import run_with_faults
from bench.fuzz import run_fuzz
from consult import builder
from consult.extensions import db
from consult.surveys import get_survey

from .conftest import csrf, fresh_schema, make_app
from .factories import make_survey

REDIS_URL = "redis://127.0.0.1:6379/0"
#: One access log line: method and path, status, bytes, duration; nothing else.
ACCESS_LINE = re.compile(r'^"(GET|POST|HEAD) /[^\s?"]*" \d{3} (\d+|-) \d+ms$')


@dataclass
class Site:
    url: str
    env: dict
    server: Server
    plans: list
    workdir: Path
    submissions: list[Submission] = field(default_factory=list)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A migrated, seeded database and gunicorn (3 workers, rate limits off) in front of it."""
    workdir = tmp_path_factory.mktemp("production")
    kind = "postgres" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    with seeded_site(kind, workdir, os.environ.get("TEST_DATABASE_URL")) as (url, env):
        server = Server(env, workdir / "gunicorn.log", workers=3).start()
        try:
            yield Site(url, env, server, survey_plans(url), workdir)
        finally:
            server.stop()


def test_concurrent_residents_are_all_stored_once_with_every_answer(site):
    submissions = make_submissions(site.plans, 200, seed=11)
    before = response_ids(site.url)
    run_residents(site.server.port, submissions, concurrency=10)
    assert [s.status for s in submissions] == [303] * 200, {s.status for s in submissions}
    check = check_stored(site.url, submissions, before)
    assert check.ok and check.stored == check.acknowledged == 200, check
    log = site.server.log_text()
    assert "database is locked" not in log and "Traceback" not in log


def test_killed_worker_and_killed_server_lose_no_acknowledged_response(site):
    kills = [("worker", 0.25), ("server", 0.6)]
    result = run_with_faults(site.server, site.url, site.plans, 200, 10, kills, seed=12)
    assert [kill["kill"] for kill in result["kills"]] == ["worker", "server"]
    assert result["failed_gets_retried"] + result["failed_posts_sent_again"] > 0  # faults bit
    assert result["lost"] == result["incomplete"] == result["duplicated"] == [], result
    assert result["unexpected"] == [] and result["acknowledged"] == result["stored"] == 200
    assert result["ok"]


def test_malformed_submissions_get_no_500_and_change_nothing(site):
    report = run_fuzz(site.server.port, site.url, site.plans, cases=300, seed=0)
    assert report.cases == 300
    assert report.failures == [], report.failures[:3]
    assert report.stored_before == report.stored_after
    assert set(report.statuses) <= {400, 413, 422, "reset"}, report.statuses


def test_a_staff_edit_reaches_every_worker_within_the_recheck_time(site):
    """Each worker keeps its own copy of the survey (consult/content.py); an edit made by
    another process shows on all of them within CONTENT_RECHECK_SECONDS (1 s)."""
    browser = Browser(site.server.port)
    assert "Ny rubrik från personalen" not in browser.get("/s/livsmiljo")[2]
    app = make_app(site.url)
    with app.app_context():
        survey = get_survey("livsmiljo")
        title = survey.title
        builder.update_survey(None, survey, title="Ny rubrik från personalen")
        db.session.commit()
    try:
        time.sleep(1.2)
        pages = [browser.get("/s/livsmiljo")[2] for _ in range(3 * site.server.workers)]
        assert all("Ny rubrik från personalen" in page for page in pages)
    finally:
        with app.app_context():
            builder.update_survey(None, get_survey("livsmiljo"), title=title)
            db.session.commit()
            db.engine.dispose()


def test_logs_hold_no_client_address_and_no_query_string(site):
    client = ("127.0.0.9", 0)  # a loopback address of its own, to look for in the log
    for path in ("/s/livsmiljo?kod=HEMLIGKOD&igen=1", "/?fran=affisch", "/healthz"):
        connection = HTTPConnection("127.0.0.1", site.server.port, source_address=client)
        connection.request("GET", path)
        assert connection.getresponse().status == 200
        connection.close()
    connection = HTTPConnection("127.0.0.1", site.server.port, source_address=client)
    connection.sock = None
    connection.connect()
    connection.sock.sendall(b"NOT AN HTTP REQUEST ?kod=HEMLIGKOD\r\n\r\n")  # logged as invalid
    connection.sock.recv(1024)
    connection.close()
    log = site.server.log_text()
    assert '"GET /s/livsmiljo" 200' in log and "Invalid request from ip=-" in log
    assert "127.0.0.9" not in log and "HEMLIGKOD" not in log and "fran=" not in log
    access = [line for line in log.splitlines() if line.startswith('"')]
    assert access and all(ACCESS_LINE.match(line) for line in access), access[:5]


UNREACHABLE = pytest.mark.parametrize(
    "unreachable",
    [
        lambda tmp: f"sqlite:///{tmp / 'missing-folder' / 'consult.db'}",
        lambda tmp: f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/consult",
    ],
    ids=["sqlite", "postgresql"],
)


@UNREACHABLE
def test_healthz_is_503_when_the_database_is_down(tmp_path, unreachable):
    app = make_app(unreachable(tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json == {"status": "database unavailable"}
    with app.app_context():
        db.engine.dispose()


@UNREACHABLE
def test_pages_say_in_swedish_that_the_service_is_down_with_a_503(tmp_path, unreachable):
    app = make_app(unreachable(tmp_path), PROPAGATE_EXCEPTIONS=False)
    for path in ("/", "/s/livsmiljo", "/s/livsmiljo/tack"):
        response = app.test_client().get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "30"
        assert "<h1>Tillfälligt ur funktion</h1>" in response.text, path
    with app.app_context():
        db.engine.dispose()


# Two app servers, one site ------------------------------------------------------------------


@pytest.fixture
def shared_redis():
    """A key prefix of its own in the Redis at 127.0.0.1:6379, cleaned up afterwards."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis at {REDIS_URL} is unreachable ({error}); start it, this test needs it")
    prefix = f"consult-test-{secrets.token_hex(4)}"
    yield client, prefix
    for key in client.scan_iter(f"*/{prefix}/*"):
        client.delete(key)
    client.close()


@pytest.fixture
def two_servers(site, shared_redis):
    _, prefix = shared_redis
    settings = dict(
        REDIS_URL=REDIS_URL,
        RATELIMIT_ENABLED="1",
        RATELIMIT_KEY_PREFIX=prefix,
        LOGIN_ACCOUNT_LIMIT="3/hour",
    )
    env = {**site.env, **settings}
    flask_cli(env, "create-user", "delad@example.se", "--role", "staff", "--password", "x" * 16)
    servers = []
    try:
        for name in ("a", "b"):
            instance = {"CONSULT_INSTANCE_PATH": str(site.workdir / f"instance-{name}")}
            log = site.workdir / f"gunicorn-{name}.log"
            servers.append(Server({**env, **instance}, log, workers=1).start())
        yield servers
    finally:
        for server in servers:
            server.stop()


def post_login(browser: Browser, port: int, password: str) -> int:
    browser.port = port
    token = hidden_value(browser.get("/login")[2], "csrf_token")
    fields = [("email", "delad@example.se"), ("password", password), ("csrf_token", token)]
    return browser.post_form("/login", fields)[0]


def test_submission_counters_stay_in_memory_even_with_redis(database_uri, shared_redis):
    """The issue's rule: residents' submissions are limited per client in memory only. With
    REDIS_URL set, the login limits go to Redis; survey submissions leave nothing there."""
    client, prefix = shared_redis
    app = make_app(
        database_uri,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=prefix,
    )
    with app.app_context():
        fresh_schema()
        make_survey("test")
    browser = app.test_client()
    statuses = [browser.post("/s/test", data={}).status_code for _ in range(121)]
    assert statuses == [422] * 120 + [429]
    assert not list(client.scan_iter(f"*/{prefix}/*")), "nothing about residents in Redis"
    login = {"email": "x@example.se", "password": "fel", "csrf_token": csrf(browser, "/login")}
    assert browser.post("/login", data=login).status_code == 422
    assert list(client.scan_iter(f"*/{prefix}/*")), "the login limit does use Redis"
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_two_app_servers_behave_as_one_site(two_servers, shared_redis):
    a, b = two_servers
    browser = Browser(a.port)
    assert post_login(browser, a.port, "x" * 16) == 302
    browser.port = b.port
    status, _, page = browser.get("/staff/")
    assert status == 200 and "Logga ut" in page, "a session made on A must work on B"

    visitor, ports = Browser(a.port), [a.port, b.port]
    failures = [post_login(visitor, ports[n % 2], "wrong password") for n in range(3)]
    assert failures == [422, 422, 422]
    assert post_login(visitor, b.port, "x" * 16) == 429, "the account's failures add up"
    # POSTs to /login from this address so far: 5 (one login, four attempts); the limit is 20.
    statuses = [post_login(visitor, ports[n % 2], "") for n in range(16)]
    assert statuses == [422] * 15 + [429], statuses

    client, prefix = shared_redis
    keys = list(client.scan_iter(f"*/{prefix}/*"))
    assert keys and all(client.ttl(key) > 0 for key in keys)  # counters expire
    assert not any(b"delad" in key or b"@" in key for key in keys)
