"""The timeline on one line (issue 27, part 4): pure, table-tested."""

from datetime import date

import pytest

from intake.questionnaire.timeline import timeline
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import MARIA

SENT = date(2026, 12, 5)


def events(answers, sent=SENT):
    return [(e.when, e.what) for e in timeline(QUESTIONNAIRE, answers, sent)]


def test_a_full_history_reads_in_date_order_and_ends_on_the_day_sent():
    assert events(MARIA) == [
        ("2015", "Facial paralysis (Left side, recovery: It got partly better)"),
        ("Jun 2019", "MRI or CT scan of the head"),
        ("Mar 2023", "Twitching began"),
        (None, "Spread to other parts of the face"),
        ("Aug 2025", "Last Botox (16 months before the form, A little better, helped 6 weeks)"),
        ("Dec 2026", "Form sent"),
    ]


def test_an_event_without_a_date_stays_after_the_one_it_follows():
    answers = {
        "twitch.onset": "2020-05",
        "twitch.spread": "yes",
        "history.imaging": "yes",
        "history.imaging_when": "2018-01",
        "history.treatments": ["medicine", "physical_therapy"],
    }
    assert events(answers) == [
        ("Jan 2018", "MRI or CT scan of the head"),
        ("May 2020", "Twitching began"),
        (None, "Spread to other parts of the face"),
        (None, "Tried: Medicine; Physical therapy"),
        ("Dec 2026", "Form sent"),
    ]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {
                "about.birth_date": "1970-06-01",
                "twitch.onset_unknown": ["dont_remember"],
                "twitch.onset_age": 50,
            },
            ("about 2020", "Twitching began (at about 50)"),
        ),
        (
            {"twitch.onset_unknown": ["dont_remember"], "twitch.onset_age": 50},
            (None, "Twitching began (at about 50)"),
        ),
        ({"history.paralysis": "yes"}, (None, "Facial paralysis")),
        ({"history.imaging": "yes"}, (None, "MRI or CT scan of the head")),
        ({"history.treatments": ["botox"]}, (None, "Last Botox")),
        (
            {"history.treatments": ["botox"], "history.botox_last": "2026-11"},
            ("Nov 2026", "Last Botox (1 month before the form)"),
        ),
    ],
)
def test_each_event_says_what_was_given_and_no_more(answers, expected):
    assert events(answers)[0] == expected


@pytest.mark.parametrize(
    "answers",
    [
        {"history.paralysis": "no"},
        {"history.imaging": "no", "history.imaging_when": "2019-06"},  # not asked: dropped
        {"twitch.spread": "not_sure"},
        {"history.treatments": ["none"]},
    ],
)
def test_a_no_or_not_sure_puts_nothing_on_the_line(answers):
    assert events(answers) == []


def test_the_botox_interval_is_counted_to_the_day_sent_not_today():
    answers = {"history.treatments": ["botox"], "history.botox_last": "2026-01"}
    assert events(answers, date(2026, 4, 10))[0] == ("Jan 2026", "Last Botox (3 months before the form)")
