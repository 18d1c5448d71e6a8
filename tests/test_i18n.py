"""English and Spanish: the catalogue, the locale choice, the switch, a whole visit in Spanish."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, session

from intake import i18n
from intake.extensions import db
from intake.models import Submission
from intake.questionnaire.summary import build_summary
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import COMPLETE_FORM, STEPS
from tests.conftest import Patient, all_submissions, checked_values, make_app
from tests.patient_pages import INVALID_POSTS, patient_pages, visible_text

ROOT = Path(__file__).parent.parent
TRANSLATIONS = ROOT / "intake" / "translations"

SPANISH = {"Accept-Language": "es-US,es;q=0.9,en;q=0.5"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|\{(\w*)\}")


def extracted_messages() -> dict[tuple[str | None, str], str]:
    """What `pybabel extract -F babel.cfg` finds in the code now: (context, msgid) -> where."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault((context, msgid), f"{filename}:{lineno}")
    return found


def catalogue(path: Path):
    with path.open("rb") as source:
        return read_po(source)


def placeholders(text: str) -> set[str]:
    return {"".join(match) for match in PLACEHOLDER.findall(text)} | set(re.findall(r"%\((\w+)\)", text))


# --------------------------------------------------------------------------- the catalogue


def test_it_translates_every_patient_facing_message_into_spanish():
    spanish = catalogue(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po")
    problems = []
    for (context, msgid), where in extracted_messages().items():
        entry = spanish.get(msgid, context=context)
        if entry is None or not entry.string:
            problems.append(f"{where}: no Spanish for {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"{where}: Spanish for {msgid!r} is fuzzy (left out when compiled)")
    assert not problems, "\n".join(problems)


def test_it_keeps_the_committed_template_up_to_date():
    template = catalogue(TRANSLATIONS / "messages.pot")
    committed = {(m.context, m.id) for m in template if m.id}
    extracted = set(extracted_messages())
    assert committed == extracted, (
        f"run pybabel extract (README, Translations): new {sorted(extracted - committed)}, "
        f"gone {sorted(committed - extracted)}"
    )


def test_it_keeps_every_placeholder_in_the_translation():
    spanish = catalogue(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po")
    changed = [
        (m.id, m.string)
        for m in spanish
        if m.id and m.string and placeholders(m.id) != placeholders(m.string)
    ]
    assert not changed, changed
    assert any(placeholders(m.id) for m in spanish if m.id), "the check looked at no placeholder"


def test_the_placeholder_check_notices_a_dropped_or_renamed_one():
    assert placeholders("Call %(number)s now") != placeholders("Llame ahora")
    assert placeholders("Call %(number)s now") != placeholders("Llame al %(numero)s ahora")
    assert placeholders("Hello {name}") != placeholders("Hola {nombre}")
    assert placeholders("Step %(number)s of %(total)s") == placeholders("Paso %(number)s de %(total)s")


def test_it_marks_unconfirmed_instrument_wording_for_clinical_review():
    spanish = catalogue(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po")
    marked = {
        m.id for m in spanish if "needs clinical review: official wording not confirmed" in m.user_comments
    }
    instrument = {item.text for item in QUESTIONNAIRE.items() if item.fixed_wording}
    assert marked and marked <= instrument | {c.display for i in QUESTIONNAIRE.items() for c in i.choices}
    assert not any(m.fuzzy for m in spanish if m.id), "fuzzy entries are not compiled: use the comment"


def test_it_compiles_a_catalogue_only_when_missing_or_older_than_its_source(tmp_path):
    source = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"
    po = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(source.read_bytes())
    mo = po.with_suffix(".mo")

    assert i18n.compile_catalogs(tmp_path) == [mo]
    assert mo.stat().st_size > 0
    assert i18n.compile_catalogs(tmp_path) == [], "an up-to-date .mo is kept"
    later = mo.stat().st_mtime + 10
    os.utime(po, (later, later))
    assert i18n.compile_catalogs(tmp_path) == [mo], "an edited .po is compiled again"
    assert not list(tmp_path.rglob("*.tmp"))


# --------------------------------------------------------------------------- choosing the language


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_it_picks_spanish_from_the_browser_when_nothing_was_chosen(client):
    response = client.get("/", headers=SPANISH)
    page = response.get_data(as_text=True)
    assert html_lang(response) == "es"
    assert "Paso 1 de 14" in page and "Comenzar" in page
    assert checked_values(page, "consent.language") == ["es"], "it starts at the page's language"
    assert html_lang(client.get("/", headers={"Accept-Language": "fr, de"})) == "en"
    assert html_lang(client.get("/")) == "en"


def test_it_lets_an_explicit_english_choice_override_the_browser(app):
    patient = Patient(app.test_client())
    patient.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = SPANISH["Accept-Language"]
    patient.start(**{"consent.language": "en"})
    response = patient.client.get("/step/safety")
    assert html_lang(response) == "en"
    assert "Step 2 of 14" in response.get_data(as_text=True)
    [draft] = all_submissions(app)
    assert draft.language == "en"


def test_it_speaks_the_chosen_language_even_on_an_incomplete_welcome_page(app):
    patient = Patient(app.test_client())
    response = patient.post("/", {"consent.language": "es"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert html_lang(response) == "es"
    assert "Hay un problema" in page and "Marque la casilla para seguir" in page


def test_it_switches_language_on_any_page_and_keeps_every_answer(app):
    patient = Patient(app.test_client())
    patient.start()
    for step_id in ("safety", "about", "twitching"):
        patient.answer(step_id)
    [before] = all_submissions(app)

    response = patient.post("/language", {"lang": "es", "next": "/step/twitching?return=review"})
    assert response.status_code == 302
    assert response.location == "/step/twitching?return=review"
    page = patient.client.get("/step/twitching")
    assert html_lang(page) == "es"
    assert checked_values(page.get_data(as_text=True), "twitch.where") == ["upper_eyelid", "cheek"]
    assert (
        '<button type="submit" form="step-form" name="switch_language" value="en" lang="en"'
        in page.get_data(as_text=True)
    )

    [after] = all_submissions(app)
    assert after.language == "es"
    assert after.answers == {**before.answers, "consent.language": "es"}
    assert after.current_step == before.current_step


def test_the_switch_on_a_step_keeps_what_was_typed_and_not_yet_saved(app):
    patient = Patient(app.test_client())
    patient.start()
    patient.answer("safety")
    typed = {**COMPLETE_FORM["about"], "about.first_name": "Typed-not-saved"}
    response = patient.post("/step/about?return=review", {**typed, "switch_language": "es"})
    assert response.status_code == 302 and response.location == "/step/about?return=review"

    page = patient.client.get(response.location)
    assert html_lang(page) == "es"
    text = page.get_data(as_text=True)
    assert 'value="Typed-not-saved"' in text
    [draft] = all_submissions(app)
    assert draft.language == "es" and draft.answers["about.first_name"] == "Typed-not-saved"
    assert draft.current_step == "about"


def test_the_switch_keeps_on_the_page_an_entry_it_could_not_save(app):
    """An entry that is not valid cannot be saved; the page then stays as typed, in the
    new language, saying what to fix, rather than coming back without it."""
    patient = Patient(app.test_client())
    patient.start()
    patient.answer("safety")
    typed = {**COMPLETE_FORM["about"], "about.first_name": "Typed-not-saved", "about.email": "not an email"}
    response = patient.post("/step/about?return=review", {**typed, "switch_language": "es"})
    assert response.status_code == 422
    assert html_lang(response) == "es"
    text = response.get_data(as_text=True)
    assert 'value="not an email"' in text and 'value="Typed-not-saved"' in text
    assert "Escriba un correo electrónico como nombre@ejemplo.com" in text  # what to fix, in Spanish
    assert 'action="/step/about?return=review"' in text
    [draft] = all_submissions(app)
    assert draft.language == "es" and draft.answers["about.first_name"] == "Typed-not-saved"
    assert "about.email" not in draft.answers
    assert patient.client.get("/step/about").status_code == 200
    assert html_lang(patient.client.get("/step/about")) == "es"


def test_the_switch_on_a_step_refuses_an_unknown_language(app):
    patient = Patient(app.test_client())
    patient.start()
    response = patient.post("/step/safety", {**COMPLETE_FORM["safety"], "switch_language": "xx"})
    assert response.status_code == 400
    assert all_submissions(app)[0].language == "en"


def test_it_keeps_the_language_on_resume(app):
    patient = Patient(app.test_client())
    patient.start()
    patient.answer("safety")
    patient.post("/language", {"lang": "es", "next": "/step/about"})
    patient.answer("about", action="later")
    link = re.search(
        r'class="resume-link"><a href="([^"]+)"', patient.client.get("/saved").get_data(as_text=True)
    ).group(1)

    elsewhere = app.test_client()  # another browser, which would prefer English
    landed = elsewhere.get(link.replace("http://localhost", ""), headers={"Accept-Language": "en"})
    assert landed.status_code == 302
    assert html_lang(elsewhere.get(landed.location, headers={"Accept-Language": "en"})) == "es"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/step/about",
        "https://evil.example/",
        "/\\evil.example",
        "http:/step/about",
        "step/about",
        "/later",  # a POST-only address: a GET there would fail
        "/nowhere",
    ],
)
def test_it_never_follows_an_off_site_or_unusable_next(app, target):
    patient = Patient(app.test_client())
    patient.start()
    response = patient.post("/language", {"lang": "es", "next": target})
    assert response.status_code == 302
    assert response.location == "/step/safety", "back to where the patient is"


def test_it_goes_to_the_start_without_a_draft_and_a_usable_next(client):
    patient = Patient(client)
    assert patient.post("/language", {"lang": "es", "next": "//evil.example"}).location == "/"
    assert patient.post("/language", {"lang": "en", "next": "/resume/abc"}).location == "/resume/abc"


def test_it_refuses_an_unknown_language_or_a_missing_token(app, client):
    patient = Patient(client)
    assert patient.post("/language", {"lang": "fr", "next": "/"}).status_code == 400
    assert client.post("/language", data={"lang": "es", "next": "/"}).status_code == 400
    assert html_lang(client.get("/")) == "en"


def test_it_keeps_clinician_pages_english():
    app = Flask(__name__)
    app.secret_key = "x"
    clinician = Blueprint("clinician", __name__)
    patient = Blueprint("elsewhere", __name__)
    clinician.add_url_rule("/clinic", "home", lambda: "")
    patient.add_url_rule("/", "home", lambda: "")
    app.register_blueprint(clinician)
    app.register_blueprint(patient)
    for path, expected in (("/clinic", "en"), ("/", "es")):
        with app.test_request_context(path, headers=SPANISH):
            session[i18n.SESSION_KEY] = "es"
            assert i18n.select_locale() == expected, path


# --------------------------------------------------------------------------- a visit in Spanish


def complete_and_submit(app, language: str, overrides: dict[str, dict]) -> tuple[Submission, Patient]:
    patient = Patient(app.test_client())
    assert patient.start(**{"consent.language": language}).status_code == 302
    for step_id in STEPS:
        page = patient.client.get(f"/step/{step_id}")
        assert html_lang(page) == language, step_id
        response = patient.answer(step_id, {**COMPLETE_FORM[step_id], **overrides.get(step_id, {})})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert html_lang(patient.client.get("/review")) == language
    assert patient.submit().status_code == 302
    submitted = [s for s in all_submissions(app) if s.language == language]
    assert len(submitted) == 1
    return submitted[0], patient


def test_it_walks_the_whole_form_in_spanish_and_stores_the_same_codes_as_in_english(app):
    overrides = {"about": {"about.language": "es"}}
    english, _ = complete_and_submit(app, "en", overrides)
    spanish, patient = complete_and_submit(app, "es", overrides)

    assert spanish.status == english.status == "new"
    assert {**spanish.answers, "consent.language": "en"} == english.answers
    assert spanish.answers["consent.language"] == "es"
    assert spanish.answers["twitch.where"] == ["upper_eyelid", "cheek"]
    assert spanish.answers["stress.gad7.1"] == "1"

    done = patient.client.get("/done").get_data(as_text=True)
    assert "Sus respuestas se enviaron" in done and spanish.reference in done
    assert "De lunes a viernes" in done
    printable = patient.client.get("/done/answers").get_data(as_text=True)
    assert "Párpado de arriba, Mejilla" in printable
    assert "23 de abril de 1980" in printable and "marzo de 2024" in printable
    assert "Varios días" in printable and "Ningún día" in printable


def test_it_gives_clinicians_english_labels_and_the_patients_language(app):
    spanish, _ = complete_and_submit(app, "es", {"about": {"about.language": "es"}})
    with app.test_request_context(headers=SPANISH):
        session[i18n.SESSION_KEY] = "es"
        summary = build_summary(QUESTIONNAIRE, spanish.answers, today=date(2026, 1, 15))
    assert summary.who.language == "Spanish"
    shown = " ".join(f"{line.question} {line.value}" for line in summary.answers)
    assert "Upper eyelid; Cheek" in shown and "Several days" in shown
    assert "Párpado" not in shown and "Varios días" not in shown


def test_a_too_long_answer_is_told_in_the_patients_words_and_language(app):
    patient = Patient(app.test_client())
    patient.start(**{"consent.language": "es"})
    for step_id in STEPS[:-1]:
        patient.answer(step_id)
    response = patient.answer("visit", {"visit.goals": "x" * 2001})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Use 2000 caracteres o menos" in page
    assert "Field cannot be longer" not in page and "El campo no puede" not in page


def test_it_formats_dates_for_the_locale(app):
    for language, birth, onset in (
        ("en", "April 23, 1980", "March 2024"),
        ("es", "23 de abril de 1980", "marzo de 2024"),
    ):
        patient = Patient(app.test_client())
        patient.start(**{"consent.language": language})
        for step_id in STEPS:
            patient.answer(step_id)
        review = patient.client.get("/review").get_data(as_text=True)
        assert birth in review and onset in review, language


def test_it_shows_the_hours_in_spanish_only_when_configured(database_url):
    app = make_app(database_url, CLINIC_HOURS="Mon-Fri 9-5", CLINIC_HOURS_ES=None)
    with app.app_context():
        db.create_all()
    try:
        page = app.test_client().get("/", headers=SPANISH).get_data(as_text=True)
        assert "Mon-Fri 9-5" in page
    finally:
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


# --------------------------------------------------------------------------- no English left


def test_it_leaves_no_english_word_on_the_spanish_pages(app):
    """Every visible text on a Spanish page differs from the English page and from every
    English message, except what is the same in both languages on purpose."""
    english_pages = dict(patient_pages(app, "en"))
    spanish_pages = patient_pages(app, "es")
    spanish = catalogue(TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po")
    same_on_purpose = {m.id for m in spanish if m.id and m.id == m.string}  # "No", "Alcohol"
    english_messages = {m.id for m in spanish if m.id} - same_on_purpose
    config = app.config
    allowed = same_on_purpose | {
        config["CLINIC_NAME"],
        config["CLINIC_ADDRESS"],
        "English",  # the switch, in English on purpose
    }
    for form in (*COMPLETE_FORM.values(), *INVALID_POSTS.values()):  # what the patient typed
        for value in form.values():
            allowed.update(value if isinstance(value, list) else [value])

    untranslated = []
    for name, html in spanish_pages:
        english = set(visible_text(english_pages[name]))
        for chunk in visible_text(html):
            parts = [part.strip(" ·") for part in chunk.split(" · ")]
            for part in parts:
                if not re.search(r"[A-Za-z]", part) or part in allowed:
                    continue
                if part in english or part in english_messages:
                    untranslated.append((name, part))
    assert not untranslated, untranslated
