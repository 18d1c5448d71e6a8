"""The questionnaire's definition as a FHIR R4 `Questionnaire` (no answers, no patient)."""

from __future__ import annotations

import dataclasses
import re
from datetime import date as date_type
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from intake.questionnaire.fhir.instants import date_time
from intake.questionnaire.fhir.items import step_group
from intake.questionnaire.fhir.scores import scores_group
from intake.questionnaire.schema import Questionnaire


def canonical_url(canonical_base: str, questionnaire_id: str) -> str:
    """Where the Questionnaire is published: `{base}/Questionnaire/{id}`, the address of a
    FHIR read (https://hl7.org/fhir/R4/resource.html#canonical), so the URL resolves.

    `canonical_base` is an absolute http(s) URL with no query or fragment; ValueError if not.
    """
    base = canonical_base.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"a canonical base is an http(s) URL without query or fragment, not {base!r}")
    return f"{base}/Questionnaire/{questionnaire_id}"


def published_at(q: Questionnaire, canonical_base: str) -> Questionnaire:
    """The questionnaire under its published canonical URL. Everything named after it (the
    per-item code systems, the response's `questionnaire`) follows from this one URL."""
    return dataclasses.replace(q, url=canonical_url(canonical_base, q.id))


def questionnaire_resource(
    q: Questionnaire,
    *,
    date: date_type | datetime | str | None = None,
    publisher: str | None = None,
) -> dict[str, Any]:
    """The questionnaire as a FHIR R4 `Questionnaire` (definition only, no health data).

    `date` is the publication date and `publisher` who publishes it, if the caller knows
    them (the model has neither); `copyright` is the instruments' reproduction notice.
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
    if publisher:
        resource["publisher"] = publisher
    if q.copyright:
        resource["copyright"] = q.copyright
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
        return date_time(date)
    if isinstance(date, date_type):
        return date.isoformat()
    return None if date is None else str(date)
