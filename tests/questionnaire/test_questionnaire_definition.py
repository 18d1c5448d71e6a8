"""Checks on the facial-twitching questionnaire as data (no Flask).

These walk the whole definition, so a typo in a linkId, an enableWhen that points at a
later item or a missing choice code fails here before any page is rendered.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from intake.questionnaire import media, twitching
from intake.questionnaire.schema import (
    CHOICE_TYPES,
    NUMBER_TYPES,
    TEXT_TYPES,
    AskWhenUnder,
    AtLeastOne,
    Item,
    ItemType,
    Operator,
    Questionnaire,
)
from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.questionnaire.versions import MOVED_IN_2

STEP_IDS = (
    "welcome",
    "safety",
    "about",
    "twitching",
    "episodes",
    "media",  # photos and video (issue 29)
    "pattern",
    "course",
    "history",
    "health",
    "treatments",
    "stress",
    "daily_life",
    "visit",
)
LINK_ID_PREFIX = {
    "welcome": "consent",
    "safety": "safety",
    "about": "about",
    "twitching": "twitch",
    "episodes": "twitch",  # the twitching page's second half (issue 28)
    "media": "media",
    "pattern": "pattern",
    "course": "course",
    "history": "history",
    "health": "history",  # the history page's second half (issue 28)
    "treatments": "treatments",
    "stress": "stress",
    "daily_life": "stress",  # the stress page's second half (issue 28)
    "visit": "visit",
}
LINK_ID_PATTERN = re.compile(r"^[a-z]+(\.[a-z0-9_]+)+$")

YES_NO_NOT_SURE = ("yes", "no", "not_sure")
PLACES = (
    "upper_eyelid",
    "lower_eyelid",
    "cheek",
    "mouth_corner",
    "lips",
    "chin",
    "forehead",
    "neck",
    "jaw",
    "tongue",
)
FREQUENCY_CODES = ("0", "1", "2", "3")

# The items 2.0.0 added to tell the conditions apart (issue 26), under the same contract.
NEW_IN_2: dict[str, tuple[ItemType, tuple[str, ...] | None]] = {
    "about.sex": (ItemType.SINGLE, ("female", "male", "other", "prefer_not")),
    "about.interpreter": (ItemType.BOOLEAN, None),
    "twitch.onset_unknown": (ItemType.MULTI, ("dont_remember",)),
    "twitch.onset_age": (ItemType.INTEGER, None),
    "pattern.visible": (ItemType.SINGLE, ("others_see", "only_feel", "not_sure")),
    "pattern.rippling": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "pattern.continuous_days": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "pattern.eyes_shut": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "pattern.brow_up": (ItemType.SINGLE, ("yes", "no", "not_sure", "eye_stays_open")),
    "pattern.both_sides": (ItemType.SINGLE, ("together", "separately", "one_side", "not_sure")),
    "pattern.ear_click": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "pattern.blinking": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "pattern.light": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "pattern.dry_eyes": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "pattern.eases_with": (ItemType.MULTI, ("touch", "hum_sing", "chewing", "other", "none")),
    "pattern.eases_with_other": (ItemType.TEXT, None),
    "course.full_at_start": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "course.event_before": (
        ItemType.MULTI,
        ("injury", "illness", "procedure", "dental", "tick_bite", "stressful_event", "none"),
    ),
    "course.distraction": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "course.varies": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "course.waves": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "course.other_movements": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "course.other_movements_age": (ItemType.INTEGER, None),
    "history.paralysis_again": (ItemType.SINGLE, ("same_side", "other_side", "no", "not_sure")),
    "history.twitch_after_paralysis": (
        ItemType.SINGLE,
        ("before", "under_3_months", "3_to_12_months", "over_1_year", "not_sure"),
    ),
    "history.synkinesis_at_rest": (ItemType.SINGLE, ("only_moving", "also_still", "not_sure")),
    "history.synkinesis_tight": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "history.synkinesis_mouth": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "history.synkinesis_neck": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "treatments.medicine_groups": (
        ItemType.MULTI,
        (
            "antidepressant",
            "stimulant",
            "decongestant",
            "anti_sickness",
            "parkinsons",
            "lithium",
            "none",
            "dont_know",
        ),
    ),
    "treatments.medicine_change": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "treatments.medicine_change_details": (ItemType.TEXT, None),
    "treatments.botox_product": (
        ItemType.SINGLE,
        ("botox", "dysport", "xeomin", "daxxify", "other", "dont_know"),
    ),
    "treatments.botox_times": (ItemType.INTEGER, None),
    "treatments.botox_dose": (ItemType.TEXT, None),
    "treatments.botox_injector": (ItemType.TEXT, None),
    "treatments.botox_days_to_work": (ItemType.INTEGER, None),
    "treatments.botox_side_effects": (
        ItemType.MULTI,
        ("drooping_lid", "double_vision", "eye_not_closing", "dry_eye", "smile", "drooling", "none"),
    ),
    "treatments.pregnant": (ItemType.SINGLE, ("yes", "no", "not_sure", "not_applicable")),
    "treatments.toxin_allergy": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "treatments.blood_thinner": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "stress.gad7.difficulty": (ItemType.SINGLE, ("not_difficult", "somewhat", "very", "extremely")),
    "stress.phq.difficulty": (ItemType.SINGLE, ("not_difficult", "somewhat", "very", "extremely")),
}

# linkId -> (type, choice codes in order, or None when the item has no choices).
# Other code (scores, summary, red flags, exports) is keyed by these: never rename.
FIXED_ITEMS: dict[str, tuple[ItemType, tuple[str, ...] | None]] = {
    "consent.agree": (ItemType.CONSENT, None),
    "consent.language": (ItemType.SINGLE, ("en", "es")),
    "safety.signs": (
        ItemType.MULTI,
        (
            # 1.0.0's codes, with 2.0.0's new signs beside them (issue 25)
            "face_droop",
            "limb_weakness",
            "speech",
            "vision",
            "balance",
            "face_numbness",
            "headache",
            "swallow_breathe",
            "fever_neck",
            "injury_fluid",
            "face_weakness_new",
            "both_sides_weak",
            "eye_not_closing",
            "ear_rash",
            "hearing_loss",
            "medicine_reaction",
            "seizure_like",
            "head_injury",
            "none",
        ),
    ),
    "about.first_name": (ItemType.TEXT, None),
    "about.last_name": (ItemType.TEXT, None),
    "about.birth_date": (ItemType.DATE, None),
    "about.email": (ItemType.EMAIL, None),
    "about.phone": (ItemType.PHONE, None),
    "about.contact_method": (ItemType.SINGLE, ("email", "phone_call", "text_message")),
    "about.language": (ItemType.SINGLE, ("en", "es", "other")),
    "about.language_other": (ItemType.TEXT, None),
    "about.referrer": (ItemType.TEXT, None),
    "twitch.where": (ItemType.MULTI, PLACES),
    "twitch.side": (ItemType.SINGLE, ("left", "right", "both", "not_sure")),
    "twitch.start_place": (ItemType.SINGLE, PLACES),
    "twitch.onset": (ItemType.MONTH_YEAR, None),
    "twitch.onset_manner": (ItemType.SINGLE, ("sudden", "gradual", "not_sure")),
    "twitch.spread": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "twitch.frequency": (
        ItemType.SINGLE,
        ("constant", "many_daily", "few_daily", "few_weekly", "less_often"),
    ),
    "twitch.episode_length": (ItemType.SINGLE, ("seconds", "minutes", "longer", "constant")),
    "twitch.eye_closes": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "twitch.in_sleep": (ItemType.SINGLE, ("yes", "no", "dont_know")),
    "twitch.urge": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "twitch.suppressible": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "twitch.triggers": (
        ItemType.MULTI,
        (
            "stress",
            "tiredness",
            "caffeine",
            "alcohol",
            "face_movement",
            "bright_light",
            "screens",
            "none",
            "other",
        ),
    ),
    "twitch.triggers_other": (ItemType.TEXT, None),
    "twitch.course": (ItemType.SINGLE, ("worse", "better", "same", "comes_and_goes")),
    "twitch.bother": (ItemType.SCALE, None),
    "twitch.affects": (
        ItemType.MULTI,
        ("reading", "driving", "work", "social", "sleep", "none"),
    ),
    "history.paralysis": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "history.paralysis_side": (ItemType.SINGLE, ("left", "right", "both")),
    "history.paralysis_year": (ItemType.INTEGER, None),
    "history.paralysis_recovery": (ItemType.SINGLE, ("full", "partial", "none")),
    "history.synkinesis_eye": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "history.synkinesis_tears": (ItemType.SINGLE, YES_NO_NOT_SURE),
    "history.face_weakness_now": (ItemType.BOOLEAN, None),
    "history.injury": (ItemType.BOOLEAN, None),
    "history.injury_details": (ItemType.LONG_TEXT, None),
    "history.other_symptoms": (
        ItemType.MULTI,
        (
            "hearing_loss",
            "tinnitus",
            "dizziness",
            "ear_pain",
            "taste",
            "dry_eye",
            "numbness",
            "double_vision",
            "none",
        ),
    ),
    "history.diagnoses": (
        ItemType.MULTI,
        (
            "multiple_sclerosis",
            "dystonia",
            "tourette",
            "tumour",
            "stroke",
            "parkinsons",
            "anxiety",
            # 2.0.0 (issue 26): tics' companions, treatment safety and background
            "adhd",
            "ocd",
            "myasthenia",
            "high_blood_pressure",
            "diabetes",
            "lyme",
            "none",
            "other",
        ),
    ),
    "history.diagnoses_other": (ItemType.TEXT, None),
    "history.family": (
        ItemType.MULTI,
        ("twitching", "dystonia", "tics", "multiple_sclerosis", "none", "dont_know"),
    ),
    "history.imaging": (ItemType.SINGLE, ("yes", "no", "dont_know")),
    "history.imaging_when": (ItemType.MONTH_YEAR, None),
    "history.imaging_told": (ItemType.LONG_TEXT, None),
    "history.medicines": (ItemType.LONG_TEXT, None),
    "history.treatments": (
        ItemType.MULTI,
        ("botox", "medicine", "surgery", "physical_therapy", "none"),
    ),
    "history.botox_last": (ItemType.MONTH_YEAR, None),
    "history.botox_effect": (ItemType.SINGLE, ("much_better", "little_better", "no_change")),
    "history.botox_weeks": (ItemType.INTEGER, None),
    **{f"stress.gad7.{n}": (ItemType.SINGLE, FREQUENCY_CODES) for n in range(1, 8)},
    **{f"stress.phq2.{n}": (ItemType.SINGLE, FREQUENCY_CODES) for n in range(1, 3)},
    "stress.level": (ItemType.SCALE, None),
    "stress.life_change": (ItemType.BOOLEAN, None),
    "stress.life_change_details": (ItemType.LONG_TEXT, None),
    "stress.adrenaline": (ItemType.SINGLE, ("never", "sometimes", "often")),
    "stress.caffeine": (ItemType.INTEGER, None),
    "stress.alcohol": (ItemType.INTEGER, None),
    "stress.sleep_hours": (ItemType.INTEGER, None),
    "stress.sleep_quality": (ItemType.SINGLE, ("good", "fair", "poor")),
    "visit.goals": (ItemType.LONG_TEXT, None),
    "visit.times": (ItemType.SINGLE, ("mornings", "afternoons", "any")),
}

# Exclusive codes other code relies on ("None of these" clears the rest).
FIXED_EXCLUSIVE = {
    "safety.signs": {"none"},
    "twitch.triggers": {"none"},
    "twitch.affects": {"none"},
    "history.other_symptoms": {"none"},
    "history.diagnoses": {"none"},
    "history.family": {"none", "dont_know"},
    "history.treatments": {"none"},
}

GAD7_LOINC = {
    1: ("69725-0", "Feeling nervous, anxious, or on edge"),
    2: ("68509-9", "Not being able to stop or control worrying"),
    3: ("69733-4", "Worrying too much about different things"),
    4: ("69734-2", "Trouble relaxing"),
    5: ("69735-9", "Being so restless that it is hard to sit still"),
    6: ("69689-8", "Becoming easily annoyed or irritable"),
    7: ("69736-7", "Feeling afraid, as if something awful might happen"),
}
PHQ2_LOINC = {
    1: ("44250-9", "Little interest or pleasure in doing things"),
    2: ("44255-8", "Feeling down, depressed, or hopeless"),
}
FREQUENCY_DISPLAYS = (
    "Not at all",
    "Several days",
    "More than half the days",
    "Nearly every day",
)
GAD7_STEM = "Over the last 2 weeks, how often have you been bothered by the following problems?"
GAD7_NOTICE = (
    "GAD-7 and PHQ developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and "
    "colleagues, with an educational grant from Pfizer Inc. No permission required to "
    "reproduce, translate, display or distribute."
)

# Phrases that would diagnose, estimate a likelihood or reassure.
FORBIDDEN_PHRASES = (
    "you have",
    "you may have",
    "you might have",
    "you probably",
    "likely",
    "probably",
    "nothing to worry",
    "no need to worry",
    "don't worry",
    "do not worry",
    "diagnosis:",
    "harmless",
    "benign",
)
# Question stems that ask, rather than tell, and so may contain "you have".
ALLOWED_STEMS = (
    "has a doctor ever told you that you have",
    "do you have any of these",
)


# --------------------------------------------------------------------------- helpers


def all_items(questionnaire: Questionnaire | None = None) -> list[Item]:
    return list((questionnaire or QUESTIONNAIRE).items())


def patient_texts(questionnaire: Questionnaire | None = None) -> list[tuple[str, str]]:
    """Every patient-facing string, as (where it is, text)."""
    questionnaire = questionnaire or QUESTIONNAIRE
    found = [("questionnaire.title", questionnaire.title)]
    for step in questionnaire.steps:
        found.append((f"{step.id}.title", step.title))
        if step.intro:
            found.append((f"{step.id}.intro", step.intro))
        if step.footnote:
            found.append((f"{step.id}.footnote", step.footnote))
        for rule in step.rules:
            found.append((f"{step.id}.rule", rule.message))
        for item in step.items:
            found.append((f"{item.link_id}.text", item.text))
            for attr in ("help", "min_label", "max_label"):
                value = getattr(item, attr)
                if value is not None:
                    found.append((f"{item.link_id}.{attr}", value))
            for choice in item.choices:
                found.append((f"{item.link_id}[{choice.code}]", choice.display))
    return found


def forbidden_phrases_in(text: str) -> list[str]:
    normalised = " ".join(text.lower().replace("\u2019", "'").split())
    for stem in ALLOWED_STEMS:
        normalised = normalised.replace(stem, " ")
    return [phrase for phrase in FORBIDDEN_PHRASES if phrase in normalised]


def n_wrapped_literals(path: Path) -> set[str]:
    """The string literals passed to `N_(text)` or `NP_(context, text)` in a module's source."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    literals: set[str] = set()
    arity = {"N_": 1, "NP_": 2}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and len(node.args) == arity.get(node.func.id)
            and all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in node.args)
        ):
            literals.add(node.args[-1].value)
    return literals


