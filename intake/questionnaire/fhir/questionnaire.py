"""The questionnaire's definition as a FHIR R4 `Questionnaire` (no answers, no patient)."""

from __future__ import annotations

import re
from datetime import date as date_type
from datetime import datetime
from typing import Any

from intake.questionnaire.fhir.items import step_group
from intake.questionnaire.fhir.scores import scores_group
from intake.questionnaire.schema import Questionnaire


def questionnaire_resource(
    q: Questionnaire, *, date: date_type | datetime | str | None = None
) -> dict[str, Any]:
    """The questionnaire as a FHIR R4 `Questionnaire` (definition only, no health data).

    `date` is the publication date, if the caller knows one (the model has none).
    """
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": q.id,
        "language": "en",
        "url": q.url,
        "version": q.version,
        "name": computable_name(q.id),
        "title": q.title,
        "status": "active",
        "subjectType": ["Patient"],
    }
    published = _publication_date(date)
    if published is not None:
        resource["date"] = published
    items = [step_group(q, step) for step in q.steps]
    scores = scores_group(q)
    if scores:
        items.append(scores)
    resource["item"] = items
    return resource


def computable_name(identifier: str) -> str:
    """'facial-twitching-intake' -> 'FacialTwitchingIntake' (Questionnaire.name, rule que-0)."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", identifier))
    return name if name[:1].isalpha() else f"Q{name}"


def _publication_date(date: date_type | datetime | str | None) -> str | None:
    if isinstance(date, datetime):
        if date.tzinfo is None or date.utcoffset() is None:
            raise ValueError("date must be timezone-aware when it has a time")
        return date.isoformat(timespec="seconds")
    if isinstance(date, date_type):
        return date.isoformat()
    return None if date is None else str(date)
