"""A missing or stale CSRF token must not cost a patient what they typed."""

from __future__ import annotations

from .answers import COMPLETE_FORM
from .conftest import all_submissions


def test_it_rerenders_a_step_with_the_posted_answers_when_the_token_is_bad(app, patient):
    patient.start()
    patient.answer("safety")
    response = patient.client.post("/step/about", data={**COMPLETE_FORM["about"], "csrf_token": "stale"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This page was open for a long time" in page
    assert 'value="Canary-Lopez"' in page and 'value="ana@example.com"' in page
    assert "about.last_name" not in all_submissions(app)[0].answers, "nothing saved without a token"


def test_it_accepts_the_form_again_with_the_fresh_token(app, patient):
    patient.start()
    patient.answer("safety")
    page = patient.client.post("/step/about", data={**COMPLETE_FORM["about"]}).get_data(as_text=True)
    token = __import__("re").search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = patient.client.post("/step/about", data={**COMPLETE_FORM["about"], "csrf_token": token, "action": "next"})
    assert response.status_code == 302
    assert all_submissions(app)[0].answers["about.last_name"] == "Canary-Lopez"


def test_it_refuses_other_posts_without_a_token(app, client):
    response = client.post("/submit", data={"confirm": "y"})
    assert response.status_code == 400
    assert all_submissions(app) == []


def test_a_complete_form_is_not_sent_without_a_token(app, patient):
    """The questionnaire's forms leave the token to CSRFProtect: it must still stop a send."""
    patient.complete_all_steps()
    response = patient.client.post("/submit", data={"confirm": "y", "csrf_token": "forged"})
    assert response.status_code in (400, 403)
    assert all_submissions(app)[0].status == "draft"


def test_a_session_token_is_signed_once_and_still_accepted_later(app, patient):
    """The signed token is kept per session secret (tokens here never expire by time):
    ten minutes on, the page carries the token signed before, and it still works."""
    import re
    from datetime import timedelta

    import time_machine

    from intake.models import utcnow

    token_on = lambda path: re.search(r'name="csrf_token" value="([^"]+)"',  # noqa: E731
                                      patient.client.get(path).get_data(as_text=True)).group(1)
    patient.start()
    first = token_on("/step/safety")
    with time_machine.travel(utcnow() + timedelta(minutes=10), tick=False):
        assert token_on("/step/safety") == first
        assert token_on("/") == first
        response = patient.client.post("/step/safety", data={**COMPLETE_FORM["safety"], "csrf_token": first})
        assert response.status_code == 302
    other = app.test_client()
    other_token = re.search(r'name="csrf_token" value="([^"]+)"', other.get("/").get_data(as_text=True)).group(1)
    assert other_token != first  # another browser, another secret, another token