SAMPLE_VALUES = {
    ItemType.CONSENT: True,
    ItemType.BOOLEAN: True,
    ItemType.TEXT: "Sample",
    ItemType.LONG_TEXT: "Sample text.",
    ItemType.EMAIL: "patient@example.org",
    ItemType.PHONE: "+1 212 555 0100",
    ItemType.DATE: "1980-05-17",
    ItemType.MONTH_YEAR: "2024-03",
}


def answers_enabling_everything(questionnaire: Questionnaire | None = None) -> dict:
    """One answer per item, chosen so that every conditional item is switched on."""
    questionnaire = questionnaire or QUESTIONNAIRE
    wanted: dict[str, list] = {}
    for item in questionnaire.items():
        for condition in item.enable_when:
            if condition.operator is Operator.EQUALS:
                wanted.setdefault(condition.question, []).append(condition.answer)
    answers: dict = {}
    for item in questionnaire.items():
        codes = [c.code for c in item.choices]
        if item.choices_from:
            codes = [c for c in codes if c in answers.get(item.choices_from, [])]
        if item.type is ItemType.MULTI:
            exclusive = item.exclusive_codes
            answers[item.link_id] = [c for c in codes if c not in exclusive]
        elif item.type is ItemType.SINGLE:  # the answer that switches on the most items
            answers[item.link_id] = Counter(wanted.get(item.link_id) or codes).most_common(1)[0][0]
        elif item.type in NUMBER_TYPES:
            answers[item.link_id] = item.min_value
        elif item.type is ItemType.BOOLEAN:
            answers[item.link_id] = (wanted.get(item.link_id) or [True])[0]
        else:
            answers[item.link_id] = SAMPLE_VALUES[item.type]
    return answers


