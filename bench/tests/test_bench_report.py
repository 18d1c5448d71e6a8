"""bench/run.py's table: ratios are taken against the mean of the baseline's two runs,
so drift between the start and the end of a run shows instead of skewing every ratio; and
a run stops before any set-up when wrk is missing."""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import run as bench  # noqa: E402

ARGS = Namespace(database="sqlite", connections=16, seconds=10)


def reading(rps: float, p99: float = 10.0, mem_mb: float = 70) -> dict:
    return {"rps": rps, "p50_ms": 5.0, "p99_ms": p99, "errors": 0, "mem_mb": mem_mb}


def row(table: str, name: str) -> list[str]:
    line = next(line for line in table.splitlines() if line.startswith(f"| {name} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_ratios_are_against_the_mean_of_both_baseline_runs():
    results = {
        "baseline": reading(8000),
        "step GET": reading(1790),
        "step POST": reading(720),
        bench.LAST_BASELINE: reading(4000),
    }
    table = bench.report(results, ARGS, 9000)
    assert row(table, "step GET")[2] == "0.30"  # 1790 / 6000, not 1790 / 8000
    assert row(table, "step GET")[7] == "≥ 0.30× MISSED; p99 met; memory met"  # 0.298 is short of 0.30
    assert row(table, "step POST")[2] == "0.12"
    assert "≥ 0.12× met" in row(table, "step POST")[7]  # 720 / 6000 = 0.12
    assert "before (8000) and after (4000)" in table
    assert "drifted 67%" in table


def test_the_baseline_rows_carry_no_targets():
    results = {"baseline": reading(5000, p99=150), bench.LAST_BASELINE: reading(5000, p99=150)}
    table = bench.report(results, ARGS, 9000)
    assert row(table, "baseline")[7] == ""
    assert row(table, bench.LAST_BASELINE)[7] == ""


def test_a_run_with_one_baseline_reading_still_reports():
    table = bench.report({"baseline": reading(6000), "welcome": reading(3000, p99=120)}, ARGS, 9000)
    assert row(table, "welcome")[2] == "0.50"
    assert row(table, "welcome")[7] == "p99 MISSED; memory met"


def test_a_page_whose_workers_reach_100_mb_misses_the_memory_target():
    results = {
        "baseline": reading(6000, mem_mb=120),
        "welcome": reading(3000, mem_mb=100),
        "step GET": reading(2000, mem_mb=99.4),
    }
    table = bench.report(results, ARGS, 9000)
    assert row(table, "welcome")[7] == "p99 met; memory MISSED"
    assert row(table, "step GET")[7].endswith("; memory met")
    assert row(table, "baseline")[7] == ""  # the baseline is the yardstick, not judged


def test_the_memory_of_a_clinicians_sign_in_is_judged_too():
    results = {"baseline": reading(6000), "welcome": reading(3000)}
    assert "sign-in (its argon2 hash): peak RSS per worker 101 MB, memory MISSED" in bench.report(
        results, ARGS, 9000, sign_in_mb=100.6
    )
    assert "peak RSS per worker 96 MB, memory met" in bench.report(results, ARGS, 9000, sign_in_mb=96.0)


def test_a_run_without_wrk_stops_first_and_says_how_to_install_it(monkeypatch):
    import wrk

    monkeypatch.setattr(wrk.shutil, "which", lambda name: None)
    monkeypatch.setattr(sys, "argv", ["bench/run.py"])
    monkeypatch.setattr(bench.tempfile, "mkdtemp", lambda **_: pytest.fail("set-up began without wrk"))
    with pytest.raises(SystemExit, match="apt-get install -y wrk"):
        bench.main()
