"""Shared pieces of the load, fault and fuzz benchmarks and of their short versions in
tests/test_production.py: a database made for the run, gunicorn as a subprocess on a free
loopback port, simulated residents that GET a survey and POST it back like a browser, and
checks of what was stored against what was acknowledged.

Everything talks to 127.0.0.1 only, and every loop is bounded in count and time.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # config.py lives at the top level
    sys.path.insert(0, str(ROOT))

from config import database_url as sqlalchemy_url  # noqa: E402
from consult import gunicorn_conf  # noqa: E402

HOST = "127.0.0.1"
MARKER_PREFIX = "benchmark"
#: Environment variables of the calling shell that must not leak into the app under test.
_ISOLATED = (
    "DATABASE_URL",
    "TEST_DATABASE_URL",
    "REDIS_URL",
    "CONSULT_CONFIG",
    "WEB_CONCURRENCY",
    "GUNICORN_CMD_ARGS",
    "RATELIMIT_ENABLED",
    "RATELIMIT_KEY_PREFIX",
    "LOGIN_ACCOUNT_LIMIT",
    "TRUSTED_PROXIES",
    "SECRET_KEY",
    "CONTENT_RECHECK_SECONDS",
)


# Databases ----------------------------------------------------------------------------------


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A PostgreSQL database of its own, created for the run and dropped afterwards."""
    name = f"consult_bench_{secrets.token_hex(4)}"
    admin = create_engine(sqlalchemy_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database(kind: str, workdir: Path, admin_url: str | None = None) -> Iterator[str]:
    """A DATABASE_URL for ``kind`` "sqlite" (a file in ``workdir``) or "postgres"."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'consult.db'}"
        return
    with postgres_database(admin_url or "postgresql://postgres@127.0.0.1:5432/test") as url:
        yield url


@contextmanager
def connected(database_url: str) -> Iterator:
    """A connection to the run's database, for reading what the app stored."""
    engine = create_engine(sqlalchemy_url(database_url))
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def app_env(database_url: str, instance: Path, **settings) -> dict[str, str]:
    """The environment of an app subprocess: this database, its own instance folder, limits
    off unless ``settings`` say otherwise."""
    env = {k: v for k, v in os.environ.items() if k not in _ISOLATED}
    env.update(
        DATABASE_URL=database_url,
        CONSULT_INSTANCE_PATH=str(instance),
        SECRET_KEY="bench-" + secrets.token_hex(16),
        RATELIMIT_ENABLED="0",
    )
    env.update({name: str(value) for name, value in settings.items()})
    return env


def flask_cli(env: dict[str, str], *args: str) -> str:
    """Run ``flask --app consult ARGS`` as a deploy step would; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "consult", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def migrate_and_seed(env: dict[str, str]) -> None:
    flask_cli(env, "db", "upgrade")
    flask_cli(env, "seed-demo")


# gunicorn -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with the production config on a loopback port, as a process group."""

    def __init__(self, env: dict[str, str], log: Path, app: str = "wsgi:app", workers=None):
        self.env, self.log, self.app = env, log, app
        self.workers = workers or int(env.get("WEB_CONCURRENCY") or gunicorn_conf.workers)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> Server:
        command = [
            *(sys.executable, "-m", "gunicorn", "-c", "python:consult.gunicorn_conf"),
            *("-b", f"{HOST}:{self.port}", "-w", str(self.workers), self.app),
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        self._wait_until_ready(timeout)
        return self

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_text()[-3000:]}")
            if len(self.worker_pids()) == self.workers:
                try:
                    if Browser(self.port).get("/healthz")[0] == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn not ready after {timeout} s:\n{self.log_text()[-3000:]}")

    def worker_pids(self) -> list[int]:
        """The master's children, read from /proc."""
        if self.process is None:
            return []
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def kill_worker(self) -> int:
        """SIGKILL one worker, as the OOM killer would; the master starts another."""
        pid = random.choice(self.worker_pids())
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_all(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill_all()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


# HTTP ---------------------------------------------------------------------------------------


class Browser:
    """A tiny cookie-keeping HTTP client for one visitor (gunicorn closes each connection)."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, str]:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, body: bytes, content_type: str, headers: dict | None = None):
        return self.request("POST", path, body, {"Content-Type": content_type, **(headers or {})})

    def post_form(self, path: str, pairs, headers: dict | None = None):
        body = urlencode(pairs).encode()
        return self.post(path, body, "application/x-www-form-urlencoded", headers)

    def request(self, method, path, body=None, headers=None) -> tuple[int, dict, str]:
        connection = HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            connection.request(method, path, body, {**(headers or {}), "Cookie": cookie})
            response = connection.getresponse()
            page = response.read().decode("utf-8", "replace")
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            return response.status, dict(response.headers), page
        finally:
            connection.close()

    def _keep_cookies(self, lines: list[str]) -> None:
        for line in lines:
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in line.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)


def hidden_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    if not tag:
        raise ValueError(f"no {name} field on the page")
    return unescape(re.search(r'value="([^"]*)"', tag.group(0)).group(1))


# Surveys and submissions --------------------------------------------------------------------


@dataclass
class QuestionPlan:
    field: str
    kind: str
    required: bool
    max_choices: int | None
    choices: list[str]  #: valid values for choice kinds


@dataclass
class SurveyPlan:
    slug: str
    questions: list[QuestionPlan]


AGREE5 = ["1", "2", "3", "4", "5", "vet-ej"]
TEXT_KINDS = ("short_text", "long_text")


def survey_plans(database_url: str) -> list[SurveyPlan]:
    """The open surveys with a free-text question (for the marker), read from the database."""
    with connected(database_url) as connection:
        rows = connection.execute(
            text(
                "SELECT s.slug, q.id, q.kind, q.required, q.max_choices, q.scale_min, q.scale_max"
                ' FROM survey s JOIN "round" r ON r.id = s.round_id'
                " JOIN question q ON q.survey_id = s.id"
                " WHERE r.state = 'open' AND s.access = 'open' ORDER BY s.id, q.position"
            )
        ).all()
        options: dict[int, list[str]] = {}
        for question_id, option_id in connection.execute(
            text('SELECT question_id, id FROM "option" ORDER BY position')
        ):
            options.setdefault(question_id, []).append(str(option_id))
    plans: dict[str, SurveyPlan] = {}
    for slug, qid, kind, required, max_choices, low, high in rows:
        choices = {"agree5": AGREE5, "scale": [str(n) for n in range(low or 0, (high or 0) + 1)]}
        plans.setdefault(slug, SurveyPlan(slug, [])).questions.append(
            QuestionPlan(f"q{qid}", kind, bool(required), max_choices, choices.get(kind) or [])
        )
        if kind in ("single", "multi"):
            plans[slug].questions[-1].choices = options.get(qid, [])
    return [plan for plan in plans.values() if any(q.kind in TEXT_KINDS for q in plan.questions)]


@dataclass
class Submission:
    """One resident's answers, and what happened to them."""

    slug: str
    marker: str
    pairs: list[tuple[str, str]]
    expected_answers: int
    status: int | None = None
    attempts: int = 0
    submit_seconds: float = 0.0  #: the POST alone
    resident_seconds: float = 0.0  #: GET the form, then POST it
    errors: list[str] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        return self.status == 303


def new_marker(rng: random.Random) -> str:
    return MARKER_PREFIX + "".join(rng.choices(string.ascii_lowercase, k=20))


def valid_answers(plan: SurveyPlan, rng: random.Random, marker: str) -> tuple[list, int]:
    """Form pairs answering every question validly, the marker in the first text question;
    and how many Answer rows they make."""
    pairs: list[tuple[str, str]] = []
    texts = 0
    for question in plan.questions:
        if question.kind == "multi":
            limit = min(question.max_choices or 3, len(question.choices), 3)
            picked = rng.sample(question.choices, rng.randint(1, limit))
            pairs += [(question.field, value) for value in picked]
        elif question.kind in TEXT_KINDS:
            if texts == 0 or question.required:
                pairs.append((question.field, marker if texts == 0 else "Bra som det är."))
                texts += 1
        else:
            pairs.append((question.field, rng.choice(question.choices)))
    return pairs, len(pairs)


def make_submissions(plans: list[SurveyPlan], count: int, seed: int = 1) -> list[Submission]:
    rng = random.Random(seed)
    submissions = []
    for n in range(count):
        plan = plans[n % len(plans)]
        marker = new_marker(rng)
        pairs, expected = valid_answers(plan, rng, marker)
        submissions.append(Submission(plan.slug, marker, pairs, expected))
    return submissions


def submit(port: int, submission: Submission, *, retry_until: float | None = None) -> None:
    """GET the form and POST it with its tokens. With ``retry_until`` (a monotonic time),
    connection failures and 5xx are retried as a resident would: the page is fetched again
    if it never arrived; a POST that got no answer is sent again unchanged."""
    browser = Browser(port)
    started = time.perf_counter()
    body = _fetch_form(browser, submission, retry_until)
    if body is None:
        return
    while True:
        submission.attempts += 1
        sent = time.perf_counter()
        try:
            submission.status = browser.post_form(f"/s/{submission.slug}", body)[0]
        except (OSError, HTTPException) as error:
            submission.status = None
            submission.errors.append(f"POST: {type(error).__name__}")
        submission.submit_seconds = time.perf_counter() - sent
        done = submission.status is not None and submission.status < 500
        if done or not _may_retry(retry_until):
            break
    submission.resident_seconds = time.perf_counter() - started


def _fetch_form(browser: Browser, submission: Submission, retry_until: float | None):
    while True:
        try:
            status, _, page = browser.get(f"/s/{submission.slug}")
            if status == 200:
                tokens = [(n, hidden_value(page, n)) for n in ("csrf_token", "form_token")]
                return tokens + submission.pairs
            submission.errors.append(f"GET: {status}")
        except (OSError, HTTPException, ValueError) as error:
            submission.errors.append(f"GET: {type(error).__name__}")
        if not _may_retry(retry_until):
            return None


def _may_retry(retry_until: float | None) -> bool:
    if retry_until is None or time.monotonic() > retry_until:
        return False
    time.sleep(random.uniform(0.05, 0.25))
    return True


def run_residents(
    port: int,
    submissions: list[Submission],
    concurrency: int,
    *,
    retry_until: float | None = None,
    on_progress=None,
) -> float:
    """Submit everything with ``concurrency`` residents at a time; the wall time taken.
    ``on_progress(done_count)`` is called after each submission."""
    done = 0
    lock = threading.Lock()

    def one(submission: Submission) -> None:
        nonlocal done
        submit(port, submission, retry_until=retry_until)
        with lock:
            done += 1
            count = done
        if on_progress:
            on_progress(count)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, submissions))
    return time.perf_counter() - started


