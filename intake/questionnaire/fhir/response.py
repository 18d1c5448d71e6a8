"""One submission's answers as a FHIR R4 `QuestionnaireResponse`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Iterable, Literal, Mapping

from intake.questionnaire.fhir import attachments
from intake.questionnaire.fhir.attachments import MediaAttachment
from intake.questionnaire.fhir.instants import date_time
from intake.questionnaire.fhir.scores import scores_answered
from intake.questionnaire.fhir.values import answer_values
from intake.questionnaire.schema import Questionnaire

ResponseStatus = Literal["completed", "in-progress"]

_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def questionnaire_response(
    q: Questionnaire,
    answers: Mapping[str, Any],
    *,
    status: ResponseStatus,
    authored: datetime,
    response_id: str,
    subject_display: str | None = None,
    media: Iterable[MediaAttachment] = (),
) -> dict[str, Any]:
    """One submission as a FHIR R4 `QuestionnaireResponse`; `media`: its checked photos and
    videos, each a `valueAttachment` in the photos group.

    Answers to items that enableWhen turns off, to unknown items, and empty answers are
    left out (never sent as empty items); steps without answers are left out too. Scores
    are added only to a completed response, and only for instruments fully answered.
    Raises ValueError for a value that does not fit its item (e.g. an unknown code).
    """
    _check_header(status, authored, response_id)
    kept = q.enabled_answers(answers)
    groups = answered_groups(q, kept, media)
    scores = scores_answered(q, kept) if status == "completed" else None
    if scores:
        groups.append(scores)
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "questionnaire": f"{q.url}|{q.version}",
        "status": status,
    }
    if subject_display:
        resource["subject"] = {"display": subject_display}
    resource["authored"] = date_time(authored)
    if groups:
        resource["item"] = groups
    return resource


def _check_header(status: str, authored: datetime, response_id: str) -> None:
    if status not in ("completed", "in-progress"):
        raise ValueError(f"status must be 'completed' or 'in-progress', not {status!r}")
    if authored.tzinfo is None or authored.utcoffset() is None:
        raise ValueError("authored must be timezone-aware")
    if not _ID.fullmatch(response_id):
        raise ValueError(f"{response_id!r} is not a valid FHIR id")


def answered_groups(
    q: Questionnaire, answers: Mapping[str, Any], media: Iterable[MediaAttachment] = ()
) -> list[dict[str, Any]]:
    """One group per step that has answers, holding only the answered items."""
    groups: list[dict[str, Any]] = []
    for step in q.steps:
        items = []
        for item in step.items:
            values = answer_values(q, item, answers.get(item.link_id))
            if values:
                items.append({"linkId": item.link_id, "text": item.text, "answer": values})
        if step.id == attachments.STEP_ID:
            items.extend(attachments.answered_attachments(media))
        if items:
            groups.append({"linkId": step.id, "text": step.title, "item": items})
    return groups