# --------------------------------------------------------------------------- structure


def test_it_has_the_agreed_identity():
    assert QUESTIONNAIRE.id == "facial-twitching-intake"
    assert QUESTIONNAIRE.version == "2.3.0"
    assert QUESTIONNAIRE.title == "Facial twitching: before your visit"
    assert QUESTIONNAIRE.url == (
        "https://nyfacialparalysis.example/fhir/Questionnaire/facial-twitching-intake"
    )


def test_it_has_unique_step_ids_in_the_agreed_order():
    ids = [step.id for step in QUESTIONNAIRE.steps]
    assert len(ids) == len(set(ids)), ids
    assert tuple(ids) == STEP_IDS


def test_it_gives_every_step_a_title_and_at_least_one_item():
    for step in QUESTIONNAIRE.steps:
        assert step.title.strip(), step.id
        assert len(step.items) >= 1, f"step {step.id} has no items"


def test_it_has_unique_link_ids():
    ids = [item.link_id for item in all_items()]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates


def test_it_names_link_ids_after_their_step():
    for step in QUESTIONNAIRE.steps:
        for item in step.items:
            assert LINK_ID_PATTERN.match(item.link_id), item.link_id
            # An item that moved keeps its link id (a contract), so the prefix of its first step.
            first_step = "history" if item.link_id in MOVED_IN_2 else step.id
            assert item.link_id.split(".")[0] == LINK_ID_PREFIX[first_step], item.link_id


