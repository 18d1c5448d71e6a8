"""The same person's earlier submissions (issue 27, part 7).

Submissions are matched by `person_index`, a keyed hash of the normalised full name and
the date of birth (security/blind_index.py), written when a form is sent and found
through an index, never by decrypting the table. A clinician can unlink a wrong match (two
people with the same name and birthday); the unlink is kept, both ways, and audited.
Functions flush; the view commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, or_, select

from intake.extensions import db
from intake.models import Clinician, PersonUnlink, Status, Submission
from intake.questionnaire.schema import Questionnaire
from intake.questionnaire.visits import Point, Row, Visit, bother_chart, compare
from intake.security.crypto import DecryptionError

EARLIER_SHOWN = 10


# Built once, like the app's other fixed statements: building this one and its cache key
# took about 0.3 ms of every summary view.
_UNLINKED = (
    select(PersonUnlink.other_id)
    .where(PersonUnlink.submission_id == bindparam("submission_id"))
    .union(select(PersonUnlink.submission_id).where(PersonUnlink.other_id == bindparam("submission_id")))
)
EARLIER = (
    select(Submission)
    .where(
        Submission.person_index == bindparam("person_index"),
        Submission.id != bindparam("submission_id"),
        Submission.status != Status.DRAFT,
        Submission.submitted_at < bindparam("submitted_at", type_=Submission.submitted_at.type),
        Submission.id.not_in(_UNLINKED),
    )
    .order_by(Submission.submitted_at.desc())
    .limit(EARLIER_SHOWN)
)


def earlier(submission: Submission) -> list[Submission]:
    """The person's other submissions sent before this one, newest first, without those a
    clinician unlinked."""
    if submission.person_index is None or submission.submitted_at is None:
        return []
    return list(
        db.session.scalars(
            EARLIER,
            {
                "person_index": submission.person_index,
                "submission_id": submission.id,
                "submitted_at": submission.submitted_at,
            },
        )
    )


@dataclass(frozen=True)
class EarlierVisits:
    submissions: list[Submission]  # newest first
    sent: tuple[datetime, ...]  # the comparison's columns, oldest first, this one last
    changes: tuple[Row, ...]
    chart: tuple[Point, ...]


def earlier_visits(questionnaire: Questionnaire, submission: Submission) -> EarlierVisits:
    others = earlier(submission)
    readable = [(s, v) for s in (*others, submission) if (v := _visit(s)) is not None] if others else []
    readable.sort(key=lambda pair: pair[0].submitted_at)
    compared = [visit for _, visit in readable]
    return EarlierVisits(
        submissions=others,
        sent=tuple(s.submitted_at for s, _ in readable),
        changes=compare(questionnaire, compared) if compared else (),
        chart=bother_chart(compared),
    )


def _visit(submission: Submission) -> Visit | None:
    try:
        return Visit(submission.submitted_at.date(), submission.reference, submission.answers)
    except DecryptionError:  # shown in the list all the same; its own page says why
        return None


def unlink(submission: Submission, other: Submission, clinician: Clinician, now: datetime) -> bool:
    """False when they were not linked (a second click, or another person's form)."""
    if other.person_index != submission.person_index or other.id == submission.id:
        return False
    already = db.session.scalar(
        select(PersonUnlink.id).where(
            or_(
                (PersonUnlink.submission_id == submission.id) & (PersonUnlink.other_id == other.id),
                (PersonUnlink.submission_id == other.id) & (PersonUnlink.other_id == submission.id),
            )
        )
    )
    if already is not None:
        return False
    db.session.add(
        PersonUnlink(
            submission_id=submission.id, other_id=other.id, clinician_id=clinician.id, created_at=now
        )
    )
    db.session.flush()
    return True