# What was stored ----------------------------------------------------------------------------


@dataclass
class StoredCheck:
    """Stored responses compared with the submissions that were made."""

    acknowledged: int
    stored: int
    lost: list[str]  #: acknowledged markers with no stored response
    incomplete: list[int]  #: response ids whose answers differ from what was sent
    duplicated: list[str]  #: markers stored more than once
    unexpected: list[int]  #: response ids that match no submission
    stored_unacknowledged: int

    @property
    def ok(self) -> bool:
        return not (self.lost or self.incomplete or self.duplicated or self.unexpected)


def stored_responses(database_url: str) -> list[tuple[int, str, str | None, int]]:
    """(response id, survey slug, marker or None, number of answers) for every response."""
    with connected(database_url) as connection:
        rows = connection.execute(
            text(
                "SELECT r.id, s.slug, m.text, (SELECT count(*) FROM answer a"
                " WHERE a.response_id = r.id) FROM response r JOIN survey s ON s.id = r.survey_id"
                " LEFT JOIN answer m ON m.response_id = r.id AND m.text LIKE :prefix"
            ),
            {"prefix": MARKER_PREFIX + "%"},
        ).all()
    return [tuple(row) for row in rows]


def response_ids(database_url: str) -> frozenset[int]:
    return frozenset(row[0] for row in stored_responses(database_url))


