"""Server-side validation of the step forms built from the questionnaire data."""

from __future__ import annotations

import re
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from intake.patient.forms import step_form
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import COMPLETE_FORM

TODAY = date(2026, 11, 27)


def validate(app, step_id: str, changes: dict, earlier: dict | None = None):
    step = QUESTIONNAIRE.step(step_id)
    data = {**COMPLETE_FORM[step_id], **changes}
    data = {k: v for k, v in data.items() if v is not None}
    with app.test_request_context(
        method="POST",
        data=MultiDict([(k, item) for k, v in data.items() for item in (v if isinstance(v, list) else [v])]),
    ):
        form = step_form(QUESTIONNAIRE, step)(meta={"csrf": False})
        valid = form.validate_step(earlier or {}, TODAY)
        errors = {  # as the page shows them, in this request's language and wording
            item.link_id: [str(error) for error in form[item.link_id].errors]
            for item in step.items
            if form[item.link_id].errors
        }
        return valid, errors, form.answers()


def test_it_accepts_every_complete_step(app):
    earlier: dict = {}
    for step in QUESTIONNAIRE.steps:
        valid, errors, answers = validate(app, step.id, {}, earlier)
        assert valid, (step.id, errors)
        earlier.update(answers)


def test_it_builds_each_step_form_class_once():
    step = QUESTIONNAIRE.step("about")
    assert step_form(QUESTIONNAIRE, step) is step_form(QUESTIONNAIRE, step)


@pytest.mark.parametrize(
    ("step_id", "changes", "field", "message"),
    [
        ("about", {"about.first_name": ""}, "about.first_name", "Enter your first name"),
        (
            "about",
            {"about.last_name": "x" * 101},
            "about.last_name",
            "Use 100 characters or fewer",
        ),
        ("about", {"about.email": "not-an-email"}, "about.email", "Enter an email address"),
        ("about", {"about.phone": "call me"}, "about.phone", "Enter a phone number"),
        ("about", {"about.birth_date": "2027-01-01"}, "about.birth_date", "today or in the past"),
        ("about", {"about.birth_date": "1890-01-01"}, "about.birth_date", "more than 120 years ago"),
        (
            "about",
            {"about.birth_date-day": "31", "about.birth_date-month": "2", "about.birth_date-year": "1980"},
            "about.birth_date",
            "Enter a real date, for example 3 27 1985",
        ),
        (
            "about",
            {"about.birth_date-day": "3", "about.birth_date-month": "", "about.birth_date-year": "1980"},
            "about.birth_date",
            "Enter the month, day and year",
        ),
        (
            "about",
            {"about.birth_date-day": "3", "about.birth_date-month": "4", "about.birth_date-year": "80"},
            "about.birth_date",
            "Enter the year as 4 numbers",
        ),
        (
            "about",
            {"about.birth_date": ""},
            "about.birth_date",
            "Enter your date of birth, for example 3 27 1985",
        ),
        (
            "about",
            {"about.contact_method": "pigeon"},
            "about.contact_method",
            "Choose one of the answers shown",
        ),
        (
            "safety",
            {"safety.signs": None},
            "safety.signs",
            "Choose the signs you have now, or “None of these”",
        ),
        ("safety", {"safety.signs": ["made_up"]}, "safety.signs", "Choose one of the answers shown"),
        ("twitching", {"twitch.side": None}, "twitch.side", "Choose which side of your face it happens on"),
        ("episodes", {"twitch.frequency": None}, "twitch.frequency", "Choose how often it happens"),
        ("episodes", {"twitch.bother": "11"}, "twitch.bother", "from 0 to 10"),
        ("twitching", {"twitch.onset-month": "13"}, "twitch.onset", "Choose the month"),
        ("twitching", {"twitch.onset-year": "24"}, "twitch.onset", "4 numbers"),
        ("twitching", {"twitch.onset-month": "11", "twitch.onset-year": "2026"}, None, None),
        (
            "twitching",
            {"twitch.onset-month": "12", "twitch.onset-year": "2026"},
            "twitch.onset",
            "today or in the past",
        ),
        (
            "twitching",
            {"twitch.onset-month": "1", "twitch.onset-year": "2027"},
            "twitch.onset",
            "today or in the past",
        ),
        (
            "twitching",
            {"twitch.start_place": "chin"},
            "twitch.start_place",
            "Choose one of the answers shown",
        ),
        (
            "episodes",
            {"twitch.affects": ["none", "reading"]},
            "twitch.affects",
            "cannot be chosen with other answers",
        ),
        ("treatments", {"history.botox_weeks": "53"}, "history.botox_weeks", "from 0 to 52"),
        ("treatments", {"history.botox_weeks": "ten"}, "history.botox_weeks", "Enter a whole number"),
        ("treatments", {"history.medicines": "x" * 2001}, "history.medicines", "2000"),
        ("treatments", {"treatments.botox_times": "0"}, "treatments.botox_times", "from 1 to 200"),
        (
            "course",
            {"course.other_movements": "yes", "course.other_movements_age": "121"},
            "course.other_movements_age",
            "from 0 to 120",
        ),
        ("daily_life", {"stress.caffeine": "-1"}, "stress.caffeine", "from 0 to 30"),
        # A number the clinic can call back: "555-0134" passed the pattern (walk-through).
        ("about", {"about.phone": "555-0134"}, "about.phone", "Include the area code"),
        ("about", {"about.phone": "212 555 01345"}, "about.phone", "Include the area code"),
        ("about", {"about.phone": "+44 1234"}, "about.phone", "Include the area code"),
        ("about", {"about.phone": "1 (212) 555-0134"}, None, None),
        ("about", {"about.phone": "+44 20 7946 0958"}, None, None),
        ("stress", {"stress.gad7.1": "4"}, "stress.gad7.1", "Choose one of the answers shown"),
        ("welcome", {"consent.agree": None}, "consent.agree", "Tick the box"),
    ],
)
def test_it_explains_each_kind_of_bad_answer(app, step_id, changes, field, message):
    valid, errors, _answers = validate(app, step_id, changes)
    if field is None:
        assert valid, errors
        return
    assert not valid
    assert any(message in str(error) for error in errors[field]), errors


