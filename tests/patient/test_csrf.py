"""A missing or stale CSRF token must not cost a patient what they typed."""

from __future__ import annotations

from tests.answers import COMPLETE_FORM
from tests.conftest import Patient, all_submissions


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
    response = patient.client.post(
        "/step/about", data={**COMPLETE_FORM["about"], "csrf_token": token, "action": "next"}
    )
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


def test_a_token_still_works_ten_minutes_later(app, patient):
    """Tokens never expire by time (WTF_CSRF_TIME_LIMIT = None): a patient may take long
    over a page. Another browser gets a token of its own."""
    from datetime import timedelta

    import time_machine

    from intake.models import utcnow

    patient.start()
    first = patient.token("/step/safety")
    with time_machine.travel(utcnow() + timedelta(minutes=10), tick=False):
        response = patient.client.post("/step/safety", data={**COMPLETE_FORM["safety"], "csrf_token": first})
        assert response.status_code == 302
    other = Patient(app.test_client())
    assert other.token("/") != first


def test_a_token_is_refused_for_another_session_or_under_another_key(app, patient):
    """A token belongs to one session's secret under one signing key."""
    patient.start()
    token = patient.token("/step/safety")
    other = Patient(app.test_client())
    other.start()
    response = other.client.post("/step/safety", data={**COMPLETE_FORM["safety"], "csrf_token": token})
    assert response.status_code == 400, "another browser's token"
    # SECRET_KEY rotated, the old one kept as a fallback: sessions still open, but a token
    # signed with the old key is stale (Flask-WTF signs and checks with the current key).
    app.config["SECRET_KEY_FALLBACKS"] = [app.secret_key]
    app.secret_key = "a new signing key"
    assert patient.client.get("/step/safety").status_code == 200, "the session still opens"
    response = patient.client.post("/step/safety", data={**COMPLETE_FORM["safety"], "csrf_token": token})
    assert response.status_code == 400
    assert all("safety.signs" not in s.answers for s in all_submissions(app))
