from datetime import date

import pytest

from intake.questionnaire.dates import age_on
from intake.questionnaire.display import display_answer
from intake.questionnaire.safety import Tier
from intake.questionnaire.schema import Item, ItemType
from intake.questionnaire.summary import build_summary, patient_name
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests import fhir_cases
from tests.answers import MARIA

TODAY = date(2025, 11, 27)
CONCLUSION_WORDS = ("likely", "probably", "suggests", "consistent with", "diagnosis", "caused by")


def summarise(answers, today=TODAY):
    return build_summary(QUESTIONNAIRE, answers, today=today)


def facts(section) -> dict[str, str]:
    return {fact.label: fact.value for fact in section}


def test_it_builds_every_section_from_a_full_submission():
    summary = summarise(MARIA)

    assert summary.safety.tier is Tier.NONE and summary.safety.flags == ()

    who = summary.who
    assert (who.name, who.age, who.birth_date) == ("Maria Lopez", 46, "June 15, 1979")
    assert (who.email, who.phone) == ("maria@example.org", "+1 212 555 0100")
    assert (who.contact_method, who.language, who.referrer) == ("Email", "Spanish", "Dr. Chen")

    assert facts(summary.twitching) == {
        "Side": "Left side",
        "Started at": "Lower eyelid",
        "Now at": "Lower eyelid; Cheek; Corner of the mouth",
        "Since": "March 2023 (2 years ago); began: Slowly (over weeks or longer)",
        "Age at onset": "about 43 (from the date of birth and the onset)",
        "Spread to other parts of the face": "Yes",
        "How often": "Many times a day; each episode: A few seconds",
        "Eye closes fully during a spasm": "Yes",
        "Seen to continue during sleep": "Yes",
        "Urge / can hold it back": "urge before it: No; can hold it back: No",
        "Triggers": "Stress; Tiredness or poor sleep; Other: Cold wind",
        "Course over the last months": "Getting worse",
        "Bother": "7/10; affects: Reading; Driving",
    }
    assert [f.label for f in summary.twitching][:3] == ["Side", "Started at", "Now at"]

    history = facts(summary.history)
    assert history["Prior facial paralysis"] == ("Yes; Left side; year: 2015; recovery: It got partly better")
    assert history["After the paralysis"] == ("eye closes on smiling or chewing: Yes; tears when eating: No")
    assert history["Face weakness now"] == "No"
    assert history["Injury or surgery to face, head, ear or parotid"].startswith("Yes; Car")
    assert history["Other symptoms now"] == "Ringing or buzzing in the ear"
    assert history["A doctor has told them they have"] == "An anxiety disorder; Other: Migraine"
    assert history["Family history"] == "I don't know"
    assert history["Head MRI or CT"] == ("Yes; June 2019; told: They said it looked normal")
    assert "Medicines" not in history and "Botox" not in history  # their own section now
    treatments = facts(summary.treatments)
    assert treatments["Medicines"] == "Sertraline 50 mg daily"
    assert treatments["Botox"] == ("last injection: August 2025; effect: A little better; weeks it helped: 6")

    gad7, gad2, phq2, phq4 = summary.scores
    assert (gad7.total, gad7.band, gad7.positive) == (10, "Moderate", True)
    assert (gad2.total, gad2.positive) == (4, True)
    assert (phq2.total, phq2.positive) == (2, False)
    assert (phq4.total, phq4.band) == (6, "Moderate")

    assert facts(summary.daily_life) == {
        "Stress over the last month": "8/10",
        "Big stressful change in the last 6 months": "Yes; Changed jobs",
        "Racing heart, shakiness or adrenaline rush": "Often",
        "Caffeinated drinks a day": "4",
        "Alcoholic drinks a week": "0",
        "Sleep": "6 hours a night; sleeps: Poorly",
    }

    # The other free text stands in its section, beside the answer it explains.
    assert [f.value for f in summary.own_words] == ["I want to know what is going on and make it stop"]
    assert "Maria" not in [f.value for f in summary.own_words]  # "about" is under Who
    assert summary.visit_times == "Mornings"

    for feature in (
        "Twitching reported to have spread",
        "Twitching reported to continue during sleep",
        "Eye reported to close completely during spasms",
        "Twitching reported to be getting worse",
        "Reports the twitching gets in the way of driving",
        "Twitching reported to have started at the lower eyelid; "
        "now also at the cheek and the corner of the mouth",
        "Prior facial paralysis on the same side as the twitching",
        "Reports partial recovery after the paralysis",
        "Reports the eye closing when smiling or chewing",
        "Reports a doctor has told them they have: An anxiety disorder",
        "Reports a doctor has told them of another condition (see their own words)",
        "Reports previous Botox injections; last: August 2025; effect: A little better",
        "GAD-7 score of 10 or more (10 of 21, Moderate, further evaluation recommended)",
        "Positive GAD-2 screen",
        "Reports sleeping poorly most nights",
    ):
        assert feature in summary.features
    assert "Positive PHQ-2 screen" not in summary.features
    assert "Reports being able to hold back the twitching" not in summary.features
    assert not any("family history" in f for f in summary.features)  # "don't know" only

    assert len(summary.answers) == len(MARIA)