def test_it_needs_an_email_or_a_phone(app):
    valid, errors, _ = validate(app, "about", {"about.email": "", "about.phone": ""})
    assert not valid
    assert "Enter an email address or a mobile phone number" in str(errors["about.email"])
    assert "about.phone" not in errors, "one question, one message (issue 28, part 6)"
    valid, _, _ = validate(app, "about", {"about.email": ""})
    assert valid


def test_email_and_phone_are_one_question_that_says_at_least_one(patient):
    patient.start()
    patient.answer("safety")
    about = {**COMPLETE_FORM["about"], "about.email": "", "about.phone": ""}
    page = patient.answer("about", about).get_data(as_text=True)
    group = page[
        page.index('<fieldset class="question-group">') : page.index(
            "</fieldset>", page.index("question-group")
        )
    ]
    assert '<legend class="question-text">Email or mobile phone (at least one)</legend>' in group
    assert "about.email" in group and "about.phone" in group and "(optional)" not in group
    summary = page[page.index('id="error-summary"') : page.index("</ul>", page.index('id="error-summary"'))]
    assert summary.count("<li>") == 1 and 'href="#about.email"' in summary


def test_a_parent_reads_the_required_messages_about_their_child(patient):
    patient.start(**{"consent.respondent": "parent"})
    patient.answer("safety")
    about = {**COMPLETE_FORM["about"], "about.first_name": "", "about.respondent_name": "Rosa Canary"}
    page = patient.answer("about", about).get_data(as_text=True)
    assert "Enter your child's first name" in page and "Enter your first name" not in page


def test_an_error_in_the_year_links_to_the_year_box(patient):
    patient.complete_all_steps()
    bad_year = {**COMPLETE_FORM["treatments"], "history.botox_last-year": "25"}
    page = patient.answer("treatments", bad_year).get_data(as_text=True)
    assert 'href="#history.botox_last-year"' in page
    no_month = {**COMPLETE_FORM["treatments"], "history.botox_last-month": ""}
    page = patient.answer("treatments", no_month).get_data(as_text=True)
    assert 'href="#history.botox_last-month"' in page


def test_it_only_requires_what_is_enabled(app):
    valid, errors, answers = validate(
        app, "twitching", {"twitch.where": ["cheek"], "twitch.start_place": "lips"}
    )
    assert valid, errors
    assert "twitch.start_place" in answers, "parsed here; dropped by enabled_answers on save"
    assert "twitch.start_place" not in QUESTIONNAIRE.enabled_answers(answers)


def test_it_ignores_a_bad_value_in_a_question_that_does_not_apply(app):
    valid, errors, _ = validate(
        app, "treatments", {"history.treatments": ["none"], "history.botox_weeks": "lots"}
    )
    assert valid, errors


