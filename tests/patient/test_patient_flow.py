"""The patient's walk through the questionnaire, through the real views."""

from __future__ import annotations

import re

from intake.models import Status
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import COMPLETE_FORM, STEPS
from tests.conftest import all_submissions, checked_values


def test_it_walks_the_whole_questionnaire_and_stores_one_submission(app, patient):
    patient.complete_all_steps()
    review = patient.client.get("/review")
    assert review.status_code == 200
    assert "Canary-Lopez" in review.get_data(as_text=True)

    response = patient.submit()
    assert response.status_code == 302 and response.location.endswith("/done")
    [submission] = all_submissions(app)
    assert submission.status == Status.NEW
    assert submission.reference and submission.submitted_at
    assert submission.answers["twitch.where"] == ["upper_eyelid", "cheek"]
    assert submission.answers["twitch.onset"] == "2024-03"
    assert submission.answers["twitch.bother"] == 7
    assert submission.answers["history.face_weakness_now"] is False
    assert submission.answers["about.birth_date"] == "1980-04-23"
    assert submission.questionnaire_version == "2.3.0"


def test_it_numbers_each_step_out_of_fourteen(patient):
    patient.start()
    page = patient.client.get("/step/safety").get_data(as_text=True)
    assert "Step 2 of 14" in page
    patient.answer("safety")
    assert "Step 3 of 14" in patient.client.get("/step/about").get_data(as_text=True)


def _bar(page: str) -> list[str]:
    bar = page[
        page.index('<ol class="progress-bar"') : page.index("</ol>", page.index('class="progress-bar"'))
    ]
    return re.findall(r'<li class="(\w+)">', bar)


def test_the_progress_bar_shows_the_pages_done_and_names_this_page_and_the_next(patient):
    patient.start()
    for step_id in STEPS[: STEPS.index("episodes")]:
        patient.answer(step_id)
    page = patient.client.get("/step/episodes").get_data(as_text=True)
    assert 'aria-hidden="true"' in page[page.index('<ol class="progress-bar"') - 5 :][:60]
    assert _bar(page) == ["done"] * 4 + ["current"] + ["todo"] * 9
    assert (
        'Step 5 of 14<span class="visually-hidden">: How often it happens and what sets it off.</span>'
        in page
    ), "the page named for screen readers"
    assert "Next: Photos and video" in page
    patient.complete_all_steps()
    assert "Next: check your answers and send them" in patient.client.get("/step/visit").get_data(
        as_text=True
    )
    review = patient.client.get("/review").get_data(as_text=True)
    assert _bar(review) == ["done"] * 14
    assert "All 14 steps answered. Last: check your answers and send them." in review


def test_it_goes_back_without_losing_what_was_typed(app, patient):
    patient.complete_all_steps()
    half_done = {
        "twitch.where": ["cheek"],
        "twitch.side": "right",
        "twitch.onset-month": "13",
        "twitch.onset-year": "2024",
    }
    response = patient.answer("twitching", half_done, action="back")
    assert response.status_code == 302 and response.location.endswith("/step/about")

    page = patient.client.get("/step/twitching").get_data(as_text=True)
    assert checked_values(page, "twitch.side") == ["right"]
    [draft] = all_submissions(app)
    assert draft.answers["twitch.side"] == "right"
    assert draft.answers["twitch.onset"] == "2024-03", "an invalid new value keeps the old one"


def test_it_drops_answers_to_questions_that_no_longer_apply(app, patient):
    patient.complete_all_steps()
    twitching = {**COMPLETE_FORM["twitching"], "twitch.where": ["cheek"]}
    assert patient.answer("twitching", twitching).status_code == 302
    [draft] = all_submissions(app)
    assert "twitch.eye_closes" not in draft.answers
    assert "twitch.start_place" not in draft.answers, "one place: no 'where did it start'"


def test_it_keeps_later_pages_closed_until_earlier_ones_are_done(patient):
    patient.start()
    response = patient.client.get("/step/history")
    assert response.status_code == 302 and response.location.endswith("/step/safety")
    assert patient.client.get("/review").location.endswith("/step/safety")


def test_it_sends_a_visitor_without_a_draft_to_the_start(client):
    response = client.get("/step/about")
    assert response.status_code == 302 and response.location.endswith("/")


def test_it_explains_a_missing_draft_on_post(patient):
    response = patient.post("/step/about", {"about.first_name": "Ana"})
    assert response.status_code == 404
    assert "could not find your saved answers" in response.get_data(as_text=True)


def test_it_answers_an_unknown_step_with_404(patient):
    patient.start()
    assert patient.client.get("/step/nonsense").status_code == 404
    assert patient.post("/step/nonsense", {"x": "y"}).status_code == 404


