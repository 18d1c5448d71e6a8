"""A draft's content, what saving a page does to it, and which pages it may open: pure
functions of the content, kept apart from the database so that they read and test alone
(patient/submissions.py applies them to the locked row).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping, TypeVar

from intake.questionnaire.safety import Tier, assess
from intake.questionnaire.schema import REVIEW, Questionnaire, Step

__all__ = ["REVIEW", "DraftContent", "acknowledged", "blank", "may_open", "with_language", "with_page"]

SAFETY_STEP = "safety"
EMERGENCY_PAGE = "emergency"
LANGUAGE_ITEM = "consent.language"


@dataclass(frozen=True)
class DraftContent:
    """What the patient's pages read and change in a draft."""

    answers: dict
    current_step: str
    safety_tier: str
    emergency_acknowledged: bool
    language: str


Content = TypeVar("Content", bound=DraftContent)


def blank(questionnaire: Questionnaire, language: str) -> DraftContent:
    return DraftContent({}, questionnaire.steps[0].id, Tier.NONE.value, False, language)


def may_open(questionnaire: Questionnaire, draft: DraftContent, page: str) -> str | None:
    """None if the patient may open `page` now; else where they go instead: the emergency
    page while an emergency stands unacknowledged (past the safety step), or the furthest
    page they have reached (a later page stays closed until then)."""
    if blocked_by_emergency(questionnaire, draft, page):
        return EMERGENCY_PAGE
    if questionnaire.page_index(page) > questionnaire.page_index(draft.current_step):
        return draft.current_step
    return None


def blocked_by_emergency(questionnaire: Questionnaire, draft: DraftContent, page: str) -> bool:
    return (
        draft.safety_tier == Tier.EMERGENCY
        and not draft.emergency_acknowledged
        and questionnaire.page_index(page) > questionnaire.step_index(SAFETY_STEP)
    )


def with_page(
    questionnaire: Questionnaire, draft: Content, step: Step, step_answers: Mapping[str, Any], reached: str
) -> Content:
    """Replace this step's answers, drop what enableWhen now turns off, re-assess safety.

    `reached` is the page the patient is going to; the draft keeps the furthest one so
    that a resume link lands there and later pages stay closed until then. An emergency
    acknowledged earlier stays acknowledged only while the answers are still an emergency.
    """
    own = {item.link_id for item in step.items}
    merged = {k: v for k, v in draft.answers.items() if k not in own}
    merged.update({k: v for k, v in step_answers.items() if k in own})
    answers = questionnaire.enabled_answers(merged)
    tier = assess(answers).tier
    further = questionnaire.page_index(reached) > questionnaire.page_index(draft.current_step)
    return replace(
        draft,
        answers=answers,
        safety_tier=tier.value,
        emergency_acknowledged=draft.emergency_acknowledged and tier is Tier.EMERGENCY,
        current_step=reached if further else draft.current_step,
        language=answers.get(LANGUAGE_ITEM, draft.language),
    )


def acknowledged(draft: Content) -> Content:
    """The patient said a doctor has checked the emergency signs: the form may go on."""
    return replace(draft, emergency_acknowledged=True)


def with_language(draft: Content, language: str) -> Content:
    """The patient switched language: it is their new answer to the welcome page's question."""
    answers = {**draft.answers, LANGUAGE_ITEM: language} if LANGUAGE_ITEM in draft.answers else draft.answers
    return replace(draft, answers=answers, language=language)
