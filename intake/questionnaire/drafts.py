"""A draft's content, what saving a page does to it, and which pages it may open: pure
functions of the content, kept apart from the database so that they read and test alone
(patient/submissions.py applies them to the locked row).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Mapping, TypeVar

from intake.questionnaire.safety import Advice, SafetyAssessment, Tier, assess, highest
from intake.questionnaire.safety_record import SafetyRecord
from intake.questionnaire.schema import REVIEW, Questionnaire, Step

__all__ = [
    "REVIEW",
    "DraftContent",
    "acknowledged",
    "advice_after",
    "blank",
    "may_open",
    "standing",
    "with_language",
    "with_page",
]

SAFETY_STEP = "safety"
EMERGENCY_PAGE = "emergency"
LANGUAGE_ITEM = "consent.language"


@dataclass(frozen=True)
class DraftContent:
    """What the patient's pages read and change in a draft."""

    answers: dict
    current_step: str
    safety_tier: str  # the highest tier the answers ever reached: never lowered
    emergency_acknowledged: bool  # every emergency flag standing was "already checked"
    language: str
    safety_record: dict  # SafetyRecord.to_json()


Content = TypeVar("Content", bound=DraftContent)


def blank(questionnaire: Questionnaire, language: str) -> DraftContent:
    return DraftContent({}, questionnaire.steps[0].id, Tier.NONE.value, False, language, {})


def standing(draft: DraftContent) -> SafetyAssessment:
    """The flags the draft's answers raise now."""
    return assess(draft.answers)


def record_of(draft: DraftContent) -> SafetyRecord:
    return SafetyRecord.from_json(draft.safety_record)


def may_open(questionnaire: Questionnaire, draft: DraftContent, page: str) -> str | None:
    """None if the patient may open `page` now; else where they go instead: the emergency
    page while an emergency stands unacknowledged (for pages after the one that raised
    it), or the furthest page they have reached (a later page stays closed until then)."""
    if blocked_by_emergency(questionnaire, draft, page):
        return EMERGENCY_PAGE
    if questionnaire.page_index(page) > questionnaire.page_index(draft.current_step):
        return draft.current_step
    return None


def blocked_by_emergency(questionnaire: Questionnaire, draft: DraftContent, page: str) -> bool:
    if draft.emergency_acknowledged:
        return False
    # Only the signs not yet acknowledged close pages, from the page that raised them on.
    checked = set(record_of(draft).acknowledged)
    raised_on = [
        questionnaire.page_index(questionnaire.step_of(link_id).id)
        for flag in standing(draft).of_tier(Tier.EMERGENCY)
        if flag.code not in checked
        for link_id in flag.link_ids
    ]
    return bool(raised_on) and questionnaire.page_index(page) > min(raised_on)


def with_page(
    questionnaire: Questionnaire,
    draft: Content,
    step: Step,
    step_answers: Mapping[str, Any],
    reached: str,
    now: datetime,
) -> Content:
    """Replace this step's answers, drop what enableWhen now turns off, re-assess safety.

    `reached` is the page the patient is going to; the draft keeps the furthest one so
    that a resume link lands there and later pages stay closed until then. The highest
    tier is never lowered, and every change of the flags is recorded (safety_record.py).
    An emergency acknowledged earlier stays acknowledged only while every emergency flag
    standing is one the patient acknowledged.
    """
    own = {item.link_id for item in step.items}
    merged = {k: v for k, v in draft.answers.items() if k not in own}
    merged.update({k: v for k, v in step_answers.items() if k in own})
    answers = questionnaire.enabled_answers(merged)
    before, after = assess(draft.answers), assess(answers)
    record = record_of(draft).after_answers(before, after, step.id, now, step.id == SAFETY_STEP)
    further = questionnaire.page_index(reached) > questionnaire.page_index(draft.current_step)
    return replace(
        draft,
        answers=answers,
        safety_tier=highest(draft.safety_tier, after.tier).value,
        emergency_acknowledged=record.covers(after),
        safety_record=record.to_json(),
        current_step=reached if further else draft.current_step,
        language=answers.get(LANGUAGE_ITEM, draft.language),
    )


def advice_after(questionnaire: Questionnaire, draft: DraftContent, step: Step) -> Advice | None:
    """The page to show right after `step` was saved: the emergency page for an emergency
    flag this step's answers raise (unless already acknowledged), else the support page,
    else the urgent page; None when this step's answers raise none."""
    own = {item.link_id for item in step.items}
    pages = {flag.page for flag in standing(draft).flags if flag.page and own.intersection(flag.link_ids)}
    if Advice.EMERGENCY in pages and not draft.emergency_acknowledged:
        return Advice.EMERGENCY
    return next((page for page in (Advice.SUPPORT, Advice.URGENT) if page in pages), None)


def acknowledged(draft: Content, now: datetime) -> Content:
    """The patient said a doctor has checked the emergency signs: the form may go on."""
    record = record_of(draft).after_acknowledgement(standing(draft), now)
    return replace(draft, emergency_acknowledged=True, safety_record=record.to_json())


def with_language(draft: Content, language: str) -> Content:
    """The patient switched language: it is their new answer to the welcome page's question."""
    answers = {**draft.answers, LANGUAGE_ITEM: language} if LANGUAGE_ITEM in draft.answers else draft.answers
    return replace(draft, answers=answers, language=language)
