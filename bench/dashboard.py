"""Does the workspace cost the same at 100,000 submissions as at 1,000? One command:

    .venv/bin/python bench/dashboard.py [--database sqlite|postgresql] [--sizes 1000 100000]
                                        [--rounds 40]

For each of the two sizes: a fresh, migrated database with the benchmark's clinician, then
`flask seed-demo --count N`, timed as someone would run it. Then, in this process, the
dashboard pages (bench/dashboard_app.py) through the clinician's test client, taking turns
between the sizes request by request (after warm-up rounds), so that whatever else the
machine does falls on both sizes alike: the median and p90 of each, and the ratio of the
large size to the small against TARGET. A filter that matches less than a page at the
small size shows fewer rows there, and a page costs more the more rows it shows; so such
a page is also timed at the large size showing only as many rows ("same rows"), which
leaves the table's size as the only difference. Then the Python memory each request
allocates at its peak (tracemalloc), for the same probes. Last, each in a fresh process
(bench/dashboard_memory.py): every page 20 times, the CSV export and the FHIR Bundle of
the whole table through their routes, and how far each raised resident memory. Writes the
table to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard_app import ROOT, add_clinician, app_from, pages, rows_shown, signed_in_client  # noqa: E402
from run import VENV_BIN, fresh_postgres, production_environment  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

TARGET = 1.3  # the large size may cost at most this many times the small one
SEED_SECONDS = 120  # for 100,000 rows
# Resident memory moves in allocator arenas: a rise this small is no growth, whatever the ratio.
RSS_NOISE_MIB = 2.0
WARMUP_ROUNDS = 5
TRACED_ROUNDS = 5
MEMORY_JOBS = ("dashboard", "csv", "fhir")
SAME_ROWS = "same rows"


@dataclass
class Site:
    size: int
    env: dict
    seed_seconds: float = 0.0
    app: object = None
    client: object = None
    pages: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)  # page name -> rows it shows


def _database_url(database: str, size: int, workdir: Path) -> str:
    if database == "postgresql":
        return fresh_postgres(f"intake_bench_dashboard_{size}")
    return f"sqlite:///{workdir / f'dashboard-{size}.db'}"


def _flask(env: dict, *args: str) -> None:
    subprocess.run(
        [VENV_BIN / "flask", "--app", "intake", *args], env=env, cwd=ROOT, check=True, capture_output=True
    )


def prepare(database: str, size: int, workdir: Path) -> Site:
    """A migrated database with the clinician (seed-demo makes them the reviewer), seeded."""
    env = production_environment(_database_url(database, size, workdir), workdir)
    _flask(env, "db", "upgrade")
    site = Site(size, env)
    site.app = app_from(env)
    add_clinician(site.app)
    started = time.perf_counter()
    _flask(env, "seed-demo", "--count", str(size), "--seed", str(size))
    site.seed_seconds = time.perf_counter() - started
    if database == "postgresql":
        _settle(env["DATABASE_URL"])
    site.client = signed_in_client(site.app)
    site.pages = pages(site.app, site.client)
    site.rows = {name: rows_shown(site.client, url) for name, url in site.pages.items()}
    return site


def _settle(url: str) -> None:
    """What autovacuum has long done to a table that grew over months (planner statistics,
    visibility map), done now rather than halfway through the timing."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def _request_ms(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


@contextmanager
def page_size(site: Site, rows: int | None):
    """The dashboard showing at most `rows` rows (None: as configured) for a while."""
    saved = site.app.config["DASHBOARD_PAGE_SIZE"]
    site.app.config["DASHBOARD_PAGE_SIZE"] = rows or saved
    try:
        yield
    finally:
        site.app.config["DASHBOARD_PAGE_SIZE"] = saved


def _probes(small: Site, large: Site, name: str) -> list[tuple]:
    """(key, site, rows per page) to time for one page: each size, and the large size
    showing only the rows the small one shows, when that is fewer."""
    probes = [(small.size, small, None), (large.size, large, None)]
    if small.rows[name] < large.rows[name]:
        probes.append((SAME_ROWS, large, small.rows[name]))
    return probes


def _plan(small: Site, large: Site) -> dict[str, list[tuple]]:
    return {name: _probes(small, large, name) for name in small.pages}


def time_pages(small: Site, large: Site, rounds: int) -> dict[str, dict[object, list[float]]]:
    """Milliseconds per request, page by page, one request per probe in turn."""
    plan = _plan(small, large)
    times = {name: {key: [] for key, _, _ in probes} for name, probes in plan.items()}
    for round_ in range(WARMUP_ROUNDS + rounds):
        for name, probes in plan.items():
            for key, site, rows in probes if round_ % 2 else probes[::-1]:  # nobody always first
                with page_size(site, rows):
                    elapsed = _request_ms(site.client, site.pages[name])
                if round_ >= WARMUP_ROUNDS:
                    times[name][key].append(elapsed)
    return times


