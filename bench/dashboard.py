"""Dashboard latency at two table sizes, in-process (no HTTP server), on SQLite.

    .venv/bin/python bench/dashboard.py [--sizes 1000 100000] [--repeat 20]

For each size: a fresh SQLite file, `flask seed-demo --count N` (timed), then the median
of `--repeat` requests for the first page, a filtered page (tier=urgent&status=new), a
last-name search, and the page after 1,000 rows (keyset), through the test client of a
signed-in clinician.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from config import TestingConfig  # noqa: E402
from intake import create_app, demo  # noqa: E402
from intake.extensions import db  # noqa: E402
from intake.models import Submission, utcnow  # noqa: E402
from intake.questionnaire.twitching import QUESTIONNAIRE  # noqa: E402
from intake.security import search_key  # noqa: E402
from intake.workspace import Cursor  # noqa: E402


def _app(path: Path):
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TESTING": False}
    return create_app(type("BenchConfig", (TestingConfig,), settings))


def _median_ms(client, url: str, repeat: int) -> float:
    client.get(url)  # warm caches once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def _signed_in_client(app):
    from intake import auth

    with app.app_context():
        account, _ = auth.create_clinician("bench", "Bench", "clinician", utcnow())
        account.password_hash = auth.hash_password("bench password 123")
        account.must_change_password = False
        db.session.commit()
    client = app.test_client()
    page = client.get("/clinic/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/clinic/login", data={"csrf_token": token, "username": "bench", "password": "bench password 123"})
    assert response.status_code == 302, response.status_code
    return client


def measure(size: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        app = _app(Path(folder) / "bench.db")
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            demo.seed(QUESTIONNAIRE, size, utcnow(), search_key(), None, seed_value=size)
            seeded = time.perf_counter() - started
            last_name = db.session.scalar(select(Submission.answers).limit(1))["about.last_name"]
            deep = db.session.scalars(
                select(Submission).order_by(Submission.submitted_at.desc(), Submission.id.desc()).offset(1000).limit(1)
            ).first()
            cursor = Cursor.of(deep).encode() if deep else None
        client = _signed_in_client(app)
        search = client.post("/clinic/", data={
            "csrf_token": client.get("/clinic/").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0],
            "q": last_name}).location
        figures = {
            "seed (s)": seeded,
            "first page (ms)": _median_ms(client, "/clinic/", repeat),
            "tier=urgent&status=new (ms)": _median_ms(client, "/clinic/?tier=urgent&status=new", repeat),
            "last-name search (ms)": _median_ms(client, search, repeat),
        }
        if cursor:
            figures["page after 1,000 rows (ms)"] = _median_ms(client, f"/clinic/?before={cursor}", repeat)
        with app.app_context():
            db.engine.dispose()
        return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    results = {size: measure(size, args.repeat) for size in args.sizes}
    names = list(dict.fromkeys(name for figures in results.values() for name in figures))
    print(f"{'':32}" + "".join(f"{size:>14,}" for size in results))
    for name in names:
        print(f"{name:32}" + "".join(f"{results[size].get(name, float('nan')):>14.1f}" for size in results))


if __name__ == "__main__":
    main()
