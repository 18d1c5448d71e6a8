"""A patient's "ask the clinic to call me today": stored sealed, listed on the workspace's
Needs attention page, and announced by an alert email (with no number in it)."""

from __future__ import annotations

from datetime import datetime

from intake import notify
from intake.extensions import db
from intake.models import CallbackRequest, Submission
from intake.storage.database import finish_reading


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