def test_it_lists_emergency_flags_before_urgent_in_the_option_wording():
    answers = MARIA | {"safety.signs": ["vision", "eye_not_closing", "headache", "ear_rash"]}

    safety = summarise(answers).safety

    assert safety.tier is Tier.EMERGENCY
    assert [str(flag.tier) for flag in safety.flags] == [
        "emergency",
        "emergency",
        "urgent",
        "urgent",
    ]
    item = QUESTIONNAIRE.item("safety.signs")
    assert [flag.display for flag in safety.flags] == [
        item.choice(code).display for code in ("vision", "headache", "eye_not_closing", "ear_rash")
    ]


def test_it_shows_urgent_flags_alone_with_the_urgent_tier():
    safety = summarise(MARIA | {"safety.signs": ["hearing_loss"]}).safety

    assert safety.tier is Tier.URGENT
    assert [flag.display for flag in safety.flags] == ["Sudden loss of hearing"]


@pytest.mark.parametrize(
    "birth, today, age",
    [
        ("1979-06-15", date(2025, 6, 14), 45),
        ("1979-06-15", date(2025, 6, 15), 46),
        ("1979-06-15", date(2025, 6, 16), 46),
        ("1979-12-31", date(2025, 1, 1), 45),
        ("2000-02-29", date(2025, 2, 28), 24),
        ("2000-02-29", date(2025, 3, 1), 25),
        ("2025-11-27", date(2025, 11, 27), 0),
    ],
)
def test_it_computes_age_in_whole_years_at_a_birthday(birth, today, age):
    assert summarise(MARIA | {"about.birth_date": birth}, today=today).who.age == age
    assert age_on(date.fromisoformat(birth), today) == age


def test_it_names_every_place_the_twitching_spread_to():
    answers = MARIA | {"twitch.where": ["upper_eyelid", "cheek", "lips", "chin"]}

    features = summarise(answers | {"twitch.start_place": "chin"}).features

    assert (
        "Twitching reported to have started at the chin; now also at the upper eyelid, the cheek and the lips"
    ) in features


def test_it_leaves_age_out_when_the_birth_date_is_missing():
    answers = {k: v for k, v in MARIA.items() if k != "about.birth_date"}

    who = summarise(answers).who

    assert who.age is None and who.birth_date is None


SAME_SIDE = "Prior facial paralysis on the same side as the twitching"


@pytest.mark.parametrize(
    "paralysis, paralysis_side, twitch_side, same_side",
    [
        ("yes", "left", "left", True),
        ("yes", "right", "right", True),
        ("yes", "left", "right", False),
        ("yes", "right", "left", False),
        ("yes", "both", "both", False),
        ("yes", "both", "left", False),
        ("yes", "left", "not_sure", False),
        ("yes", None, "left", False),
        ("no", "left", "left", False),  # side is disabled when the answer is "no"
        ("not_sure", "left", "left", False),
    ],
)
def test_it_says_same_side_only_when_the_sides_match(paralysis, paralysis_side, twitch_side, same_side):
    answers = MARIA | {
        "history.paralysis": paralysis,
        "history.paralysis_side": paralysis_side,
        "twitch.side": twitch_side,
    }

    features = summarise(answers).features

    assert (SAME_SIDE in features) is same_side
    reported = any(f.startswith("Prior facial paralysis") for f in features)
    assert reported is (paralysis == "yes")


