"""The app as the dashboard benchmark drives it, shared by bench/dashboard.py and the
processes it starts (bench/dashboard_memory.py): production settings on one benchmark
database, a clinician with two-step sign-in, that clinician's test client, and the
dashboard pages to measure on that database's data.
"""

from __future__ import annotations

import re
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Mapping

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyotp  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from config import ProductionConfig  # noqa: E402
from intake import create_app  # noqa: E402
from intake.clinic import accounts  # noqa: E402
from intake.extensions import db  # noqa: E402
from intake.listing import Cursor  # noqa: E402
from intake.models import Clinician, Status, Submission, utcnow  # noqa: E402

USERNAME, PASSWORD = "bench", "benchmark password for the dashboard"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# How deep the "later page" is, as a share of the table: keyset pages cost the same at
# any depth, so the page 90% of the way down is as cheap as the first.
LATER_PAGE_DEPTH = 0.9


def app_from(env: Mapping[str, str]) -> Flask:
    """The production app on env's database, with env's keys (those seed-demo used)."""
    settings = {
        "SECRET_KEY": env["SECRET_KEY"],
        "INTAKE_DATA_KEYS": env["INTAKE_DATA_KEYS"],
        "SEARCH_KEY": env["SEARCH_KEY"],
        "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
        # The request log line costs the same at any size; leaving it out makes the
        # ratio between sizes stricter, and keeps the terminal readable.
        "LOG_LEVEL": "WARNING",
        # The start-up check reads this process's environment; the keys are given here.
        "REQUIRED": (),
    }
    return create_app(type("DashboardBench", (ProductionConfig,), settings))


def add_clinician(app: Flask) -> None:
    with app.app_context():
        account, _ = accounts.create_clinician(USERNAME, "Bench Clinician", "clinician", utcnow())
        account.password_hash = accounts.hash_password(PASSWORD)
        account.must_change_password = False
        account.totp_secret = pyotp.random_base32()
        account.totp_confirmed_at = utcnow()
        db.session.commit()


def _fresh_code(app: Flask) -> str:
    """A code for a time step not used yet (a code is accepted once: each process signs in)."""
    with app.app_context():
        account = db.session.scalar(select(Clinician).where(Clinician.username == USERNAME))
        account.totp_last_counter = None
        db.session.commit()
        return pyotp.TOTP(account.totp_secret).now()


def _post_form(client: FlaskClient, path: str, data: dict) -> str:
    token = CSRF.search(client.get(path).get_data(as_text=True)).group(1)
    response = client.post(path, data={"csrf_token": token, **data})
    assert response.status_code == 302, (path, response.status_code)
    return response.location


def signed_in_client(app: Flask) -> FlaskClient:
    # Production cookies are Secure: the client speaks HTTPS, as behind the load balancer.
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    _post_form(client, "/clinic/login", {"username": USERNAME, "password": PASSWORD})
    _post_form(client, "/clinic/login/second-factor", {"code": _fresh_code(app)})
    assert client.get("/clinic/").status_code == 200
    return client


def pages(app: Flask, client: FlaskClient) -> dict[str, str]:
    """Name -> address of each dashboard page measured, chosen from this database's rows.

    Searches are posted as typed into the search box, which turns them into an address.
    """
    newest, second_page, middle, later = _rows_at(app, [0, 50], [0.5, LATER_PAGE_DEPTH])
    month_ago = date.today() - timedelta(days=30)
    return {
        "first page": "/clinic/",
        "status=new": "/clinic/?status=new",
        "tier=urgent&status=new": "/clinic/?tier=urgent&status=new",
        "one month (dates)": f"/clinic/?from={month_ago - timedelta(days=30)}&to={month_ago}",
        "last-name search": _post_form(client, "/clinic/", {"q": newest.answers["about.last_name"]}),
        "reference search": _post_form(client, "/clinic/", {"q": middle.reference}),
        "later page (keyset)": f"/clinic/?before={Cursor.of(later).encode()}",
        # What "Newer" on the second page asks for: rows above a cursor near the top.
        "back to newer (keyset)": f"/clinic/?after={Cursor.of(second_page).encode()}",
    }


def rows_shown(client: FlaskClient, url: str) -> int:
    return client.get(url).get_data(as_text=True).count('class="reference-link"')


def _rows_at(app: Flask, positions: list[int], shares: list[float]) -> list[Submission]:
    """Submissions at these positions, newest first, then at these shares of the table."""
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(Submission).where(Submission.status != Status.DRAFT)
        )
        newest_first = select(Submission).order_by(Submission.submitted_at.desc(), Submission.id.desc())
        offsets = positions + [int(count * share) for share in shares]
        found = [db.session.scalars(newest_first.offset(offset).limit(1)).one() for offset in offsets]
        db.session.expunge_all()
        return found
