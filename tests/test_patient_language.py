"""What patients read: never a diagnosis or reassurance, always plain words."""

from __future__ import annotations

import re

import pytest
import textstat

from intake.questionnaire.twitching import QUESTIONNAIRE

from .answers import COMPLETE_FORM
from .patient_pages import patient_pages, visible_text

FORBIDDEN = [
    r"\byou have\b", r"\byou may have\b", r"\byou might have\b", r"\byou probably\b",
    r"\blikely\b", r"\bunlikely\b", r"\bprobably\b", r"\bdiagnosis:", r"\bdiagnosed with\b",
    r"nothing to worry", r"\bdon'?t worry\b", r"\bnot serious\b", r"\bharmless\b",
    r"\bjust stress\b", r"\bcaused by\b", r"\bsuggests\b", r"\bconsistent with\b",
    r"\bsign of\b", r"\bsymptom of\b", r"\bno need to\b", r"\bnormal\b", r"\brisk of\b",
]
# Where naming a condition is allowed: asking whether a doctor already told them.
ALLOWED = [
    "has a doctor ever told you that you have",
    "do you have any of these",
    "does not give medical advice or a diagnosis",
    "does not diagnose",
    "if you have sudden face drooping",  # the emergency line every page must carry
]
MAX_GRADE = 8


@pytest.fixture
def pages(app):
    return patient_pages(app)


def test_it_renders_every_patient_page(pages):
    assert len(pages) >= 24
    assert all("<html" in html for _, html in pages)


def test_it_never_diagnoses_or_reassures(pages):
    for name, html in pages:
        text = " ".join(visible_text(html)).lower()
        for allowed in ALLOWED:
            text = text.replace(allowed, " ")
        for pattern in FORBIDDEN:
            assert not re.search(pattern, text), f"{name}: {pattern!r} in patient text"


def test_the_phrase_check_catches_a_diagnosis():
    text = "based on your answers, you probably have a harmless twitch"
    assert any(re.search(p, text) for p in FORBIDDEN)


def _fixed_wording() -> set[str]:
    """Validated instrument text whose wording we may not change, and the patient's own answers."""
    fixed = {step.footnote for step in QUESTIONNAIRE.steps if step.footnote}
    for item in QUESTIONNAIRE.items():
        if item.fixed_wording:
            fixed.add(item.text)
            fixed.update(choice.display for choice in item.choices)
    stress = QUESTIONNAIRE.step("stress")
    fixed.add(stress.intro)
    for form in COMPLETE_FORM.values():
        for value in form.values():
            fixed.update(value if isinstance(value, list) else [value])
    return fixed


def own_wording(html: str) -> str:
    fixed = _fixed_wording()
    chunks = [chunk for chunk in visible_text(html) if chunk not in fixed]
    # Each chunk is a label or a sentence: end it so textstat counts it as one.
    return " ".join(chunk if chunk[-1] in ".?!:" else chunk + "." for chunk in chunks)


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(text)


def test_it_keeps_each_patient_page_at_reading_grade_8_or_below(pages):
    grades = {name: grade(own_wording(html)) for name, html in pages}
    too_hard = {name: g for name, g in grades.items() if g > MAX_GRADE}
    print("reading grades:", grades)
    assert not too_hard


def test_the_grade_check_notices_hard_wording():
    hard = ("Notwithstanding the aforementioned considerations, comprehensive neurological "
            "evaluation necessitates multidisciplinary consultation and electrophysiological investigation.")
    assert grade(hard) > MAX_GRADE
