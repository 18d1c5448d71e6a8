"""Red-flag answers: an emergency stop page, an urgent same-day page; both stored."""

from __future__ import annotations

import re

from tests.answers import COMPLETE_FORM, STEPS
from tests.conftest import Patient, all_submissions


def test_it_stops_on_an_emergency_sign_and_keeps_the_draft(app, patient):
    patient.start()
    response = patient.answer("safety", {"safety.signs": ["face_droop", "ear_rash"]})
    assert response.location == "/emergency?after=safety"
    page = patient.client.get(response.location).get_data(as_text=True)
    assert "Call 911 now" in page and 'href="tel:911"' in page
    # Said for signs given any way (a later page's radio answer too), not only ticked boxes.
    assert "the signs you told us about need emergency care" in page and "ticked" not in page
    [draft] = all_submissions(app)
    assert draft.safety_tier == "emergency" and draft.answers["safety.signs"] == ["face_droop", "ear_rash"]


def test_it_blocks_later_steps_after_an_emergency_answer(patient):
    patient.start()
    patient.answer("safety", {"safety.signs": ["speech"]})
    assert patient.client.get("/step/about").location.endswith("/emergency")
    assert patient.client.get("/review").location.endswith("/emergency")


def test_it_offers_a_resume_link_from_the_emergency_page(patient):
    patient.start()
    patient.answer("safety", {"safety.signs": ["vision"]})
    response = patient.post("/later", token_from="/emergency")
    assert response.location.endswith("/saved")
    assert "/resume/" in patient.client.get("/saved").get_data(as_text=True)


def test_it_lets_a_patient_who_was_checked_go_on(app, patient):
    patient.start()
    patient.answer("safety", {"safety.signs": ["headache"]})
    response = patient.post("/emergency/continue", token_from="/emergency")
    assert response.location.endswith("/step/about")
    assert patient.client.get("/step/about").status_code == 200
    [draft] = all_submissions(app)
    assert draft.safety_tier == "emergency", "the red flag stays on record for clinicians"


def test_a_sign_ticked_by_mistake_can_be_taken_back_from_the_911_page_and_is_kept(app, patient):
    """Found by a walk-through: the only ways on were a resume link or "I have been checked",
    which pushed someone who mis-tapped to say a doctor had checked them."""
    patient.start()
    patient.answer("safety", {"safety.signs": ["face_droop"]})
    page = patient.client.get("/emergency?after=safety").get_data(as_text=True)
    assert (
        "Ticked a sign by mistake?" in page
        and '<a href="/step/safety">Go back and change your answer</a>' in page
    )
    assert patient.client.get("/step/safety").status_code == 200
    response = patient.answer("safety", {"safety.signs": ["none"]})
    assert response.location == "/step/about"
    [draft] = all_submissions(app)
    assert draft.safety_tier == "emergency", "never lowered silently: the clinician sees the sign taken back"


def test_it_shows_the_urgent_page_with_the_clinic_phone_and_lets_the_patient_go_on(app, patient):
    patient.start()
    response = patient.answer("safety", {"safety.signs": ["eye_not_closing"]})
    assert response.location == "/urgent?after=safety"
    page = patient.client.get(response.location).get_data(as_text=True)
    assert "Talk to a doctor today" in page and "(212) 434-4050" in page
    assert patient.client.get("/step/about").status_code == 200
    [draft] = all_submissions(app)
    assert draft.safety_tier == "urgent"


def test_it_rejects_none_together_with_a_sign(app, patient):
    patient.start()
    response = patient.answer("safety", {"safety.signs": ["none", "speech"]})
    assert response.status_code == 422
    assert "cannot be chosen with other answers" in response.get_data(as_text=True)


def test_it_stores_the_tier_on_the_submission(app, patient):
    patient.complete_all_steps({"safety": {"safety.signs": ["hearing_loss"]}})
    patient.submit()
    [submission] = all_submissions(app)
    assert submission.safety_tier == "urgent" and submission.status == "new"


def test_it_does_not_show_safety_pages_without_the_tier(patient):
    patient.start()
    patient.answer("safety")
    assert patient.client.get("/emergency").status_code == 302
    assert patient.client.get("/urgent").status_code == 302


def _later(monkeypatch, hours: int) -> None:
    from datetime import timedelta

    from intake.models import utcnow as real_now

    monkeypatch.setattr("intake.patient.views.utcnow", lambda: real_now() + timedelta(hours=hours))