def test_it_stores_typed_values(app):
    _, _, answers = validate(app, "twitching", {})
    assert answers["twitch.onset"] == "2024-03"
    assert answers["twitch.where"] == ["upper_eyelid", "cheek"]
    _, _, answers = validate(app, "episodes", {})
    assert answers["twitch.bother"] == 7
    _, _, answers = validate(app, "history", {"history.triggers": None})
    assert answers["history.face_weakness_now"] is False
    _, _, answers = validate(app, "treatments", {})
    assert answers["history.botox_weeks"] == 10 and answers["treatments.botox_times"] == 3


def test_it_keeps_the_order_of_choices_whatever_the_post_order(app):
    _, _, answers = validate(
        app, "twitching", {"twitch.where": ["neck", "upper_eyelid"], "twitch.start_place": "neck"}
    )
    assert answers["twitch.where"] == ["upper_eyelid", "neck"]


def test_it_does_not_blame_the_phone_for_a_mistyped_email(app):
    valid, errors, _ = validate(app, "about", {"about.email": "ana-at-example", "about.phone": ""})
    assert not valid
    assert "about.phone" not in errors and "Enter an email address like" in str(errors["about.email"])


def test_its_phone_pattern_is_the_one_the_fhir_questionnaire_publishes():
    from intake.patient.forms import PHONE_PATTERN
    from intake.questionnaire import fhir

    assert PHONE_PATTERN.pattern == f"^{fhir.PHONE_REGEX}$"


def test_the_date_of_birth_is_three_boxes_stored_as_one_date(app):
    """GOV.UK's "memorable date" pattern (issue 28, part 6); the stored answer (and FHIR's
    valueDate) is unchanged. A page loaded before the boxes posts YYYY-MM-DD: still read."""
    boxes = {"about.birth_date": None, "about.birth_date-day": "7", "about.birth_date-month": "09"}
    _, _, answers = validate(app, "about", {**boxes, "about.birth_date-year": "1984"})
    assert answers["about.birth_date"] == "1984-09-07"
    _, _, answers = validate(app, "about", {"about.birth_date": "1980-04-23"})
    assert answers["about.birth_date"] == "1980-04-23"


def test_a_wrong_date_of_birth_keeps_what_was_typed_and_links_to_the_box_to_fix(patient):
    patient.start()
    patient.answer("safety")
    about = {
        **COMPLETE_FORM["about"],
        "about.birth_date": None,
        "about.birth_date-day": "12",
        "about.birth_date-month": "",
        "about.birth_date-year": "1980",
    }
    page = patient.answer("about", {k: v for k, v in about.items() if v is not None}).get_data(as_text=True)
    assert 'href="#about.birth_date-month"' in page
    assert (
        'name="about.birth_date-day" value="12"' in page
        and 'name="about.birth_date-year" value="1980"' in page
    )
    assert 'autocomplete="bday-day"' in page and 'inputmode="numeric"' in page
    # Month, day, year: the order US patients write a date in (USWDS "memorable date").
    boxes = [page.index(f'name="about.birth_date-{part}"') for part in ("month", "day", "year")]
    assert boxes == sorted(boxes)


@pytest.mark.parametrize("typed", ["6.5", "about seven", "25"])
def test_a_number_that_is_not_taken_is_given_back_as_typed(patient, typed):
    """Found on a phone: "6.5" hours of sleep came back as an empty box (only a number out
    of range was kept)."""
    patient.start()
    patient.complete_all_steps()
    daily = {**COMPLETE_FORM["daily_life"], "stress.sleep_hours": typed}
    response = patient.answer("daily_life", daily)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#stress.sleep_hours"' in page
    box = re.search(r'<input id="stress\.sleep_hours" [^>]*>', page).group(0)
    assert f'value="{typed}"' in box


def test_line_breaks_count_once_as_the_box_s_counter_counts_them(app):
    """Found on a phone: a 2,000-character list with line breaks showed "0 characters left"
    and was refused, as the browser posts each break as CR LF."""
    lines = "\r\n".join(["x" * 99] * 20)  # 1,980 + 19 breaks: 1,999 as counted, 2,018 as posted
    valid, errors, answers = validate(app, "treatments", {"history.medicines": lines})
    assert valid, errors
    assert answers["history.medicines"] == "\n".join(["x" * 99] * 20)


def test_a_date_of_birth_in_the_future_links_its_error_to_the_year_box(patient):
    patient.start()
    patient.answer("safety")
    about = {**COMPLETE_FORM["about"], "about.birth_date": "2099-03-27"}
    page = patient.answer("about", about).get_data(as_text=True)
    assert 'href="#about.birth_date-year"' in page
