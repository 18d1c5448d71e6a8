"""bench/loadtest.py against a server that is already running (--url): real patients
over HTTP, then the count in that server's database, limited to what the run sent."""

from __future__ import annotations

import argparse
import sys
from argparse import Namespace
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import loadtest  # noqa: E402

from tests.answers import MARIA  # noqa: E402
from tests.conftest import app_with_schema, make_app, make_submission  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402


@pytest.fixture
def running(database_url):
    # Every client here comes from 127.0.0.1, as in the README's advice for a load test.
    with app_with_schema(database_url, PATIENT_POST_RATE_LIMIT="100000/minute") as app:
        with LiveServer(app) as server:
            yield app, server


def test_every_questionnaire_confirmed_by_a_running_server_is_counted_once(running):
    app, server = running
    since = datetime.now(timezone.utc)
    confirmed, statuses, failures = loadtest.run_clients([("127.0.0.1", server.port)], clients=2, seconds=2)
    assert confirmed and failures == 0
    assert set(statuses) == {200, 302}
    counts = loadtest.count_in_database(app, confirmed, since)
    assert counts == {
        "submitted rows": len(confirmed),
        "confirmed": len(confirmed),
        "confirmed but missing": 0,
        "confirmed more than once": 0,
        "half-written (submitted but incomplete)": 0,
        "unfinished drafts": counts["unfinished drafts"],
    }
    assert counts["unfinished drafts"] <= 2  # at most one walk per client cut off by the deadline


def test_only_what_the_run_sent_is_counted_and_a_lost_confirmation_shows(running):
    app, server = running
    make_submission(
        app, MARIA, submitted_at=datetime.now(timezone.utc) - timedelta(hours=1), reference="AAAA-2222"
    )
    since = datetime.now(timezone.utc)
    confirmed, _statuses, _failures = loadtest.run_clients([("127.0.0.1", server.port)], clients=1, seconds=1)
    counts = loadtest.count_in_database(app, [*confirmed, "ZZZZ-9999"], since)
    assert counts["submitted rows"] == len(confirmed)  # not the one sent an hour before
    assert counts["confirmed but missing"] == 1


def test_the_report_says_when_the_servers_rate_limit_refused_the_clients():
    report = loadtest.report(
        Namespace(clients=4),
        where="1 running server(s): 127.0.0.1:5000",
        elapsed=5.0,
        confirmed=["AAAA-2222"],
        statuses=Counter({200: 10, 302: 9, 429: 40}),
        failures=40,
        server_log=None,
        counts={"confirmed but missing": 0},
    )
    assert "5xx responses: 0" in report
    assert '"database is locked" in server logs: not searched (no --server-log)' in report
    assert "raise PATIENT_POST_RATE_LIMIT" in report


def test_a_url_names_the_server_to_drive():
    assert loadtest.target("http://10.0.0.5:8000") == ("10.0.0.5", 8000)
    assert loadtest.target("http://app.internal") == ("app.internal", 80)
    with pytest.raises(argparse.ArgumentTypeError):
        loadtest.target("https://clinic.example")  # TLS ends at the balancer; drive the app behind it


def test_confirmations_looked_up_in_chunks_lose_none_at_the_edges(running, monkeypatch):
    app, _server = running
    references = [f"BBBB-{n:04d}" for n in range(5)]
    for reference in references:
        make_submission(app, MARIA, reference=reference)
    monkeypatch.setattr(loadtest, "IN_CHUNK", 2)  # three statements: 2, 2 and 2 references
    since = datetime.now(timezone.utc) - timedelta(hours=1)
    counts = loadtest.count_in_database(app, [*references, "ZZZZ-9999"], since)
    assert (
        counts["submitted rows"],
        counts["confirmed but missing"],
        counts["confirmed more than once"],
    ) == (5, 1, 0)


def checked(app, port: int) -> str | None:
    """What the load test's pre-flight says of the server on this port."""
    return loadtest.where_the_servers_write(app, [("127.0.0.1", port)])


def another_database(tmp_path, secret_key: str):
    return app_with_schema(f"sqlite:///{tmp_path / 'elsewhere.db'}", SECRET_KEY=secret_key)


def test_a_run_starts_only_when_it_counts_in_the_servers_database(running):
    app, server = running
    assert checked(app, server.port) is None


def test_a_run_counting_in_another_database_is_refused_before_it_starts(running, tmp_path):
    app, server = running
    with another_database(tmp_path, app.config["SECRET_KEY"]) as elsewhere:
        problem = checked(elsewhere, server.port)
    assert "is not in sqlite:///" in problem and "DATABASE_URL" in problem


def test_a_run_with_another_secret_key_is_refused_before_it_starts(running, tmp_path):
    _, server = running
    with another_database(tmp_path, "another key " * 4) as elsewhere:
        problem = checked(elsewhere, server.port)
    assert "another SECRET_KEY" in problem


def test_a_run_against_a_database_without_tables_is_refused_before_it_starts(running, tmp_path):
    app, server = running
    with another_database(tmp_path, app.config["SECRET_KEY"]) as elsewhere:
        with elsewhere.app_context():
            from intake.extensions import db

            db.drop_all()
        problem = checked(elsewhere, server.port)
    assert "has no questionnaire tables" in problem


def test_a_server_that_does_not_answer_is_named(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'unused.db'}")
    problem = checked(app, loadtest.free_port())
    assert "did not answer" in problem


def test_a_server_whose_rate_limit_would_refuse_the_run_is_refused_before_it_starts(database_url):
    with app_with_schema(database_url, PATIENT_POST_RATE_LIMIT="0/minute") as app:
        with LiveServer(app) as server:
            problem = checked(app, server.port)
    assert "PATIENT_POST_RATE_LIMIT" in problem


def test_a_server_that_is_not_this_app_is_named(tmp_path):
    from flask import Flask

    other = Flask("other")
    other.get("/")(lambda: "<p>Hello</p>")
    with LiveServer(other) as server:
        problem = checked(make_app(f"sqlite:///{tmp_path / 'unused.db'}"), server.port)
    assert "shows no questionnaire" in problem


def test_a_run_with_other_data_keys_is_refused_before_it_starts(running, database_url):
    from cryptography.fernet import Fernet

    from intake.extensions import db

    app, server = running
    same_database_other_keys = make_app(
        database_url, SECRET_KEY=app.config["SECRET_KEY"], INTAKE_DATA_KEYS=Fernet.generate_key().decode()
    )
    problem = checked(same_database_other_keys, server.port)
    with same_database_other_keys.app_context():
        db.engine.dispose()
    assert "INTAKE_DATA_KEYS" in problem
