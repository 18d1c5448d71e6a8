"""Stop and come back: a resume link restores the draft in another browser."""

from __future__ import annotations

import re
import socket
from datetime import timedelta

import time_machine

from intake.models import utcnow
from intake.patient.submissions import hash_token
from tests.answers import COMPLETE_FORM
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
    # Issue 28, part 8: the patient knows where they are.
    assert "Welcome back. Your answers are saved: go on where you left off." in page
    assert "Welcome back" not in other_browser.client.get("/step/about").get_data(as_text=True), "said once"


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


def test_a_step_opened_after_sending_says_the_answers_were_sent_with_the_reference(app, patient):
    """Issue 28, part 8: not the welcome page as if nothing had been sent."""
    patient.complete_all_steps()
    patient.submit()
    [submission] = all_submissions(app)
    response = patient.client.get("/step/twitching")
    assert response.status_code == 302 and response.location.endswith("/done")
    page = patient.client.get("/done").get_data(as_text=True)
    assert f"You already sent your answers (reference {submission.reference})." in page


def test_back_from_the_confirmation_to_the_review_says_the_answers_were_sent(app, patient):
    """The browser's Back after sending lands on /review: not "We could not find your saved answers"."""
    patient.complete_all_steps()
    patient.submit()
    [submission] = all_submissions(app)
    response = patient.client.get("/review")
    assert response.status_code == 302 and response.location.endswith("/done")
    page = patient.client.get("/done").get_data(as_text=True)
    assert f"You already sent your answers (reference {submission.reference})." in page


def test_the_review_without_any_draft_or_sent_form_is_still_not_found(client):
    assert client.get("/review").status_code == 404


def test_the_patient_may_have_the_resume_link_emailed_once_to_their_own_address(app, patient, monkeypatch):
    """Issue 28, part 5: the link by email, with the warning that it opens the answers."""
    from intake import notify

    sent = []
    monkeypatch.setattr(notify, "send", lambda message, _config: sent.append(message))
    patient.start()
    patient.answer("safety")
    link = save_for_later(patient, data={**COMPLETE_FORM["about"]})
    page = patient.client.get("/saved").get_data(as_text=True)
    assert "Email me this link" not in page, "the page shows the link once; so is the offer"
    link = save_for_later(patient, data={**COMPLETE_FORM["about"]})
    response = patient.post("/saved/email", {}, token_from="/step/about")
    assert response.status_code == 302
    [message] = sent
    body = message.get_content()
    assert message["To"] == "ana@example.com" and f"http://localhost{link}" in body
    assert "Anyone with the link can open your answers until you send them." in body
    for answer in ("Canary", "1980", "555-0123"):
        assert answer not in body, answer
    assert "We emailed the link to a…@example.com." in patient.client.get(response.location).get_data(
        as_text=True
    )
    patient.post("/saved/email", {}, token_from="/step/about")
    assert len(sent) == 1, "once per link shown"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_resume_link_whose_email_fails_is_shown_again_and_may_be_sent_again(app, patient, monkeypatch):
    """Found by a walk-through: "We emailed the link" came while the mail server refused it,
    and the page that showed the link once could not show it again."""
    from intake import notify

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_TIMEOUT=2)  # nobody listens
    patient.start()
    patient.answer("safety")
    link = save_for_later(patient, data={**COMPLETE_FORM["about"]})
    response = patient.post("/saved/email", {}, token_from="/step/about")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "We emailed" not in page
    assert "<title>Error: Your answers are saved" in page
    assert "We could not send the email just now. Copy the link below, or try again." in page
    assert f'value="http://localhost{link}"' in page and "Email me this link" in page
    sent = []
    monkeypatch.setattr(notify, "send", lambda message, _config: sent.append(message))
    response = patient.post("/saved/email", {}, token_from="/step/about")
    assert response.status_code == 302 and len(sent) == 1
    assert f"http://localhost{link}" in sent[0].get_content()


def test_no_email_is_offered_without_an_address(patient):
    patient.start()
    patient.answer("safety")
    response = patient.answer("about", {"about.first_name": "Ana"}, action="later")
    page = patient.client.get(response.location).get_data(as_text=True)
    assert 'class="resume-link"' in page and "Email me this link" not in page