def test_only_the_items_listed_as_moved_sit_outside_their_prefix_step():
    moved = {
        i.link_id
        for s in QUESTIONNAIRE.steps
        for i in s.items
        if i.link_id.split(".")[0] != LINK_ID_PREFIX[s.id]
    }
    assert moved == MOVED_IN_2
    assert {QUESTIONNAIRE.step_of(link_id).id for link_id in moved} == {"treatments"}


def test_it_keeps_the_fixed_link_ids_types_and_choice_codes():
    for link_id, (item_type, codes) in {**FIXED_ITEMS, **NEW_IN_2}.items():
        assert QUESTIONNAIRE.has_item(link_id), f"missing {link_id}"
        item = QUESTIONNAIRE.item(link_id)
        assert item.type is item_type, f"{link_id}: {item.type} != {item_type}"
        if codes is not None:
            assert tuple(c.code for c in item.choices) == codes, link_id


def test_it_keeps_the_fixed_exclusive_choices():
    for link_id, codes in FIXED_EXCLUSIVE.items():
        assert QUESTIONNAIRE.item(link_id).exclusive_codes == codes, link_id


def test_it_keeps_the_fixed_wording_of_consent_and_safety():
    assert QUESTIONNAIRE.item("consent.agree").text == (
        "I understand this form does not diagnose or give medical advice, and I agree to "
        "share my answers with the clinic's clinicians."
    )
    assert QUESTIONNAIRE.item("safety.signs").text == (
        "Do you have any of these now? Check a sign only if it is new: it started "
        "suddenly or in the last few weeks."
    )
    assert QUESTIONNAIRE.item("safety.signs").choice("none").display == "None of these"
    assert QUESTIONNAIRE.item("history.diagnoses").text == (
        "Has a doctor ever told you that you have any of these?"
    )


