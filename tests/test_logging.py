"""Structured logs with request ids, and never health data, passwords or tokens in them,
even when every logger (SQLAlchemy's included) is turned up to DEBUG."""

from __future__ import annotations

import json
import logging
import re

import pytest

from tests.answers import COMPLETE_FORM, STEPS
from tests.conftest import Clinic, Patient, make_clinician
from tests.security.test_encryption import (
    CANARY_EMAIL,
    CANARY_FIRST,
    CANARY_LAST,
    CANARY_NOTE,
    CANARY_SYMPTOM,
)

CANARY_PASSWORD = "canary password quiet lantern 77"
CANARY_WRONG_PASSWORD = "canary wrong guess harbour 13"
CANARY_BEARER = "canary-bearer-0f9e8d7c6b5a49382716"
LINK = re.compile(r"/resume/([A-Za-z0-9_-]{20,})")


@pytest.fixture
def everything_logged(caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="intake")
    return caplog


def _walk_the_whole_flow(app, client) -> str:
    """A patient saves for later, resumes and sends; a clinician fails to sign in once,
    signs in, searches, reads, adds a note, exports and signs out. Returns the token."""
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {CANARY_BEARER}"
    patient = Patient(client)
    patient.start()
    patient.answer("safety")
    about = {
        **COMPLETE_FORM["about"],
        "about.first_name": CANARY_FIRST,
        "about.last_name": CANARY_LAST,
        "about.email": CANARY_EMAIL,
    }
    saved = patient.answer("about", about, action="later")
    token = LINK.search(client.get(saved.location).get_data(as_text=True)).group(1)
    elsewhere = Patient(app.test_client())
    elsewhere.client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {CANARY_BEARER}"
    assert elsewhere.client.get(f"/resume/{token}").status_code == 302
    elsewhere.client.get(f"/resume/{token}/typo")  # a mangled link matches no route
    elsewhere.client.get(f"/?q={CANARY_LAST}&token={token}")
    for step_id in STEPS[STEPS.index("about") : STEPS.index("visit")]:
        elsewhere.answer(step_id, about if step_id == "about" else None)
    elsewhere.answer("visit", {**COMPLETE_FORM["visit"], "visit.goals": CANARY_SYMPTOM})
    assert elsewhere.submit().status_code == 302

    make_clinician(app, "dr.ana", password=CANARY_PASSWORD)
    clinic = Clinic(app, app.test_client(), "dr.ana", CANARY_PASSWORD)
    clinic.client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {CANARY_BEARER}"
    assert clinic.login("dr.ana", CANARY_WRONG_PASSWORD).status_code == 401
    assert clinic.login().status_code == 302
    found = clinic.post("/clinic/", {"q": CANARY_LAST}, token_from="/clinic/")
    listing = clinic.client.get(found.location).get_data(as_text=True)
    public_id = re.search(r"/clinic/submissions/([0-9a-f-]{36})", listing).group(1)
    page = f"/clinic/submissions/{public_id}"
    assert CANARY_SYMPTOM in clinic.client.get(page).get_data(as_text=True)
    clinic.post(f"{page}/notes", {"body": CANARY_NOTE}, token_from=page)
    assert CANARY_LAST in clinic.client.get("/clinic/export.csv").get_data(as_text=True)
    clinic.logout()
    return token


def test_no_health_data_password_or_token_reaches_any_log(app, client, everything_logged, capsys):
    @app.get("/boom")
    def boom():
        raise RuntimeError(f"failed while handling {CANARY_LAST} {CANARY_SYMPTOM}")

    token = _walk_the_whole_flow(app, client)
    assert client.get("/boom").status_code == 500
    records = everything_logged.records
    written = capsys.readouterr().err
    everything = "\n".join(
        [
            everything_logged.text,
            written,
            *(record.getMessage() for record in records),
            *(repr(record.__dict__) for record in records),
        ]
    )
    assert len(records) > 30 and "/clinic/submissions/" in written, "the logs did record the flow"
    for secret in (
        CANARY_FIRST,
        CANARY_LAST,
        CANARY_SYMPTOM,
        "canary-symptom",
        CANARY_EMAIL,
        CANARY_NOTE,
        CANARY_PASSWORD,
        CANARY_WRONG_PASSWORD,
        CANARY_BEARER,
        token,
    ):
        assert secret not in everything, secret
        assert secret.lower() not in everything.lower(), secret


def _lines(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def test_each_request_is_one_json_line_with_its_id(app, client, capsys):
    response = client.get("/step/about")
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    [line] = [entry for entry in _lines(capsys.readouterr().err) if entry.get("request_id") == request_id]
    assert line["logger"] == "intake.request" and line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/step/about", 302)
    assert isinstance(line["duration_ms"], float) and line["time"].endswith("+00:00")


def test_it_keeps_a_load_balancers_request_id_but_not_a_hostile_one(client, capsys):
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-1234abcd"})
    assert kept.headers["X-Request-ID"] == "lb-1234abcd"
    hostile = client.get("/healthz", headers={"X-Request-ID": 'x", "level": "CRITICAL'})
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["X-Request-ID"])
    assert all(line["level"] == "INFO" for line in _lines(capsys.readouterr().err))


def test_resume_links_are_logged_without_their_token(app, client, capsys):
    client.get("/resume/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
    client.get("/resume/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG/more")
    paths = [line["path"] for line in _lines(capsys.readouterr().err) if "path" in line]
    assert paths == ["/resume/<redacted>", "/resume/<redacted>/more"]


def test_errors_are_logged_by_type_and_place_never_by_message(app, client, capsys):
    @app.get("/boom")
    def boom():
        raise ValueError("the patient's answers were: private")

    client.get("/boom")
    [error] = [line for line in _lines(capsys.readouterr().err) if "error" in line]
    assert error["level"] == "ERROR" and error["error"]["type"] == "ValueError"
    assert any("boom" in place for place in error["error"]["at"])
    assert "private" not in json.dumps(error)
