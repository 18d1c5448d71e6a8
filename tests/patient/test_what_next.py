"""The confirmation says what happens next (issue 28, part 4): how the clinic will get in
touch (the patient's own choice), by which day (CLINIC_REPLY_DAYS days the clinic is open),
the appointment times asked for, and the phone for those who would rather call."""

from __future__ import annotations

import socket
from datetime import datetime, timezone

import pytest
import time_machine

from tests.conftest import all_submissions

FRIDAY = datetime(2026, 12, 4, 15, 0, tzinfo=timezone.utc)  # 10:00 in New York


def _sent(patient, about: dict | None = None, visit: dict | None = None) -> str:
    with time_machine.travel(FRIDAY, tick=False):
        patient.complete_all_steps({"about": about or {}, "visit": visit or {}})
        patient.submit()
        page = patient.client.get("/done").get_data(as_text=True)
    return page[page.index('id="what-next-title"') : page.index('class="consult"')]


@pytest.mark.parametrize(
    "method, sentence",
    [
        (
            "text_message",
            "We will send a text message to your number ending in 0123 by Tuesday, December 8, 2026",
        ),
        ("phone_call", "We will call your number ending in 0123 by Tuesday, December 8, 2026"),
        ("email", "We will email you at a…@example.com by Tuesday, December 8, 2026"),
    ],
)
def test_it_says_how_and_by_when_the_clinic_will_get_in_touch(patient, method, sentence):
    what_next = _sent(patient, {"about.contact_method": method})
    assert sentence in what_next  # two days the clinic is open after a Friday: Monday, Tuesday
    assert "555-0123" not in what_next and "ana@example.com" not in what_next, "only the end shows"
    assert "You asked for a morning appointment" in what_next
    assert "Would you rather call us? Phone (212) 434-4050, Monday to Friday" in what_next


def test_the_reply_day_follows_the_clinic_s_setting(app, patient):
    app.config["CLINIC_REPLY_DAYS"] = 5
    assert "by Friday, December 11, 2026" in _sent(patient, visit={"visit.times": "any"})


def test_after_sending_it_no_longer_says_call_us_to_book(patient):
    _sent(patient)
    page = patient.client.get("/done").get_data(as_text=True)
    assert "Call us to book your visit" not in page and "Please book a visit with a doctor" in page


# --- the email copy --------------------------------------------------------------------


def test_the_patient_may_have_the_confirmation_emailed_once_without_their_answers(app, patient, monkeypatch):
    from intake import notify

    sent = []
    monkeypatch.setattr(notify, "send", lambda message, _config: sent.append(message))
    _sent(patient)
    page = patient.client.get("/done").get_data(as_text=True)
    assert "Email me this confirmation" in page and "To a…@example.com" in page
    response = patient.post("/done/email", {}, token_from="/done")
    assert response.location.endswith("/done")
    [message] = sent
    assert message["To"] == "ana@example.com" and "reference" in message["Subject"]
    body = message.get_content()
    [submission] = all_submissions(app)
    assert submission.reference in body and "What happens next" in body and "(212) 434-4050" in body
    for answer in ("Canary", "eye closing", "Cold wind", "1980", "555-0123"):
        assert answer not in body, answer
    page = patient.client.get("/done").get_data(as_text=True)
    assert "We sent this confirmation to a…@example.com." in page
    assert "Email me this confirmation" not in page, "once"
    patient.post("/done/email", {}, token_from="/done")
    assert len(sent) == 1


def test_a_confirmation_whose_email_fails_says_so_and_stays_on_offer(app, patient):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=probe.getsockname()[1], MAIL_TIMEOUT=2)
    _sent(patient)
    patient.post("/done/email", {}, token_from="/done")
    page = patient.client.get("/done").get_data(as_text=True)
    assert "We sent this confirmation" not in page
    assert (
        "We could not send the email just now. Please try again in a few minutes, or print this page." in page
    )
    assert "Email me this confirmation" in page


def test_no_email_copy_is_offered_without_an_address(patient):
    page = _sent(patient, {"about.email": "", "about.contact_method": "text_message"})
    assert "Email me this confirmation" not in page
