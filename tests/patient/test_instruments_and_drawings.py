"""What issue 26 changed on the patient's pages: the instruments exactly, drawings where
words fail, and the neutral Spanish word for the movements."""

from __future__ import annotations

import re

import pytest

from tests.answers import STEPS
from tests.conftest import Patient
from tests.patient_pages import visible_text

# The publisher's Spanish (USA) forms (phqscreeners.com, Pfizer): the PHQ-9 and GAD-7
# share the stem, the options and the difficulty question.
SPANISH_USA = {
    "stress.gad7.1": "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta",
    "stress.gad7.2": "No ha sido capaz de parar o controlar su preocupación",
    "stress.gad7.3": "Se ha preocupado demasiado por motivos diferentes",
    "stress.gad7.4": "Ha tenido dificultad para relajarse",
    "stress.gad7.5": "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)",
    "stress.gad7.6": "Se ha molestado o irritado fácilmente",
    "stress.gad7.7": "Ha tenido miedo de que algo terrible fuera a pasar",
    "stress.phq2.1": "Poco interés o placer en hacer cosas",
    "stress.phq2.2": "Se ha sentido decaído(a), deprimido(a) o sin esperanzas",
    "stress.phq9.9": "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
}
SPANISH_STEM = (
    "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?"
)
SPANISH_OPTIONS = ["Ningún día", "Varios días", "Más de la mitad de los días", "Casi todos los días"]
SPANISH_DIFFICULTY = ["No ha sido difícil", "Un poco difícil", "Muy difícil", "Extremadamente difícil"]


def _stress_page(app, language: str) -> str:
    patient = Patient(app.test_client())
    patient.start(**{"consent.language": language})
    for step in STEPS[: STEPS.index("stress")]:
        patient.answer(step)
    return patient.client.get("/step/stress").get_data(as_text=True)


def _labels(page: str, name: str) -> list[str]:
    ids = re.findall(rf'id="({re.escape(name)}-\d+)" name="{re.escape(name)}"', page)
    return [re.search(rf'<label for="{i}">([^<]+)</label>', page).group(1) for i in ids]


def _question(page: str, link_id: str) -> str:
    block = page[page.index(f'id="q-{link_id}"') :]
    return re.search(r'<legend class="question-text">([^<]+)', block).group(1).strip()


def test_the_spanish_instruments_are_the_publishers_spanish_usa_forms_word_for_word(app):
    page = _stress_page(app, "es")
    assert SPANISH_STEM in page
    for link_id, text in SPANISH_USA.items():
        assert _question(page, link_id) == text, link_id
        assert _labels(page, link_id) == SPANISH_OPTIONS, link_id
    for link_id in ("stress.gad7.difficulty", "stress.phq.difficulty"):
        assert _question(page, link_id).startswith(
            "Si marcó cualquiera de los problemas, ¿qué tanta dificultad"
        )
        assert _labels(page, link_id) == SPANISH_DIFFICULTY, link_id


def test_instrument_items_carry_their_time_frame_and_no_optional_label(app):
    page = _stress_page(app, "en")
    for link_id in ("stress.gad7.1", "stress.gad7.7", "stress.phq2.2", "stress.phq9.9"):
        block = page[page.index(f'id="q-{link_id}"') :][:1500]
        assert '<p class="time-frame">Over the last 2 weeks</p>' in block, link_id
        assert "(optional)" not in block.split("</legend>")[0], link_id
    assert "Please answer every question in this group, even if you are not sure." in page
    assert "GAD-7 and PHQ developed by" not in page, "the notice is at the foot of the review page"


def test_the_reproduction_notice_is_at_the_foot_of_the_review_page(app, patient):
    patient.complete_all_steps()
    page = patient.client.get("/review").get_data(as_text=True)
    notice = page.index("GAD-7 and PHQ developed by Drs. Robert L. Spitzer")
    assert notice > page.index("Send my answers")


@pytest.mark.parametrize(
    ("link_id", "words"),
    [
        ("pattern.brow_up", "the eyebrow above it has gone up"),
        ("pattern.eyes_shut", "both eyes squeezed shut"),
        ("pattern.eases_with", "a finger lightly touching"),
    ],
)
def test_the_drawings_are_inline_svg_with_a_text_alternative_and_no_script(app, link_id, words):
    patient = Patient(app.test_client())
    patient.start()
    for step in STEPS[: STEPS.index("pattern")]:
        patient.answer(step)
    page = patient.client.get("/step/pattern").get_data(as_text=True)
    block = page[page.index(f'id="q-{link_id}"') :]
    block = block[: block.index('<div class="question', 10)]
    svg = re.search(r'<svg class="drawing"[^>]*>.*?</svg>', block, re.S).group(0)
    title_id = re.search(r'aria-labelledby="([^"]+)"', svg).group(1)
    assert 'role="img"' in svg and f'<title id="{title_id}">' in svg
    assert words in svg
    assert "<script" not in svg and "href" not in svg and "<image" not in svg


def test_the_drawings_speak_spanish_on_the_spanish_pages(app):
    patient = Patient(app.test_client())
    patient.start(**{"consent.language": "es"})
    for step in STEPS[: STEPS.index("pattern")]:
        patient.answer(step)
    page = patient.client.get("/step/pattern").get_data(as_text=True)
    assert "la ceja de arriba ha subido" in page and "Dibujo de una cara con un dedo" in page


def test_the_spanish_pages_call_the_movements_movimientos_never_espasmos(app):
    patient = Patient(app.test_client())
    patient.start(**{"consent.language": "es"})
    texts = []
    for step in STEPS[: STEPS.index("visit")]:
        texts += visible_text(patient.client.get(f"/step/{step}").get_data(as_text=True))
        patient.answer(step)
    words = " ".join(texts).lower()
    assert "espasmo" not in words.replace("blefaroespasmo", "")
    assert "movimientos" in words
