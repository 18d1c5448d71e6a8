"""Stop and come back: a resume link restores the draft in another browser."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine

from intake.models import utcnow
from intake.patient.submissions import hash_token
from tests.conftest import Patient, all_submissions

LINK = re.compile(r'href="http://localhost(/resume/[^"]+)"')


def save_for_later(patient: Patient, step_id: str = "about", data: dict | None = None) -> str:
    response = patient.answer(step_id, data or {"about.first_name": "Ana"}, action="later")
    assert response.location.endswith("/saved")
    return LINK.search(patient.client.get("/saved").get_data(as_text=True)).group(1)


def test_it_restores_the_draft_in_a_fresh_browser_at_the_step_it_stopped(app, patient):
    patient.start()
    patient.answer("safety")
    link = save_for_later(patient)

    other_browser = Patient(app.test_client())
    response = other_browser.client.get(link)
    assert response.status_code == 302 and response.location.endswith("/step/about")
    page = other_browser.client.get("/step/about").get_data(as_text=True)
    assert 'value="Ana"' in page


def test_it_stores_only_the_hash_of_the_token(app, patient):
    patient.start()
    link = save_for_later(patient, "safety", {"safety.signs": ["none"]})
    token = link.rsplit("/", 1)[1]
    [draft] = all_submissions(app)
    assert draft.resume_token_hash == hash_token(token)
    assert token not in repr(vars(draft))


def test_it_shows_the_link_only_once_and_a_new_link_replaces_the_old(app, patient):
    patient.start()
    first = save_for_later(patient, "safety", {"safety.signs": ["none"]})
    assert "/resume/" not in patient.client.get("/saved").get_data(as_text=True)

    patient.post("/later", token_from="/saved")
    second = LINK.search(patient.client.get("/saved").get_data(as_text=True)).group(1)
    assert second != first
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 302


def test_it_refuses_an_unknown_token_kindly(client):
    response = client.get("/resume/not-a-real-token")
    assert response.status_code == 404
    assert "This link does not work any more" in response.get_data(as_text=True)


def test_it_expires_drafts_after_the_configured_days(app, patient):
    patient.start()
    link = save_for_later(patient, "safety", {"safety.signs": ["none"]})
    with time_machine.travel(utcnow() + timedelta(days=31), tick=False):
        assert app.test_client().get(link).status_code == 404
        assert patient.client.get("/step/safety").location.endswith("/")


def test_it_keeps_a_draft_alive_while_the_patient_works_on_it(app, patient):
    patient.start()
    link = save_for_later(patient, "safety", {"safety.signs": ["none"]})
    with time_machine.travel(utcnow() + timedelta(days=20), tick=False):
        patient.answer("safety")
    with time_machine.travel(utcnow() + timedelta(days=45), tick=False):
        assert app.test_client().get(link).status_code == 302


def test_it_stops_the_link_working_once_the_answers_are_sent(app, patient):
    patient.start()
    link = save_for_later(patient, "safety", {"safety.signs": ["none"]})
    patient.complete_all_steps()
    patient.submit()
    assert app.test_client().get(link).status_code == 404
    [submission] = all_submissions(app)
    assert submission.resume_token_hash is None
