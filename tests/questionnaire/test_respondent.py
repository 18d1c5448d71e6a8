"""Who is filling in the form (issue 26, part 2): pure, no app.

The welcome page asks; the About page asks again when the date of birth is under 18 and
the answer was "I am the patient". 18 is the age of majority in the clinic's state and
the age from which NHS guidance treats a person as an adult for consent ("Consent to
treatment: children and young people", nhs.uk); under it, a parent often fills the form in.
The question is asked, never refused: a 16-year-old may well answer for themselves.
"""

from datetime import date

import pytest

from intake.questionnaire.respondent import for_someone_else, respondent
from intake.questionnaire.schema import AskWhenUnder
from intake.questionnaire.summary import build_summary
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import MARIA

TODAY = date(2026, 12, 5)
[UNDER_18] = [r for r in QUESTIONNAIRE.step("about").rules if isinstance(r, AskWhenUnder)]


def about(born: str, respondent_code: str | None = "patient") -> dict:
    answers = {"about.birth_date": born}
    if respondent_code:
        answers["consent.respondent"] = respondent_code
    return answers


@pytest.mark.parametrize(
    ("born", "asked"),
    [
        ("2008-12-06", True),  # 18 tomorrow: still 17 today
        ("2008-12-05", False),  # 18 today
        ("2015-03-01", True),
        ("1980-01-01", False),
    ],
)
def test_the_about_page_asks_again_who_fills_it_in_under_18(born, asked):
    assert UNDER_18.age == 18 and UNDER_18.item == "about.respondent_check"
    assert UNDER_18.applies(about(born), TODAY) is asked


def test_it_does_not_ask_again_when_a_parent_or_carer_already_said_so():
    assert not UNDER_18.applies(about("2015-03-01", "parent"), TODAY)
    assert not UNDER_18.applies(about("2015-03-01", "carer"), TODAY)


def test_a_form_begun_before_the_question_existed_counts_as_the_patients():
    assert UNDER_18.applies(about("2015-03-01", None), TODAY)
    assert respondent({}) == "patient" and not for_someone_else({})


def test_no_date_or_a_date_not_yet_valid_asks_nothing():
    assert not UNDER_18.applies({}, TODAY)
    assert not UNDER_18.applies(about("2015-02-30"), TODAY)
    assert not UNDER_18.applies({"about.birth_date": ["2015-03-01"]}, TODAY)


def test_the_second_answer_wins():
    answers = {"consent.respondent": "patient", "about.respondent_check": "parent"}
    assert respondent(answers) == "parent" and for_someone_else(answers)
    assert respondent({"consent.respondent": "carer"}) == "carer"
    assert respondent({"consent.respondent": "someone"}) == "patient", "an unknown code is not trusted"


def test_the_summary_says_who_filled_it_in_and_that_the_scores_are_self_report():
    own = build_summary(QUESTIONNAIRE, MARIA, today=TODAY)
    assert own.who.filled_in_by is None
    carer = {
        **MARIA,
        "consent.respondent": "carer",
        "about.respondent_name": "Luis Garcia",
        "about.respondent_relationship": "son",
    }
    summary = build_summary(QUESTIONNAIRE, carer, today=TODAY)
    assert summary.who.filled_in_by == "Carer or relative (son): Luis Garcia"
    # PHQ and GAD-7 manuals (Spitzer, Kroenke, Williams): validated as self-report.
    assert "GAD-7 and PHQ answered by someone other than the patient (validated for self-report)" in (
        summary.features
    )
    assert not any("someone other" in f for f in own.features)
