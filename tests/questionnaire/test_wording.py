"""Each question worded for whoever fills the form in (issue 26, part 2): the table covers
every text that speaks to the patient, names the person it asks about, and leaves the
instruments' fixed wording alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from intake.questionnaire.respondent import CARER, PARENT, PATIENT
from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.questionnaire.wording import ASKS_THE_RESPONDENT, PROXY_WORDING, worded

YOU = re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE)
NAMES = {PARENT: "your child", CARER: "the person you care for"}
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# The templates' own texts worded for the respondent: `ask("...")` with a literal.
TEMPLATE_TEXTS = {
    text
    for path in TEMPLATES.rglob("*")
    if path.suffix in (".html", ".svg")
    for text in re.findall(r'ask\("([^"]+)"[,)]', path.read_text())
}


def _texts(fixed: bool):
    """(text, where) for every title, introduction, question and help the patient reads."""
    for step in QUESTIONNAIRE.steps:
        if not fixed:
            yield from ((text, step.id) for text in (step.title, step.intro) if text)
            yield from ((rule.legend, step.id) for rule in step.rules if getattr(rule, "legend", None))
        for item in step.items:
            if item.fixed_wording == fixed:
                texts = (item.text, item.help, item.required_message)
                yield from ((text, item.link_id) for text in texts if text)


def test_every_text_that_speaks_to_the_patient_has_a_wording_for_a_parent_and_a_carer():
    missing = [
        (where, text)
        for text, where in _texts(fixed=False)
        if YOU.search(text) and text not in PROXY_WORDING and text not in ASKS_THE_RESPONDENT
    ]
    assert missing == []


def test_the_table_holds_only_texts_the_questionnaire_or_the_templates_ask_for():
    texts = {text for text, _ in _texts(fixed=False)} | {text for text, _ in _texts(fixed=True)}
    texts |= {choice.display for item in QUESTIONNAIRE.items() for choice in item.choices}
    assert set(PROXY_WORDING) - texts - TEMPLATE_TEXTS == set() and ASKS_THE_RESPONDENT - texts == set()


def test_the_face_drawing_s_texts_are_worded_for_a_parent_and_a_carer():
    """The drawing is a mirror of the patient's face: "your left" must say whose left."""
    assert {"Your left", "Your right"} <= TEMPLATE_TEXTS
    assert TEMPLATE_TEXTS <= set(PROXY_WORDING)
    assert worded("Your left", PARENT) == "Child's left" and worded("Your right", CARER) == "Their right"


def test_the_instruments_keep_their_fixed_wording():
    """GAD-7 and PHQ items are validated as self-report (their manuals): never reworded."""
    assert not {text for text, _ in _texts(fixed=True)} & set(PROXY_WORDING)


@pytest.mark.parametrize("who", [PARENT, CARER])
def test_each_wording_names_the_person_it_asks_about(who):
    for patient, by_respondent in PROXY_WORDING.items():
        text = by_respondent[who]
        assert text != patient
        assert NAMES[who] in text.lower() or not YOU.search(text), text


def test_the_patient_reads_the_questionnaire_s_own_wording():
    assert worded("Where do you feel the twitching?", PATIENT) == "Where do you feel the twitching?"
    assert worded("Where do you feel the twitching?", PARENT) == "Where does your child feel the twitching?"
    assert worded("Where do you feel the twitching?", CARER) == (
        "Where does the person you care for feel the twitching?"
    )
    assert worded("When did the twitching start?", CARER) == "When did the twitching start?"
