"""Behind a load balancer: a client's address and scheme come from X-Forwarded-For and
X-Forwarded-Proto only when TRUSTED_PROXIES says how many proxies set them; by default
no such header is believed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import request, url_for

from tests.conftest import app_with_schema, make_app

BALANCER = "10.0.0.2"
pytestmark = pytest.mark.sqlite_only  # what the app believes of a request; no database work


@pytest.fixture
def behind_balancer(database_url):
    with app_with_schema(database_url, TRUSTED_PROXIES=1) as app:
        yield app


def _bad_post(app, forwarded_for: str) -> int:
    """A patient's post (with a bad token: it still counts) as the balancer passes it on."""
    response = app.test_client().post(
        "/", data={"csrf_token": "forged"},
        headers={"X-Forwarded-For": forwarded_for}, environ_base={"REMOTE_ADDR": BALANCER},
    )  # fmt: skip
    return response.status_code


def test_by_default_a_forged_forwarded_for_does_not_get_a_count_of_its_own(app):
    assert app.config["TRUSTED_PROXIES"] == 0
    app.config["PATIENT_POST_RATE_LIMIT"] = "2 per hour"
    assert [_bad_post(app, f"203.0.113.{n}") for n in (1, 2, 3)] == [400, 400, 429]


def test_behind_one_proxy_each_forwarded_client_has_its_own_count(behind_balancer):
    behind_balancer.config["PATIENT_POST_RATE_LIMIT"] = "2 per hour"
    assert [_bad_post(behind_balancer, "203.0.113.7") for _ in range(3)] == [400, 400, 429]
    assert _bad_post(behind_balancer, "198.51.100.4") == 400, "another patient behind the same balancer"


def test_behind_one_proxy_only_the_address_the_proxy_added_counts(behind_balancer):
    # A client may send its own X-Forwarded-For; the balancer appends the real address last.
    behind_balancer.config["PATIENT_POST_RATE_LIMIT"] = "2 per hour"
    forged = [_bad_post(behind_balancer, f"192.0.2.{n}, 203.0.113.7") for n in (1, 2, 3)]
    assert forged == [400, 400, 429]


def _where(app, headers: dict) -> str:
    @app.get("/test-where")
    def where():
        return f"{request.remote_addr} {url_for('patient.welcome', _external=True)}"

    return (
        app.test_client()
        .get("/test-where", headers=headers, environ_base={"REMOTE_ADDR": BALANCER})
        .get_data(as_text=True)
    )


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def test_behind_one_proxy_the_app_sees_the_client_and_https(behind_balancer):
    assert _where(behind_balancer, FORWARDED) == "203.0.113.7 https://localhost/"


def test_by_default_forwarded_headers_change_neither_address_nor_scheme(app):
    assert _where(app, FORWARDED) == f"{BALANCER} http://localhost/"


def test_it_refuses_a_negative_number_of_proxies():
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        make_app("sqlite://", TRUSTED_PROXIES=-1)


@pytest.mark.parametrize("value, expected", [(None, "0"), ("1", "1"), ("2", "2")])
def test_it_reads_the_number_of_proxies_from_the_environment(value, expected):
    env = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXIES"}
    if value is not None:
        env["TRUSTED_PROXIES"] = value
    read = subprocess.run(
        [sys.executable, "-c", "import config; print(config.Config.TRUSTED_PROXIES)"],
        env=env, cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert read.stdout.strip() == expected
