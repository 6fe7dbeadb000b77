"""Fault: kill -9 a gunicorn worker, and later the whole server, in the middle of a load.

    python -m bench.fault --db sqlite --residents 20 --submissions 1000
    python -m bench.fault --db postgres --residents 20 --submissions 1000

Residents whose request fails retry as a person would (fetch the page again, or send the
same form again); the form token makes a repeated POST store nothing twice. Afterwards
every acknowledged response must be stored, once, with all its answers, and no stored
response may lack any of its answers.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from dataclasses import asdict

from bench._harness import (
    Server,
    check_stored,
    make_submissions,
    response_ids,
    run_residents,
    seeded_site,
    survey_plans,
    workspace,
)


class Chaos:
    """Kills at given shares of the submissions done: ("worker" | "server", share)."""

    def __init__(self, server: Server, total: int, plan: list[tuple[str, float]]):
        self.server, self.total = server, total
        self.pending = sorted(plan, key=lambda step: step[1])
        self.done: list[dict] = []
        self.lock = threading.Lock()

    def on_progress(self, count: int) -> None:
        with self.lock:
            while self.pending and count >= self.pending[0][1] * self.total:
                what, _ = self.pending.pop(0)
                self.done.append({"kill": what, "after": count, **self._kill(what)})

    def _kill(self, what: str) -> dict:
        if what == "worker":
            return {"pid": self.server.kill_worker()}
        self.server.kill_all()
        time.sleep(0.5)  # residents meet a refused connection for a while
        started = time.monotonic()
        self.server.start()
        return {"restart_seconds": round(time.monotonic() - started, 2)}


def run_with_faults(
    server: Server, url: str, plans, count: int, residents: int, kills, seed: int = 1
) -> dict:
    """Submit ``count`` responses while ``kills`` happen; the verdict and figures."""
    submissions = make_submissions(plans, count, seed=seed)
    before = response_ids(url)
    chaos = Chaos(server, count, kills)
    wall = run_residents(
        server.port,
        submissions,
        residents,
        retry_until=time.monotonic() + 120,
        on_progress=chaos.on_progress,
    )
    check = check_stored(url, submissions, before)
    return {
        "submissions": count,
        "seconds": round(wall, 1),
        "kills": chaos.done,
        "failed_gets_retried": _errors(submissions, "GET"),
        "failed_posts_sent_again": _errors(submissions, "POST"),
        "never_acknowledged": sum(not s.acknowledged for s in submissions),
        **asdict(check),
        "ok": check.ok and len(chaos.done) == len(kills),
    }


def _errors(submissions, method: str) -> int:
    return sum(error.startswith(method) for s in submissions for error in s.errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--residents", type=int, default=20)
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--admin-url", help="PostgreSQL server to create the database on")
    args = parser.parse_args(argv)
    with workspace() as tmp, seeded_site(args.db, tmp, args.admin_url) as (url, env):
        server = Server(env, tmp / "gunicorn.log").start()
        try:
            kills = [("worker", 0.2), ("worker", 0.4), ("server", 0.6)]
            result = run_with_faults(
                server, url, survey_plans(url), args.submissions, args.residents, kills
            )
        finally:
            server.stop()
    for key in ("lost", "incomplete", "duplicated", "unexpected"):
        result[key] = len(result[key])
    print(json.dumps({"database": args.db, **result}, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