def test_it_puts_consent_and_safety_before_everything_else():
    assert QUESTIONNAIRE.step_of("consent.agree").id == "welcome"
    assert QUESTIONNAIRE.step_of("safety.signs").id == "safety"
    assert QUESTIONNAIRE.step_index("safety") == 1


def test_it_requires_the_items_the_app_cannot_do_without():
    must = {
        "consent.agree",
        "consent.language",
        "safety.signs",
        "about.first_name",
        "about.last_name",
        "about.birth_date",
        "about.contact_method",
        "twitch.where",
    }
    required = {item.link_id for item in all_items() if item.required}
    assert must <= required, sorted(must - required)
    # Email and phone are "at least one of", never each required on its own.
    assert not QUESTIONNAIRE.item("about.email").required
    assert not QUESTIONNAIRE.item("about.phone").required


def test_it_makes_every_consent_item_required_but_the_optional_photos_one():
    # The photos page may be skipped, so its consent may be left unticked; uploads refuse
    # a file until it is ticked (tests/media/test_uploads.py).
    for item in all_items():
        if item.type is ItemType.CONSENT:
            assert item.required is (item.link_id != "media.consent"), item.link_id


def test_it_points_every_enable_when_at_an_earlier_item_and_a_real_answer():
    seen: dict[str, Item] = {}
    for item in all_items():
        assert item.enable_behavior in ("any", "all"), item.link_id
        for condition in item.enable_when:
            where = f"{item.link_id} -> {condition.question}"
            assert condition.question in seen, f"{where}: not an earlier item"
            target = seen[condition.question]
            if condition.operator is Operator.EXISTS:
                assert isinstance(condition.answer, bool), where
            elif target.type in CHOICE_TYPES:
                assert isinstance(condition.answer, str), where
                assert target.choice(condition.answer) is not None, (
                    f"{where}: {condition.answer!r} is not a choice code"
                )
            elif target.type in (ItemType.BOOLEAN, ItemType.CONSENT):
                assert isinstance(condition.answer, bool), where
            else:
                pytest.fail(f"{where}: = / != on a {target.type} item")
        seen[item.link_id] = item


