"""What the compiled step pages buy: a step GET in-process, with the page compiled once
(as served) and compiled afresh on every request (the same templates rendered through
Jinja each time, which is the least a plain render costs: it would also build the
WTForms form that a compiled GET skips).

Interleaved batches on one app, one warm draft at its heaviest page (the history step),
medians of the per-request times. Run by hand:

    .venv/bin/python bench/step_page.py [--requests 300] [--rounds 7] [--step history]

DESIGN.md: a speed trick stays only if it buys a measured 1.5x on a page people wait for.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import TestingConfig  # noqa: E402
from intake import create_app  # noqa: E402
from intake.extensions import db  # noqa: E402
from intake.patient.step_page import step_page_cache  # noqa: E402
from tests.answers import COMPLETE_FORM, STEPS  # noqa: E402


def patient_at(app, step: str):
    client = app.test_client()
    token = _token(client, "/")
    client.post("/", data={**COMPLETE_FORM["welcome"], "csrf_token": token})
    for page in STEPS:
        if page == step:
            break
        client.post(
            f"/step/{page}", data={**COMPLETE_FORM[page], "csrf_token": _token(client, f"/step/{page}")}
        )
    return client


def _token(client, path: str) -> str:
    import re

    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def per_request_ms(client, path: str, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(path)
        assert response.status_code == 200, response.status_code
    return (time.perf_counter() - started) * 1000 / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--step", default="history")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="step-page-bench-"))

    class Bench(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{workdir / 'bench.db'}"
        ARGON2_MEMORY_KIB = 19456

    app = create_app(Bench)
    logging.getLogger("intake.request").disabled = True
    with app.app_context():
        db.create_all()
    client = patient_at(app, args.step)
    path = f"/step/{args.step}"
    with app.app_context():
        cache = step_page_cache()
    times = {"compiled once": [], "compiled every request": []}
    for _ in range(args.rounds):
        for name, enabled in (("compiled once", True), ("compiled every request", False)):
            cache.enabled = enabled
            per_request_ms(client, path, 20)  # warm
            times[name].append(per_request_ms(client, path, args.requests))
    once, every = (statistics.median(times[name]) for name in times)
    for name, values in times.items():
        print(
            f"{name:24} median {statistics.median(values):.3f} ms  (runs {', '.join(f'{v:.3f}' for v in values)})"
        )
    print(f"compiled once buys {every / once:.2f}x on GET {path}")


if __name__ == "__main__":
    main()