def everything_ticked() -> dict:
    """An answer to every item that turns on as many features as possible.

    Free text deliberately uses conclusion words: it must never leak into the features.
    """
    free_text = "My friend says it is likely a diagnosis, probably caused by stress"
    answers = {}
    for item in QUESTIONNAIRE.items():
        codes = [c.code for c in item.choices]
        if item.type is ItemType.MULTI:
            keep = [c.code for c in item.choices if not c.exclusive]
            answers[item.link_id] = keep
        elif item.type is ItemType.SINGLE:
            answers[item.link_id] = "yes" if "yes" in codes else codes[-1]
        elif item.type in (ItemType.BOOLEAN, ItemType.CONSENT):
            answers[item.link_id] = True
        elif item.type in (ItemType.INTEGER, ItemType.SCALE):
            answers[item.link_id] = item.max_value
        elif item.type is ItemType.DATE:
            answers[item.link_id] = "1980-01-01"
        elif item.type is ItemType.MONTH_YEAR:
            answers[item.link_id] = "2024-03"
        else:
            answers[item.link_id] = free_text
    return answers | {
        "twitch.side": "both",
        "twitch.start_place": "upper_eyelid",
        "history.paralysis_recovery": "none",
        "about.email": "a@example.org",
    }


@pytest.mark.parametrize("answers", [MARIA, everything_ticked()], ids=["maria", "all"])
def test_it_never_writes_conclusion_words_in_features(answers):
    features = summarise(answers).features

    assert len(features) >= 10
    for feature in features:
        for word in CONCLUSION_WORDS:
            assert word not in feature.lower(), feature


def test_it_reports_a_doctor_told_them_of_each_condition_without_naming_a_conclusion():
    features = summarise(everything_ticked()).features

    told = [f for f in features if f.startswith("Reports a doctor has told them they have")]
    assert len(told) == 13  # every condition except "none" and "other"
    assert "Reports a doctor has told them they have: Multiple sclerosis (MS)" in told


def test_it_ignores_answers_that_enable_when_turns_off():
    answers = MARIA | {
        "history.paralysis": "no",  # turns off side, year, recovery, synkinesis
        "twitch.triggers": ["stress"],  # turns off triggers_other
        "history.treatments": ["medicine"],  # turns off the Botox questions
        "stress.life_change": False,  # turns off its details
    }

    summary = summarise(answers)

    history = facts(summary.history)
    assert history["Prior facial paralysis"] == "No"
    assert "After the paralysis" not in history
    assert "Botox" not in history
    assert facts(summary.twitching)["Triggers"] == "Stress"
    own_words = [f.value for f in summary.own_words]
    assert "Cold wind" not in own_words and "Changed jobs" not in own_words
    shown = {line.link_id for line in summary.answers}
    for link_id in (
        "history.paralysis_side",
        "history.synkinesis_eye",
        "history.botox_last",
        "twitch.triggers_other",
        "stress.life_change_details",
    ):
        assert link_id not in shown
    assert not any("Botox" in f or "paralysis" in f.lower() for f in summary.features)


def test_it_lists_every_answer_in_questionnaire_order():
    shuffled = dict(reversed(list(MARIA.items())))

    lines = summarise(shuffled).answers

    order = [item.link_id for item in QUESTIONNAIRE.items()]
    assert [line.link_id for line in lines] == [i for i in order if i in MARIA]
    first = lines[0]
    assert (first.step, first.value) == ("Welcome", "Yes")
    by_id = {line.link_id: line for line in lines}
    assert by_id["twitch.onset"].value == "March 2023"
    assert by_id["twitch.onset"].step == QUESTIONNAIRE.step("twitching").title
    assert by_id["twitch.onset"].question == QUESTIONNAIRE.item("twitch.onset").text
    assert by_id["twitch.where"].value == "Lower eyelid; Cheek; Corner of the mouth"
    assert by_id["history.injury"].value == "Yes"
    assert by_id["history.face_weakness_now"].value == "No"
    assert by_id["stress.gad7.1"].value == "More than half the days"