def test_it_can_switch_on_every_conditional_item():
    answers = answers_enabling_everything()
    switched_off = [item.link_id for item in all_items() if not item.enabled(answers)]
    assert not switched_off, switched_off
    assert QUESTIONNAIRE.enabled_answers(answers) == answers


def test_it_gives_every_choice_item_unique_non_empty_choices():
    for item in all_items():
        if item.type in CHOICE_TYPES:
            codes = [c.code for c in item.choices]
            assert codes, f"{item.link_id} has no choices"
            assert len(codes) == len(set(codes)), f"{item.link_id}: duplicate codes"
            for choice in item.choices:
                assert choice.code.strip() and choice.display.strip(), item.link_id
        else:
            assert not item.choices, f"{item.link_id} is {item.type} but has choices"
            assert item.choices_from is None, item.link_id


def test_it_marks_choices_exclusive_only_on_multi_items():
    for item in all_items():
        if item.type is not ItemType.MULTI:
            assert not item.exclusive_codes, item.link_id
        else:
            for code in ("none", "dont_know"):
                if item.choice(code):
                    assert code in item.exclusive_codes, f"{item.link_id}[{code}]"
            assert len(item.exclusive_codes) < len(item.choices), item.link_id


def test_it_points_choices_from_at_an_earlier_multi_item_with_the_same_codes():
    seen: dict[str, Item] = {}
    checked = 0
    for item in all_items():
        if item.choices_from:
            source = seen.get(item.choices_from)
            assert source is not None, f"{item.link_id}: source is not an earlier item"
            assert source.type is ItemType.MULTI, item.link_id
            assert [c.code for c in item.choices] == [c.code for c in source.choices]
            assert any(c.question == item.choices_from for c in item.enable_when), (
                f"{item.link_id} should only show once {item.choices_from} is answered"
            )
            checked += 1
        seen[item.link_id] = item
    assert checked >= 1  # twitch.start_place


def test_it_bounds_every_number_item():
    for item in all_items():
        if item.type in NUMBER_TYPES:
            assert item.min_value is not None and item.max_value is not None, item.link_id
            assert item.min_value <= item.max_value, item.link_id
        else:
            assert item.min_value is None and item.max_value is None, item.link_id


def test_it_runs_every_scale_from_0_to_10_with_labelled_ends():
    for item in all_items():
        if item.type is ItemType.SCALE:
            assert (item.min_value, item.max_value) == (0, 10), item.link_id
            assert item.min_label and item.max_label, item.link_id


def test_it_limits_the_length_of_every_text_item():
    for item in all_items():
        if item.type in TEXT_TYPES:
            assert item.max_length and item.max_length > 0, item.link_id
        else:
            assert item.max_length is None, item.link_id
    assert QUESTIONNAIRE.item("history.medicines").max_length == 2000
    assert QUESTIONNAIRE.item("visit.goals").max_length == 2000


def test_it_keeps_dates_out_of_the_future():
    for item in all_items():
        if item.type in (ItemType.DATE, ItemType.MONTH_YEAR):
            assert item.not_future, item.link_id
            assert item.max_years_ago, item.link_id
        else:
            assert not item.not_future and item.max_years_ago is None, item.link_id
    assert QUESTIONNAIRE.item("about.birth_date").max_years_ago == 120


def test_it_points_at_least_one_rules_at_items_in_their_own_step():
    rules = 0
    for step in QUESTIONNAIRE.steps:
        own = {item.link_id for item in step.items}
        for rule in step.rules:
            if isinstance(rule, AskWhenUnder):
                continue  # tested below
            assert isinstance(rule, AtLeastOne)
            assert len(rule.link_ids) >= 2, rule
            assert set(rule.link_ids) <= own, f"{step.id}: {rule.link_ids}"
            assert rule.message.strip()
            rules += 1
    about = QUESTIONNAIRE.step("about")
    assert ("about.email", "about.phone") in [r.link_ids for r in about.rules if isinstance(r, AtLeastOne)]
    assert rules >= 1


# --------------------------------------------------------------------------- GAD-7, PHQ-2


