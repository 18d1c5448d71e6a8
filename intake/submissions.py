"""Use-cases for a patient's draft and submission.

Each function changes the session and flushes; the request handler commits once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import bindparam, select, update

from . import notify
from .database import read_first_row
from .extensions import db
from .models import Status, Submission
from .questionnaire.safety import Tier, assess
from .questionnaire.schema import Questionnaire, Step
from .security import name_index

# No 0/O, 1/I/L: a reference read out over the phone must not be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a plain hash is enough (no salt or stretching).
    return hashlib.sha256(token.encode()).hexdigest()


def new_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def start_draft(questionnaire: Questionnaire, language: str, now: datetime, expiry_days: int) -> Submission:
    draft = Submission(
        questionnaire_version=questionnaire.version,
        language=language,
        answers={},
        current_step=questionnaire.steps[0].id,
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(days=expiry_days),
    )
    db.session.add(draft)
    db.session.flush()
    return draft


# Built once: every patient page looks its draft up, and building the statement cost
# as much as running it.
BY_PUBLIC_ID = select(Submission).where(Submission.public_id == bindparam("public_id"))


def find_draft(public_id: str | None, now: datetime) -> Submission | None:
    if not public_id:
        return None
    draft = db.session.scalar(BY_PUBLIC_ID, {"public_id": public_id})
    return draft if _open_draft(draft, now) else None


@dataclass(frozen=True)
class DraftView:
    """What a page showing a draft reads of it: enough to gate and fill the page."""

    answers: dict
    current_step: str
    safety_tier: str
    emergency_acknowledged: bool


DRAFT_VIEW = select(
    Submission.status, Submission.expires_at, Submission.answers, Submission.current_step,
    Submission.safety_tier, Submission.emergency_acknowledged,
).where(Submission.public_id == bindparam("public_id"))


def read_draft(public_id: str | None, now: datetime) -> DraftView | None:
    """The draft as `find_draft` finds it, read for a GET without the ORM session."""
    if not public_id:
        return None
    row = read_first_row(db.engine, DRAFT_VIEW, {"public_id": public_id})
    if not _open_draft(row, now):
        return None
    return DraftView(row.answers, row.current_step, row.safety_tier, row.emergency_acknowledged)


def find_submitted(public_id: str | None) -> Submission | None:
    if not public_id:
        return None
    found = db.session.scalar(BY_PUBLIC_ID, {"public_id": public_id})
    return None if found is None or found.is_draft else found


def _open_draft(found, now: datetime) -> bool:
    """Found, still a draft, and not expired: a Submission, or a row with those columns."""
    return (found is not None and found.status == Status.DRAFT
            and (found.expires_at is None or found.expires_at > now))


def save_step(
    questionnaire: Questionnaire,
    draft: Submission,
    step: Step,
    step_answers: Mapping[str, Any],
    now: datetime,
    expiry_days: int,
    reached: str,
) -> None:
    """Replace this step's answers, drop what enableWhen now turns off, re-assess safety.

    `reached` is the page the patient is going to; the draft keeps the furthest one so
    that a resume link lands there and later pages stay closed until then.
    """
    own = {item.link_id for item in step.items}
    merged = {k: v for k, v in draft.answers.items() if k not in own}
    merged.update({k: v for k, v in step_answers.items() if k in own})
    draft.answers = questionnaire.enabled_answers(merged)
    tier = assess(draft.answers).tier
    if tier is not Tier.EMERGENCY:
        draft.emergency_acknowledged = False
    draft.safety_tier = tier.value
    if page_index(questionnaire, reached) > page_index(questionnaire, draft.current_step):
        draft.current_step = reached
    if "consent.language" in draft.answers:
        draft.language = draft.answers["consent.language"]
    draft.updated_at = now
    draft.expires_at = now + timedelta(days=expiry_days)
    db.session.flush()


def set_language(draft: Submission, language: str, now: datetime) -> None:
    """The patient switched language: it is their new answer to the welcome page's question."""
    draft.language = language
    if "consent.language" in draft.answers:
        draft.answers = {**draft.answers, "consent.language": language}
    draft.updated_at = now
    db.session.flush()


REVIEW = "review"


def page_index(questionnaire: Questionnaire, page: str) -> int:
    """Position of a step, with the review page after the last step."""
    if page == REVIEW:
        return len(questionnaire.steps)
    return questionnaire.step_index(page)


def issue_resume_token(draft: Submission) -> str:
    """A new resume link token; the previous one stops working. Only the hash is kept."""
    token = secrets.token_urlsafe(32)
    draft.resume_token_hash = hash_token(token)
    db.session.flush()
    return token


def find_by_resume_token(token: str, now: datetime) -> Submission | None:
    found = db.session.scalar(
        select(Submission).where(Submission.resume_token_hash == hash_token(token))
    )
    return found if _open_draft(found, now) else None


def first_incomplete_step(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Step | None:
    return next(
        (step for step in questionnaire.steps if questionnaire.missing_required(step, answers)),
        None,
    )


def submit(draft_id: int, now: datetime) -> bool:
    """Freeze a draft. True if this call submitted it, False if it was already submitted.

    A conditional UPDATE makes double clicks, retries and two tabs converge on one
    submission: only the first writer finds the row still a draft.
    """
    for _attempt in range(5):
        reference = new_reference()
        taken = db.session.scalar(select(Submission.id).where(Submission.reference == reference))
        if taken is None:
            break
    draft = db.session.get(Submission, draft_id)
    last_name = draft.answers.get("about.last_name") if draft is not None else None
    result = db.session.execute(
        update(Submission)
        .where(Submission.id == draft_id, Submission.status == Status.DRAFT)
        .values(
            status=Status.NEW,
            reference=reference,
            submitted_at=now,
            updated_at=now,
            expires_at=None,
            resume_token_hash=None,
            last_name_index=name_index(last_name if isinstance(last_name, str) else None),
            row_version=Submission.row_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1 and draft is not None:
        notify.queue_new_submission(draft.public_id, reference, draft.safety_tier)
    return result.rowcount == 1
