"""What saving a page does to a draft's content (intake/questionnaire/drafts.py), tested
without the web or the database."""

from __future__ import annotations

import ast
from datetime import datetime, timedelta, timezone
from pathlib import Path

from intake.questionnaire import drafts
from intake.questionnaire.drafts import REVIEW, DraftContent
from intake.questionnaire.safety import Advice
from intake.questionnaire.safety_record import SafetyRecord
from intake.questionnaire.twitching import QUESTIONNAIRE

STEP = {step.id: step for step in QUESTIONNAIRE.steps}
ON_TWITCHING = DraftContent(
    answers={
        "consent.language": "en",
        "safety.signs": ["none"],
        "twitch.triggers": ["other"],
        "twitch.triggers_other": "Cold wind",
    },
    current_step="twitching",
    safety_tier="none",
    emergency_acknowledged=False,
    language="en",
    safety_record={},
)
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=timezone.utc)


def test_a_page_replaces_only_its_own_answers():
    saved = drafts.with_page(
        QUESTIONNAIRE,
        ON_TWITCHING,
        STEP["about"],
        {"about.first_name": "Ana", "twitch.side": "from another page"},
        reached="twitching",
        now=NOW,
    )
    assert saved.answers == {**ON_TWITCHING.answers, "about.first_name": "Ana"}


def test_a_page_drops_answers_its_new_answers_turn_off():
    saved = drafts.with_page(
        QUESTIONNAIRE,
        ON_TWITCHING,
        STEP["episodes"],
        {"twitch.triggers": ["stress"]},
        reached="history",
        now=NOW,
    )
    assert saved.answers["twitch.triggers"] == ["stress"]
    assert "twitch.triggers_other" not in saved.answers


def test_the_draft_keeps_the_furthest_page_reached():
    forward = drafts.with_page(QUESTIONNAIRE, ON_TWITCHING, STEP["twitching"], {}, reached="history", now=NOW)
    back = drafts.with_page(QUESTIONNAIRE, ON_TWITCHING, STEP["about"], {}, reached="safety", now=NOW)
    to_review = drafts.with_page(QUESTIONNAIRE, ON_TWITCHING, STEP["visit"], {}, reached=REVIEW, now=NOW)
    assert (forward.current_step, back.current_step, to_review.current_step) == (
        "history",
        "twitching",
        REVIEW,
    )


def _save(draft, step_id, answers, reached="about", now=NOW):
    return drafts.with_page(QUESTIONNAIRE, draft, STEP[step_id], answers, reached=reached, now=now)


def test_the_highest_tier_is_kept_and_a_later_none_is_recorded_as_a_downgrade():
    flagged = _save(ON_TWITCHING, "safety", {"safety.signs": ["speech"]})
    cleared = _save(flagged, "safety", {"safety.signs": ["none"]}, now=NOW + timedelta(minutes=3))
    record = SafetyRecord.from_json(cleared.safety_record)
    assert (flagged.safety_tier, cleared.safety_tier) == ("emergency", "emergency")
    assert drafts.standing(cleared).tier == "none"
    [(event, lowered_from)] = record.downgrades()
    assert (event.at, event.page, event.tier, lowered_from) == (
        (NOW + timedelta(minutes=3)).isoformat(),
        "safety",
        "none",
        "emergency",
    )
    assert record.withdrawn_at("speech") == event.at
    assert [(one.code, one.page, one.at) for one in record.raised] == [("speech", "safety", NOW.isoformat())]


def test_an_acknowledgement_covers_only_the_emergency_signs_it_was_given_for():
    flagged = _save(ON_TWITCHING, "safety", {"safety.signs": ["speech"]})
    checked = drafts.acknowledged(flagged, NOW)
    more = _save(checked, "safety", {"safety.signs": ["speech", "face_droop"]})
    fewer = _save(drafts.acknowledged(more, NOW), "safety", {"safety.signs": ["face_droop"]})
    urgent = _save(fewer, "safety", {"safety.signs": ["ear_rash"]})
    assert checked.emergency_acknowledged is True
    assert more.emergency_acknowledged is False  # a new emergency sign: asked again
    assert fewer.emergency_acknowledged is True
    assert urgent.emergency_acknowledged is False  # no emergency stands to be acknowledged
    assert SafetyRecord.from_json(checked.safety_record).acknowledged == ("speech",)


