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


def bare_submissions(count: int) -> list[Submission]:
    """The same exchange against the bare app: GET a page with tokens, POST a small form."""
    return [
        Submission("bare", f"bare{n}", [("q1", "3"), ("q2", "4"), ("q3", "ok")], 3)
        for n in range(count)
    ]


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
        settings = {"workers": workers} if workers else {}
        bare = Server(env, tmp / "bare.log", app="bench.bare:app", **settings).start()
        try:
            measure(bare.port, bare_submissions(200), residents)  # warm-up
            baseline = measure(bare.port, bare_submissions(count), residents)
        finally:
            bare.stop()
        server = Server(env, tmp / "gunicorn.log", **settings).start()
        warm_up, submissions = make_submissions(plans, 200, seed=7), make_submissions(plans, count)
        try:
            measure(server.port, warm_up, residents)
            consult = measure(server.port, submissions, residents)
        finally:
            server.stop()
        check = check_stored(url, warm_up + submissions)
        log = server.log_text()
    return {
        "database": kind,
        "residents": residents,
        "workers": server.workers,
        "consult": consult,
        "bare_flask": baseline,
        "throughput_ratio": round(consult["per_second"] / baseline["per_second"], 3),
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
