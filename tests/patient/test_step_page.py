"""Step pages come from a page compiled once per step and language (intake/step_page.py):
what one patient typed, or their CSRF token, must never reach another patient."""

from __future__ import annotations

import pytest
from flask import render_template_string

from intake.patient.step_page import CACHE_KEY, render_step_page
from tests.answers import COMPLETE_FORM, STEPS
from tests.conftest import CSRF_PATTERN, Patient, all_submissions, checked_values


def _patient_at_about(app, **about) -> Patient:
    patient = Patient(app.test_client())
    patient.start()
    patient.answer("safety")
    patient.answer("about", {**COMPLETE_FORM["about"], **about, "action": "back"}, action="back")
    return patient


def test_two_patients_each_see_their_own_answers_and_token(app):
    ana = _patient_at_about(app, **{"about.first_name": "Ana", "about.contact_method": "email"})
    bo = _patient_at_about(app, **{"about.first_name": "Bo", "about.contact_method": "phone_call"})
    ana_page = ana.client.get("/step/about").get_data(as_text=True)
    bo_page = bo.client.get("/step/about").get_data(as_text=True)

    assert 'value="Ana"' in ana_page and "Bo" not in ana_page
    assert 'value="Bo"' in bo_page and "Ana" not in bo_page
    assert checked_values(ana_page, "about.contact_method") == ["email"]
    assert checked_values(bo_page, "about.contact_method") == ["phone_call"]
    ana_tokens, bo_tokens = set(CSRF_PATTERN.findall(ana_page)), set(CSRF_PATTERN.findall(bo_page))
    assert len(ana_tokens) == 1 and len(bo_tokens) == 1 and ana_tokens != bo_tokens


def test_the_page_is_compiled_once_per_step_and_language(app):
    patient = _patient_at_about(app)
    for _ in range(3):
        patient.client.get("/step/about")
    patient.client.get("/step/about?return=review")
    for junk in ("x", "y", "../../etc"):
        patient.client.get(f"/step/about?return={junk}")
    patient.client.post(
        "/language", data={"lang": "es", "next": "/step/about", "csrf_token": patient.token("/step/about")}
    )
    assert "Sus datos" in patient.client.get("/step/about").get_data(as_text=True)
    # about and review-return in English, about in Spanish (plus welcome and safety pages
    # the patient walked through); junk return values share the plain page. One wording:
    # the patient's own (a parent's or a carer's would be pages of their own).
    keys = set(app.extensions[CACHE_KEY]._pages)
    about_keys = {key[2:5] for key in keys if key[1] == "about"}
    assert about_keys == {("en", "patient", None), ("en", "patient", "review"), ("es", "patient", None)}


def test_what_was_typed_is_escaped_in_every_kind_of_box(app, patient):
    hostile = '"><script>alert(1)</script>'
    patient.start()
    patient.answer("safety")
    patient.answer("about", {**COMPLETE_FORM["about"], "about.first_name": hostile}, action="back")
    page = patient.client.get("/step/about").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page


def test_a_long_answer_keeps_its_first_line_break(app, patient):
    patient.complete_all_steps(overrides={"visit": {"visit.goals": "\nFirst line after a blank one"}})
    page = patient.client.get("/step/visit").get_data(as_text=True)
    # Browsers drop one newline right after <textarea>: the template writes one before the value.
    assert (
        ">\n\nFirst line after a blank one</textarea>" in page
        or ">\nFirst line after a blank one</textarea>" in page
    )


def test_a_template_that_takes_the_real_csrf_token_is_refused(app):
    with app.test_request_context("/step/about"):
        from intake.patient import step_page

        original = step_page.render_template
        try:
            step_page.render_template = lambda *args, **kwargs: render_template_string("{{ csrf_token() }}")
            with pytest.raises(RuntimeError, match="CSRF"):
                from intake.patient.forms import step_form
                from intake.questionnaire.twitching import QUESTIONNAIRE

                step = QUESTIONNAIRE.step("about")
                render_step_page(QUESTIONNAIRE, step, step_form(QUESTIONNAIRE, step)(formdata=None), None)
        finally:
            step_page.render_template = original


@pytest.mark.parametrize("step_id", ["welcome", *STEPS])
def test_saved_answers_fill_the_page_exactly_as_the_form_would(app, patient, step_id):
    """A GET fills the page from the saved answers without building the form; a page
    with every kind of question must come out the same either way."""
    from intake.patient.forms import step_form, to_field_data
    from intake.patient.step_page import SavedAnswers
    from intake.questionnaire.twitching import QUESTIONNAIRE

    patient.complete_all_steps()
    [draft] = all_submissions(app)
    step = QUESTIONNAIRE.step(step_id)
    with app.test_request_context(f"/step/{step_id}"):
        data = {item.link_id: to_field_data(item, draft.answers.get(item.link_id)) for item in step.items}
        from_form = render_step_page(
            QUESTIONNAIRE, step, step_form(QUESTIONNAIRE, step)(formdata=None, data=data), None
        )
        from_saved = render_step_page(QUESTIONNAIRE, step, SavedAnswers(step, draft.answers), None)
    assert from_saved == from_form
    assert " checked" in from_saved


def test_a_question_its_page_turns_off_is_not_drawn_until_the_script_decides(app):
    """Lighthouse measured a layout shift of 0.18 on the history page: the script hid the
    questions that did not apply after the page was drawn. The server marks them, CSS does
    not draw them, and without a script noscript.css shows every question (issue 28)."""
    patient = _patient_at_about(app)
    for step_id in STEPS[STEPS.index("about") : STEPS.index("history")]:
        patient.answer(step_id)
    no_palsy = patient.answer(
        "history", {**COMPLETE_FORM["history"], "history.paralysis": "no"}, action="back"
    )
    assert no_palsy.status_code == 302
    page = patient.client.get("/step/history").get_data(as_text=True)
    assert '<div class="question" id="q-history.paralysis_side"' in page
    side = page[page.index('id="q-history.paralysis_side"') :][:600]
    assert "data-off" in side, "turned off by this page's own answer"
    assert "data-off" not in page[page.index('id="q-history.paralysis"') :][:300]
    assert '<noscript><link rel="stylesheet" href="/static/css/noscript.css"></noscript>' in page
    patient.answer("history", {**COMPLETE_FORM["history"], "history.paralysis": "yes"}, action="back")
    page = patient.client.get("/step/history").get_data(as_text=True)
    assert "data-off" not in page[page.index('id="q-history.paralysis_side"') :][:600]