def test_a_safety_answer_older_than_a_day_is_asked_again_before_sending(app, patient, monkeypatch):
    patient.complete_all_steps()
    _later(monkeypatch, 23)
    assert patient.client.get("/review").status_code == 200
    _later(monkeypatch, 25)
    response = patient.client.get("/review")
    assert response.location == "/step/safety?return=review"
    page = patient.client.get(response.location).get_data(as_text=True)
    assert "more than a day since you answered the safety questions" in page
    assert patient.submit().location == "/step/safety?return=review", "sending asks again too"
    assert all_submissions(app)[0].status == "draft"
    again = patient.answer("safety", {"safety.signs": ["ear_rash"]}, query="?return=review")
    assert again.location == "/urgent?after=safety&return=review"
    go_on = patient.client.get(again.location).get_data(as_text=True)
    assert 'href="/review"' in go_on, "going on leads back to the review"
    assert patient.client.get("/review").status_code == 200
    assert patient.submit().location == "/done"
    assert all_submissions(app)[0].safety_tier == "urgent"


def test_after_i_have_been_checked_the_confirmation_repeats_the_emergency_advice(patient):
    patient.start()
    patient.answer("safety", {"safety.signs": ["balance"]})
    page = patient.client.get("/emergency?after=safety").get_data(as_text=True)
    assert "Sudden trouble walking, dizziness or loss of balance" in page, "the signs that triggered it"
    assert "Note the time the signs began" in page and "Do not drive yourself" in page
    patient.post("/emergency/continue?after=safety", token_from="/emergency")
    for step in STEPS[STEPS.index("about") :]:
        patient.answer(step)
    patient.submit()
    done = patient.client.get("/done").get_data(as_text=True)
    assert "a doctor had already checked signs that need emergency care" in done
    assert "do not drive yourself" in done and "call 911 now" in done


def test_without_an_emergency_the_confirmation_says_nothing_of_it(patient):
    patient.complete_all_steps()
    patient.submit()
    assert "already checked signs" not in patient.client.get("/done").get_data(as_text=True)


# --- a red flag acts whichever button leaves the page (walk-through, 7 December) ----------


def test_save_and_finish_later_with_a_stroke_sign_shows_call_911_before_the_link(patient):
    """Face drooping that came on suddenly is a stroke sign (AHA/ASA BE FAST; NHS "Stroke:
    symptoms"): a patient who stops here must still be told to call 911 now."""
    patient.start()
    response = patient.answer("safety", {"safety.signs": ["face_droop"]}, action="later")
    assert response.location == "/emergency?after=safety&to=safety"
    page = patient.client.get(response.location).get_data(as_text=True)
    assert "Call 911 now" in page
    # The link that button made waits for them, shown once, on /saved.
    assert 'href="/saved">Get your link to finish later' in page
    assert "/resume/" in patient.client.get("/saved").get_data(as_text=True)


def test_back_from_a_page_that_raised_a_stroke_sign_shows_call_911_first(patient):
    patient.start()
    response = patient.answer("safety", {"safety.signs": ["speech"]}, action="back")
    assert response.location == "/emergency?after=safety&to=welcome", "then where Back was going"


def test_finish_later_after_thoughts_of_self_harm_shows_the_support_page_first(patient):
    """PHQ-9 item 9 above "not at all" (the instrument's manual: ask further, offer support):
    the support page comes first, with the 988 Lifeline, then the waiting link."""
    patient.start()
    for step in STEPS[: STEPS.index("stress")]:
        patient.answer(step)
    response = patient.answer("stress", {"stress.phq9.9": "1"}, action="later")
    assert response.location == "/support?after=stress&to=stress"
    page = patient.client.get(response.location).get_data(as_text=True)
    assert 'href="tel:988"' in page and 'href="/saved">Get your link to finish later' in page


def test_without_a_waiting_link_the_safety_page_makes_one(patient):
    patient.start()
    patient.answer("safety", {"safety.signs": ["vision"]})
    page = patient.client.get("/emergency?after=safety").get_data(as_text=True)
    assert 'action="/later"' in page and 'href="/saved"' not in page


