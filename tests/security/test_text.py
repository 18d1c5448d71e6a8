"""Text without what people cannot see (the hardening issue, point 5): bidi overrides and
zero-width characters could show a name reversed on the summary, the dashboard or the
CSV, and make "Ana" and "Ana\u200b" two names for search."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from intake.clinic import accounts
from intake.security import blind_index
from intake.security.text import clean_output, clean_text, comparable
from tests.answers import COMPLETE_FORM, MARIA
from tests.conftest import all_submissions, make_submission

INVISIBLE = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200b",
    "\u2060",
    "\ufeff",
    "\x01",
    "\x7f",
]


@pytest.mark.parametrize("character", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_it_drops_each_invisible_character(character):
    assert clean_text(f"An{character}a") == "Ana"


def test_it_keeps_tabs_line_breaks_joiners_and_accents_and_composes_them():
    assert clean_text("a\tb\nc\r\n") == "a\tb\nc\r\n"
    assert clean_text("👩\u200d⚕️ \u200c") == "👩\u200d⚕️ \u200c"
    assert clean_text("Jose\u0301") == "José"  # NFC: one code point


def test_names_and_usernames_compare_without_them():
    assert comparable("Ana\u200b  López") == comparable("ana lópez")
    assert comparable("ｄｒ．ａｎａ") == "dr.ana"  # NFKC
    with_index_key = b"k" * 32
    assert blind_index.name_index("Ana\u200b", with_index_key) == blind_index.name_index(
        "ana", with_index_key
    )
    assert accounts.normalise_username("Dr.\u202eAna\x01") == "dr.ana"


def test_template_output_drops_them_and_markup_stays_markup():
    assert clean_output("Ma\u202eria") == "Maria"
    cleaned = clean_output(Markup("<b>Ma\u200bria</b>"))
    assert isinstance(cleaned, Markup) and cleaned == Markup("<b>Maria</b>")
    assert clean_output(7) == 7


def test_a_patients_typed_name_is_stored_without_them(app, patient):
    patient.start()
    patient.answer("safety")
    patient.answer(
        "about",
        {**COMPLETE_FORM["about"], "about.first_name": "An\u202ea\u200b", "about.last_name": "Lo\ufeffpez"},
    )
    [draft] = all_submissions(app)
    assert (draft.answers["about.first_name"], draft.answers["about.last_name"]) == ("Ana", "Lopez")


def test_a_row_stored_before_the_rule_shows_without_them(app, clinician):
    public_id = make_submission(
        app, {**MARIA, "about.first_name": "Ma\u202eria", "visit.goals": "help\u200b me"}
    )
    page = clinician.client.get(f"/clinic/submissions/{public_id}").get_data(as_text=True)
    assert "\u202e" not in page and "\u200b" not in page and "Maria" in page
    csv = clinician.client.get("/clinic/export.csv").get_data(as_text=True)
    assert "\u202e" not in csv and "\u200b" not in csv
