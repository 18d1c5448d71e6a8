"""Submissions read with their answers still sealed, then opened one row at a time.

The ORM decrypts `Submission.answers` while it loads a row, so a row that no configured
key opens (changed outside the app, or encrypted under a key since retired) raises
DecryptionError in the middle of a result: a streamed export stops half-written and a
page of search results is lost for the sake of one row. Here the stored token comes
beside the row, the ORM never decrypts `answers` itself (reading the attribute raises),
and each row is opened on its own. An unreadable row becomes `Unreadable`, is logged by
its public id (never its content), and the rows after it still come.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

from flask import current_app
from sqlalchemy import Select, Text, bindparam, select, type_coerce
from sqlalchemy.orm import defer

from intake.extensions import db
from intake.models import Status, Submission, canonical_public_id
from intake.security.crypto import DecryptionError, data_keys


@dataclass(frozen=True)
class Readable:
    submission: Submission  # without its `answers` attribute: use `answers` here
    answers: dict[str, Any]


@dataclass(frozen=True)
class Unreadable:
    submission: Submission  # the non-sensitive columns only, e.g. for the audit trail
    # Read when the row was, so that naming it never reloads the row (after a commit).
    public_id: str
    reference: str | None


Opened = Readable | Unreadable


def with_sealed_answers(statement: Select) -> Select:
    """The statement's submissions, each with its stored (still encrypted) answers beside it."""
    return statement.add_columns(type_coerce(Submission.answers, Text)).options(
        defer(Submission.answers, raiseload=True)
    )


# Built once: the FHIR API reads one submission per call.
SUBMITTED_SEALED = with_sealed_answers(
    select(Submission).where(
        Submission.public_id == bindparam("public_id"), Submission.status != Status.DRAFT
    )
)


def open_rows(rows: Iterable[Sequence[Any]], where: str) -> Iterator[Opened]:
    """Each (submission, sealed answers) row opened on its own; `where` names the caller in the log."""
    for submission, sealed in rows:
        yield open_answers(submission, sealed, where)


def open_answers(submission: Submission, sealed: str, where: str) -> Opened:
    try:
        answers = json.loads(data_keys().decrypt(sealed))
    except DecryptionError:
        current_app.logger.critical(
            "stored health data failed its integrity check: submission %s (%s)", submission.public_id, where
        )
        return Unreadable(submission, submission.public_id, submission.reference)
    return Readable(submission, answers)


def open_submitted(public_id: str, where: str) -> Opened | None:
    """A submitted (never draft) submission by its public id, opened; None for anything else."""
    canonical = canonical_public_id(public_id)
    if canonical is None:
        return None
    row = db.session.execute(SUBMITTED_SEALED, {"public_id": canonical}).first()
    return None if row is None else open_answers(row[0], row[1], where)