@pytest.mark.parametrize(("prefix", "expected"), [("stress.gad7.", GAD7_LOINC), ("stress.phq2.", PHQ2_LOINC)])
def test_it_has_the_instruments_word_for_word(prefix, expected):
    items = [item for item in all_items() if re.fullmatch(re.escape(prefix) + r"\d", item.link_id)]
    assert [item.link_id for item in items] == [f"{prefix}{n}" for n in expected]
    for n, item in enumerate(items, start=1):
        loinc, text = expected[n]
        assert item.text == text, item.link_id
        assert item.fixed_wording, item.link_id
        assert item.type is ItemType.SINGLE
        assert not item.required, f"{item.link_id}: skipped items make scores incomplete"
        assert item.code is not None
        assert (item.code.system, item.code.code) == ("http://loinc.org", loinc)
        assert [c.ordinal for c in item.choices] == [0, 1, 2, 3], item.link_id
        assert [c.code for c in item.choices] == list(FREQUENCY_CODES)
        assert tuple(c.display for c in item.choices) == FREQUENCY_DISPLAYS


def test_it_shows_the_gad7_stem_and_keeps_the_notice_for_the_review_page_and_clinicians():
    step = QUESTIONNAIRE.step("stress")
    assert step.intro is not None and GAD7_STEM in step.intro
    assert step.footnote is None
    assert QUESTIONNAIRE.copyright == GAD7_NOTICE


# The difficulty question at the foot of the GAD-7 and of the PHQ-9, word for word from
# the instruments' own forms (phqscreeners.com); LOINC 69722-7, answers LL359-1.
DIFFICULTY = (
    "If you checked off any problems, how difficult have these problems made it for you to "
    "do your work, take care of things at home, or get along with other people?"
)
DIFFICULTY_OPTIONS = ("Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult")


@pytest.mark.parametrize(
    ("link_id", "after", "context"),
    [("stress.gad7.difficulty", "stress.gad7.7", "GAD-7"), ("stress.phq.difficulty", "stress.phq9.9", "PHQ")],
)
def test_it_asks_each_instruments_difficulty_question_unscored_after_its_items(link_id, after, context):
    item = QUESTIONNAIRE.item(link_id)
    assert (item.text, item.fixed_wording, item.required) == (DIFFICULTY, True, False)
    assert (item.code.system, item.code.code) == ("http://loinc.org", "69722-7")
    assert tuple(c.display for c in item.choices) == DIFFICULTY_OPTIONS
    assert {c.context for c in item.choices} == {context}
    assert all(c.ordinal is None for c in item.choices)  # never added to a score
    ids = [i.link_id for i in QUESTIONNAIRE.step("stress").items]
    assert ids.index(link_id) == ids.index(after) + 1


def test_each_instrument_has_its_own_translation_context_and_time_frame_beside_every_item():
    contexts = {"stress.gad7.": "GAD-7", "stress.phq2.": "PHQ", "stress.phq9.": "PHQ"}
    for item in all_items():
        prefix = next((p for p in contexts if re.fullmatch(re.escape(p) + r"\d", item.link_id)), None)
        if prefix:
            assert {c.context for c in item.choices} == {contexts[prefix]}, item.link_id
            assert item.time_frame == "Over the last 2 weeks", item.link_id


def test_it_marks_only_the_instruments_as_fixed_wording():
    fixed = {item.link_id for item in all_items() if item.fixed_wording}
    assert fixed == {f"stress.gad7.{n}" for n in GAD7_LOINC} | {f"stress.phq2.{n}" for n in PHQ2_LOINC} | {
        "stress.phq9.9",
        "stress.gad7.difficulty",
        "stress.phq.difficulty",
    }


# --------------------------------------------------------------------------- enabled_answers


def test_it_drops_eye_closure_when_no_eyelid_is_chosen():
    answers = {"twitch.where": ["cheek", "chin"], "twitch.eye_closes": "yes"}
    assert "twitch.eye_closes" not in QUESTIONNAIRE.enabled_answers(answers)
    for eyelid in ("upper_eyelid", "lower_eyelid"):
        answers = {"twitch.where": ["cheek", eyelid], "twitch.eye_closes": "yes"}
        assert QUESTIONNAIRE.enabled_answers(answers)["twitch.eye_closes"] == "yes"


