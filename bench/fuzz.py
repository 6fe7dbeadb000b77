"""Fuzz: malformed survey submissions over real HTTP, generated with Hypothesis.

    python -m bench.fuzz --db sqlite --cases 10000
    python -m bench.fuzz --db postgres --cases 10000

Every case starts from a valid submission and breaks it in at least one way (missing or
invalid answers, answers of the wrong type, too long or too many, a bad or missing CSRF or
form token, a body too large, bad percent-encoding or bytes that are not UTF-8, the wrong
content type), with harmless noise on top (unknown fields, odd Unicode in free text). No
case may get a 5xx or a 303, and the stored data must not change.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import secrets
import sys
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bench._harness import (
    TEXT_KINDS,
    Browser,
    Server,
    SurveyPlan,
    hidden_value,
    make_submissions,
    run_residents,
    seeded_site,
    survey_plans,
    table_counts,
    valid_answers,
    workspace,
)

TEXT_LIMITS = {"short_text": 200, "long_text": 4000}
BODY_LIMIT = 256 * 1024  #: MAX_CONTENT_LENGTH
FORM_TOKEN = r"^[A-Za-z0-9_-]{16,64}$"

Pairs = list[tuple[str, "str | bytes"]]


@dataclass
class Case:
    slug: str
    body: bytes
    content_type: str
    breaks: list[str] = field(default_factory=list)


# Ways to break a valid submission (each returns False when it does not apply) ---------------


def drop_required(draw, plan: SurveyPlan, pairs: Pairs) -> bool:
    required = [q.field for q in plan.questions if q.required]
    if not required:
        return False
    name = draw(st.sampled_from(required))
    pairs[:] = [(n, v) for n, v in pairs if n != name]
    return True


def junk_values(valid: list[str]):
    """Values of every wrong type and size that are not among ``valid``."""
    return st.one_of(
        st.text(max_size=40),
        st.integers().map(str),
        st.floats(allow_nan=True).map(str),
        st.sampled_from(["", " ", "0", "-1", "1e3", "[1]", "null", "true", "%00", "\x00", "ö"]),
        st.text(min_size=1000, max_size=5000),
    ).filter(lambda value: value not in valid)


def bad_choice(draw, plan: SurveyPlan, pairs: Pairs) -> bool:
    choices = [q for q in plan.questions if q.choices]
    if not choices:
        return False
    question = draw(st.sampled_from(choices))
    junk = draw(st.lists(junk_values(question.choices), min_size=1, max_size=3))
    pairs[:] = [(n, v) for n, v in pairs if n != question.field]
    pairs += [(question.field, value) for value in junk]
    return True


def too_long_text(draw, plan: SurveyPlan, pairs: Pairs) -> bool:
    texts = [q for q in plan.questions if q.kind in TEXT_KINDS]
    if not texts:
        return False
    question = draw(st.sampled_from(texts))
    length = draw(st.integers(TEXT_LIMITS[question.kind] + 1, TEXT_LIMITS[question.kind] + 3000))
    pairs[:] = [(n, v) for n, v in pairs if n != question.field]
    pairs.append((question.field, draw(st.sampled_from("aåx7")) * (length - 1) + "z"))
    return True


def too_many_choices(draw, plan: SurveyPlan, pairs: Pairs) -> bool:
    capped = [q for q in plan.questions if q.max_choices and q.max_choices < len(q.choices)]
    if not capped:
        return False
    question = draw(st.sampled_from(capped))
    picked = draw(st.permutations(question.choices))[: question.max_choices + 1]
    pairs[:] = [(n, v) for n, v in pairs if n != question.field]
    pairs += [(question.field, value) for value in picked]
    return True


def bad_token(draw, plan: SurveyPlan, pairs: Pairs) -> bool:
    name = draw(st.sampled_from(["csrf_token", "form_token"]))
    junk = draw(st.none() | st.text(max_size=80).filter(lambda v: not _looks_like_token(v)))
    pairs[:] = [(n, v) for n, v in pairs if n != name]
    if junk is not None:
        pairs.append((name, junk))
    return True


def _looks_like_token(value: str) -> bool:
    return bool(re.match(FORM_TOKEN, value))


def not_utf8(draw, plan: SurveyPlan, pairs: Pairs) -> bool:
    required = [q for q in plan.questions if q.required and q.choices]
    if not required:
        return False
    question = draw(st.sampled_from(required))
    raw = draw(st.binary(min_size=1, max_size=20).filter(_invalid_utf8))
    pairs[:] = [(n, v) for n, v in pairs if n != question.field]
    pairs.append((question.field, raw))
    return True


def _invalid_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


BREAKERS = [drop_required, bad_choice, too_long_text, too_many_choices, bad_token, not_utf8]


def add_noise(draw, plan: SurveyPlan, pairs: Pairs) -> None:
    """Unknown fields and odd Unicode in optional free text: harmless on their own."""
    known = {q.field for q in plan.questions} | {"csrf_token", "form_token"}
    names = st.text(min_size=1, max_size=30).filter(lambda n: n not in known)
    pairs += draw(st.lists(st.tuples(names, st.text(max_size=50)), max_size=4))
    optional_texts = [q for q in plan.questions if q.kind in TEXT_KINDS and not q.required]
    if optional_texts and draw(st.booleans()):
        question = draw(st.sampled_from(optional_texts))
        if all(n != question.field for n, _ in pairs):
            pairs.append((question.field, draw(st.text(max_size=150))))


# Encodings ----------------------------------------------------------------------------------


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def urlencoded(pairs: Pairs) -> bytes:
    return "&".join(f"{quote_plus(_bytes(n))}={quote_plus(_bytes(v))}" for n, v in pairs).encode()


def multipart(pairs: Pairs, boundary: str) -> bytes:
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (boundary.encode(), _bytes(n).replace(b'"', b"%22"), _bytes(v))
        for n, v in pairs
    ]
    return b"".join(parts) + b"--%s--\r\n" % boundary.encode()


@st.composite
def malformed_submissions(draw, plans: list[SurveyPlan], csrf: str) -> Case:
    plan = draw(st.sampled_from(plans))
    pairs, _ = valid_answers(plan, random.Random(draw(st.integers(0, 2**32))), "fuzz")
    pairs[:0] = [("csrf_token", csrf), ("form_token", secrets.token_urlsafe(24))]
    add_noise(draw, plan, pairs)
    chosen = draw(st.lists(st.sampled_from(BREAKERS), min_size=1, max_size=3, unique=True))
    breaks = [breaker.__name__ for breaker in chosen if breaker(draw, plan, pairs)]
    if not breaks:  # nothing applied to this survey: no CSRF token breaks any
        pairs[:] = [(n, v) for n, v in pairs if n != "csrf_token"]
        breaks = ["no_csrf_token"]
    return _encoded(draw, plan.slug, pairs, breaks)


def _encoded(draw, slug: str, pairs: Pairs, breaks: list[str]) -> Case:
    how = draw(st.sampled_from(["urlencoded", "multipart", "oversized", "bad_percent", "type"]))
    if how == "multipart":
        boundary = "b" + secrets.token_hex(8)
        content_type = f"multipart/form-data; boundary={boundary}"
        return Case(slug, multipart(pairs, boundary), content_type, breaks)
    body = urlencoded(pairs)
    form = "application/x-www-form-urlencoded"
    if how == "oversized":
        extra = draw(st.integers(1, 64 * 1024))
        padded = body + b"&pad=" + b"x" * (BODY_LIMIT + extra)
        return Case(slug, padded, form, [*breaks, "oversized"])
    if how == "bad_percent":
        junk = draw(st.sampled_from([b"&%zz=1", b"&q=%", b"&%=%%"]))
        return Case(slug, body + junk, form, [*breaks, "bad_percent"])
    if how == "type":
        wrong = ["application/json", "text/plain", "multipart/form-data", "application/xml", ""]
        return Case(slug, body, draw(st.sampled_from(wrong)), breaks)
    return Case(slug, body, form, breaks)


# Running ------------------------------------------------------------------------------------


@dataclass
class FuzzReport:
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    stored_before: dict = field(default_factory=dict)
    stored_after: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures and self.stored_before == self.stored_after and self.cases > 0


def run_fuzz(port: int, url: str, plans: list[SurveyPlan], cases: int, seed=None) -> FuzzReport:
    """Send ``cases`` malformed submissions; a deterministic run when ``seed`` is given."""
    browser = Browser(port)
    csrf = hidden_value(browser.get(f"/s/{plans[0].slug}")[2], "csrf_token")
    report = FuzzReport(stored_before=table_counts(url))

    @settings(
        max_examples=cases,
        database=None,
        deadline=None,
        derandomize=seed is not None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(malformed_submissions(plans, csrf))
    def send(case: Case) -> None:
        report.cases += 1
        try:
            status = browser.post(f"/s/{case.slug}", case.body, case.content_type)[0]
        except OSError as error:  # fine only for a body refused (413) before it was all sent
            status = "reset" if "oversized" in case.breaks else type(error).__name__
        report.statuses[status] += 1
        if _failed(status):
            report.failures.append(f"{status} for {case.breaks}: {case.body[:300]!r}")

    send()
    report.stored_after = table_counts(url)
    return report


def _failed(status: int | str) -> bool:
    """Stored (303), crashed (5xx) or dropped for no good reason."""
    if isinstance(status, str):
        return status != "reset"
    return status == 303 or status >= 500


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--admin-url", help="PostgreSQL server to create the database on")
    args = parser.parse_args(argv)
    with workspace() as tmp, seeded_site(args.db, tmp, args.admin_url) as (url, env):
        server = Server(env, tmp / "gunicorn.log").start()
        try:
            plans = survey_plans(url)
            run_residents(server.port, make_submissions(plans, 100), 10)  # data to keep intact
            report = run_fuzz(server.port, url, plans, args.cases)
        finally:
            server.stop()
        log = server.log_text()
    print(
        json.dumps(
            {
                "database": args.db,
                "cases": report.cases,
                "statuses": {str(k): v for k, v in report.statuses.most_common()},
                "failures": report.failures[:10],
                "stored_before": report.stored_before,
                "stored_after": report.stored_after,
                "tracebacks_in_log": log.count("Traceback"),
                "ok": report.ok,
            },
            indent=2,
        )
    )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