def test_it_shows_the_no_diagnosis_footer_on_every_page(patient):
    patient.complete_all_steps()
    for path in ["/", *[f"/step/{s}" for s in STEPS], "/review", "/no-such-page"]:
        page = patient.client.get(path).get_data(as_text=True)
        assert "does not give medical advice or a diagnosis" in page, path
        assert "call 911 now" in page, path


def test_it_returns_to_review_after_a_change(patient):
    patient.complete_all_steps()
    response = patient.answer("about", query="?return=review")
    # At the section just changed: from the top, ~100 rows away, the patient lost their place.
    assert response.location.endswith("/review#review-about")
    assert 'id="review-about"' in patient.client.get("/review").get_data(as_text=True)


def test_it_remembers_the_language_choice_on_the_draft(app, patient):
    patient.start(**{"consent.language": "es"})
    [draft] = all_submissions(app)
    assert draft.language == "es"


def test_it_needs_the_consent_box(app, patient):
    response = patient.post("/", {"consent.language": "en"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and 'href="#consent.agree"' in page
    assert all_submissions(app) == []


def test_it_confirms_with_a_reference_and_the_clinic_details(app, patient):
    patient.complete_all_steps()
    patient.submit()
    page = patient.client.get("/done").get_data(as_text=True)
    [submission] = all_submissions(app)
    assert submission.reference in page
    for fact in (
        "New York Facial Paralysis",
        "(212) 434-4050",
        "110 East 40 Street",
        "8:30 AM",
        "call 911 now",
    ):
        assert fact in page
    assert "book a visit" in page


def test_it_prints_the_patients_own_answers_without_scores(patient):
    patient.complete_all_steps()
    patient.submit()
    page = patient.client.get("/done/answers").get_data(as_text=True)
    assert "Canary-Lopez" in page and "Cold wind" in page and "March 2024" in page
    for clinical_only in ("GAD-7 score", "Score", "minimal", "moderate", "severe", "band"):
        assert clinical_only not in page


def test_it_shows_nothing_on_done_without_a_submission(client):
    assert client.get("/done").status_code == 404
    assert client.get("/done/answers").status_code == 404


def test_it_never_puts_answers_in_urls(patient):
    patient.start()
    locations = [patient.answer(step).location for step in STEPS]
    for location in locations:
        assert "Ana" not in location and "Canary" not in location and "@" not in location


def test_it_shows_the_sending_time_in_the_clinics_time_zone(app, patient):
    patient.complete_all_steps()
    patient.submit()
    [submission] = all_submissions(app)
    page = patient.client.get("/done/answers").get_data(as_text=True)
    from zoneinfo import ZoneInfo

    local = submission.submitted_at.astimezone(ZoneInfo("America/New_York"))
    assert local.strftime("%-I:%M") in page


def test_the_review_page_has_a_change_link_per_answer_to_its_question(app, patient):
    """Issue 28, part 3 (GOV.UK's "check answers" pattern: a Change link on each row)."""
    patient.complete_all_steps()
    page = patient.client.get("/review").get_data(as_text=True)
    links = re.findall(r'<a class="change-link" href="([^"]+)">', page)
    [draft] = all_submissions(app)
    shown = QUESTIONNAIRE.enabled_answers(draft.answers)
    # The photos page, skipped, has no answer: it gets one link of its own.
    empty = [s.id for s in QUESTIONNAIRE.steps if not any(i.link_id in shown for i in s.items)]
    assert empty == ["media"] and "/step/media?return=review" in links
    assert len(links) == len(shown) + len(empty)
    assert "/step/twitching?return=review#q-twitch.where" in links
    assert "/?return=review#q-consent.agree" in links, "the welcome page's answers go to the welcome page"
    assert '<span class="visually-hidden"> Where do you feel the twitching?</span>' in page


def test_the_welcome_page_opened_from_the_review_leads_back_to_it(app, patient):
    """Its Change links once lost the way back: "Start" went on to the safety page."""
    patient.complete_all_steps()
    page = patient.client.get("/?return=review").get_data(as_text=True)
    assert 'action="/?return=review"' in page and ">Save and go back to review</button>" in page
    back = patient.post("/?return=review", {**COMPLETE_FORM["welcome"], "consent.language": "es"})
    assert back.location == "/review"
    [draft] = all_submissions(app)
    assert draft.language == "es" and draft.answers["consent.language"] == "es"


def test_a_page_opened_from_the_review_leads_back_to_it_and_says_so(patient):
    patient.complete_all_steps()
    page = patient.client.get("/step/history?return=review").get_data(as_text=True)
    assert ">Save and go back to review</button>" in page and ">Back to review</button>" in page
    assert "Save and continue" not in page
    assert patient.answer("history", action="back", query="?return=review").location.endswith(
        "/review#review-history"
    )
    assert patient.answer("history", action="back").location.endswith("/step/course"), "else the page before"
