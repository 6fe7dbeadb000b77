"""Load: many residents at once submitting surveys through gunicorn on loopback.

    python -m bench.load --db sqlite --residents 50 --submissions 2000
    python -m bench.load --db postgres --residents 50 --submissions 2000

Prints errors, lost responses (acknowledged with a 303 but not stored), latency and
throughput, and throughput as a ratio to bench/bare.py (a bare Flask POST route) under
the same gunicorn settings and the same client, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys

from bench import bare
from bench._harness import (
    Server,
    Submission,
    check_stored,
    latency_summary,
    make_submissions,
    run_residents,
    seeded_site,
    survey_plans,
    workspace,
)


def bare_submissions(count: int, _seed: int = 0) -> list[Submission]:
    """The same exchange against the bare app: GET a page with tokens, POST a small form."""
    return [
        Submission("bare", f"bare{n}", [("q1", "3"), ("q2", "4"), ("q3", "ok")], 3)
        for n in range(count)
    ]


def measured(server: Server, make, residents: int, count: int) -> tuple[dict, list[Submission]]:
    """Start ``server``; warm it up with 200 submissions, then measure ``count`` of them
    (``make(size, seed)``); stop it. The figures, and every submission sent."""
    warm_up, submissions = make(200, 7), make(count, 1)
    server.start()
    try:
        measure(server.port, warm_up, residents)
        return measure(server.port, submissions, residents), warm_up + submissions
    finally:
        server.stop()


def measure(port: int, submissions: list[Submission], residents: int) -> dict:
    wall = run_residents(port, submissions, residents)
    acked = sum(s.acknowledged for s in submissions)
    return {
        "submissions": len(submissions),
        "acknowledged": acked,
        "errors": len(submissions) - acked,
        "seconds": round(wall, 2),
        "per_second": round(acked / wall, 1),
        **{k: round(v, 1) for k, v in latency_summary(submissions).items()},
    }


def run(kind: str, residents: int, count: int, workers: int | None, admin_url: str | None):
    with workspace() as tmp, seeded_site(kind, tmp, admin_url) as (url, env):
        plans = survey_plans(url)
        bare.create_tables(url)

        def server(name: str, app: str) -> Server:
            settings = {"workers": workers} if workers else {}
            return Server(env, tmp / f"{name}.log", app=app, **settings)

        def answers(size: int, seed: int) -> list[Submission]:
            return make_submissions(plans, size, seed=seed)

        baseline, _ = measured(server("bare", "bench.bare:app"), bare_submissions, residents, count)
        floor, _ = measured(
            server("bare-writes", "bench.bare:app_with_writes()"), answers, residents, count
        )
        consult_server = server("gunicorn", "wsgi:app")
        consult, sent = measured(consult_server, answers, residents, count)
        check = check_stored(url, sent)
        log = consult_server.log_text()
    return {
        "database": kind,
        "residents": residents,
        "workers": consult_server.workers,
        "consult": consult,
        "bare_flask": baseline,
        "bare_flask_with_the_same_writes": floor,
        "throughput_ratio": round(consult["per_second"] / baseline["per_second"], 3),
        "throughput_ratio_to_bare_with_writes": round(
            consult["per_second"] / floor["per_second"], 3
        ),
        "acknowledged_with_warm_up": check.acknowledged,
        "stored_with_warm_up": check.stored,
        "lost": len(check.lost),
        "incomplete": len(check.incomplete),
        "duplicated": len(check.duplicated),
        "database_is_locked_in_log": log.count("database is locked"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the config's)")
    parser.add_argument("--admin-url", help="PostgreSQL server to create the database on")
    args = parser.parse_args(argv)
    result = run(args.db, args.residents, args.submissions, args.workers, args.admin_url)
    print(json.dumps(result, indent=2))
    lost = result["stored_with_warm_up"] != result["acknowledged_with_warm_up"]
    failed = result["consult"]["errors"] or result["lost"] or result["incomplete"] or lost
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