def test_the_confirmation_repeats_a_same_day_sign_and_the_call_asked_for(patient):
    """Sending does not lower the advice: a painful rash in the ear (NHS, Ramsay Hunt
    syndrome: same-day assessment) is said again on /done, with the callback waiting."""
    patient.start()
    patient.answer("safety", {"safety.signs": ["ear_rash"]})
    patient.post("/callback?page=urgent&after=safety", {"phone": "(212) 555-0142"}, token_from="/urgent")
    for step in STEPS[STEPS.index("about") :]:
        patient.answer(step)
    patient.submit()
    done = patient.client.get("/done").get_data(as_text=True)
    assert "Some of your answers are signs that a doctor should see today." in done
    assert "A painful rash with blisters in or around the ear" in done
    assert "on your number ending in 0142" in done and "555-0142" not in done, "only the end on screen"


def test_a_confirmation_without_same_day_signs_or_a_call_says_neither(patient):
    patient.complete_all_steps()
    patient.submit()
    done = patient.client.get("/done").get_data(as_text=True)
    assert "a doctor should see today" not in done and "ending in 0142" not in done


def _link_on(page: str) -> str | None:
    found = re.search(r'href="(http://[^"]+/resume/[^"]+)"', page)
    return found.group(1) if found else None


def test_a_waiting_link_is_never_shown_for_another_form(app, patient):
    """Reviewer's finding: the link a 'Save and finish later' left waiting behind the
    advice page outlived its draft; a later form in the same browser was offered it."""
    patient.start()
    patient.answer("safety", {"safety.signs": ["face_droop"]}, action="later")  # link waits
    patient.post("/emergency/continue?after=safety", token_from="/emergency")
    patient.answer("safety", {"safety.signs": ["face_droop"]})
    for step in STEPS[STEPS.index("about") :]:
        patient.answer(step)
    assert patient.submit().location == "/done"
    patient.start()  # a new form in the same browser
    patient.answer("safety", {"safety.signs": ["ear_rash"]})
    page = patient.client.get("/urgent?after=safety").get_data(as_text=True)
    assert 'href="/saved"' not in page and 'action="/later"' in page
    assert _link_on(patient.client.get("/saved").get_data(as_text=True)) is None


def test_resuming_another_draft_drops_the_link_waiting_for_this_one(app, patient):
    other = Patient(app.test_client())
    other.start()
    other.post("/later", token_from="/step/safety")
    other_link = _link_on(other.client.get("/saved").get_data(as_text=True))
    patient.start()
    patient.answer("safety", {"safety.signs": ["face_droop"]}, action="later")  # this one's waits
    patient.client.get(other_link.replace("http://localhost", ""))
    assert _link_on(patient.client.get("/saved").get_data(as_text=True)) is None


def test_a_language_switch_that_raises_a_flag_shows_its_advice_too(patient):
    patient.start()
    response = patient.post("/step/safety", {"safety.signs": ["speech"], "switch_language": "es"})
    assert response.location == "/emergency?after=safety&to=safety", "the page stays the page"
    assert "Llame al 911 ahora" in patient.client.get(response.location).get_data(as_text=True)


def test_the_confirmation_after_thoughts_of_self_harm_offers_988_not_urgent_care(patient):
    """PHQ-9 item 9 is tier urgent but its page is the support page (988 Lifeline): the
    confirmation must not recast it as 'a sign a doctor should see today'."""
    patient.start()
    for step in STEPS[: STEPS.index("stress")]:
        patient.answer(step)
    patient.answer("stress", {**COMPLETE_FORM["stress"], "stress.phq9.9": "2"})
    for step in STEPS[STEPS.index("stress") + 1 :]:
        patient.answer(step)
    patient.submit()
    done = patient.client.get("/done").get_data(as_text=True)
    assert 'href="tel:988"' in done and 'href="sms:988"' in done
    assert "a doctor should see today" not in done


def test_back_from_a_page_with_a_same_day_sign_is_not_caught_in_a_loop(patient):
    """Back shows the advice (face weakness begun within 4 weeks, not yet examined: same day,
    AAO-HNS Bell's palsy guideline; NHS), then its "go on" leads where Back was going, the
    page before: not on to a page not reached yet, which sent the patient back here."""
    patient.start()
    for step in STEPS[: STEPS.index("history")]:
        patient.answer(step)
    urgent = {
        **COMPLETE_FORM["history"],
        "history.face_weakness_now": "yes",
        "history.face_weakness_started": "days",
    }
    response = patient.answer("history", urgent, action="back")
    assert response.location == "/urgent?after=history&to=course"
    page = patient.client.get(response.location).get_data(as_text=True)
    assert 'href="/step/course">Go on with the form' in page
    assert patient.client.get("/step/course").status_code == 200