def test_it_groups_every_answer_under_its_step_in_questionnaire_order():
    summary = summarise(MARIA)

    groups = summary.answers_by_step

    answered = [step.title for step in QUESTIONNAIRE.steps if any(i.link_id in MARIA for i in step.items)]
    assert [title for title, _ in groups] == answered
    assert all(line.step == title for title, lines in groups for line in lines)
    assert [line for _, lines in groups for line in lines] == list(summary.answers)


def test_it_shows_scores_incomplete_when_an_item_is_missing():
    answers = {k: v for k, v in MARIA.items() if k != "stress.gad7.2"}

    gad7, gad2, phq2, phq4 = summarise(answers).scores

    assert gad7.total is None and not gad7.complete
    assert gad2.total is None and phq4.total is None
    assert gad7.missing == gad2.missing == phq4.missing == ("stress.gad7.2",)
    assert phq2.total == 2 and phq2.complete
    assert not any("GAD" in f for f in summarise(answers).features)


def test_it_leaves_unanswered_items_out_of_the_facts():
    answers = {
        "safety.signs": ["none"],
        "about.first_name": "Sam",
        "twitch.where": ["upper_eyelid"],
        "twitch.side": "right",
    }

    summary = summarise(answers)

    assert facts(summary.twitching) == {"Side": "Right side", "Where": "Upper eyelid"}
    assert summary.history == () and summary.daily_life == () and summary.own_words == ()
    assert summary.features == ()
    assert all(not s.complete for s in summary.scores)
    assert summary.who.name == "Sam" and summary.who.email is None


@pytest.mark.parametrize(
    "item_type, value, shown",
    [
        (ItemType.BOOLEAN, True, "Yes"),
        (ItemType.BOOLEAN, False, "No"),
        (ItemType.CONSENT, True, "Yes"),
        (ItemType.MONTH_YEAR, "2024-03", "March 2024"),
        (ItemType.MONTH_YEAR, "2024-13", "2024-13"),
        (ItemType.DATE, "1980-01-09", "January 9, 1980"),
        (ItemType.INTEGER, 0, "0"),
        (ItemType.SCALE, 10, "10"),
        (ItemType.TEXT, "  hello ", "hello"),
        (ItemType.TEXT, None, ""),
        (ItemType.MULTI, [], ""),
    ],
)
def test_it_displays_plain_answers(item_type, value, shown):
    assert display_answer(Item("x", "X?", item_type), value) == shown


def test_it_displays_choices_by_their_wording():
    where = QUESTIONNAIRE.item("twitch.where")
    side = QUESTIONNAIRE.item("twitch.side")

    assert display_answer(where, ["upper_eyelid", "neck"]) == "Upper eyelid; Neck"
    assert display_answer(side, "left") == "Left side"
    assert display_answer(side, "sideways") == "sideways"  # unknown code: shown as stored


@pytest.mark.parametrize(
    "answers, name",
    [
        ({"about.first_name": " Maria ", "about.last_name": "Lopez"}, "Maria Lopez"),
        ({"about.last_name": "Lopez"}, "Lopez"),
        ({"about.first_name": "Maria", "about.last_name": "   "}, "Maria"),
        ({"visit.goals": "no name"}, ""),
    ],
)
def test_the_patient_name_is_first_and_last_as_given(answers, name):
    assert patient_name(answers) == name


# --------------------------------------------------------------------------- questionnaire 2.0


def test_it_reports_the_2_0_0_answers_that_tell_the_conditions_apart_as_facts():
    summary = summarise(fhir_cases.COMPLETE)
    pattern, treatments = facts(summary.pattern), facts(summary.treatments)
    assert pattern["Eyebrow when the eye shuts"] == "Yes, the eyebrow goes up"
    assert pattern["Click or thump in the ear with the movements"] == "Yes"
    assert pattern["Eases with"] == "Touching my eyebrow, eyelid or face; Other: Warm cloth"
    assert pattern["In the weeks before it began"] == "Dental work"
    assert pattern["Other movements or sounds away from the face"] == "Yes; began at age: 12"
    assert treatments["Takes or recently took"] == "Medicine for depression or anxiety (an antidepressant)"
    assert treatments["Began or worsened after a medicine change"] == "Yes; Sertraline, started May 2024"
    assert treatments["Botox"].startswith("product: Xeomin; times: 4; dose and sites: 2.5 units")
    assert "side effects: A drooping eyelid" in treatments["Botox"]
    assert treatments["Takes a blood thinner"] == "Not sure"
    after = facts(summary.history)["After the paralysis"]
    assert after.startswith("twitching began: 3 to 12 months after; movements: Only when I move my face")
    assert (summary.who.sex, summary.who.interpreter) == ("Female", "Yes")
    daily = facts(summary.daily_life)
    assert daily["GAD-7: how difficult the problems made daily life"] == "Somewhat difficult"
    assert daily["PHQ: how difficult the problems made daily life"] == "Not difficult at all"


