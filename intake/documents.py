"""The FHIR documents the app serves, built from database rows with the pure mapping in
`questionnaire/fhir/`: one submission as a `QuestionnaireResponse`, many as a streamed
`Bundle`, and the API's `CapabilityStatement`. Shared by the clinicians' downloads and the
FHIR API; no request handling here.

A submission whose answers no key opens (see `sealed.py`) is an `OperationOutcome` that
names it, in the place its response would have had: R4 lets a `collection` hold any
resource, and gives a `searchset` the entry mode "outcome" for exactly this. So one bad
row never cuts a Bundle short, and the reader sees which submission is missing.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable, Iterator, Mapping

from flask import Flask, Response, current_app
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, object_session

from intake.extensions import db
from intake.models import MediaFile, MediaRendition, MediaStatus, Submission
from intake.questionnaire.fhir import (
    FHIR_VERSION,
    bundle,
    instant,
    operation_outcome,
    published_at,
    questionnaire_response,
)
from intake.questionnaire.fhir.attachments import MediaAttachment
from intake.questionnaire.schema import Questionnaire
from intake.questionnaire.summary import patient_name
from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.storage.sealed import Opened, Unreadable, open_rows, with_sealed_answers

FHIR_JSON = "application/fhir+json"
BATCH = 200
ENTRIES_PER_CHUNK = 50
# When the API's capabilities last changed (CapabilityStatement.date is required).
CAPABILITIES_DATE = "2026-11-27"
LAST_UPDATED_DEFINITION = "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated"
PUBLISHED = "intake_fhir_published_questionnaire"


def canonical_base(app: Flask) -> str:
    """FHIR_CANONICAL_BASE, or by default this app's own FHIR endpoint (PUBLIC_URL + /fhir),
    where GET /fhir/Questionnaire/<id> answers: a canonical URL that resolves."""
    configured = app.config.get("FHIR_CANONICAL_BASE") or app.config["PUBLIC_URL"] + "/fhir"
    return configured.rstrip("/")


def publish(app: Flask) -> Questionnaire:
    """The questionnaire under the configured canonical URL, made once per app (at start:
    a bad FHIR_CANONICAL_BASE stops the app rather than a download later)."""
    if PUBLISHED not in app.extensions:
        try:
            app.extensions[PUBLISHED] = published_at(QUESTIONNAIRE, canonical_base(app))
        except ValueError as error:
            raise RuntimeError(f"FHIR_CANONICAL_BASE: {error}") from None
    return app.extensions[PUBLISHED]


def published_questionnaire() -> Questionnaire:
    """The questionnaire every FHIR document of this app names (API and downloads alike)."""
    return publish(current_app)  # type: ignore[arg-type]


def dumps(resource: Mapping[str, Any]) -> str:
    return json.dumps(resource, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def fhir_response(
    resource: Mapping[str, Any], status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(dumps(resource), status=status, mimetype=FHIR_JSON, headers=dict(headers or {}))


def reference_system(q: Questionnaire) -> str:
    """The identifier system of the references patients and clinicians read out (ABCD-2345)."""
    return f"{q.url}/submission-reference"


def _subject_display(answers: Mapping[str, Any]) -> str | None:
    return patient_name(answers) or None


def submission_resource(
    q: Questionnaire, submission: Submission, answers: Mapping[str, Any]
) -> dict[str, Any]:
    """A submitted questionnaire (its row and its opened answers) as a completed
    `QuestionnaireResponse`.

    The id is the submission's public id (never the row number); `authored` and
    `meta.lastUpdated` are when it was submitted, after which the answers never change;
    `questionnaire` names the version the patient answered; the reference is the identifier.
    """
    if submission.is_draft or submission.submitted_at is None:
        raise ValueError("only a submitted questionnaire is a completed response")
    mapped = questionnaire_response(
        q, answers, status="completed", authored=submission.submitted_at,
        response_id=submission.public_id, subject_display=_subject_display(answers),
        media=media_attachments(submission),
    )  # fmt: skip
    head: dict[str, Any] = {
        "resourceType": mapped.pop("resourceType"),
        "id": mapped.pop("id"),
        # Full precision (authored has whole seconds), so that a client can ask for what
        # came after the newest response it has with gt<lastUpdated> and miss nothing.
        "meta": {"lastUpdated": instant(submission.submitted_at)},
    }
    if submission.reference:
        head["identifier"] = {"system": reference_system(q), "value": submission.reference}
    mapped["questionnaire"] = f"{q.url}|{submission.questionnaire_version}"
    return {**head, "extension": [highest_tier_extension(q, submission.safety_tier)], **mapped}


# Built once: a Bundle export asks it for every submission it lists.
ATTACHMENTS = (
    select(MediaFile.slot, MediaFile.public_id, MediaRendition)
    .join(MediaRendition, MediaRendition.media_id == MediaFile.id)
    .where(
        MediaFile.submission_id == bindparam("submission_id"),
        MediaFile.status == MediaStatus.READY,
        MediaRendition.name == "main",
    )
    .order_by(MediaFile.created_at, MediaFile.id)
)


def media_attachments(submission: Submission) -> list[MediaAttachment]:
    """The submission's checked photos and videos, each pointing at the API's Binary read
    (token-protected and audited, fhir/api.py); nothing unchecked is ever listed."""
    # The session the row came from: a streamed export reads on one of its own.
    session = object_session(submission) or db.session
    rows = session.execute(ATTACHMENTS, {"submission_id": submission.id}).all()
    base = current_app.config["PUBLIC_URL"].rstrip("/") + "/fhir/Binary/"
    return [
        MediaAttachment(slot, main.content_type, main.size, main.sha1 or "", base + public_id)
        for slot, public_id, main in rows
    ]


def highest_tier_extension(q: Questionnaire, tier: str) -> dict[str, Any]:
    """The highest safety tier the patient's answers ever reached (never lowered), as the
    dashboard and the CSV carry it: a referral tier, not a finding."""
    return {
        "url": f"{q.url}/StructureDefinition/highest-safety-tier",
        "valueCoding": {
            "system": f"{q.url}/CodeSystem/safety-tier",
            "code": tier,
            "display": tier.capitalize(),
        },
    }


def unreadable_outcome(unreadable: Unreadable) -> dict[str, Any]:
    """What stands for a submission whose answers no key opens: which one, and why it is
    missing (its reference and public id only; nothing of its content)."""
    name = f"QuestionnaireResponse/{unreadable.public_id}"
    if unreadable.reference:
        name += f" (reference {unreadable.reference})"
    return operation_outcome(
        "error", "processing",
        f"{name} cannot be read: its stored answers failed their integrity check (changed "
        "outside this app, or encrypted with a key this server no longer has), so nothing "
        "of it is sent. Tell the clinic's administrator.",
    )  # fmt: skip


def resource_of(q: Questionnaire, opened: Opened) -> dict[str, Any]:
    """A submission's `QuestionnaireResponse`, or the `OperationOutcome` that says it is unreadable."""
    if isinstance(opened, Unreadable):
        return unreadable_outcome(opened)
    return submission_resource(q, opened.submission, opened.answers)


