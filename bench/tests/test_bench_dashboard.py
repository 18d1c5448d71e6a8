"""bench/dashboard.py's table: a filter that shows fewer rows at 1,000 submissions than at
100,000 is judged against the large size showing as many rows, for time and memory alike,
so the table reports the table's size and not the page's length."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dashboard as bench  # noqa: E402


def site(size: int, rows: dict) -> bench.Site:
    return bench.Site(size=size, env={}, seed_seconds=size / 2000, rows=rows)


SITES = [site(1000, {"first page": 50, "urgent": 9}), site(100_000, {"first page": 50, "urgent": 50})]
TIMES = {
    "first page": {1000: [3.0] * 10, 100_000: [3.3] * 10},
    "urgent": {1000: [2.0] * 10, 100_000: [3.6] * 10, bench.SAME_ROWS: [2.1] * 10},
}
PEAKS = {
    "first page": {1000: [220.0] * 5, 100_000: [212.0] * 5},
    "urgent": {1000: [62.0] * 5, 100_000: [226.0] * 5, bench.SAME_ROWS: [63.0] * 5},
}
JOBS = {
    size: {job: {"rss_rise_mib": 1.0, "seconds": 1.0, "bytes": 1e6} for job in bench.MEMORY_JOBS}
    for size in (1000, 100_000)
}


def rows(table: str, start: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in table.splitlines()
        if line.startswith(f"| {start}")
    ]


def test_memory_of_a_shorter_page_is_judged_at_as_many_rows_as_it_shows():
    table = bench.report("sqlite", 40, SITES, TIMES, PEAKS, JOBS)
    [peak] = rows(table, "urgent: median traced peak KiB")
    assert peak[4] == "≤ 1.3×: MISSED (shows 9 rows vs 50: next line)"
    [same] = rows(table, "urgent, 9 rows at both: median traced peak KiB")
    assert same[1:4] == ["62", "63", "1.02"] and same[4] == "≤ 1.3×: met"
    [first] = rows(table, "first page: median traced peak KiB")
    assert first[4] == "≤ 1.3×: met"
    assert not rows(table, "first page, ")  # as many rows at both sizes: no extra line


def test_times_keep_their_p90_and_memory_has_none():
    table = bench.report("sqlite", 40, SITES, TIMES, PEAKS, JOBS)
    assert rows(table, "urgent: p90 ms") and not rows(table, "urgent: p90 traced")
    [same] = rows(table, "urgent, 9 rows at both: median ms")
    assert same[4] == "≤ 1.3×: met"
