"""Use-cases for a patient's draft and submission: one way to read a draft
(`find_draft`), one way to write it (`_write`).

A patient request reads in the read-only transaction its blueprint opens (no write lock
on SQLite, so no save waits on a page being checked or rendered). A write computes the
new content with a pure function (`drafts.with_page`, ...) on the copy the request read,
ends the read, and writes it in one UPDATE that lands only on that copy's version (the
ORM's version_id_col): the write lock is held for that statement and the commit. If
another tab wrote in between, the row is read again under the lock (SQLite's BEGIN
IMMEDIATE, PostgreSQL's FOR UPDATE) and the change is made again on it, so two tabs
saving at once both land. Functions flush; the view commits once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Callable, Mapping

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.exc import StaleDataError

from intake import notify
from intake.extensions import db
from intake.models import BY_PUBLIC_ID, Status, Submission, new_reference
from intake.questionnaire import drafts, versions
from intake.questionnaire.drafts import DraftContent
from intake.questionnaire.safety import Tier
from intake.questionnaire.schema import Questionnaire, Step
from intake.questionnaire.synopsis import list_label
from intake.security.blind_index import last_name_index, person_index
from intake.storage.database import finish_reading

CONTENT = tuple(DraftContent.__dataclass_fields__)


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a plain hash is enough (no salt or stretching).
    return hashlib.sha256(token.encode()).hexdigest()


# --- reading -------------------------------------------------------------------------------


def find_draft(public_id: str | None, now: datetime) -> Submission | None:
    """The open (unsent, unexpired) draft with this public id, in the request's transaction."""
    if not public_id:
        return None
    draft = db.session.scalar(BY_PUBLIC_ID, {"public_id": public_id})
    return draft if _open_draft(draft, now) else None


def _read_again_locked(public_id: str, now: datetime) -> Submission | None:
    """The draft read afresh under the write lock, in the write transaction."""
    draft = db.session.scalar(
        BY_PUBLIC_ID.with_for_update(),
        {"public_id": public_id},
        execution_options={"populate_existing": True},
    )
    return draft if _open_draft(draft, now) else None


def content_of(draft: Submission) -> DraftContent:
    return DraftContent(**{name: getattr(draft, name) for name in CONTENT})


def find_sent(public_id: str | None) -> Submission | None:
    """The submission this browser sent (by its public id); None for a draft or nothing."""
    if not public_id:
        return None
    found = db.session.scalar(BY_PUBLIC_ID, {"public_id": public_id})
    return None if found is None or found.is_draft else found


def find_by_resume_token(token: str, now: datetime) -> Submission | None:
    found = db.session.scalar(select(Submission).where(Submission.resume_token_hash == hash_token(token)))
    return found if _open_draft(found, now) else None


def _open_draft(found: Submission | None, now: datetime) -> bool:
    return (
        found is not None
        and found.status == Status.DRAFT
        and (found.expires_at is None or found.expires_at > now)
    )


# --- writing -------------------------------------------------------------------------------


def start_draft(questionnaire: Questionnaire, language: str, now: datetime, expiry_days: int) -> Submission:
    return _insert_draft(questionnaire, drafts.blank(questionnaire, language), now, expiry_days)


def start_draft_with_page(
    questionnaire: Questionnaire,
    step: Step,
    step_answers: Mapping[str, Any],
    reached: str,
    now: datetime,
    expiry_days: int,
) -> Submission:
    """A new draft holding its first page (drafts.with_page), in the language chosen on it."""
    finish_reading(db.session)
    content = drafts.with_page(
        questionnaire, drafts.blank(questionnaire, "en"), step, step_answers, reached, now
    )
    return _insert_draft(questionnaire, content, now, expiry_days)