def searchset_entry(q: Questionnaire, opened: Opened) -> dict[str, Any]:
    """A search result: a match, or an outcome entry (search.mode "outcome") for an unreadable one."""
    mode = "outcome" if isinstance(opened, Unreadable) else "match"
    return {"resource": resource_of(q, opened), "search": {"mode": mode}}


def ordered_resources(q: Questionnaire, statement: Select, session: Session) -> Iterator[dict[str, Any]]:
    """The submissions of a dashboard statement, newest first, read in batches; an
    unreadable one is an `OperationOutcome` in its place, and the rest still follow."""
    ordered = statement.order_by(Submission.submitted_at.desc(), Submission.id.desc())
    rows = session.execute(with_sealed_answers(ordered).execution_options(yield_per=BATCH))
    for opened in open_rows(rows, "FHIR Bundle export"):
        yield resource_of(q, opened)


def bundle_chunks(
    resources: Iterable[Mapping[str, Any]], *, bundle_id: str, timestamp: datetime,
    per_chunk: int | None = None,
) -> Iterator[str]:  # fmt: skip
    """A collection `Bundle` as JSON text in pieces, so memory stays bounded at any size.

    The envelope comes from `bundle()` and each entry from `bundle()` too (same fullUrl
    rules); without resources there is no `entry` at all (FHIR JSON has no empty arrays).
    """
    per_chunk = per_chunk or ENTRIES_PER_CHUNK
    envelope = dumps(bundle([], type="collection", bundle_id=bundle_id, timestamp=timestamp))
    parts = [envelope[:-1]]  # without its closing brace
    count = 0
    for resource in resources:
        [entry] = bundle([resource], type="collection")["entry"]
        parts.append(("," if count else ',"entry":[') + dumps(entry))
        count += 1
        if count % per_chunk == 0:
            yield "".join(parts)
            parts = []
    parts.append("]}" if count else "}")
    yield "".join(parts)


