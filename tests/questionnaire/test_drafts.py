"""What saving a page does to a draft's content (intake/questionnaire/drafts.py), tested
without the web or the database."""

from __future__ import annotations

import ast
from pathlib import Path

from intake.questionnaire import drafts
from intake.questionnaire.drafts import REVIEW, DraftContent
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
)


def test_a_page_replaces_only_its_own_answers():
    saved = drafts.with_page(
        QUESTIONNAIRE,
        ON_TWITCHING,
        STEP["about"],
        {"about.first_name": "Ana", "twitch.side": "from another page"},
        reached="twitching",
    )
    assert saved.answers == {**ON_TWITCHING.answers, "about.first_name": "Ana"}


def test_a_page_drops_answers_its_new_answers_turn_off():
    saved = drafts.with_page(
        QUESTIONNAIRE, ON_TWITCHING, STEP["twitching"], {"twitch.triggers": ["stress"]}, reached="history"
    )
    assert saved.answers["twitch.triggers"] == ["stress"]
    assert "twitch.triggers_other" not in saved.answers


def test_the_draft_keeps_the_furthest_page_reached():
    forward = drafts.with_page(QUESTIONNAIRE, ON_TWITCHING, STEP["twitching"], {}, reached="history")
    back = drafts.with_page(QUESTIONNAIRE, ON_TWITCHING, STEP["about"], {}, reached="safety")
    to_review = drafts.with_page(QUESTIONNAIRE, ON_TWITCHING, STEP["visit"], {}, reached=REVIEW)
    assert (forward.current_step, back.current_step, to_review.current_step) == (
        "history",
        "twitching",
        REVIEW,
    )


def test_safety_is_assessed_again_and_an_acknowledgement_lasts_only_while_it_is_an_emergency():
    acknowledged = drafts.with_page(
        QUESTIONNAIRE, ON_TWITCHING, STEP["safety"], {"safety.signs": ["speech"]}, reached="about"
    )
    assert acknowledged.safety_tier == "emergency"
    acknowledged = drafts.with_page(
        QUESTIONNAIRE,
        DraftContent(**{**vars(acknowledged), "emergency_acknowledged": True}),
        STEP["safety"],
        {"safety.signs": ["speech", "vision"]},
        reached="about",
    )
    assert acknowledged.emergency_acknowledged is True
    urgent = drafts.with_page(
        QUESTIONNAIRE, acknowledged, STEP["safety"], {"safety.signs": ["ear_rash"]}, reached="about"
    )
    assert (urgent.safety_tier, urgent.emergency_acknowledged) == ("urgent", False)


def test_the_welcome_pages_language_answer_is_the_drafts_language():
    saved = drafts.with_page(
        QUESTIONNAIRE,
        ON_TWITCHING,
        STEP["welcome"],
        {"consent.agree": True, "consent.language": "es"},
        reached="safety",
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
    saved = drafts.with_language(drafts.with_page(QUESTIONNAIRE, read, STEP["about"], {}, "about"), "es")
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
