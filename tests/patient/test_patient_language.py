"""What patients read, in English and in Spanish: never a diagnosis or reassurance,
always plain words."""

from __future__ import annotations

import re

import pytest
import textstat
from flask_babel import force_locale, gettext, pgettext

from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import COMPLETE_FORM
from tests.patient_pages import patient_pages, visible_text

LANGUAGES = ("en", "es")

FORBIDDEN = {
    "en": [
        r"\byou have\b",
        r"\byou may have\b",
        r"\byou might have\b",
        r"\byou probably\b",
        r"\blikely\b",
        r"\bunlikely\b",
        r"\bprobably\b",
        r"\bdiagnosis:",
        r"\bdiagnosed with\b",
        r"nothing to worry",
        r"\bdon'?t worry\b",
        r"\bnot serious\b",
        r"\bharmless\b",
        r"\bjust stress\b",
        r"\bcaused by\b",
        r"\bsuggests\b",
        r"\bconsistent with\b",
        r"\bsign of\b",
        r"\bsymptom of\b",
        r"\bno need to\b",
        r"\bnormal\b",
        r"\brisk of\b",
    ],
    "es": [
        r"\busted tiene\b",
        r"\bpuede que tenga\b",
        r"\btal vez tenga\b",
        r"\bquizás tenga\b",
        r"\bprobablemente\b",
        r"\bposiblemente\b",
        r"\bdiagnóstico:",
        r"\bno se preocupe\b",
        r"nada de qué preocuparse",
        r"no hay de qué preocuparse",
        r"\bes normal\b",
        r"\bcausad[oa]s? por\b",
        r"\bno es grave\b",
        r"\binofensiv",
        r"\bbenign",
        r"\bsolo (es )?estrés\b",
        r"\bsíntoma de\b",
        r"\bseñal de\b",
        r"\bindica que\b",
    ],
}
# Where naming a condition is allowed: asking whether a doctor already told them.
ALLOWED = {
    "en": [
        "has a doctor ever told you that you have",
        "do you have any of these",
        "does not give medical advice or a diagnosis",
        "does not diagnose",
        "if you have sudden face drooping",  # the emergency line every page must carry
    ],
    "es": [
        "algún médico le ha dicho que tiene",
        "algún médico le ha dicho que tuvo",
        "no da consejos médicos ni diagnósticos",
        "no hace diagnósticos",
    ],
}
MAX_GRADE = 8  # Flesch-Kincaid grade, English
# Fernández Huerta, Spanish (higher is easier): 80-90 is "easy", about a 6th grader's
# reading (age 11-12); 70-80 "fairly easy", a 7th grader's.
MIN_FERNANDEZ_HUERTA = 80


@pytest.fixture(params=LANGUAGES)
def language(request):
    return request.param


@pytest.fixture
def pages(app, language):
    return patient_pages(app, language)


@pytest.fixture
def spanish_readability():
    textstat.set_lang("es")
    yield
    textstat.set_lang("en")


def test_it_renders_every_patient_page(pages, language):
    assert len(pages) >= 24
    for name, html in pages:
        assert f'<html lang="{language}">' in html, name


def test_it_never_diagnoses_or_reassures(pages, language):
    for name, html in pages:
        text = " ".join(visible_text(html)).lower()
        for allowed in ALLOWED[language]:
            text = text.replace(allowed, " ")
        for pattern in FORBIDDEN[language]:
            assert not re.search(pattern, text), f"{language} {name}: {pattern!r} in patient text"


@pytest.mark.parametrize(
    "language, text",
    [
        ("en", "based on your answers, you probably have a harmless twitch"),
        ("es", "según sus respuestas, probablemente usted tiene un tic inofensivo"),
        ("es", "no se preocupe: es normal y no es grave"),
    ],
)
def test_the_phrase_check_catches_a_diagnosis(language, text):
    assert any(re.search(p, text) for p in FORBIDDEN[language])


def _fixed_wording_en() -> set[str]:
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


def fixed_wording(app, language: str) -> set[str]:
    """The fixed wording as the page shows it: the official translation of an instrument."""
    fixed = _fixed_wording_en()
    with app.test_request_context(), force_locale(language):
        return fixed | {gettext(text) for text in fixed}


def own_wording(html: str, fixed: set[str]) -> str:
    chunks = [chunk for chunk in visible_text(html) if chunk not in fixed]
    # Each chunk is a label or a sentence: end it so textstat counts it as one.
    return " ".join(chunk if chunk[-1] in ".?!:" else chunk + "." for chunk in chunks)


def grade(text: str) -> float:
    return textstat.flesch_kincaid_grade(text)


def test_it_keeps_each_patient_page_at_reading_grade_8_or_below(app):
    fixed = fixed_wording(app, "en")
    grades = {name: grade(own_wording(html, fixed)) for name, html in patient_pages(app, "en")}
    too_hard = {name: g for name, g in grades.items() if g > MAX_GRADE}
    print("reading grades:", grades)
    assert not too_hard


def test_the_grade_check_notices_hard_wording():
    hard = (
        "Notwithstanding the aforementioned considerations, comprehensive neurological "
        "evaluation necessitates multidisciplinary consultation and electrophysiological investigation."
    )
    assert grade(hard) > MAX_GRADE


def test_it_keeps_each_spanish_page_fairly_easy_to_read(app, spanish_readability):
    fixed = fixed_wording(app, "es")
    pages = patient_pages(app, "es")
    scores = {name: textstat.fernandez_huerta(own_wording(html, fixed)) for name, html in pages}
    too_hard = {name: s for name, s in scores.items() if s < MIN_FERNANDEZ_HUERTA}
    print("Fernández Huerta:", scores)
    print(
        "Szigriszt-Pazos:", {name: textstat.szigriszt_pazos(own_wording(html, fixed)) for name, html in pages}
    )
    assert not too_hard


def test_the_spanish_check_notices_hard_wording(spanish_readability):
    hard = (
        "No obstante las consideraciones anteriormente mencionadas, la evaluación neurológica "
        "exhaustiva requiere una consulta multidisciplinaria e investigaciones electrofisiológicas "
        "complementarias."
    )
    assert textstat.fernandez_huerta(hard) < MIN_FERNANDEZ_HUERTA


def test_it_translates_the_scale_ends_apart_from_the_instrument_options(app):
    with app.test_request_context(), force_locale("es"):
        # Each instrument in its own context; both Spanish (USA) forms say "Ningún día".
        assert pgettext("GAD-7", "Not at all") == "Ningún día"
        assert pgettext("PHQ", "Not at all") == "Ningún día"
        assert pgettext("scale", "Not at all") == "Nada"  # 0 on a 0-10 scale