def _insert_draft(
    questionnaire: Questionnaire, content: DraftContent, now: datetime, expiry_days: int
) -> Submission:
    draft = Submission(
        questionnaire_version=questionnaire.version,
        **asdict(content),
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(days=expiry_days),
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def carry_over(questionnaire: Questionnaire, draft: Submission, now: datetime) -> Step | None:
    """Bring a draft begun on an earlier version to today's: its answers stay (keyed by link
    id), and it is now answered against today's version. Returns the first page with a
    question it has not been asked, if the patient has already been past that page."""
    began_on = draft.questionnaire_version
    finish_reading(db.session)  # what was read stays loaded; the write begins its own transaction
    try:
        _carry(draft, questionnaire, now)
    except StaleDataError:  # another tab saved in between: carry the fresh copy
        db.session.rollback()
        draft = _read_again_locked(draft.public_id, now)
        if draft is None:
            return None
        _carry(draft, questionnaire, now)
    first_new = versions.first_step_asking_new(questionnaire, began_on)
    reached = questionnaire.page_index(draft.current_step)
    return first_new if first_new and questionnaire.page_index(first_new.id) < reached else None


def _carry(draft: Submission, questionnaire: Questionnaire, now: datetime) -> None:
    draft.questionnaire_version = questionnaire.version
    draft.updated_at = now
    db.session.flush()


@dataclass(frozen=True)
class Saved:
    draft: Submission
    resume_token: str | None  # when one was asked for: the new resume link's token


Change = Callable[[DraftContent], DraftContent]


def save_page(
    questionnaire: Questionnaire,
    draft: Submission,
    step: Step,
    step_answers: Mapping[str, Any],
    now: datetime,
    expiry_days: int,
    reached: str,
    *,
    language: str | None = None,
    resume_link: bool = False,
) -> Saved | None:
    """Save one page's answers (drafts.with_page), with a switch of language sent with it.
    None if the draft was sent or expired meanwhile: nothing is written then.
    `resume_link` asks for a new resume token; the previous one stops working."""

    def change(content: DraftContent) -> DraftContent:
        content = drafts.with_page(questionnaire, content, step, step_answers, reached, now)
        return drafts.with_language(content, language) if language else content

    return _write(draft, change, now, expiry_days, resume_link)


def switch_language(draft: Submission, language: str, now: datetime, expiry_days: int) -> Saved | None:
    return _write(draft, lambda content: drafts.with_language(content, language), now, expiry_days)


def acknowledge_emergency(draft: Submission, now: datetime, expiry_days: int) -> Saved | None:
    """The patient said a doctor has checked the signs: the form may go on."""
    return _write(draft, lambda content: drafts.acknowledged(content, now), now, expiry_days)


def issue_resume_token(draft: Submission, now: datetime, expiry_days: int) -> Saved | None:
    """A new resume link token; the previous one stops working. Only the hash is kept."""
    return _write(draft, lambda content: content, now, expiry_days, resume_link=True)


def _write(
    draft: Submission, change: Change, now: datetime, expiry_days: int, resume_link: bool = False
) -> Saved | None:
    """The one way a draft is written: `change` made on the copy the request read, then
    written onto that copy's version only; made again on a fresh copy read under the lock
    if another tab wrote in between (see the module's docstring)."""
    token = secrets.token_urlsafe(32) if resume_link else None
    before = content_of(draft)
    content = change(before)
    finish_reading(db.session)  # what was read stays loaded; the write begins its own transaction
    try:
        _apply(draft, content, now, expiry_days, token)
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        draft = _read_again_locked(draft.public_id, now)
        if draft is None:  # sent or expired meanwhile
            return None
        before = content_of(draft)
        content = change(before)
        _apply(draft, content, now, expiry_days, token)
        db.session.flush()
    _alert_if_raised(draft.public_id, before.safety_tier, content.safety_tier)
    return Saved(draft, token)


def _alert_if_raised(public_id: str, was: str, now_highest: str) -> None:
    """The clinic is alerted once per draft and tier: when the highest tier first rises
    to urgent or emergency (it is never lowered, so it cannot rise to the same tier twice)."""
    if now_highest != was and Tier(now_highest).rank >= Tier.URGENT.rank:
        notify.queue_alert(public_id, now_highest)


def _apply(
    draft: Submission, content: DraftContent, now: datetime, expiry_days: int, token: str | None
) -> None:
    # The ORM writes only the columns that changed: an unchanged tier or token leaves its
    # index alone.
    for name in CONTENT:
        setattr(draft, name, getattr(content, name))
    draft.updated_at = now
    draft.expires_at = now + timedelta(days=expiry_days)
    if token:
        draft.resume_token_hash = hash_token(token)


# --- sending -------------------------------------------------------------------------------

_SUBMISSION = Submission.__table__
# What sending needs of a draft, read under the lock (columns, not the ORM object: nothing
# for the identity map to reconcile with the request's earlier read).
TO_SEND = (
    select(
        _SUBMISSION.c.status,
        _SUBMISSION.c.row_version,
        _SUBMISSION.c.public_id,
        _SUBMISSION.c.answers,
        _SUBMISSION.c.safety_tier,
    )
    .where(_SUBMISSION.c.id == bindparam("draft_id"))
    .with_for_update()
)
REFERENCE_TAKEN = select(_SUBMISSION.c.id).where(_SUBMISSION.c.reference == bindparam("reference"))
SEND = (
    update(_SUBMISSION)
    .where(
        _SUBMISSION.c.id == bindparam("draft_id"),
        _SUBMISSION.c.status == Status.DRAFT,
        _SUBMISSION.c.row_version == bindparam("seen"),
    )
    .values(
        status=Status.NEW,
        # What it was answered against: a draft carried over from an earlier version is sent
        # on today's (carry_over).
        questionnaire_version=bindparam("sent_version", type_=_SUBMISSION.c.questionnaire_version.type),
        reference=bindparam("sent_reference", type_=_SUBMISSION.c.reference.type),
        submitted_at=bindparam("sent_at", type_=_SUBMISSION.c.submitted_at.type),
        updated_at=bindparam("sent_at", type_=_SUBMISSION.c.updated_at.type),
        expires_at=None,
        resume_token_hash=None,
        last_name_index=bindparam("sent_last_name_index", type_=_SUBMISSION.c.last_name_index.type),
        list_label=bindparam("sent_list_label", type_=_SUBMISSION.c.list_label.type),
        person_index=bindparam("sent_person_index", type_=_SUBMISSION.c.person_index.type),
        row_version=_SUBMISSION.c.row_version + 1,
    )
)


class Sent(StrEnum):
    NOW = "now"  # this call sent it
    BEFORE = "before"  # sent already: a second click, a retry, another tab
    INCOMPLETE = "incomplete"  # a required answer is missing (another tab saved meanwhile)


def submit(questionnaire: Questionnaire, draft_id: int, now: datetime) -> Sent:
    """Freeze a draft, once, and only complete.

    The draft is read under the write lock (the request's read ends first; then SQLite's
    BEGIN IMMEDIATE, PostgreSQL's FOR UPDATE), so no save from another tab lands between
    this read and the freeze: what is checked (complete), indexed (the last name) and
    announced (the safety tier) is what is frozen. A conditional UPDATE makes double
    clicks, retries and two tabs converge on one submission: only the first writer finds
    a draft.
    """
    finish_reading(db.session)
    connection = db.session.connection()  # the session's write transaction, in Core
    for _attempt in range(5):
        reference = new_reference()
        if connection.execute(REFERENCE_TAKEN, {"reference": reference}).scalar() is None:
            break
    draft = connection.execute(TO_SEND, {"draft_id": draft_id}).first()
    if draft is None or draft.status != Status.DRAFT:
        return Sent.BEFORE
    if questionnaire.first_incomplete_step(draft.answers) is not None:
        return Sent.INCOMPLETE
    result = connection.execute(
        SEND,
        {
            "draft_id": draft_id,
            "seen": draft.row_version,
            "sent_reference": reference,
            "sent_version": questionnaire.version,
            "sent_at": now,
            "sent_last_name_index": last_name_index(draft.answers),
            "sent_list_label": list_label(questionnaire, draft.answers, now.date()),
            "sent_person_index": person_index(draft.answers),
        },
    )
    if result.rowcount != 1:
        raise RuntimeError("a draft changed while its row was locked")
    notify.queue_new_submission(draft.public_id, reference, draft.safety_tier)
    return Sent.NOW
