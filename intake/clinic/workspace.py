"""Use-cases of the clinician workspace: the names on a page of the list, the flagged
submissions waiting, one submission, review work and notes. The list itself is
`intake.listing`. Functions flush; the view commits once.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from sqlalchemy import Text, bindparam, func, select, type_coerce

from intake.extensions import db
from intake.listing import TIERS, ListRow
from intake.models import BY_PUBLIC_ID, Clinician, ReviewNote, Status, Submission, canonical_public_id
from intake.questionnaire.summary import patient_name
from intake.questionnaire.synopsis import synopsis
from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.security.crypto import DataKeys, DecryptionError, data_keys

_TABLE = Submission.__table__

UNREADABLE_NAME = "(record failed its integrity check)"
NO_NAME = "(no name given)"


class RowLabel(NamedTuple):
    """What a row of the list says of its patient."""

    name: str
    synopsis: str  # "" when nothing was answered that it reports


def labels_for(rows: list[ListRow]) -> dict[int, RowLabel]:
    """The patient's name and synopsis for each row of a page, from the label sealed when
    the form was sent; for a row an older version sent without one, from its sealed name
    (or its answers) and a synopsis worked out from its answers as of the day it was sent.

    Each row is decrypted on its own, so one altered record shows as unreadable instead
    of hiding every other patient on the page.
    """
    without = [row.id for row in rows if row.sealed_label is None]
    answers = (
        dict(
            db.session.execute(
                select(Submission.id, type_coerce(Submission.answers, Text)).where(Submission.id.in_(without))
            ).all()
        )
        if without
        else {}
    )
    keys = data_keys()
    return {row.id: _label_or_unreadable(keys, row, answers.get(row.id)) for row in rows}


def _label_or_unreadable(keys: DataKeys, row: ListRow, sealed_answers: str | None) -> RowLabel:
    try:
        if row.sealed_label is not None:
            label = json.loads(keys.decrypt(row.sealed_label))
        else:
            label = _label_of_an_older_row(keys, row, sealed_answers)
    except DecryptionError:
        current_app.logger.critical("stored health data failed its integrity check (dashboard row)")
        return RowLabel(UNREADABLE_NAME, "")
    return RowLabel(label["name"] or NO_NAME, label["synopsis"])


def _label_of_an_older_row(keys: DataKeys, row: ListRow, sealed_answers: str | None) -> dict:
    opened = json.loads(keys.decrypt(sealed_answers)) if sealed_answers is not None else {}
    name = (
        keys.decrypt(row.sealed_name).decode("utf-8") if row.sealed_name is not None else patient_name(opened)
    )
    return {"name": name, "synopsis": synopsis(QUESTIONNAIRE, opened, row.submitted_at.date())}


WAITING_FLAGGED = (
    select(_TABLE.c.safety_tier, func.count())
    .where(_TABLE.c.status == Status.NEW, _TABLE.c.safety_tier.in_(TIERS[:2]))
    .group_by(_TABLE.c.safety_tier)
)


def unreviewed_flagged() -> dict[str, int]:
    """How many emergency and urgent submissions still wait for review."""
    return {tier: count for tier, count in db.session.connection().execute(WAITING_FLAGGED)}


class NoteLine(NamedTuple):
    """A note as the summary shows it."""

    author: str  # the author's display name
    created_at: datetime
    body: str


_NOTE, _AUTHOR = ReviewNote.__table__, Clinician.__table__
NOTES = (  # Core: the page shows the notes, it never changes them
    select(_AUTHOR.c.display_name, _NOTE.c.created_at, _NOTE.c.body)
    .join_from(_NOTE, _AUTHOR, _NOTE.c.author_id == _AUTHOR.c.id)
    .where(_NOTE.c.submission_id == bindparam("submission_id"))
    .order_by(_NOTE.c.created_at, _NOTE.c.id)
)


def find_submitted(public_id: str) -> Submission | None:
    """A submitted (never draft) submission by its public id; None for anything else."""
    canonical = canonical_public_id(public_id)
    if canonical is None:
        return None
    found = db.session.scalar(BY_PUBLIC_ID, {"public_id": canonical})
    return None if found is None or found.is_draft else found


def mark_reviewed(submission: Submission, clinician: Clinician, now: datetime) -> bool:
    """True if this changed the status (a second click changes nothing)."""
    if submission.status == Status.REVIEWED:
        return False
    submission.status = Status.REVIEWED
    submission.reviewed_at = now
    submission.reviewed_by_id = clinician.id
    db.session.flush()
    return True


def reopen(submission: Submission) -> bool:
    """Back to "new". Who reviewed it and when stays in the audit trail."""
    if submission.status != Status.REVIEWED:
        return False
    submission.status = Status.NEW
    submission.reviewed_at = None
    submission.reviewed_by_id = None
    db.session.flush()
    return True


def add_note(submission: Submission, author: Clinician, body: str, now: datetime) -> ReviewNote:
    note = ReviewNote(submission_id=submission.id, author_id=author.id, body=body.strip(), created_at=now)
    db.session.add(note)
    db.session.flush()
    return note


def notes_for(submission: Submission) -> list[NoteLine]:
    return [
        NoteLine._make(row)
        for row in db.session.connection().execute(NOTES, {"submission_id": submission.id})
    ]
