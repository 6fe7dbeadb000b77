"""How the board's dashboard and exports scale: ``python bench/dashboard.py``.

In one run, on one database, three copies of the demo survey "livsmiljo" get 1k, 10k and
100k simulated responses (``simulate_responses``, seeded). Then, through the Flask test
client signed in as staff:

- the dashboard of each copy is rendered cold (aggregate cache emptied: every GROUP BY
  runs) and warm (cache filled: only the response stamp and free-text counts run), and the
  ratio 100k/1k is printed for both (goal: warm ≤ 3);
- the full anonymised CSV and XLSX exports of each copy are streamed and thrown away while
  tracemalloc records the peak of Python memory, printed as the ratio 100k/1k (goal: flat);
- the dashboard's page weight (HTML and assets, gzip) is printed.

SQLite in a temporary folder by default; ``BENCH_DATABASE_URL=postgresql://…`` uses that
database instead (its tables are dropped and created). Options: ``--sizes 1000 10000``,
``--repeat N``.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # config.py lives at the top level
    sys.path.insert(0, str(ROOT))

from config import database_url  # noqa: E402
from consult import create_app  # noqa: E402
from consult.demo import seed_demo  # noqa: E402
from consult.extensions import db  # noqa: E402
from consult.models import Option, Question, Role, Round, RoundState, Survey  # noqa: E402
from consult.simulate import simulate_responses  # noqa: E402
from consult.surveys import get_survey  # noqa: E402
from consult.users import create_user  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
TEMPLATE = "livsmiljo"
EMAIL, PASSWORD = "bench-staff@example.se", "benchmark-password-not-secret"


def make_app(url: str | None):
    folder = tempfile.mkdtemp(prefix="consult-bench-")
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder}/bench.db",
            "SECRET_KEY": "benchmark-only",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )


def copy_survey(template: Survey, round_: Round, slug: str) -> Survey:
    """A survey with the same questions and options as ``template``."""
    survey = Survey(
        round=round_,
        target_area=template.target_area,
        slug=slug,
        title=f"{template.title} ({slug})",
    )
    columns = ("position", "kind", "text", "help", "required", "is_background", "key")
    columns += ("max_choices", "scale_min", "scale_max", "min_label", "max_label")
    for question in template.questions:
        copy = Question(**{name: getattr(question, name) for name in columns})
        copy.options = [Option(position=o.position, label=o.label) for o in question.options]
        survey.questions.append(copy)
    db.session.add(survey)
    return survey


def prepare(app, sizes) -> dict[int, str]:
    """Fresh tables, the demo, a benchmark round with one filled copy per size."""
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo()
        round_ = Round(title="Benchmark", state=RoundState.CLOSED)
        template = get_survey(TEMPLATE)
        slugs = {size: f"bench-{size}" for size in sizes}
        for slug in slugs.values():
            copy_survey(template, round_, slug)
        create_user(EMAIL, PASSWORD, Role.STAFF)
        db.session.commit()
        for size, slug in slugs.items():
            started = time.perf_counter()
            simulate_responses(get_survey(slug), size, seed=size)
            db.session.commit()
            print(f"  simulated {size:>7,} responses in {time.perf_counter() - started:6.1f} s")
        return slugs


def signed_in(app):
    client = app.test_client()
    response = client.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def render_ms(app, client, url: str, *, cold: bool, repeat: int) -> float:
    """Median time to render ``url`` (with the aggregate cache emptied first if ``cold``)."""
    client.get(url)  # templates compiled, assets hashed, cache filled
    times = []
    for _ in range(repeat):
        if cold:
            app.extensions.pop("consult.aggregates", None)
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and b"data-figure" in response.data
    return statistics.median(times)


def export_peak(client, url: str) -> tuple[float, float, int]:
    """Peak traced Python memory (MiB), seconds and bytes of one streamed export."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    response = client.get(url, buffered=False)
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200
    return peak / 2**20, seconds, size


def page_weight(client, url: str) -> tuple[int, int]:
    """Gzip bytes of the HTML, and of the HTML with every asset it loads."""
    html = client.get(url).data
    total = html_size = len(gzip.compress(html, 6))
    for asset in re.findall(rb'<(?:link|script)[^>]+(?:href|src)="(/[^"]+)"', html):
        body = client.get(asset.decode(), headers={"Accept-Encoding": "gzip"}).data
        total += len(body) if body[:2] == b"\x1f\x8b" else len(gzip.compress(body, 6))
    return html_size, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    url = database_url(os.environ.get("BENCH_DATABASE_URL"))
    app = make_app(url)
    print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    slugs = prepare(app, sizes)
    client = signed_in(app)
    rows = {}
    for size in sizes:
        page = f"/board/surveys/{slugs[size]}?simulated=1"
        cold = render_ms(app, client, page, cold=True, repeat=max(1, args.repeat // 2))
        warm = render_ms(app, client, page, cold=False, repeat=args.repeat)
        export = f"/board/surveys/{slugs[size]}/responses.%s?simulated=1"
        csv_peak, csv_s, csv_bytes = export_peak(client, export % "csv")
        xlsx_peak, xlsx_s, _ = export_peak(client, export % "xlsx")
        rows[size] = (cold, warm, csv_peak, xlsx_peak)
        print(
            f"  {size:>7,} responses: dashboard cold {cold:7.1f} ms, warm {warm:6.1f} ms | "
            f"CSV export peak {csv_peak:5.2f} MiB "
            f"({csv_bytes / 2**20:5.1f} MiB in {csv_s:5.1f} s), "
            f"XLSX peak {xlsx_peak:5.2f} MiB ({xlsx_s:5.1f} s)"
        )
    small, large = sizes[0], sizes[-1]
    ratio = [rows[large][n] / rows[small][n] for n in range(4)]
    print(f"ratio {large:,}/{small:,}:")
    print(f"  dashboard render, warm: {ratio[1]:.2f}  (goal ≤ 3)")
    print(f"  dashboard render, cold: {ratio[0]:.2f}  (every aggregate recounted)")
    print(f"  export peak memory, CSV: {ratio[2]:.2f}, XLSX: {ratio[3]:.2f}  (goal: flat, ≈ 1)")
    html, total = page_weight(client, f"/board/surveys/{slugs[small]}?simulated=1")
    print(f"dashboard page weight (gzip): HTML {html / 1024:.1f} KiB, ", end="")
    print(f"with its assets {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
