"""Abuse limits on the patient's side: every POST, all pages together, per address; a
refused post says what happened, when to retry, and keeps everything typed."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine

from intake.models import utcnow
from tests.answers import COMPLETE_FORM, STEPS
from tests.conftest import Patient, all_submissions


def _limit(app, value: str = "4 per hour") -> None:
    app.config["PATIENT_POST_RATE_LIMIT"] = value


def test_a_real_patient_stays_well_under_the_default_limit(app, patient):
    assert app.config["PATIENT_POST_RATE_LIMIT"] == "60 per minute"
    patient.complete_all_steps()
    patient.client.post("/language", data={"csrf_token": patient.token(), "lang": "es"})
    assert patient.submit().location == "/done"


def test_it_refuses_a_burst_of_posts_from_one_address_and_keeps_the_step(app, patient):
    before = STEPS[: STEPS.index("treatments")]
    # the welcome page and the steps before "treatments" pass; "treatments" is refused
    _limit(app, f"{1 + len(before)} per hour")
    patient.start()
    for step in before:
        patient.answer(step)
    response = patient.answer(
        "treatments", {**COMPLETE_FORM["treatments"], "history.medicines": "Canary words kept"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    assert "wait a minute, then press the button again" in page
    assert "Canary words kept" in page, "what was typed comes back"
    assert re.search(r'name="csrf_token" value="[^"]+"', page), "with a fresh token to post again"
    assert "history.medicines" not in all_submissions(app)[0].answers, "nothing of the refused post is saved"
    assert patient.client.get("/step/treatments").status_code == 200, "pages still open"


def test_it_keeps_the_answers_on_the_review_page_when_sending_is_refused(app, patient):
    patient.complete_all_steps()
    _limit(app, "1 per hour")
    patient.client.post("/language", data={"csrf_token": patient.token(), "lang": "en"})
    response = patient.submit()
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert "your answers were not sent yet" in page and "Canary-Lopez" in page
    assert all_submissions(app)[0].status == "draft"


def test_other_refused_posts_explain_and_link_back_to_the_answers(app, patient):
    patient.start()
    _limit(app, "1 per hour")
    patient.client.post("/language", data={"csrf_token": patient.token(), "lang": "en"})
    response = patient.client.post("/language", data={"csrf_token": patient.token(), "lang": "es"})
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and "Traceback" not in page
    assert "Nothing you saved is lost" in page and 'href="/step/safety"' in page
    spanish = Patient(app.test_client())
    spanish.client.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    spanish.start(**{"consent.language": "es"})
    refused = spanish.post("/later")
    assert refused.status_code == 429 and "Nada de lo que guardó se ha perdido" in refused.get_data(
        as_text=True
    )


def test_it_counts_posts_with_a_bad_token_too(app, patient):
    _limit(app, "3 per hour")
    for _ in range(3):
        assert patient.client.post("/", data={"csrf_token": "forged"}).status_code == 400
    assert patient.start().status_code == 429


def test_it_counts_per_address_and_forgets_after_the_window(app, patient):
    _limit(app, "2 per minute")
    with time_machine.travel(utcnow(), tick=False) as traveller:
        patient.start()
        patient.answer("safety")
        assert patient.answer("about").status_code == 429
        neighbour = Patient(app.test_client())
        neighbour.client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
        assert neighbour.start().status_code == 302, "another address has its own count"
        traveller.shift(timedelta(seconds=61))
        assert patient.answer("about").status_code == 302


def test_it_limits_no_page_view(app, patient):
    _limit(app, "1 per hour")
    patient.start()
    for _ in range(5):
        assert patient.client.get("/step/safety").status_code == 200
