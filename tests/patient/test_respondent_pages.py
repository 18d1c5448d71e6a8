"""Who is filling in the form, over HTTP (issue 26, part 2): asked on the welcome page,
asked again on the About page for a date of birth under 18 (tests/questionnaire/
test_respondent.py gives the rule and its source), then a note on every later page and a
line on the clinician's summary."""

from __future__ import annotations

import re

from tests.answers import COMPLETE_FORM, MARIA, STEPS
from tests.conftest import all_submissions, make_submission

CHILD_BORN = "2015-03-01"
PARENT_NOTE = "You are filling in this form for your child."
CARER_NOTE = "You are filling in this form for someone else."


def _question(page: str, link_id: str) -> str:
    """The opening tag of a question's block."""
    return re.search(rf'<div class="question[^"]*" id="q-{re.escape(link_id)}"[^>]*>', page).group(0)


def _about(**changes):
    return {**COMPLETE_FORM["about"], **changes}


def test_the_welcome_page_asks_who_is_filling_it_in(patient):
    response = patient.start(**{"consent.respondent": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Who is filling in this form?" in page and 'id="consent.respondent-error"' in page
    assert 'name="consent.agree" value="y" checked>' in page, "the consent ticked is kept"


def test_a_child_s_date_of_birth_asks_again_who_is_filling_it_in(app, patient):
    patient.start()
    patient.answer("safety")
    assert "hidden" in _question(
        patient.client.get("/step/about").get_data(as_text=True), "about.respondent_check"
    )

    response = patient.answer("about", _about(**{"about.birth_date": CHILD_BORN}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This date of birth is under 18. Please tell us who is filling in this form." in page
    assert "hidden" not in _question(page, "about.respondent_check")
    assert 'value="Ana"' in page, "what was typed is kept"

    response = patient.answer(
        "about", _about(**{"about.birth_date": CHILD_BORN, "about.respondent_check": "parent"})
    )
    assert response.status_code == 422, "a parent gives their own name"
    assert 'id="about.respondent_name-error"' in response.get_data(as_text=True)

    response = patient.answer(
        "about",
        _about(
            **{
                "about.birth_date": CHILD_BORN,
                "about.respondent_check": "parent",
                "about.respondent_name": "Rosa Canary",
            }
        ),
    )
    assert response.status_code == 302
    assert PARENT_NOTE in patient.client.get("/step/twitching").get_data(as_text=True)
    [draft] = all_submissions(app)
    assert draft.answers["about.respondent_check"] == "parent"


def test_a_17_year_old_may_say_they_fill_it_in_themselves(patient):
    patient.start()
    patient.answer("safety")
    response = patient.answer(
        "about", _about(**{"about.birth_date": CHILD_BORN, "about.respondent_check": "patient"})
    )
    assert response.status_code == 302
    assert PARENT_NOTE not in patient.client.get("/step/twitching").get_data(as_text=True)


def test_an_adult_patient_is_not_asked_again_nor_for_a_name(patient):
    patient.start()
    patient.answer("safety")
    page = patient.client.get("/step/about").get_data(as_text=True)
    # Decided by the server from the welcome page's answer: not left to the page's script.
    assert "hidden" in _question(page, "about.respondent_name")
    assert "hidden" in _question(page, "about.respondent_relationship")
    assert patient.answer("about").status_code == 302
    assert CARER_NOTE not in patient.client.get("/step/twitching").get_data(as_text=True)


def test_a_carer_gives_their_name_and_relationship_and_reads_a_note_on_each_page(patient):
    patient.start(**{"consent.respondent": "carer"})
    patient.answer("safety")
    page = patient.client.get("/step/about").get_data(as_text=True)
    assert "hidden" not in _question(page, "about.respondent_name")
    assert CARER_NOTE in page
    response = patient.answer("about", _about(**{"about.respondent_name": "Luis Canary"}))
    assert response.status_code == 422
    assert 'id="about.respondent_relationship-error"' in response.get_data(as_text=True)
    assert (
        patient.answer(
            "about",
            _about(**{"about.respondent_name": "Luis Canary", "about.respondent_relationship": "son"}),
        ).status_code
        == 302
    )
    assert CARER_NOTE in patient.client.get("/step/twitching").get_data(as_text=True)
    assert CARER_NOTE not in patient.client.get("/").get_data(as_text=True), "not on the page that asks"


def test_the_worry_and_mood_page_says_whose_feelings_its_you_means(patient):
    """The GAD-7 and PHQ keep their manuals' "you" (self-report); a parent told every page
    is about their child must not be left to guess whether this one is about themselves."""
    patient.start(**{"consent.respondent": "parent"})
    patient.answer("safety")
    patient.answer(
        "about", _about(**{"about.birth_date": CHILD_BORN, "about.respondent_name": "Luis Canary"})
    )
    for step in STEPS[STEPS.index("twitching") : STEPS.index("stress")]:
        assert patient.answer(step).status_code == 302, step
    page = patient.client.get("/step/stress").get_data(as_text=True)
    assert PARENT_NOTE in page
    assert "answer them about how your child has felt, not about yourself" in page
    assert "Over the last 2 weeks, how often have you been bothered" in page, "the manual's words kept"
    assert "not about yourself" not in patient.client.get("/step/twitching").get_data(as_text=True)


def test_the_note_is_in_spanish_for_a_spanish_form(patient):
    patient.start(**{"consent.language": "es", "consent.respondent": "parent"})
    page = patient.client.get("/step/safety").get_data(as_text=True)
    assert "Está llenando este formulario por su hijo o hija." in page
    assert PARENT_NOTE not in page


def test_the_clinician_reads_who_filled_it_in(app, clinician):
    by_carer = {
        **MARIA,
        "consent.respondent": "carer",
        "about.respondent_name": "Luis Garcia",
        "about.respondent_relationship": "son",
    }
    page = clinician.client.get(f"/clinic/submissions/{make_submission(app, by_carer)}").get_data(
        as_text=True
    )
    assert "<strong>Carer or relative (son): Luis Garcia</strong>" in page
    assert "the GAD-7 and PHQ are validated as self-report" in page
    own = clinician.client.get(f"/clinic/submissions/{make_submission(app, MARIA)}").get_data(as_text=True)
    assert '<span class="filled-in-by">Filled in by the patient.</span>' in own
    assert "validated as self-report" not in own
