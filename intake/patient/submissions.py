"""Use-cases for a patient's draft and submission.

Most functions change the ORM session and flush; the request handler commits once. The
busiest pages' reads and saves (read_draft, write_draft) run outside the session, on the
request's own Core connection, each in one statement or one short transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import combinations
from typing import Any, Callable, Mapping

from sqlalchemy import Text, Update, bindparam, select, update

from intake import notify
from intake.extensions import db
from intake.models import Status, Submission
from intake.questionnaire import drafts
from intake.questionnaire.drafts import DraftContent
from intake.questionnaire.schema import Questionnaire, Step
from intake.questionnaire.summary import patient_name
from intake.security.blind_index import name_index
from intake.storage.database import locked, request_connection, write_alone

# No 0/O, 1/I/L: a reference read out over the phone must not be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a plain hash is enough (no salt or stretching).
    return hashlib.sha256(token.encode()).hexdigest()


def new_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


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
    content = drafts.with_page(questionnaire, drafts.blank(questionnaire, "en"), step, step_answers, reached)
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


# Built once: every patient page looks its draft up, and building the statement cost
# as much as running it.
BY_PUBLIC_ID = select(Submission).where(Submission.public_id == bindparam("public_id"))


def find_draft(public_id: str | None, now: datetime) -> Submission | None:
    if not public_id:
        return None
    draft = db.session.scalar(BY_PUBLIC_ID, {"public_id": public_id})
    return draft if _open_draft(draft, now) else None


@dataclass(frozen=True)
class DraftView(DraftContent):
    """A draft as read in one statement: enough to gate and fill a page, and to save a
    page onto it (the row and the version that was read)."""

    id: int
    row_version: int
    expires_at: datetime | None


DRAFT_VIEW = select(
    Submission.status,
    Submission.expires_at,
    Submission.id,
    Submission.row_version,
    *(Submission.__table__.c[field.name] for field in fields(DraftContent)),
).where(Submission.public_id == bindparam("public_id"))
# The same read inside a save's transaction, after another tab wrote first: on PostgreSQL
# it locks the row until the save commits (SQLite's BEGIN IMMEDIATE already holds the lock).
DRAFT_VIEW_TO_WRITE = DRAFT_VIEW.with_for_update()


def read_draft(public_id: str | None, now: datetime) -> DraftView | None:
    """The draft as `find_draft` finds it, read without the ORM session, on the request's
    Core connection."""
    if not public_id:
        return None
    return _view(request_connection(db.engine).execute(DRAFT_VIEW, {"public_id": public_id}).first(), now)


VIEW = tuple(field.name for field in fields(DraftView))


def _view(row, now: datetime) -> DraftView | None:
    if not _open_draft(row, now):
        return None
    return DraftView(**{name: row._mapping[name] for name in VIEW})


CONTENT = tuple(field.name for field in fields(DraftContent))
_SUBMISSION = Submission.__table__
# Columns under an index. Each one in an UPDATE's SET list costs its index entries
# rewritten even when the value is the same (SQLite: a save's UPDATE took 36 µs with
# them, 15 µs without), and on PostgreSQL rules out a HOT update, which writes no index
# at all. A save sets them only when they change (_changes).
INDEXED = frozenset({"safety_tier", "expires_at", "resume_token_hash"})
# How far past the promised expiry a save may set it: the expiry then moves (and its
# index entry is rewritten) at most once an hour however often a patient saves, and a
# draft is still never deleted sooner than DRAFT_EXPIRY_DAYS after its last save, nor
# more than an hour later.
EXPIRY_SLACK = timedelta(hours=1)


def _draft_update(indexed: frozenset[str]) -> Update:
    """Writes new content only onto the version it was computed from, and only while the
    row is still a draft; of the indexed columns, only those named."""
    columns = (*(name for name in CONTENT if name not in INDEXED), "updated_at", *sorted(indexed))
    # The answers are bound already sealed (see _changes), hence as plain text here.
    return (
        update(_SUBMISSION)
        .where(
            _SUBMISSION.c.id == bindparam("draft_id"),
            _SUBMISSION.c.row_version == bindparam("seen"),
            _SUBMISSION.c.status == Status.DRAFT,
        )
        .values(
            {
                **{
                    name: bindparam(
                        f"new_{name}", type_=Text() if name == "answers" else _SUBMISSION.c[name].type
                    )
                    for name in columns
                },
                "row_version": _SUBMISSION.c.row_version + 1,
            }
        )
    )


# Built once, one per set of indexed columns a save may change (8).
WRITE_DRAFT = {
    frozenset(chosen): _draft_update(frozenset(chosen))
    for size in range(len(INDEXED) + 1)
    for chosen in combinations(sorted(INDEXED), size)
}


@dataclass(frozen=True)
class Written:
    draft: DraftContent
    resume_token: str | None  # when one was asked for: the new resume link's token


@dataclass(frozen=True)
class Kept:
    """What a save writes besides the content: when, until when the draft is kept at
    least, and a new resume token's hash if one was asked for."""

    saved_at: datetime
    until: datetime
    resume_token_hash: str | None


