"""Every patient story of tests/safety_vignettes.py walked through the form over HTTP, in
English and Spanish: each red flag shows its page right after the page whose answer
raised it, and the stored draft and submission keep the story's tier."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from markupsafe import escape

from intake.questionnaire import drafts
from intake.questionnaire.safety import assess
from tests.answers import STEPS
from tests.conftest import Patient, all_submissions
from tests.safety_vignettes import VIGNETTES, form_posts

SAFETY_PAGES = ("/emergency", "/urgent", "/support")


def walk(patient: Patient, answers: dict, language: str) -> list[tuple[str, str]]:
    """Post every step as the story answers it; go on from each safety page as a patient
    who has been checked would. Returns (step, safety page) for each safety page shown."""
    posts = form_posts(answers)
    patient.start(**{"consent.language": language})
    shown = []
    for step in STEPS:
        response = patient.answer(step, posts[step])
        assert response.status_code == 302, response.get_data(as_text=True)[:1500]
        path = urlparse(response.location).path
        if path in SAFETY_PAGES:
            shown.append((step, path))
            assert patient.client.get(response.location).status_code == 200
            if path == "/emergency":
                go_on = urlparse(response.location)
                patient.post(f"/emergency/continue?{go_on.query}", token_from=response.location)
    return shown


def expected_pages(story) -> set[tuple[str, str]]:
    from intake.questionnaire.twitching import QUESTIONNAIRE

    flags = assess(QUESTIONNAIRE.enabled_answers(story.all_answers())).flags
    return {
        (QUESTIONNAIRE.step_of(flag.link_ids[0]).id, f"/{flag.page.value}") for flag in flags if flag.page
    }


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("story", VIGNETTES, ids=[v.name for v in VIGNETTES])
def test_each_story_is_routed_at_once_and_keeps_its_tier(app, client, clinician, story, language):
    patient = Patient(app.test_client())
    shown = walk(patient, story.all_answers(), language)
    [draft] = all_submissions(app)
    assert (draft.safety_tier, set(drafts.standing(draft).codes())) == (story.tier, story.flags), story.source
    # a page per step at most: the emergency page wins over the others of the same step
    by_step = {}
    for step, page in sorted(expected_pages(story), key=lambda pair: SAFETY_PAGES.index(pair[1])):
        by_step.setdefault(step, page)
    assert shown == [(step, by_step[step]) for step in STEPS if step in by_step], story.source
    assert patient.submit().status_code == 302
    [sent] = all_submissions(app)
    assert (sent.status, sent.safety_tier) == ("new", story.tier)
    # and the clinician's Safety box says so, every flag in the patient's words
    page = client.get(f"/clinic/submissions/{sent.public_id}").get_data(as_text=True)
    box = page[page.index('id="safety-title"') : page.index('id="who-title"')]
    assert f"safety-{story.tier}" in page
    for flag in assess(sent.answers).flags:
        assert str(escape(flag.sign)) in box, flag.code
    if not story.flags:
        assert "No safety signs reported." in box