def test_it_drops_follow_up_answers_when_the_first_answer_changes():
    botox = {
        "history.treatments": ["botox", "medicine"],
        "history.botox_last": "2025-01",
        "history.botox_effect": "little_better",
        "history.botox_weeks": 10,
    }
    assert QUESTIONNAIRE.enabled_answers(botox) == botox
    changed = {**botox, "history.treatments": ["medicine"]}
    assert QUESTIONNAIRE.enabled_answers(changed) == {"history.treatments": ["medicine"]}

    paralysis = {
        "history.paralysis": "yes",
        "history.paralysis_side": "left",
        "history.paralysis_year": 2015,
        "history.synkinesis_eye": "yes",
    }
    assert QUESTIONNAIRE.enabled_answers(paralysis) == paralysis
    assert QUESTIONNAIRE.enabled_answers({**paralysis, "history.paralysis": "no"}) == {
        "history.paralysis": "no"
    }


def test_it_drops_answers_that_depend_on_a_removed_answer():
    answers = {
        "twitch.where": ["upper_eyelid", "cheek"],
        "twitch.start_place": "cheek",
        "twitch.eye_closes": "no",
        "twitch.side": "left",
    }
    assert QUESTIONNAIRE.enabled_answers(answers) == answers
    without_where = {k: v for k, v in answers.items() if k != "twitch.where"}
    assert QUESTIONNAIRE.enabled_answers(without_where) == {"twitch.side": "left"}


def test_it_drops_unknown_link_ids():
    answers = {"twitch.side": "left", "twitch.nope": "x", "csrf_token": "abc"}
    assert QUESTIONNAIRE.enabled_answers(answers) == {"twitch.side": "left"}


# --------------------------------------------------------------------------- wording


def test_it_gives_every_item_non_empty_text():
    for where, text in patient_texts():
        assert text and text.strip() == text, where


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("This is probably stress.", True),
        ("You may have hemifacial spasm.", True),
        ("It looks like you have a twitch.", True),
        ("There is nothing to worry about.", True),
        ("Don\u2019t worry.", True),
        ("Has a doctor ever told you that you have any of these?", False),
        ("Do you have any of these right now?", False),
        ("Which side of your face does it happen on?", False),
    ],
)
def test_it_recognises_diagnostic_and_reassuring_phrases(text, flagged):
    assert bool(forbidden_phrases_in(text)) is flagged


def test_it_never_diagnoses_or_reassures():
    offending = [
        (where, text, found) for where, text in patient_texts() if (found := forbidden_phrases_in(text))
    ]
    assert not offending, offending


def test_it_names_conditions_only_in_the_doctor_told_you_question():
    # Conditions are named only in items that ask whether a doctor has already told the
    # patient about one, and in the family history (which asks about relatives).
    conditions = re.compile(
        r"sclerosis|dystonia|tourette|tumou?r|parkinson|stroke|hemifacial|neuroma|palsy"
        r"|spasm|anxiety disorder|tic disorder",
        re.IGNORECASE,
    )
    for item in all_items():
        asks_about_a_doctor = "a doctor ever told you" in item.text.lower()
        if asks_about_a_doctor or item.link_id == "history.family" or item.fixed_wording:
            continue
        texts = [item.text, item.help or ""] + [c.display for c in item.choices]
        for text in texts:
            assert not conditions.search(text), f"{item.link_id}: {text}"


def test_it_wraps_every_patient_facing_string_for_translation():
    marked = n_wrapped_literals(Path(twitching.__file__)) | n_wrapped_literals(Path(media.__file__))
    unmarked = [(where, text) for where, text in patient_texts() if text not in marked]
    assert not unmarked, unmarked


def test_it_stays_free_of_web_and_database_code():
    imported = set()
    nodes = [
        n
        for m in (twitching, media)
        for n in ast.walk(ast.parse(Path(m.__file__).read_text(encoding="utf-8")))
    ]
    for node in nodes:
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert not imported & {"flask", "flask_wtf", "wtforms", "sqlalchemy", "flask_sqlalchemy"}


@pytest.mark.parametrize(
    "sex, asked", [("male", False), ("female", True), ("other", True), ("prefer_not", True), (None, True)]
)
def test_the_pregnancy_question_is_not_asked_of_a_patient_given_as_male(sex, asked):
    """2.3.0: a parent of a boy read "Is your child pregnant...?" ("¿Su hija...?" in Spanish).
    Asked whenever the sex is not given as male, unanswered included (FHIR: != or absent)."""
    answers = {"about.sex": sex} if sex else {}
    assert QUESTIONNAIRE.item("treatments.pregnant").enabled(answers) is asked