def test_it_lists_the_2_0_0_features_in_plain_reported_words():
    features = summarise(fhir_cases.COMPLETE).features
    for expected in (
        "Reports the eyebrow going up as the eye shuts in a spasm",
        "Reports a click or thump in the ear in time with the movements",
        "Reports the movements ease with: Touching my eyebrow, eyelid or face",  # "other": own words
        "Reports in the weeks before the movements began: Dental work",
        "Reports other movements or sounds away from the face (began at age 12)",
        "Reports the twitching began: 3 to 12 months after",
        "Reports the movements since the paralysis come only when moving the face",
        "Reports the mouth pulling when blinking or closing the eyes",
        "Reports taking or recently taking: Medicine for depression or anxiety (an antidepressant)",
        "Reports the twitching began or got worse soon after a medicine change",
        "Reports after Botox: A drooping eyelid",
        "Asks for an interpreter at the visit",
    ):
        assert expected in features, expected


def test_it_shows_the_age_at_onset_given_when_the_date_is_not_remembered():
    answers = {
        **MARIA,
        "twitch.onset": None,
        "twitch.onset_unknown": ["dont_remember"],
        "twitch.onset_age": 30,
    }
    twitching = facts(summarise(answers).twitching)
    assert twitching["Since"] == "Date not remembered; began: Slowly (over weeks or longer)"
    assert twitching["Age at onset"] == "30 (as given); about 16 years ago"  # born June 1979, on 2025-11-27


def test_it_works_out_the_age_at_onset_from_the_date_of_birth_and_the_onset():
    twitching = facts(summarise({**MARIA, "twitch.onset": "1999-06"}).twitching)
    assert twitching["Age at onset"] == "about 19 (from the date of birth and the onset)"
    assert twitching["Since"].startswith("June 1999 (26 years ago)")


def test_an_incomplete_gad7_already_past_the_cut_off_is_still_reported():
    answers = {**MARIA, **{f"stress.gad7.{n}": "3" for n in range(1, 5)}, "stress.gad7.7": None}
    features = summarise(answers).features
    assert any(f.startswith("GAD-7 score of 10 or more (Incomplete, at least 1") for f in features), features


def test_the_patients_free_text_appears_once_and_every_answer_points_to_it():
    """Issue 27, part 6: free text appears once. Each free-text item (outside "about",
    which is Who) is in exactly one section, and "Every answer" names that section."""
    free_text = [
        (step.title, item.link_id)
        for step in QUESTIONNAIRE.steps
        for item in step.items
        if step.id != "about" and item.type in (ItemType.TEXT, ItemType.LONG_TEXT)
    ]
    answers = {**fhir_cases.COMPLETE, **{link_id: f"<{link_id}>" for _, link_id in free_text}}
    assert set(QUESTIONNAIRE.enabled_answers(answers)) >= {link_id for _, link_id in free_text}

    summary = summarise(answers)
    sections = (summary.twitching, summary.pattern, summary.history, summary.treatments)
    shown = [fact.value for section in (*sections, summary.daily_life, summary.own_words) for fact in section]
    lines = {line.link_id: line.value for line in summary.answers}
    for _, link_id in free_text:
        assert sum(value.count(f"<{link_id}>") for value in shown) == 1, link_id
        assert lines[link_id].startswith("See “"), link_id
    assert lines["twitch.triggers_other"] == "See “Twitching at a glance”"
    assert lines["visit.goals"] == "See “In the patient's own words”"