def write_draft(
    public_id: str,
    seen: DraftView,
    change: Callable[[DraftView], DraftContent],
    now: datetime,
    expiry_days: int,
    *,
    resume_link: bool = False,
) -> Written | None:
    """Write `change(draft)`, computed on the copy `seen` that was read and checked without
    the write lock, so that the lock is held only for the write itself: one UPDATE, alone in
    its transaction on the request's Core connection, that writes only onto that copy's
    version. If another tab wrote in between, the change is made again onto a fresh copy,
    read under the lock. None if the draft was sent or expired in between: nothing is
    written then.

    `resume_link` asks for a new resume token; the previous one stops working.
    """
    token = secrets.token_urlsafe(32) if resume_link else None
    kept = Kept(now, now + timedelta(days=expiry_days), hash_token(token) if token else None)
    content = change(seen)
    statement, parameters = _changes(seen, content, kept)  # sealed before the lock is taken
    connection = request_connection(db.engine)  # the one the draft was read on
    if write_alone(connection, statement, parameters).rowcount == 1:
        return Written(content, token)
    with locked(connection):  # another tab wrote first: read again, under the lock this time
        draft = _view(connection.execute(DRAFT_VIEW_TO_WRITE, {"public_id": public_id}).first(), now)
        if draft is None:
            return None
        content = change(draft)
        if connection.execute(*_changes(draft, content, kept)).rowcount != 1:
            raise RuntimeError("a draft changed while its row was locked")
    return Written(content, token)


_SEALED_JSON = _SUBMISSION.c.answers.type


def _changes(draft: DraftView, content: DraftContent, kept: Kept) -> tuple[Update, dict]:
    """The UPDATE that writes `content` over `draft`, and its parameters."""
    values = {name: getattr(content, name) for name in CONTENT}
    values["answers"] = _SEALED_JSON.process_bind_param(content.answers, None)
    values["updated_at"] = kept.saved_at
    if content.safety_tier == draft.safety_tier:
        del values["safety_tier"]
    if draft.expires_at is None or not kept.until <= draft.expires_at <= kept.until + EXPIRY_SLACK:
        # Moved when it would break the promise, and when it is further off than the
        # setting now allows (DRAFT_EXPIRY_DAYS was lowered): kept no longer than that.
        values["expires_at"] = kept.until + EXPIRY_SLACK
    if kept.resume_token_hash:
        values["resume_token_hash"] = kept.resume_token_hash
    parameters = {f"new_{name}": value for name, value in values.items()}
    statement = WRITE_DRAFT[INDEXED.intersection(values)]
    return statement, {**parameters, "draft_id": draft.id, "seen": draft.row_version}


def save_page(
    questionnaire: Questionnaire,
    public_id: str,
    seen: DraftView,
    step: Step,
    step_answers: Mapping[str, Any],
    now: datetime,
    expiry_days: int,
    reached: str,
    *,
    language: str | None = None,
    resume_link: bool = False,
) -> Written | None:
    """Save one page's answers (drafts.with_page), with a switch of language sent with it."""

    def change(draft: DraftView) -> DraftContent:
        content = drafts.with_page(questionnaire, draft, step, step_answers, reached)
        return drafts.with_language(content, language) if language else content

    return write_draft(public_id, seen, change, now, expiry_days, resume_link=resume_link)


def switch_language(
    public_id: str, seen: DraftView, language: str, now: datetime, expiry_days: int
) -> Written | None:
    return write_draft(public_id, seen, lambda draft: drafts.with_language(draft, language), now, expiry_days)


