"""'Ask the clinic to call me today' on the urgent and support pages, the clinic's hours on
the urgent page, and the Needs attention list where staff see red-flag drafts (#25)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, text

from intake.extensions import db
from intake.models import AuditEvent, CallbackRequest
from tests.answers import COMPLETE_FORM, STEPS
from tests.conftest import Patient, all_submissions

FRIDAY_MORNING = datetime(2026, 12, 4, 15, 0, tzinfo=timezone.utc)  # 10:00 in New York
FRIDAY_NIGHT = datetime(2026, 12, 5, 2, 0, tzinfo=timezone.utc)  # 21:00 in New York
MONDAY_EARLY = datetime(2026, 12, 7, 12, 12, tzinfo=timezone.utc)  # 7:12 in New York, opens 8:30


@pytest.fixture
def at(monkeypatch):
    def set_time(moment: datetime):
        monkeypatch.setattr("intake.patient.safety_pages.utcnow", lambda: moment)

    return set_time


def _urgent_patient(app, with_contact: bool = False) -> Patient:
    patient = Patient(app.test_client())
    patient.start()
    if with_contact:
        patient.answer("safety")
        patient.answer("about")
        patient.client.get("/step/safety")
    patient.answer("safety", {"safety.signs": ["ear_rash"]})
    return patient


def test_the_urgent_page_says_when_the_clinic_is_closed_and_when_it_opens(app, at):
    patient = _urgent_patient(app)
    at(FRIDAY_NIGHT)
    page = patient.client.get("/urgent?after=safety").get_data(as_text=True)
    assert "The clinic is closed now." in page and "Saturday" not in page  # Mon-Fri hours
    assert "It opens again at 8:30\u202fAM on Monday, December 7, 2026." in page
    assert "urgent care center today" in page
    at(FRIDAY_MORNING)
    assert "The clinic is open now." in patient.client.get("/urgent?after=safety").get_data(as_text=True)


def test_before_opening_on_an_opening_day_it_says_today_not_the_date(app, at):
    """Found by a walk-through: at 7:12 on Monday it said "at 8:30 AM on Monday, December 7"."""
    patient = _urgent_patient(app)
    at(MONDAY_EARLY)
    page = patient.client.get("/urgent?after=safety").get_data(as_text=True)
    assert "It opens again today at 8:30\u202fAM." in page and "December 7" not in page
    patient.post("/callback?page=urgent&after=safety", {"phone": "(212) 555-0199"}, token_from="/urgent")
    page = patient.client.get("/urgent?after=safety").get_data(as_text=True)
    assert "The clinic will call you when it opens, today at 8:30\u202fAM." in page


def test_a_callback_is_stored_sealed_and_the_page_confirms_it(app, at):
    at(FRIDAY_NIGHT)
    patient = _urgent_patient(app)
    response = patient.post(
        "/callback?page=urgent&after=safety",
        {"phone": "(212) 555-0199", "good_time": "after 6pm"},
        token_from="/urgent",
    )
    assert response.location == "/urgent?after=safety"
    page = patient.client.get(response.location).get_data(as_text=True)
    assert "The clinic will call you when it opens, at 8:30\u202fAM on Monday, December 7, 2026." in page
    # The time asked for is said back (a walk-through asked "after 3" and read only "8:30").
    assert "You told us a good time to call: after 6pm. The clinic will try to call you then." in page
    with app.app_context():
        [asked] = db.session.scalars(select(CallbackRequest)).all()
        assert (asked.phone, asked.good_time, asked.tier) == ("(212) 555-0199", "after 6pm", "urgent")
        raw = db.session.execute(text("SELECT phone FROM callback_request")).scalar()
        assert "555" not in raw, "sealed at rest"


def test_a_mistyped_number_keeps_what_was_typed_with_a_clear_message(app):
    patient = _urgent_patient(app)
    response = patient.post(
        "/callback?page=urgent", {"phone": "call me", "good_time": "mornings"}, token_from="/urgent"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a phone number, like (212) 555-0123" in page and 'value="mornings"' in page
    # Said at the top, where focus goes: on a phone the form is screens below the advice.
    assert "<title>Error: Talk to a doctor today" in page
    summary = page.index('id="error-summary"')
    assert (
        summary < page.index("<h1>") and '<a href="#phone">' in page[summary : page.index("</div>", summary)]
    )
    with app.app_context():
        assert db.session.scalars(select(CallbackRequest)).all() == []


def test_a_callback_needs_a_flag_that_offers_it(app):
    patient = Patient(app.test_client())
    patient.start()
    patient.answer("safety")
    response = patient.post("/callback?page=urgent", {"phone": "(212) 555-0199"}, token_from="/step/about")
    assert response.status_code == 302 and response.location == "/step/about"


def test_the_support_page_offers_the_crisis_line_and_a_callback(app):
    patient = Patient(app.test_client())
    patient.start()
    for step in STEPS[: STEPS.index("stress")]:
        patient.answer(step)
    response = patient.answer("stress", {**COMPLETE_FORM["stress"], "stress.phq9.9": "2"})
    assert response.location == "/support?after=stress"
    page = patient.client.get(response.location).get_data(as_text=True)
    assert 'href="tel:988"' in page and 'href="sms:988"' in page and 'href="tel:911"' in page
    assert "Ask the clinic to call you" in page
    assert 'value="(212) 555-0123"' in page, "the number given on the About you page"
    support = page[page.index('id="support-title"') : page.index("</main>")]
    for word in ("depress", "diagnos", "suicidal"):
        assert word not in support.lower(), word
    assert 'href="/step/daily_life"' in page


def test_staff_see_red_flag_drafts_and_callbacks_until_the_patient_sends(app, client, clinician):
    patient = _urgent_patient(app, with_contact=True)
    patient.post("/callback?page=urgent", {"phone": "(212) 555-0199"}, token_from="/urgent")
    listing = client.get("/clinic/attention").get_data(as_text=True)
    assert "Ana Canary-Lopez" in listing and "(212) 555-0199" in listing
    assert "A painful rash with blisters in or around the ear" in listing
    assert "not sent by the patient" in listing
    [draft] = all_submissions(app)
    item = client.get(f"/clinic/attention/{draft.public_id}").get_data(as_text=True)
    assert "Not sent by the patient." in item and "tier-urgent" in item
    with app.app_context():
        viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "submission.viewed")).all()
        assert [event.submission_public_id for event in viewed] == [draft.public_id]
    for step in STEPS[STEPS.index("about") :]:
        patient.answer(step)
    patient.submit()
    listing = client.get("/clinic/attention").get_data(as_text=True)
    assert "No unsent forms with red flags." in listing
    assert "(212) 555-0199" in listing, "the callback stays until someone calls"
    token_page = client.get("/clinic/attention").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page).group(1)
    client.post(f"/clinic/attention/{draft.public_id}/called", data={"csrf_token": token})
    assert "No callback requests waiting." in client.get("/clinic/attention").get_data(as_text=True)


def test_a_draft_without_red_flags_is_not_listed(app, client, clinician):
    patient = Patient(app.test_client())
    patient.start()
    patient.answer("safety")
    patient.answer("about")
    assert "Canary-Lopez" not in client.get("/clinic/attention").get_data(as_text=True)


def test_purging_an_expired_draft_takes_its_callback_requests_with_it(app):
    patient = _urgent_patient(app)
    patient.post("/callback?page=urgent", {"phone": "(212) 555-0199"}, token_from="/urgent")
    with app.app_context():
        db.session.execute(text("UPDATE submission SET expires_at = '2000-01-01 00:00:00'"))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(select(CallbackRequest)).all() == []
    assert all_submissions(app) == []


def test_a_callback_number_without_its_area_code_is_asked_again(app):
    patient = _urgent_patient(app)
    response = patient.post("/callback?page=urgent", {"phone": "555-0199"}, token_from="/urgent")
    assert response.status_code == 422
    assert "Include the area code, like (212) 555-0123" in response.get_data(as_text=True)


def test_the_time_to_call_said_back_is_text_not_markup(app, at):
    at(FRIDAY_NIGHT)
    patient = _urgent_patient(app)
    patient.post(
        "/callback?page=urgent&after=safety",
        {"phone": "(212) 555-0199", "good_time": "<b>after 3</b>"},
        token_from="/urgent",
    )
    page = patient.client.get("/urgent?after=safety").get_data(as_text=True)
    assert "good time to call: &lt;b&gt;after 3&lt;/b&gt;." in page
