"""Key facts with their pertinent negatives (issue 27, part 5) and answers to check
(part 8): pure, table-tested. Neither names a condition nor concludes anything."""

import pytest

from intake.questionnaire.checks import answers_to_check
from intake.questionnaire.discriminators import GROUPS, discriminators
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import MARIA

CONDITION_WORDS = (
    "spasm ",
    "hemifacial",
    "blepharospasm",
    "myokymia",
    "tic ",
    "functional",
    "synkinesis",
    "likely",
)


def groups(answers):
    return {g.title: (g.present, g.absent) for g in discriminators(QUESTIONNAIRE, answers)}


@pytest.mark.parametrize(
    ("answers", "title", "present", "absent"),
    [
        ({"twitch.in_sleep": "no"}, "During an episode", (), ("Not seen in sleep",)),
        ({"twitch.in_sleep": "yes"}, "During an episode", ("Seen to go on in sleep",), ()),
        ({"history.paralysis": "no"}, "Facial nerve history", (), ("No prior facial paralysis",)),
        ({"history.face_weakness_now": False}, "Facial nerve history", (), ("No face weakness now",)),
        ({"history.injury": True}, "Facial nerve history", ("Injury or surgery to face, head, ear or parotid",), ()),
        ({"pattern.visible": "only_feel"}, "What the movement is like", (), ("Only felt, not seen",)),
        ({"pattern.visible": "others_see"}, "What the movement is like", ("Others can see it",), ()),
        ({"course.distraction": "no"}, "How it began and changes", (), ("Does not change when distracted",)),
        ({"twitch.urge": "yes", "twitch.suppressible": "no"}, "Urge, control and elsewhere", ("Urge before it",), ("Cannot hold it back",)),
    ],
)  # fmt: skip
def test_a_yes_is_shown_as_present_and_a_no_as_a_pertinent_negative(answers, title, present, absent):
    assert groups(answers) == {title: (present, absent)}


@pytest.mark.parametrize("unsure", ["not_sure", "dont_know", None])
def test_not_sure_and_unanswered_are_not_a_no(unsure):
    assert groups({"twitch.in_sleep": unsure, "history.paralysis": unsure}) == {}


def test_an_item_not_asked_is_not_shown():
    # twitch.eye_closes is asked only for an eyelid (its enableWhen).
    assert groups({"twitch.where": ["cheek"], "twitch.eye_closes": "no"}) == {}


def test_a_full_form_gives_its_groups_in_order():
    assert list(groups(MARIA)) == ["During an episode", "Facial nerve history", "Urge, control and elsewhere"]
    assert groups(MARIA)["Facial nerve history"] == (
        ("Prior facial paralysis", "Injury or surgery to face, head, ear or parotid"),
        ("No face weakness now",),
    )


def test_every_fact_is_a_real_item_and_no_wording_names_a_condition():
    for title, facts in GROUPS:
        for fact in facts:
            assert QUESTIONNAIRE.item(fact.link_id), fact.link_id
            for words in (title, fact.yes, fact.no):
                assert not any(w in words.lower() + " " for w in CONDITION_WORDS), words


# --------------------------------------------------------------------------- checks


def checks(answers):
    return answers_to_check(QUESTIONNAIRE, answers)


@pytest.mark.parametrize(
    ("answers", "note"),
    [
        ({"twitch.frequency": "constant", "twitch.episode_length": "seconds"}, "How often: “All the time”, but each episode: “A few seconds”."),
        ({"pattern.continuous_days": "yes", "twitch.frequency": "less_often"}, "Goes on for days without a break, but happens “a few times a week” or less."),
        ({"twitch.side": "left", "pattern.both_sides": "together"}, "Side: left only, but both sides are said to move."),
        ({"twitch.where": ["cheek"], "twitch.spread": "yes"}, "Spread to other parts of the face: yes, but one place is ticked."),
        ({"twitch.onset": "2024-05", "history.treatments": ["botox"], "history.botox_last": "2023-01"}, "The last Botox injection is dated before the twitching began."),
        ({"twitch.onset": "2010-05", "history.paralysis": "yes", "history.paralysis_year": 2015, "history.twitch_after_paralysis": "over_1_year"}, "The twitching is said to begin after the paralysis, but its date is earlier."),
        ({"about.birth_date": "1968-07-14", "twitch.onset": "1950-03"}, "The twitching is dated before the date of birth."),
        ({"about.birth_date": "1964-01-10", "twitch.onset": "2025-06", "twitch.onset_unknown": ["dont_remember"], "twitch.onset_age": 10}, "Age when it started: 10, but the start date given makes it about 61."),
    ],
)  # fmt: skip
def test_answers_that_do_not_sit_together_are_pointed_out(answers, note):
    assert checks(answers) == (note,)


@pytest.mark.parametrize(
    "answers",
    [
        {"twitch.frequency": "constant", "twitch.episode_length": "constant"},
        {"twitch.side": "both", "pattern.both_sides": "together"},
        {"twitch.where": ["cheek", "chin"], "twitch.spread": "yes"},
        {"twitch.onset": "2024-05", "history.treatments": ["botox"], "history.botox_last": "2025-01"},
        {"twitch.onset": "2010-05", "history.paralysis": "yes", "history.paralysis_year": 2015, "history.twitch_after_paralysis": "before"},
        {"about.birth_date": "1968-07-14", "twitch.onset": "1968-07"},
        {"about.birth_date": "1964-01-10", "twitch.onset": "2025-06", "twitch.onset_unknown": ["dont_remember"], "twitch.onset_age": 59},
    ],
)  # fmt: skip
def test_answers_that_agree_give_nothing_to_check(answers):
    assert checks(answers) == ()


def test_a_full_form_that_agrees_has_nothing_to_check():
    assert checks(MARIA) == ()
