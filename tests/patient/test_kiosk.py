"""Waiting-room tablets, KIOSK_MODE=true (issue 28, part 9): "Finish and hand back" clears
the session; a session left alone is cleared for the next patient; no resume link or
printable copy on screen, the link only by email; nothing of the previous patient
reachable afterwards. Off by default."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from tests.answers import COMPLETE_FORM
from tests.conftest import Patient, app_with_schema

IDLE = 300


@pytest.fixture
def kiosk_app(database_url):
    with app_with_schema(database_url, KIOSK_MODE=True, KIOSK_IDLE_SECONDS=IDLE) as app:
        yield app


@pytest.fixture
def tablet(kiosk_app):
    return Patient(kiosk_app.test_client())


def _gone(tablet) -> None:
    """Nothing of the last patient: every page of theirs is closed to this browser."""
    for path in ("/review", "/done", "/done/answers", "/saved"):
        assert tablet.client.get(path).status_code == 404, path
    assert tablet.client.get("/step/about").location == "/", "back to the welcome page"


def test_finish_and_hand_back_clears_the_tablet_and_shows_no_copy_of_the_answers(tablet, monkeypatch):
    tablet.complete_all_steps()
    assert tablet.submit().location == "/done"
    done = tablet.client.get("/done").get_data(as_text=True)
    assert "Finish and hand back" in done
    assert "See and print a copy of your answers" not in done
    assert "I want to read without my eye closing." not in tablet.client.get("/done/answers").get_data(
        as_text=True
    )
    response = tablet.post("/hand-back", {}, token_from="/done")
    assert response.location == "/"
    welcome = tablet.client.get("/").get_data(as_text=True)
    assert "Please give the tablet back at the reception desk." in welcome
    assert "Ana" not in welcome
    _gone(tablet)


def test_the_resume_link_is_never_on_screen_and_can_only_be_emailed(kiosk_app, tablet, monkeypatch):
    from intake import notify

    sent = []
    monkeypatch.setattr(notify, "send", lambda message, _config: sent.append(message))
    tablet.start()
    tablet.answer("safety")
    tablet.answer("about")
    assert tablet.post("/later", {}, token_from="/step/twitching").location.endswith("/saved")
    saved = tablet.client.get("/saved").get_data(as_text=True)
    assert "/resume/" not in saved and "This tablet is shared" in saved
    assert "Email me this link" in saved and "To a…@example.com" in saved
    response = tablet.post("/saved/email", {}, token_from="/saved")
    assert response.location == "/", "the patient is leaving the tablet"
    [message] = sent
    assert message["To"] == "ana@example.com" and "/resume/" in message.get_content()
    assert "We emailed the link to a…@example.com." in tablet.client.get("/").get_data(as_text=True)
    _gone(tablet)


def test_a_failed_email_on_the_tablet_keeps_the_link_off_screen_and_offers_it_again(kiosk_app, tablet):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        kiosk_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=probe.getsockname()[1], MAIL_TIMEOUT=2)
    tablet.start()
    tablet.answer("safety")
    tablet.answer("about")
    tablet.post("/later", {}, token_from="/step/twitching")
    tablet.client.get("/saved")
    response = tablet.post("/saved/email", {}, token_from="/saved")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "/resume/" not in page
    assert "We could not send the email just now. Try again, or ask at the reception desk." in page
    assert "Email me this link" in page


def test_without_an_email_address_the_saved_page_says_how_to_get_the_link(tablet):
    tablet.start()
    tablet.answer("safety")
    tablet.answer(
        "about", {**COMPLETE_FORM["about"], "about.email": "", "about.contact_method": "phone_call"}
    )
    tablet.post("/later", {}, token_from="/step/twitching")
    saved = tablet.client.get("/saved").get_data(as_text=True)
    assert "/resume/" not in saved and "Email me this link" not in saved
    assert "give an email address on the “About you” page" in saved


def test_a_tablet_left_alone_is_cleared_for_the_next_patient(tablet):
    start = datetime(2026, 12, 7, 15, 0, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False):
        tablet.start()
        tablet.answer("safety")
        assert tablet.client.get("/step/about").status_code == 200
    with time_machine.travel(start + timedelta(seconds=IDLE + 30), tick=False):
        assert tablet.client.get("/step/about").status_code == 200, "the page's own script clears it on time"
    with time_machine.travel(start + timedelta(seconds=2 * IDLE + 30 + 61), tick=False):
        _gone(tablet)


def test_the_page_carries_its_idle_reset_and_warning(tablet):
    tablet.start()
    page = tablet.client.get("/step/safety").get_data(as_text=True)
    assert f'id="kiosk-reset" data-idle-seconds="{IDLE}"' in page
    assert 'role="alertdialog"' in page and "Are you still there?" in page
    response = tablet.post("/kiosk/reset", {}, token_from="/step/safety")
    assert response.location == "/"
    _gone(tablet)


def test_it_is_off_unless_the_clinic_turns_it_on(app, patient):
    patient.complete_all_steps()
    patient.submit()
    done = patient.client.get("/done").get_data(as_text=True)
    assert "Finish and hand back" not in done and "See and print a copy of your answers" in done
    assert 'id="kiosk-reset"' not in done
    assert patient.post("/hand-back", {}, token_from="/done").status_code == 404
