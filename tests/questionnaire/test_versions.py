"""Which version asked what (intake/questionnaire/versions.py): pure, no app."""

from intake.questionnaire import versions
from intake.questionnaire.twitching import QUESTIONNAIRE


def link_ids() -> set[str]:
    return {item.link_id for item in QUESTIONNAIRE.items()}


def test_no_link_id_of_1_0_0_was_dropped_or_renamed():
    assert versions.V1_LINK_IDS <= link_ids()


def test_the_current_version_is_the_questionnaires_and_every_version_has_a_change_list():
    assert versions.CURRENT == QUESTIONNAIRE.version == "2.3.0"
    assert [v.number for v in versions.VERSIONS] == ["1.0.0", "2.0.0", "2.1.0", "2.2.0", "2.3.0"]
    assert all(v.changes for v in versions.VERSIONS)
    assert versions.known("1.0.0") and not versions.known("0.9")


def test_a_1_0_0_draft_is_asked_the_new_questions_and_the_safety_question_again():
    new = versions.new_since(QUESTIONNAIRE, "1.0.0")
    assert {"pattern.brow_up", "treatments.pregnant", "stress.gad7.difficulty", "about.sex"} <= new
    assert "safety.signs" in new, "its new emergency signs were never offered"
    assert "twitch.where" not in new and "history.medicines" not in new
    assert "consent.respondent" in new, "who is filling it in was never asked"
    assert versions.first_step_asking_new(QUESTIONNAIRE, "1.0.0").id == "welcome"


def test_a_2_0_0_draft_has_nothing_new_its_pages_were_only_split():
    assert versions.new_since(QUESTIONNAIRE, "2.0.0") == frozenset()
    assert versions.first_step_asking_new(QUESTIONNAIRE, "2.0.0") is None


def test_a_current_draft_has_nothing_new():
    assert versions.new_since(QUESTIONNAIRE, QUESTIONNAIRE.version) == frozenset()
    assert versions.first_step_asking_new(QUESTIONNAIRE, QUESTIONNAIRE.version) is None


def test_the_readme_lists_the_version_and_its_changes():
    readme = (__import__("pathlib").Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"Questionnaire version {versions.CURRENT}" in readme
    for version in versions.VERSIONS:
        for change in version.changes:
            assert change in " ".join(readme.split()), change[:60]
