"""The "a submission arrived" email: sent to the clinic address through SMTP, saying only
the reference, the safety tier and a link; a mail failure never loses or holds up a
submission."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from intake import notify
from intake.models import Status
from tests.conftest import all_submissions


class Inbox:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


MAIL_THREADS: list[threading.Thread] = []


@pytest.fixture(autouse=True)
def mail_threads(monkeypatch):
    """Keeps each mail thread the app starts, so a test can wait for its mail."""

    class Kept(threading.Thread):
        def start(self):
            if self._target is notify._send_quietly:
                MAIL_THREADS.append(self)
            super().start()

    monkeypatch.setattr(notify.threading, "Thread", Kept)
    yield
    MAIL_THREADS.clear()


def _wait_for_mail(app, timeout: float = 5) -> None:
    for thread in MAIL_THREADS:
        thread.join(timeout)


def _configure(app, port: int) -> None:
    app.config.update(
        NOTIFY_EMAIL="frontdesk@clinic.example",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_SENDER="intake@clinic.example",
        MAIL_TIMEOUT=2,
    )


def test_it_emails_the_clinic_when_a_submission_arrives(app, patient, smtp):
    controller, inbox = smtp
    _configure(app, controller.port)
    patient.complete_all_steps(overrides={"safety": {"safety.signs": ["hearing_loss"]}})
    patient.submit()
    _wait_for_mail(app)
    [envelope] = inbox.messages
    [submission] = all_submissions(app)
    message = message_from_bytes(envelope.content, policy=policy.default)
    body = message["Subject"] + "\n" + message.get_content()
    assert envelope.rcpt_tos == ["frontdesk@clinic.example"] and envelope.mail_from == "intake@clinic.example"
    assert submission.reference in body and "URGENT" in body
    assert f"http://localhost/clinic/submissions/{submission.public_id}" in body
    for health_data in (
        "Canary",
        "Lopez",
        "Ana",
        "hearing",
        "ana@example.com",
        "1980",
        "eye closing",
        "Cold wind",
    ):
        assert health_data.lower() not in body.lower(), health_data


def test_it_sends_one_email_for_a_double_submit(app, patient, smtp):
    controller, inbox = smtp
    _configure(app, controller.port)
    patient.complete_all_steps()
    patient.submit()
    patient.submit()
    _wait_for_mail(app)
    assert len(inbox.messages) == 1


def test_it_sends_nothing_without_a_clinic_address(app, patient, smtp):
    controller, inbox = smtp
    _configure(app, controller.port)
    app.config["NOTIFY_EMAIL"] = None
    patient.complete_all_steps()
    patient.submit()
    _wait_for_mail(app)
    assert inbox.messages == []


def test_it_keeps_and_confirms_the_submission_when_mail_fails(app, patient, caplog):
    _configure(app, _free_port())  # nothing listens there
    patient.complete_all_steps()
    started = time.perf_counter()
    response = patient.submit()
    assert time.perf_counter() - started < 1.5, "the patient never waits for the mail server"
    assert response.location.endswith("/done")
    _wait_for_mail(app)
    [submission] = all_submissions(app)
    assert submission.status == Status.NEW
    assert "email not sent" in caplog.text and "Canary" not in caplog.text


def test_it_sends_nothing_when_the_submit_is_rolled_back(app, patient, smtp, monkeypatch):
    from intake.extensions import db

    controller, inbox = smtp
    _configure(app, controller.port)
    patient.complete_all_steps()

    def broken_commit():
        raise __import__("sqlalchemy").exc.OperationalError("COMMIT", {}, Exception("disk full"))

    monkeypatch.setattr(db.session, "commit", broken_commit)
    assert patient.submit().status_code == 503
    monkeypatch.undo()
    _wait_for_mail(app)
    assert inbox.messages == []


def _bodies(inbox) -> list[str]:
    messages = [message_from_bytes(e.content, policy=policy.default) for e in inbox.messages]
    return [m["Subject"] + "\n" + m.get_content() for m in messages]


def test_it_alerts_once_per_draft_and_tier_when_an_unsent_form_reaches_urgent_or_emergency(
    app, patient, smtp
):
    controller, inbox = smtp
    _configure(app, controller.port)
    app.config["ALERT_EMAIL"] = "oncall@clinic.example"
    patient.start()
    patient.answer("safety", {"safety.signs": ["ear_rash"]})
    patient.answer("safety", {"safety.signs": ["ear_rash"]})  # the same tier again: no second alert
    patient.answer("safety", {"safety.signs": ["speech"]})
    patient.answer("safety", {"safety.signs": ["none"]})  # lowered: the highest stays, no alert
    _wait_for_mail(app)
    [draft] = all_submissions(app)
    bodies = _bodies(inbox)
    assert [("URGENT" in b, "EMERGENCY" in b) for b in bodies] == [(True, False), (False, True)]
    assert all(e.rcpt_tos == ["oncall@clinic.example"] for e in inbox.messages)
    assert all(f"http://localhost/clinic/attention/{draft.public_id}" in b for b in bodies)
    assert not any("rash" in b.lower() or "speech" in b.lower() for b in bodies)


def test_a_callback_request_alerts_without_the_number(app, patient, smtp):
    controller, inbox = smtp
    _configure(app, controller.port)
    app.config.update(ALERT_EMAIL="oncall@clinic.example")
    patient.start()
    patient.answer("safety", {"safety.signs": ["hearing_loss"]})
    patient.post(
        "/callback?page=urgent", {"phone": "(212) 555-0199", "good_time": "noon"}, token_from="/urgent"
    )
    _wait_for_mail(app)
    bodies = _bodies(inbox)
    assert len(bodies) == 2 and "callback request" in bodies[1]
    # The number as typed or as digits; "555" alone also turns up in a link's random id.
    assert not any("555-0199" in b or "5550199" in b or "noon" in b for b in bodies)


def test_it_sends_no_alert_without_an_alert_address(app, patient, smtp):
    controller, inbox = smtp
    _configure(app, controller.port)
    patient.start()
    patient.answer("safety", {"safety.signs": ["speech"]})
    _wait_for_mail(app)
    assert inbox.messages == []


def test_the_patient_s_copy_of_the_confirmation_goes_to_their_own_address(app, patient, smtp):
    """Issue 28, part 4: asked for on the confirmation page; no answer of theirs in it."""
    controller, inbox = smtp
    _configure(app, controller.port)
    app.config["NOTIFY_EMAIL"] = None
    patient.complete_all_steps()
    patient.submit()
    patient.post("/done/email", {}, token_from="/done")
    _wait_for_mail(app)
    [envelope] = inbox.messages
    [submission] = all_submissions(app)
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert envelope.rcpt_tos == ["ana@example.com"]
    body = message.get_content()
    assert submission.reference in message["Subject"] and submission.reference in body
    for health_data in ("Canary", "eye closing", "Cold wind", "1980", "555-0123"):
        assert health_data.lower() not in body.lower(), health_data