def check_stored(
    database_url: str, submissions: list[Submission], before: frozenset[int] = frozenset()
) -> StoredCheck:
    """Compare ``submissions`` with the responses stored since ``before`` (response ids)."""
    by_marker = {s.marker: s for s in submissions}
    seen: dict[str, int] = {}
    incomplete, unexpected = [], []
    for response_id, slug, marker, answers in stored_responses(database_url):
        if response_id in before:
            continue
        submission = by_marker.get(marker)
        if submission is None or submission.slug != slug:
            unexpected.append(response_id)
            continue
        seen[marker] = seen.get(marker, 0) + 1
        if answers != submission.expected_answers:
            incomplete.append(response_id)
    acked = [s.marker for s in submissions if s.acknowledged]
    return StoredCheck(
        acknowledged=len(acked),
        stored=sum(seen.values()) + len(unexpected),
        lost=[m for m in acked if m not in seen],
        incomplete=incomplete,
        duplicated=[m for m, n in seen.items() if n > 1],
        unexpected=unexpected,
        stored_unacknowledged=sum(1 for m in seen if not by_marker[m].acknowledged),
    )


def table_counts(database_url: str) -> dict[str, int]:
    """Rows in the tables a submission writes to."""
    with connected(database_url) as connection:
        counts = {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("response", "answer", "used_form_token", "invitation_code")
        }
    return counts


# Figures ------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def latency_summary(submissions: list[Submission]) -> dict[str, float]:
    posts = [s.submit_seconds for s in submissions if s.acknowledged]
    rounds = [s.resident_seconds for s in submissions if s.acknowledged]
    return {
        "submit_p50_ms": 1000 * percentile(posts, 0.50),
        "submit_p95_ms": 1000 * percentile(posts, 0.95),
        "resident_p50_ms": 1000 * percentile(rounds, 0.50),
        "resident_p95_ms": 1000 * percentile(rounds, 0.95),
    }


@contextmanager
def seeded_site(kind: str, workdir: Path, admin_url: str | None = None):
    """A database made for the run, migrated and seeded as in a deployment.
    Yields its URL and the app's environment (instance folder inside ``workdir``)."""
    with database(kind, workdir, admin_url) as url:
        env = app_env(url, workdir / "instance")
        migrate_and_seed(env)
        yield url, env


@contextmanager
def workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="consult-bench-") as path:
        yield Path(path)
