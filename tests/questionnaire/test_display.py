"""Presentation helpers of intake/questionnaire/display.py that the pages use."""

import pytest

from intake.questionnaire.display import condition_runs, question_groups
from intake.questionnaire.schema import AtLeastOne, Item, ItemType, Step
from intake.questionnaire.twitching import QUESTIONNAIRE


def test_questions_sharing_a_condition_in_a_row_are_counted_once_from_the_first():
    runs = condition_runs(QUESTIONNAIRE.step("treatments").items)
    botox = [
        i.link_id
        for i in QUESTIONNAIRE.step("treatments").items
        if i.link_id.startswith(("history.botox", "treatments.botox"))
    ]
    assert runs[botox[0]] == len(botox) == 9
    assert all(runs[link_id] == 0 for link_id in botox[1:])
    assert runs["treatments.medicine_change_details"] == 1  # a run of one says "answer this"
    assert "history.medicines" not in runs  # not conditional


def test_a_different_condition_starts_a_new_run():
    runs = condition_runs(QUESTIONNAIRE.step("history").items)
    assert runs["history.paralysis_side"] > 1
    assert runs["history.face_weakness_started"] == 1


def test_fields_asked_as_one_question_open_and_close_one_group():
    items = tuple(Item(f"s.{name}", name, ItemType.TEXT) for name in ("a", "email", "phone", "b"))
    step = Step(
        "s", "S", items, rules=(AtLeastOne(("s.email", "s.phone"), "Enter one", legend="Email or phone"),)
    )
    groups = question_groups(step)
    assert set(groups) == {"s.email", "s.phone"}
    assert (groups["s.email"].first, groups["s.email"].last, groups["s.phone"].legend) == (
        "s.email",
        "s.phone",
        "Email or phone",
    )
    apart = Step("s", "S", items, rules=(AtLeastOne(("s.a", "s.b"), "Enter one", legend="A or B"),))
    with pytest.raises(ValueError, match="next to each other"):
        question_groups(apart)