def capability_statement(software_name: str, base_url: str) -> dict[str, Any]:
    """What the read-only API offers (FHIR `metadata`): read and search of responses and of
    the published Questionnaire (https://hl7.org/fhir/R4/capabilitystatement.html).

    `base_url` is the API's own address (`implementation.url`, the base every REST URL of
    it starts with: https://hl7.org/fhir/R4/http.html#root)."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": CAPABILITIES_DATE,
        "kind": "instance",
        "implementation": {
            "description": f"{software_name}: read-only FHIR API for integrations, and the "
            "published Questionnaire of the pre-visit form",
            "url": base_url,
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Search ignores parameters it does not know, as R4 says by "
                "default; send 'Prefer: handling=strict' to have them refused with 400 instead. "
                "Answers are FHIR JSON only: an Accept or _format that admits only XML gets 406.",
                "security": {
                    "description": "Every interaction but this one and those on Questionnaire "
                    "needs 'Authorization: Bearer <token>' with a per-integration API token an "
                    "administrator creates. The Questionnaire is the form's definition, with no "
                    "patient data, and is public."
                },
                "resource": [_questionnaire_capabilities(), _response_capabilities(), _binary_capabilities()],
            }
        ],
    }


def _binary_capabilities() -> dict[str, Any]:
    """The patients' photos and videos that responses' valueAttachment URLs point at."""
    return {
        "type": "Binary",
        "interaction": [{"code": "read"}],
        "documentation": "Answers in the file's own content type (image/jpeg, video/mp4, video/webm), "
        "with range requests; each read is audited.",
    }


def _questionnaire_capabilities() -> dict[str, Any]:
    return {
        "type": "Questionnaire",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "versioning": "no-version",
        "readHistory": False,
        "updateCreate": False,
        "searchParam": [
            {
                "name": "url",
                "definition": "http://hl7.org/fhir/SearchParameter/Questionnaire-url",
                "type": "uri",
                "documentation": "The canonical URL, exactly (no :below or :above).",
            },
            {
                "name": "version",
                "definition": "http://hl7.org/fhir/SearchParameter/Questionnaire-version",
                "type": "token",
            },
            {
                "name": "_id",
                "definition": "http://hl7.org/fhir/SearchParameter/Resource-id",
                "type": "token",
            },
        ],
    }


def _response_capabilities() -> dict[str, Any]:
    return {
        "type": "QuestionnaireResponse",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "versioning": "no-version",
        "readHistory": False,
        "updateCreate": False,
        "searchParam": [
            {
                "name": "_lastUpdated",
                "definition": LAST_UPDATED_DEFINITION,
                "type": "date",
                "documentation": "When the questionnaire was submitted. Prefixes "
                "eq, ge, gt, le and lt; a date is a day in the clinic's time zone; "
                "a time needs a zone. Results are newest first; _count pages them.",
            }
        ],
    }
