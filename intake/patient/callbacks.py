"""A patient's "ask the clinic to call me today": stored sealed, listed on the workspace's
Needs attention page, and announced by an alert email (with no number in it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select

from intake import notify
from intake.extensions import db
from intake.models import CallbackRequest, Submission
from intake.storage.database import finish_reading

WAITING_FOR = (
    select(CallbackRequest)
    .where(CallbackRequest.submission_id == bindparam("submission_id"), CallbackRequest.handled_at.is_(None))
    .order_by(CallbackRequest.created_at.desc())
    .limit(1)
)


def waiting_for(submission: Submission) -> CallbackRequest | None:
    """The patient's latest callback request that nobody has marked as called yet."""
    return db.session.scalar(WAITING_FOR, {"submission_id": submission.id})


def request_callback(
    draft: Submission, phone: str, good_time: str, tier: str, now: datetime
) -> CallbackRequest:
    finish_reading(db.session)
    asked = CallbackRequest(
        submission_id=draft.id, phone=phone.strip(), good_time=good_time.strip(), tier=tier, created_at=now
    )
    db.session.add(asked)
    db.session.flush()
    notify.queue_alert(draft.public_id, tier, callback=True)
    return asked
