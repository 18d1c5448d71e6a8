"""Presentation helpers of intake/questionnaire/display.py that the pages use."""

from intake.questionnaire.display import condition_runs
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