def traced_peaks(small: Site, large: Site) -> dict[str, dict[object, list[float]]]:
    """KiB of Python memory each request allocated at its peak, for the same probes as the
    times (a page showing fewer rows allocates less)."""
    plan = _plan(small, large)
    peaks = {name: {key: [] for key, _, _ in probes} for name, probes in plan.items()}
    tracemalloc.start()
    try:
        for _ in range(TRACED_ROUNDS):
            for name, probes in plan.items():
                for key, site, rows in probes:
                    with page_size(site, rows):
                        tracemalloc.reset_peak()
                        before = tracemalloc.get_traced_memory()[0]
                        assert site.client.get(site.pages[name]).status_code == 200
                        peaks[name][key].append((tracemalloc.get_traced_memory()[1] - before) / 1024)
    finally:
        tracemalloc.stop()
    return peaks


def memory_job(site: Site, job: str) -> dict:
    script = Path(__file__).resolve().parent / "dashboard_memory.py"
    done = subprocess.run(
        [sys.executable, script, job], env=site.env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if job != "dashboard":
        assert figures["count"] == site.size, (job, figures["count"], site.size)
    return figures


# --- the report ----------------------------------------------------------------------------


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def _verdict(small: float, large: float, slack: float = 0.0) -> str:
    met = large <= small * TARGET or large - small <= slack
    allowed = f"≤ {TARGET}×" + (f" or < +{slack:g}" if slack else "")
    return f"{allowed}: {'met' if met else 'MISSED'}"


def _row(label: str, values: list[float], digits: int, verdict: str = "") -> str:
    cells = " | ".join(f"{value:,.{digits}f}" for value in values)
    ratio = values[-1] / values[0] if values[0] else float("nan")
    return f"| {label} | {cells} | {ratio:.2f} | {verdict} |"


def _page_rows(
    name: str,
    by_key: dict,
    sizes: list[int],
    rows: list[int],
    measure: str = "ms",
    digits: int = 1,
    p90: bool = True,
) -> list[str]:
    """The median of each size against the target; when the small size shows fewer rows, a
    line more comparing it with the large size showing as many."""
    medians = [statistics.median(by_key[size]) for size in sizes]
    verdict = _verdict(medians[0], medians[-1])
    if SAME_ROWS in by_key:
        verdict += f" (shows {rows[0]} rows vs {rows[-1]}: next line)"
    lines = [_row(f"{name}: median {measure}", medians, digits, verdict)]
    if p90:
        lines.append(_row(f"{name}: p90 {measure}", [_p90(by_key[size]) for size in sizes], digits))
    if SAME_ROWS in by_key:
        same = statistics.median(by_key[SAME_ROWS])
        lines.append(
            _row(
                f"{name}, {rows[0]} rows at both: median {measure}",
                [medians[0], same],
                digits,
                _verdict(medians[0], same),
            )
        )
    return lines


def _memory_rows(jobs: dict, sizes: list[int]) -> list[str]:
    lines = []
    for job in MEMORY_JOBS:
        figures = [jobs[size][job] for size in sizes]
        rises = [f["rss_rise_mib"] for f in figures]
        label = "every page ×20" if job == "dashboard" else f"{job.upper()} export of all rows"
        lines.append(_row(f"{label}: RSS rise MiB", rises, 1, _verdict(rises[0], rises[-1], RSS_NOISE_MIB)))
        if job != "dashboard":
            lines.append(_row(f"{label}: s", [f["seconds"] for f in figures], 1))
            lines.append(_row(f"{label}: MB sent", [f["bytes"] / 1e6 for f in figures], 1))
    return lines


def report(database: str, rounds: int, sites: list[Site], times, peaks, jobs) -> str:
    sizes = [site.size for site in sites]
    lines = [
        f"{database} · {os.cpu_count()} cores · {rounds} interleaved rounds after {WARMUP_ROUNDS} "
        f"warm-up · {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        "",
        f"| measure | {sizes[0]:,} | {sizes[1]:,} | {sizes[1]:,}/{sizes[0]:,} | target |",
        "|---|---:|---:|---:|---|",
    ]
    seeded = [site.seed_seconds for site in sites]
    at_100k = 100_000 * seeded[-1] / sizes[-1]
    lines.append(
        _row(
            "seed-demo, s",
            seeded,
            1,
            f"100,000 in < {SEED_SECONDS} s: {'met' if at_100k < SEED_SECONDS else 'MISSED'}",
        )
    )
    for name, by_key in times.items():
        lines += _page_rows(name, by_key, sizes, [site.rows[name] for site in sites])
    for name, by_key in peaks.items():
        lines += _page_rows(
            name, by_key, sizes, [site.rows[name] for site in sites], "traced peak KiB", 0, p90=False
        )
    lines += _memory_rows(jobs, sizes)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 100_000])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intake-dashboard-") as folder:
        sites = []
        for size in sorted(args.sizes):
            print(f"seeding {size:,} ...", flush=True)
            sites.append(prepare(args.database, size, Path(folder)))
        print("timing pages ...", flush=True)
        times = time_pages(sites[0], sites[1], args.rounds)
        peaks = traced_peaks(sites[0], sites[1])
        print("memory of pages and exports, each in a process of its own ...", flush=True)
        jobs = {site.size: {job: memory_job(site, job) for job in MEMORY_JOBS} for site in sites}
    table = report(args.database, args.rounds, sites, times, peaks, jobs)
    print(table)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-dashboard-{args.database}.md").write_text(table)


if __name__ == "__main__":
    main()
