"""The one-line synopsis (issue 27, part 1): pure, table-tested. Facts only, in a fixed
order; an unanswered fact is left out, never guessed."""

from datetime import date

import pytest

from intake.questionnaire.synopsis import synopsis
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import MARIA

SENT = date(2026, 12, 5)
# The issue's own example, as answers.
EXAMPLE = {
    "about.birth_date": "1968-03-02",
    "about.sex": "female",
    "twitch.where": ["lower_eyelid", "cheek", "mouth_corner"],
    "twitch.side": "left",
    "twitch.start_place": "lower_eyelid",
    "twitch.onset": "2021-06",
    "twitch.in_sleep": "yes",
    "twitch.eye_closes": "yes",
    "history.paralysis": "no",
    "history.treatments": ["botox"],
    "history.botox_last": "2026-09",
    "history.botox_effect": "much_better",
    "history.botox_weeks": 10,
    "stress.phq2.1": "2",
    "stress.phq2.2": "1",
}
CONCLUSIONS = ("likely", "probably", "suggest", "consistent with", "spasm", "myokymia", "benign", "normal")


def line(answers, sent=SENT):
    return synopsis(QUESTIONNAIRE, answers, sent)


def test_the_issue_s_example_reads_as_the_issue_wrote_it():
    assert line(EXAMPLE) == (
        "58 y F · left · lower lid → cheek, mouth corner · 5 y (onset 53 y) · in sleep · eye shuts · "
        "no prior palsy · Botox 9/2026 much better, 10 wk · PHQ-2 positive"
    )


@pytest.mark.parametrize(
    ("changes", "expected_part"),
    [
        ({"about.sex": "male"}, "58 y M"),
        ({"about.sex": "prefer_not"}, "58 y ·"),
        ({"twitch.side": "both", "pattern.both_sides": "separately"}, "both sides · lower lid"),
        ({"twitch.side": "not_sure"}, "side not sure"),
        ({"twitch.where": ["cheek"], "twitch.start_place": None}, "left · cheek · 5 y"),
        ({"twitch.onset": "2026-02"}, "10 mo (onset 57 y)"),  # born 2 March: not yet 58 on 1 February
        (
            {"twitch.onset": None, "twitch.onset_unknown": ["dont_remember"], "twitch.onset_age": 40},
            "onset 40 y",
        ),
        ({"twitch.in_sleep": "no"}, "not in sleep"),
        ({"twitch.eye_closes": "no"}, "eye does not shut"),
        (
            {"history.paralysis": "yes", "history.paralysis_side": "left", "history.paralysis_year": 2015},
            "prior palsy left 2015",
        ),
        ({"history.botox_last": None, "history.botox_weeks": None}, "Botox much better ·"),
    ],
)
def test_each_fact_follows_its_answer(changes, expected_part):
    assert expected_part in line({**EXAMPLE, **changes})


def test_both_sides_say_whether_they_move_together():
    assert "both sides · lower lid → cheek, mouth corner · each side on its own" in line(
        {**EXAMPLE, "twitch.side": "both", "pattern.both_sides": "separately"}
    )


@pytest.mark.parametrize(
    ("left_out", "absent"),
    [
        ("twitch.in_sleep", "sleep"),
        ("history.paralysis", "palsy"),
        ("about.birth_date", "58 y"),
        ("history.treatments", "Botox"),
        ("stress.phq2.1", "PHQ-2"),
    ],
)
def test_an_unanswered_fact_is_left_out(left_out, absent):
    answers = {k: v for k, v in EXAMPLE.items() if k != left_out}
    assert absent not in line(answers)


def test_don_t_know_and_not_sure_are_left_out_rather_than_read_as_no():
    text = line({**EXAMPLE, "twitch.in_sleep": "dont_know", "history.paralysis": "not_sure"})
    assert "sleep" not in text and "palsy" not in text


def test_an_eye_question_not_asked_is_not_shown():
    # twitch.eye_closes is asked only for an eyelid (enableWhen): a stale answer is dropped.
    assert "eye" not in line({**EXAMPLE, "twitch.where": ["cheek"], "twitch.start_place": None})


def test_positive_screens_use_the_instruments_cut_offs():
    # GAD-7 >= 10 (Spitzer 2006); GAD-2 and PHQ-2 >= 3 (Kroenke 2007, 2003).
    answers = {**MARIA, **{f"stress.gad7.{n}": "2" for n in range(1, 8)}}
    assert "GAD-7 positive · GAD-2 positive" in line(answers)
    calm = {
        **MARIA,
        **{f"stress.gad7.{n}": "0" for n in range(1, 8)},
        "stress.phq2.1": "0",
        "stress.phq2.2": "0",
    }
    assert "positive" not in line(calm)


def test_an_incomplete_screen_already_over_its_cut_off_says_so():
    answers = {**EXAMPLE, "stress.phq2.1": "3"}
    answers.pop("stress.phq2.2")
    assert line(answers).endswith("PHQ-2 positive (incomplete)")


def test_it_is_worked_out_on_the_day_the_form_was_sent():
    assert line(EXAMPLE, date(2022, 6, 1)).startswith("54 y F")
    assert "12 mo (onset 53 y)" in line(EXAMPLE, date(2022, 6, 1))


def test_it_never_draws_a_conclusion():
    for answers in (EXAMPLE, MARIA, {}):
        text = line(answers).lower()
        assert not any(word in text for word in CONCLUSIONS), text


def test_nothing_answered_gives_an_empty_line():
    assert line({}) == ""