def find_sent(public_id: str | None) -> Submission | None:
    if not public_id:
        return None
    found = db.session.scalar(BY_PUBLIC_ID, {"public_id": public_id})
    return None if found is None or found.is_draft else found


def _open_draft(found, now: datetime) -> bool:
    """Found, still a draft, and not expired: a Submission, or a row with those columns."""
    return (
        found is not None
        and found.status == Status.DRAFT
        and (found.expires_at is None or found.expires_at > now)
    )


def issue_resume_token(draft: Submission) -> str:
    """A new resume link token; the previous one stops working. Only the hash is kept."""
    token = secrets.token_urlsafe(32)
    draft.resume_token_hash = hash_token(token)
    db.session.flush()
    return token


def find_by_resume_token(token: str, now: datetime) -> Submission | None:
    found = db.session.scalar(select(Submission).where(Submission.resume_token_hash == hash_token(token)))
    return found if _open_draft(found, now) else None


def first_incomplete_step(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Step | None:
    return next(
        (step for step in questionnaire.steps if questionnaire.missing_required(step, answers)),
        None,
    )


# What sending needs of a draft, read under the lock (columns, not the ORM object: one
# statement, and nothing for the identity map to reconcile with an earlier read).
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


class Sent(StrEnum):
    NOW = "now"  # this call sent it
    BEFORE = "before"  # sent already: a second click, a retry, another tab
    INCOMPLETE = "incomplete"  # a required answer is missing (another tab saved meanwhile)


def submit(questionnaire: Questionnaire, draft_id: int, now: datetime) -> Sent:
    """Freeze a draft, once, and only complete.

    The draft is read under the write lock (SQLite: the transaction's BEGIN IMMEDIATE;
    PostgreSQL: FOR UPDATE), so no save from another tab lands between this read and the
    freeze: what is checked (complete), indexed (the last name) and announced (the
    safety tier) is what is frozen. A conditional UPDATE makes double clicks, retries
    and two tabs converge on one submission: only the first writer finds a draft.
    """
    connection = db.session.connection()  # the session's write transaction, in Core
    for _attempt in range(5):
        reference = new_reference()
        if connection.execute(REFERENCE_TAKEN, {"reference": reference}).scalar() is None:
            break
    draft = connection.execute(TO_SEND, {"draft_id": draft_id}).first()
    if draft is None or draft.status != Status.DRAFT:
        return Sent.BEFORE
    if first_incomplete_step(questionnaire, draft.answers) is not None:
        return Sent.INCOMPLETE
    last_name = draft.answers.get("about.last_name")
    result = connection.execute(
        SEND,
        {
            "draft_id": draft_id,
            "seen": draft.row_version,
            "sent_reference": reference,
            "sent_at": now,
            "sent_last_name_index": name_index(last_name if isinstance(last_name, str) else None),
            "sent_patient_name": patient_name(draft.answers),
        },
    )
    if result.rowcount != 1:
        raise RuntimeError("a draft changed while its row was locked")
    notify.queue_new_submission(draft.public_id, reference, draft.safety_tier)
    return Sent.NOW


REFERENCE_TAKEN = select(_SUBMISSION.c.id).where(_SUBMISSION.c.reference == bindparam("reference"))
# Built once, like WRITE_DRAFT: built per send, the statement and its cache key cost a
# fifth of the send. Core, on the session's connection: the ORM's bulk UPDATE adds
# nothing here (the row is not in the session) but its own bookkeeping.
SEND = (
    update(_SUBMISSION)
    .where(
        _SUBMISSION.c.id == bindparam("draft_id"),
        _SUBMISSION.c.status == Status.DRAFT,
        _SUBMISSION.c.row_version == bindparam("seen"),
    )
    .values(
        status=Status.NEW,
        reference=bindparam("sent_reference", type_=_SUBMISSION.c.reference.type),
        submitted_at=bindparam("sent_at", type_=_SUBMISSION.c.submitted_at.type),
        updated_at=bindparam("sent_at", type_=_SUBMISSION.c.updated_at.type),
        expires_at=None,
        resume_token_hash=None,
        last_name_index=bindparam("sent_last_name_index", type_=_SUBMISSION.c.last_name_index.type),
        patient_name=bindparam("sent_patient_name", type_=_SUBMISSION.c.patient_name.type),
        row_version=_SUBMISSION.c.row_version + 1,
    )
)
