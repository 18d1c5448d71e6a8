"""Exports of the workspace (same blueprint, same gate): the dashboard's filtered list as
CSV or as a FHIR `Bundle`, and one submission as a FHIR `QuestionnaireResponse`.

Each export writes one audit row before anything is sent. The lists are streamed from a
read-only session of their own, so memory stays bounded and patients are not held up.
"""

from __future__ import annotations

import csv
import io
import uuid
from contextlib import contextmanager
from datetime import datetime
from typing import Iterator

from flask import Response, abort, stream_with_context
from sqlalchemy import Select
from sqlalchemy.orm import Session

from intake import audit, documents, listing
from intake.audit import Action
from intake.clinic import csv_rows
from intake.clinic.blueprint import NO_SUCH_SUBMISSION, bp, clinic_zone, filters_from_request, me
from intake.documents import FHIR_JSON
from intake.extensions import db
from intake.models import utcnow
from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.storage import sealed
from intake.storage.database import start_reading


def _attachment(response: Response, filename: str) -> Response:
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _stamp() -> str:
    return datetime.now(clinic_zone()).strftime("%Y%m%d-%H%M")


@contextmanager
def _reader() -> Iterator[Session]:
    # Its own read-only session: an export may take a while and must not hold the
    # SQLite write lock that patients' submissions need.
    with Session(db.engine) as reader:
        start_reading(reader)
        yield reader


# --- CSV -----------------------------------------------------------------------------------


@bp.get("/export.csv")
def export():
    filters = filters_from_request()
    audit.commit_after_reading(audit.event(Action.EXPORTED, me(), detail=filters.describe()))
    statement = listing.filtered(filters, clinic_zone())
    response = Response(stream_with_context(_csv_chunks(statement)), mimetype="text/csv")
    return _attachment(response, f"submissions-{_stamp()}.csv")


def _csv_chunks(statement: Select, rows_per_chunk: int = 200) -> Iterator[str]:
    with _reader() as reader:
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)  # text quoted, numbers as numbers
        buffer.write("\ufeff")  # so that Excel reads the file as UTF-8
        for count, row in enumerate(csv_rows.rows(QUESTIONNAIRE, statement, reader), start=1):
            writer.writerow(row)
            if count % rows_per_chunk == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()


# --- FHIR ----------------------------------------------------------------------------------


@bp.get("/export.fhir.json")
def export_fhir():
    """The filtered list as a FHIR Bundle of type collection, newest first."""
    filters = filters_from_request()
    audit.commit_after_reading(audit.event(Action.FHIR_BUNDLE_EXPORTED, me(), detail=filters.describe()))
    statement = listing.filtered(filters, clinic_zone())
    response = Response(stream_with_context(_bundle_chunks(statement, utcnow())), mimetype=FHIR_JSON)
    return _attachment(response, f"submissions-{_stamp()}.fhir.json")


def _bundle_chunks(statement: Select, now: datetime) -> Iterator[str]:
    with _reader() as reader:
        resources = documents.ordered_resources(documents.published_questionnaire(), statement, reader)
        yield from documents.bundle_chunks(resources, bundle_id=str(uuid.uuid4()), timestamp=now)


@bp.get("/submissions/<public_id>/fhir.json")
def submission_fhir(public_id: str):
    """One submission as a QuestionnaireResponse, audited like a view of its summary.

    One whose answers no key opens is a 500 whose body is an OperationOutcome naming it
    (not a file to save, and not audited: nothing of it was sent), like the summary page.
    """
    found = sealed.open_submitted(public_id, "FHIR download")
    if found is None:
        abort(404, description=NO_SUCH_SUBMISSION)
    if isinstance(found, sealed.Unreadable):
        return documents.fhir_response(documents.unreadable_outcome(found), 500)
    resource = documents.submission_resource(
        documents.published_questionnaire(), found.submission, found.answers
    )
    filename = f"{found.submission.reference}.fhir.json"
    audit.commit_after_reading(audit.event(Action.FHIR_EXPORTED, me(), found.submission))
    return _attachment(documents.fhir_response(resource), filename)
