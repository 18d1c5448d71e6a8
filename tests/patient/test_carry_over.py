"""A draft begun on questionnaire 1.0.0 is carried over to today's version (issue 26, part 5): its
answers stay, and it is asked what it was never asked before it can be sent."""

from __future__ import annotations

from intake.extensions import db
from intake.models import Submission
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import STEPS
from tests.conftest import Patient, all_submissions
from tests.patient.test_resume import save_for_later

NOTE = "We have added some questions since you started."


def _as_if_begun_on_1_0_0(app) -> None:
    """What a draft saved by the 1.0.0 app looks like: the same row, the older version."""
    with app.app_context():
        [draft] = db.session.query(Submission).all()
        draft.questionnaire_version = "1.0.0"
        db.session.commit()


def _walk_to_review(patient: Patient) -> None:
    patient.complete_all_steps()
    assert patient.client.get("/review").status_code == 200


def test_a_1_0_0_draft_at_the_review_page_goes_back_to_the_first_new_question(app, patient):
    _walk_to_review(patient)
    _as_if_begun_on_1_0_0(app)
    response = patient.client.get("/review")
    # 2.0.0 asks who is filling it in on the welcome page, so that is the first new question
    assert response.status_code == 302 and response.location == "/"
    page = patient.client.get("/").get_data(as_text=True)
    assert NOTE in page
    [draft] = all_submissions(app)
    assert draft.questionnaire_version == QUESTIONNAIRE.version
    assert draft.answers["about.first_name"] == "Ana", "the answers are kept"
    assert patient.client.get("/review").status_code == 200, "asked once, then on as usual"


def test_sending_a_1_0_0_draft_first_asks_the_new_questions_then_sends_it_on_2_0_0(app, patient):
    _walk_to_review(patient)
    _as_if_begun_on_1_0_0(app)
    assert patient.submit().location == "/"
    patient.start()
    assert patient.submit().location == "/done"
    [sent] = all_submissions(app)
    assert (sent.status, sent.questionnaire_version) == ("new", QUESTIONNAIRE.version)


def test_a_resume_link_of_a_1_0_0_draft_lands_on_the_first_new_question(app, patient):
    patient.start()
    for step in STEPS[: STEPS.index("pattern")]:
        patient.answer(step)
    link = save_for_later(patient, "pattern", {})
    _as_if_begun_on_1_0_0(app)
    other_browser = Patient(app.test_client())
    response = other_browser.client.get(link)
    assert response.status_code == 302 and response.location == "/"
    assert NOTE in other_browser.client.get("/").get_data(as_text=True)


def test_a_current_draft_resumes_where_it_stopped_without_the_note(app, patient):
    patient.start()
    patient.answer("safety")
    link = save_for_later(patient)
    other_browser = Patient(app.test_client())
    assert other_browser.client.get(link).location.endswith("/step/about")
    assert NOTE not in other_browser.client.get("/step/about").get_data(as_text=True)
