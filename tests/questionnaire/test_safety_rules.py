"""The safety rule table (intake/questionnaire/safety.py) over whole forms: each patient
story of tests/safety_vignettes.py reaches the tier its guidance gives, and the table
itself stays honest (real items, the patient's own words, no diagnosis)."""

from __future__ import annotations

import re

import pytest

from intake.questionnaire import safety
from intake.questionnaire.safety import RULES, SIGNS_ITEM, Tier, assess
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.safety_vignettes import VIGNETTES

CONDITIONS = re.compile(
    r"sclerosis|dystonia|tourette|tumou?r|parkinson|stroke|palsy|spasm|meningitis|seizure|"
    r"guillain|bell|depress",
    re.IGNORECASE,
)


@pytest.mark.parametrize("story", VIGNETTES, ids=[v.name for v in VIGNETTES])
def test_each_story_reaches_the_tier_its_guidance_gives(story):
    assessment = assess(QUESTIONNAIRE.enabled_answers(story.all_answers()))
    assert (assessment.tier.value, set(assessment.codes())) == (story.tier, story.flags), story.source


def test_there_are_at_least_forty_stories_each_with_its_source_and_every_rule_is_walked():
    assert len(VIGNETTES) >= 40
    assert all(story.source.strip() for story in VIGNETTES)
    walked = set().union(*(story.flags for story in VIGNETTES))
    assert walked == {rule.code for rule in RULES}
    assert {story.tier for story in VIGNETTES} == {tier.value for tier in Tier}


def test_every_rule_names_real_items_and_answers_and_cites_its_source():
    for rule in RULES:
        assert rule.source and rule.reason and rule.sign, rule.code
        for answer in (*rule.any_of, *rule.all_of, *rule.none_of):
            item = QUESTIONNAIRE.item(answer.link_id)
            if item.choices:
                assert item.choice(answer.value) is not None, (rule.code, answer)
            else:
                assert isinstance(answer.value, bool), (rule.code, answer)
    assert len({rule.code for rule in RULES}) == len(RULES)


def test_a_sign_of_the_safety_step_reads_as_the_option_the_patient_ticked():
    item = QUESTIONNAIRE.item(SIGNS_ITEM)
    for rule in RULES:
        if len(rule.any_of) == 1 and rule.any_of[0].link_id == SIGNS_ITEM:
            assert rule.sign == item.choice(rule.any_of[0].value).display, rule.code


def test_every_sign_but_none_raises_a_flag():
    codes = {choice.code for choice in QUESTIONNAIRE.item(SIGNS_ITEM).choices} - {"none"}
    assert {code for code in codes if assess({SIGNS_ITEM: [code]}).flags} == codes


def test_the_patients_words_name_no_condition():
    for rule in RULES:
        assert not CONDITIONS.search(rule.sign), rule.code


def test_emergency_comes_first_and_the_tier_is_the_highest_flag():
    assessment = assess({SIGNS_ITEM: ["ear_rash", "speech"], "history.lump": True})
    assert [flag.tier for flag in assessment.flags] == [Tier.EMERGENCY, Tier.URGENT, Tier.SOON]
    assert assessment.tier is Tier.EMERGENCY


def test_soon_shows_no_page_to_the_patient_and_self_harm_shows_the_support_page():
    [lump] = assess({"history.lump": True}).flags
    [self_harm] = assess({"stress.phq9.9": "2"}).flags
    assert lump.page is None and self_harm.page is safety.Advice.SUPPORT