def test_a_red_flag_on_a_later_page_shows_its_page_right_after_that_page():
    on_health = _save(
        ON_TWITCHING,
        "health",
        {"history.other_symptoms": ["numbness"], "history.sudden_symptoms": ["numbness"]},
        reached="stress",
        now=NOW,
    )
    assert drafts.advice_after(QUESTIONNAIRE, on_health, STEP["health"]) is Advice.EMERGENCY
    assert drafts.advice_after(QUESTIONNAIRE, on_health, STEP["twitching"]) is None  # not its answer
    # later pages close until the patient says a doctor checked; the page itself stays open
    assert drafts.may_open(QUESTIONNAIRE, on_health, "stress") == drafts.EMERGENCY_PAGE
    assert drafts.may_open(QUESTIONNAIRE, on_health, "health") is None
    self_harm = _save(on_health, "stress", {"stress.phq9.9": "1"}, reached="visit")
    assert drafts.advice_after(QUESTIONNAIRE, self_harm, STEP["stress"]) is Advice.SUPPORT


def test_the_safety_question_is_due_again_a_day_after_it_was_answered():
    answered = SafetyRecord.from_json(_save(ON_TWITCHING, "safety", {"safety.signs": ["none"]}).safety_record)
    assert answered.check_due(NOW + timedelta(hours=23), hours=24) is False
    assert answered.check_due(NOW + timedelta(hours=25), hours=24) is True
    assert SafetyRecord().check_due(NOW, hours=24) is True  # never recorded: ask


def test_the_welcome_pages_language_answer_is_the_drafts_language():
    saved = drafts.with_page(
        QUESTIONNAIRE,
        ON_TWITCHING,
        STEP["welcome"],
        {"consent.agree": True, "consent.language": "es"},
        reached="safety",
        now=NOW,
    )
    assert saved.language == "es"


def test_switching_language_changes_the_language_answer_only_where_there_is_one():
    assert drafts.with_language(ON_TWITCHING, "es").answers["consent.language"] == "es"
    blank = drafts.blank(QUESTIONNAIRE, "en")
    switched = drafts.with_language(blank, "es")
    assert (switched.language, switched.answers, switched.current_step) == (
        "es",
        {},
        QUESTIONNAIRE.steps[0].id,
    )


def test_it_keeps_the_type_it_is_given():
    """A draft read from the database carries its row and version through a change."""
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Read(DraftContent):
        row_version: int

    read = Read(**vars(ON_TWITCHING), row_version=7)
    saved = drafts.with_language(drafts.with_page(QUESTIONNAIRE, read, STEP["about"], {}, "about", NOW), "es")
    assert isinstance(saved, Read) and saved.row_version == 7


def test_it_stays_free_of_web_and_database_code():
    tree = ast.parse(Path(drafts.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    }
    assert not imported & {"flask", "flask_wtf", "wtforms", "sqlalchemy", "flask_sqlalchemy"}


def test_a_new_emergency_closes_only_the_pages_after_its_own_page():
    checked = drafts.acknowledged(_save(ON_TWITCHING, "safety", {"safety.signs": ["speech"]}), NOW)
    later = _save(
        checked,
        "health",
        {"history.other_symptoms": ["double_vision"], "history.sudden_symptoms": ["double_vision"]},
        reached="stress",
    )
    assert later.emergency_acknowledged is False
    assert drafts.may_open(QUESTIONNAIRE, later, "health") is None, "the patient may still change it"
    assert drafts.may_open(QUESTIONNAIRE, later, "stress") == drafts.EMERGENCY_PAGE
