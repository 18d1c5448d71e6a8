"""Patients and clinicians for the load generator, made in-process through the app's own
use-cases, with session cookies signed by the app's own serializer."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlencode

from flask import session
from flask_wtf.csrf import generate_csrf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake.extensions import db  # noqa: E402
from intake.models import utcnow  # noqa: E402
from intake.patient import submissions  # noqa: E402
from intake.questionnaire.twitching import QUESTIONNAIRE  # noqa: E402
from tests.answers import COMPLETE_FORM  # noqa: E402

ANSWERS = {
    "consent.agree": True,
    "consent.language": "en",
    "safety.signs": ["none"],
    "about.first_name": "Bench",
    "about.last_name": "Patient",
    "about.birth_date": "1980-04-23",
    "about.email": "bench@example.com",
    "about.contact_method": "email",
    "twitch.where": ["upper_eyelid"],
    "twitch.side": "left",
    "twitch.onset_manner": "gradual",
    "twitch.frequency": "many_daily",
    "visit.goals": "Benchmark run",
}


def signed_cookie(app, values: dict) -> tuple[str, str]:
    """(cookie value, CSRF form token) for a session holding `values`."""
    with app.test_request_context():
        session.update(values)
        token = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return cookie, token


def make_drafts(app, count: int, reached: str) -> list[str]:
    """`count` complete drafts that have reached page `reached`; returns their public ids."""
    now = utcnow()
    ids = []
    with app.app_context():
        for _ in range(count):
            draft = submissions.start_draft(QUESTIONNAIRE, "en", now, 30)
            draft.answers = dict(ANSWERS)
            draft.current_step = reached
            ids.append(draft.public_id)
        db.session.commit()
    return ids


def form_body(step_id: str, token: str) -> str:
    fields = [
        (k, v)
        for k, values in COMPLETE_FORM[step_id].items()
        for v in (values if isinstance(values, list) else [values])
    ]
    return urlencode([*fields, ("csrf_token", token), ("action", "next")])


def patient_sessions(
    app, count: int, reached: str, body_step: str | None = None, extra_body: dict | None = None
) -> list[dict]:
    result = []
    for public_id in make_drafts(app, count, reached):
        cookie, token = signed_cookie(app, {"draft": public_id, "lang": "en"})
        body = (
            form_body(body_step, token)
            if body_step
            else urlencode({"csrf_token": token, **(extra_body or {})})
        )
        result.append({"cookie": cookie, "body": body})
    return result


def clinician_cookie(app, base_url: str, cookie_name: str, password_checks: int = 1) -> str:
    """Sign a benchmark clinician in over HTTP, as a browser would; returns the session
    cookie. The password is checked `password_checks` times in all; the extra checks stop
    at the second factor (a TOTP code is accepted once: a replay is refused)."""
    import http.client
    import re
    from urllib.parse import urlsplit

    import pyotp

    from intake.clinic import accounts

    password = "benchmark password for load tests"
    with app.app_context():
        account, _ = accounts.create_clinician("bench", "Bench Clinician", "clinician", utcnow())
        account.password_hash = accounts.hash_password(password)
        account.must_change_password = False
        account.totp_secret = pyotp.random_base32()
        account.totp_confirmed_at = utcnow()
        secret = account.totp_secret
        db.session.commit()

    host = urlsplit(base_url).netloc

    def request(method: str, path: str, cookie: str | None, body: str | None = None):
        connection = http.client.HTTPConnection(host, timeout=10)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if cookie:
            headers["Cookie"] = f"{cookie_name}={cookie}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        set_cookie = response.getheader("Set-Cookie") or ""
        found = re.search(rf"{re.escape(cookie_name)}=([^;]+)", set_cookie)
        return response.read().decode(), (found.group(1) if found else cookie)

    def check_password() -> str:
        page, cookie = request("GET", "/clinic/login", None)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        _, cookie = request(
            "POST",
            "/clinic/login",
            cookie,
            urlencode({"csrf_token": token, "username": "bench", "password": password}),
        )
        return cookie

    for _ in range(password_checks - 1):
        check_password()
    cookie = check_password()
    page, cookie = request("GET", "/clinic/login/second-factor", cookie)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    _, cookie = request(
        "POST",
        "/clinic/login/second-factor",
        cookie,
        urlencode({"csrf_token": token, "code": pyotp.TOTP(secret).now()}),
    )
    # The first page puts its form token in the session; a browser keeps that cookie.
    _, cookie = request("GET", "/clinic/", cookie)
    return cookie


def submitted_id(app) -> str:
    from sqlalchemy import select

    from intake.models import Status, Submission

    with app.app_context():
        return db.session.scalar(select(Submission.public_id).where(Submission.status == Status.NEW).limit(1))
