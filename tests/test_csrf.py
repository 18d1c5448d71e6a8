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


def test_a_session_token_is_signed_once_and_still_accepted_later(app, patient):
    """The signed token is kept per session secret (tokens here never expire by time):
    ten minutes on, the page carries the token signed before, and it still works."""
    import re
    from datetime import timedelta

    import time_machine

    from intake.models import utcnow

    def token_on(path):
        page = patient.client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    patient.start()
    first = token_on("/step/safety")
    with time_machine.travel(utcnow() + timedelta(minutes=10), tick=False):
        assert token_on("/step/safety") == first
        assert token_on("/") == first
        response = patient.client.post("/step/safety", data={**COMPLETE_FORM["safety"], "csrf_token": first})
        assert response.status_code == 302
    other = app.test_client()
    other_token = re.search(
        r'name="csrf_token" value="([^"]+)"', other.get("/").get_data(as_text=True)
    ).group(1)
    assert other_token != first  # another browser, another secret, another token


def _signature_checks(monkeypatch) -> list[str]:
    """Every CSRF token whose signature Flask-WTF checks from now on."""
    from flask_wtf import csrf as flask_wtf_csrf

    checked, full_check = [], flask_wtf_csrf.validate_csrf

    def counting(data, *args, **kwargs):
        checked.append(data)
        return full_check(data, *args, **kwargs)

    monkeypatch.setattr(flask_wtf_csrf, "validate_csrf", counting)
    return checked


def test_a_posted_token_is_checked_once_per_process(app, patient, monkeypatch):
    """The token this process signed for the page, or checked at an earlier post, is
    accepted again without checking its signature; saves go through as before."""
    patient.start()
    checked = _signature_checks(monkeypatch)
    token = patient.token("/step/safety")  # signed here, for this session's secret
    for _ in range(2):
        response = patient.client.post("/step/safety", data={**COMPLETE_FORM["safety"], "csrf_token": token})
        assert response.status_code == 302
    assert checked == []
    assert all_submissions(app)[0].answers["safety.signs"] == ["none"]


def test_a_token_signed_by_another_process_is_checked_then_kept(app, patient, monkeypatch):
    patient.start()
    token = patient.token("/step/safety")
    app.extensions["signed_csrf_tokens"].clear()  # as if another worker had made the page
    checked = _signature_checks(monkeypatch)
    for _ in range(2):
        response = patient.client.post("/step/safety", data={**COMPLETE_FORM["safety"], "csrf_token": token})
        assert response.status_code == 302
    assert checked == [token], "checked in full the first time only"


def test_a_kept_token_is_refused_for_another_session_or_under_another_key(app, patient):
    """Kept tokens belong to one session's secret under one signing key."""
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
