"""What saving a page does to a draft's content, as a pure function of the content.

Kept apart from the database so that a save can compute the new content, write it in
one conditional UPDATE, and compute it again onto a fresher copy if another tab wrote
first (submissions.save_page).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping, TypeVar

from intake.questionnaire.safety import Tier, assess
from intake.questionnaire.schema import Questionnaire, Step

REVIEW = "review"
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


def page_index(questionnaire: Questionnaire, page: str) -> int:
    """Position of a step, with the review page after the last step."""
    if page == REVIEW:
        return len(questionnaire.steps)
    return questionnaire.step_index(page)


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
    further = page_index(questionnaire, reached) > page_index(questionnaire, draft.current_step)
    return replace(
        draft,
        answers=answers,
        safety_tier=tier.value,
        emergency_acknowledged=draft.emergency_acknowledged and tier is Tier.EMERGENCY,
        current_step=reached if further else draft.current_step,
        language=answers.get(LANGUAGE_ITEM, draft.language),
    )


def with_language(draft: Content, language: str) -> Content:
    """The patient switched language: it is their new answer to the welcome page's question."""
    answers = {**draft.answers, LANGUAGE_ITEM: language} if LANGUAGE_ITEM in draft.answers else draft.answers
    return replace(draft, answers=answers, language=language)
