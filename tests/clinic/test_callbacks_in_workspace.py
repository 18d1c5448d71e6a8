"""A patient's "ask the clinic to call me" is seen wherever staff look, not only on Needs
attention: the dashboard says how many wait, and the form's own Safety box (summary and
unsent-form page) says who asked, the number, and whether someone has called."""

from __future__ import annotations

import re

from sqlalchemy import text

from intake.extensions import db
from tests.answers import STEPS
from tests.conftest import Patient, all_submissions

NUMBER = "(212) 555-0142"


def _asked_for_a_callback(app) -> Patient:
    """Urgent sign on the safety page (a rash in the ear: same-day assessment, NHS Ramsay Hunt syndrome),
    then "Ask the clinic to call me" on the urgent page."""
    patient = Patient(app.test_client())
    patient.start()
    patient.answer("safety", {"safety.signs": ["ear_rash"]})
    asked = patient.post(
        "/callback?page=urgent&after=safety", {"phone": NUMBER, "good_time": "mornings"}, token_from="/urgent"
    )
    assert asked.status_code == 302
    return patient


def _send(patient: Patient) -> None:
    for step in STEPS[STEPS.index("about") :]:
        patient.answer(step)
    assert patient.submit().status_code == 302


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_dashboard_says_how_many_callbacks_and_red_flag_drafts_wait(app, client, clinician):
    assert "Needs attention:" not in client.get("/clinic/").get_data(as_text=True)
    _asked_for_a_callback(app)
    page = client.get("/clinic/").get_data(as_text=True)
    assert "1 patient asked to be called back" in page
    assert "1 unsent form with red flags" in page
    assert 'href="/clinic/attention"' in page


def test_an_expired_draft_and_a_handled_callback_are_not_counted(app, client, clinician):
    _asked_for_a_callback(app)
    [draft] = all_submissions(app)
    with app.app_context():
        db.session.execute(text("UPDATE submission SET expires_at = '2000-01-01 00:00:00'"))
        db.session.commit()
    page = client.get("/clinic/").get_data(as_text=True)
    assert "unsent form" not in page and "1 patient asked to be called back" in page
    token = _token(client.get("/clinic/attention").get_data(as_text=True))
    client.post(f"/clinic/attention/{draft.public_id}/called", data={"csrf_token": token})
    assert "Needs attention:" not in client.get("/clinic/").get_data(as_text=True)


def test_the_summary_s_safety_box_shows_the_callback_until_someone_calls(app, client, clinician):
    patient = _asked_for_a_callback(app)
    _send(patient)
    [sent] = all_submissions(app)
    summary = client.get(f"/clinic/submissions/{sent.public_id}").get_data(as_text=True)
    box = summary[
        summary.index('id="safety-title"') : summary.index("</section>", summary.index('id="safety-title"'))
    ]
    assert "The patient asked to be called back" in box
    assert NUMBER in box and "(mornings)" in box and "Not called yet." in box
    called = client.post(
        f"/clinic/attention/{sent.public_id}/called", data={"csrf_token": _token(summary), "back": "summary"}
    )
    assert called.location == f"/clinic/submissions/{sent.public_id}#safety-title", "back to the summary"
    after = client.get(called.location).get_data(as_text=True)
    assert "Called: marked by Dr. Ana Ruiz" in after and "Not called yet." not in after
    assert "Mark as called" not in after


def test_the_unsent_form_s_page_shows_its_callback_in_the_safety_box(app, client, clinician):
    _asked_for_a_callback(app)
    [draft] = all_submissions(app)
    page = client.get(f"/clinic/attention/{draft.public_id}").get_data(as_text=True)
    box = page[page.index('id="safety-title"') :]
    assert NUMBER in box and "Not called yet." in box
    token = _token(page)
    back = client.post(
        f"/clinic/attention/{draft.public_id}/called", data={"csrf_token": token, "back": "summary"}
    )
    assert back.location == "/clinic/attention", "a draft has no summary to go back to"


def test_a_patient_who_asks_twice_is_counted_once(app, client, clinician):
    patient = _asked_for_a_callback(app)
    patient.post("/callback?page=urgent&after=safety", {"phone": NUMBER}, token_from="/urgent")
    page = client.get("/clinic/").get_data(as_text=True)
    assert "1 patient asked to be called back" in page
