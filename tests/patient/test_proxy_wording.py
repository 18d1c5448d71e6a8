"""The questions worded for whoever fills the form in, over HTTP (issue 26, part 2): on the
step pages (compiled once per wording), the review page and the printable copy, in both
languages; a patient filling in their own form still reads "you"."""

from __future__ import annotations

from flask import g
from flask_babel import force_locale

from intake.patient.wording import ask
from tests.answers import COMPLETE_FORM, STEPS
from tests.conftest import Patient

PATIENT_QUESTION = "Where do you feel the twitching?"
PARENT_QUESTION = "Where does your child feel the twitching?"
CARER_QUESTION = "Where does the person you care for feel the twitching?"


def _start(patient, respondent: str, until: str | None, **welcome) -> None:
    """Start as this respondent and answer every page before `until` (None: every page)."""
    patient.start(**{"consent.respondent": respondent, **welcome})
    about = {
        **COMPLETE_FORM["about"],
        "about.respondent_name": "Rosa Canary",
        "about.respondent_relationship": "son",
    }
    for step_id in STEPS if until is None else STEPS[: STEPS.index(until)]:
        response = patient.answer(step_id, about if step_id == "about" else None)
        assert response.status_code == 302, step_id


def _page(patient, path: str) -> str:
    response = patient.client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_parent_reads_each_question_about_their_child_and_a_patient_about_themselves(app, patient):
    _start(patient, "parent", until="twitching")
    page = _page(patient, "/step/twitching")
    assert PARENT_QUESTION in page and "<h1>Your child's twitching</h1>" in page
    assert PATIENT_QUESTION not in page
    assert "Does your child have any of these now?" in _page(patient, "/step/safety")

    # The same step, compiled again for another wording: not the parent's page from the cache.
    own = Patient(app.test_client())
    _start(own, "patient", until="twitching")
    page = _page(own, "/step/twitching")
    assert PATIENT_QUESTION in page and PARENT_QUESTION not in page


def test_a_carer_reads_each_question_about_the_person_they_care_for(patient):
    _start(patient, "carer", until="health")
    page = _page(patient, "/step/health")
    assert "Has the person you care for ever had an MRI or CT scan of the head?" in page
    assert "Have you ever had an MRI or CT scan of your head?" not in page


def test_the_review_page_and_the_printable_copy_keep_the_parent_s_wording(patient):
    _start(patient, "parent", until=None)
    assert PARENT_QUESTION in _page(patient, "/review")
    assert patient.submit().status_code == 302
    copy = _page(patient, "/done/answers")
    assert PARENT_QUESTION in copy and PATIENT_QUESTION not in copy


def test_the_wording_for_a_carer_is_in_spanish_for_a_spanish_form(patient):
    _start(patient, "carer", until="twitching", **{"consent.language": "es"})
    page = _page(patient, "/step/twitching")
    assert "¿Dónde siente los movimientos la persona que usted cuida?" in page
    assert CARER_QUESTION not in page


def test_the_drawing_s_side_labels_fit_each_half_in_every_wording_and_language(app):
    """The labels sit at either edge of a drawing 200 units wide, in 10-unit type (about 6
    units a letter): 16 letters each keep them apart. "Izquierda de su hijo/a" ran into
    "Derecha de su hijo/a" on a phone; the caption above says whose left it is."""
    for language in ("en", "es"):
        for who in ("patient", "parent", "carer"):
            with app.test_request_context(), force_locale(language):
                g.respondent = who
                labels = [str(ask("Your left")), str(ask("Your right"))]
            assert all(len(label) <= 16 for label in labels), (language, who, labels)


def test_after_sending_the_advice_to_see_a_doctor_is_about_the_patient(patient, monkeypatch):
    from intake import notify

    sent = []
    monkeypatch.setattr(notify, "send", lambda message, _config: sent.append(message))
    _start(patient, "carer", until=None)
    assert patient.submit().status_code == 302
    advice = "Only a doctor who examines the person you care for can tell what is causing their twitching."
    done = _page(patient, "/done")
    assert advice in done and "Only a doctor who examines you" not in done
    patient.post("/done/email", {}, token_from="/done")
    [message] = sent
    assert advice in message.get_content()


def test_the_911_page_tells_a_parent_what_to_do_for_their_child(patient):
    """Found by walk-throughs: a parent read "Do not drive yourself", "once you are safe" and
    "I have been checked, go on". Emergency transport for stroke signs: AHA/ASA 2019
    guidelines (call 911 rather than driving to hospital)."""
    _start(patient, "parent", until="safety")
    response = patient.answer("safety", {"safety.signs": ["face_droop"]})
    page = _page(patient, response.location)
    assert "Do not drive your child to the hospital yourself: wait for the ambulance." in page
    assert "once your child is safe" in page and "My child has been checked, go on" in page
    for to_the_patient in ("Do not drive yourself", "once you are safe", "I have been checked"):
        assert to_the_patient not in page, to_the_patient


def test_the_911_page_keeps_you_for_a_patient_and_words_a_carer_s_in_spanish(app):
    own = Patient(app.test_client())
    _start(own, "patient", until="safety")
    page = _page(own, own.answer("safety", {"safety.signs": ["face_droop"]}).location)
    assert "Do not drive yourself." in page and "I have been checked, go on" in page
    carer = Patient(app.test_client())
    _start(carer, "carer", until="safety", **{"consent.language": "es"})
    page = _page(carer, carer.answer("safety", {"safety.signs": ["face_droop"]}).location)
    assert "No lleve usted a la persona que cuida al hospital: espere a la ambulancia." in page
    assert "Ya revisaron a la persona que cuido, quiero seguir" in page


def test_the_support_page_speaks_to_a_carer_about_the_person_they_care_for(patient):
    """PHQ-9 item 9 answered by a carer is about the patient's thoughts; 988 also takes calls
    from people worried about someone else (988lifeline.org)."""
    _start(patient, "carer", until="stress")
    response = patient.answer("stress", {**COMPLETE_FORM["stress"], "stress.phq9.9": "2"})
    page = _page(patient, response.location)
    assert '<h1 id="support-title">Support is here for you and the person you care for</h1>' in page
    assert "If the person you care for might act on these thoughts now, or is in danger, call 911." in page
    assert "also helps people who are worried about someone else" in page and 'href="tel:988"' in page
    assert "If you might act on these thoughts now" not in page


def test_answer_choices_in_the_first_person_are_worded_for_a_parent(app, patient):
    """Found by walk-throughs: the questions said "your child", the choices "I only feel
    them", "My eye does not shut during them"."""
    _start(patient, "parent", until="pattern")
    page = _page(patient, "/step/pattern")
    assert "Only my child feels them" in page and "My child's eye does not shut during them" in page
    assert "I only feel them" not in page and "My eye does not shut" not in page
    own = Patient(app.test_client())
    _start(own, "patient", until="pattern")
    assert "I only feel them" in _page(own, "/step/pattern")
