"""The audit trail: who saw or changed what, when, from where. Never health data.

`record` adds a row and flushes; the request handler commits it with the rest of its work.
A page that only reads builds its row with `event` and commits it alone, after rendering.
There is deliberately no function that edits or deletes a row (and the model refuses to).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask import has_request_context, request
from sqlalchemy import Executable, bindparam, func, select

from intake.extensions import db
from intake.models import IS_STATUS_CHANGE, STATUS_CHANGE_ACTIONS, AuditEvent, Clinician, Submission, utcnow
from intake.storage.database import finish_reading


class Action:
    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    # An attempt refused by a sign-in limit (the password was not even checked).
    LOGIN_THROTTLED = "login.throttled"
    LOGOUT = "logout"
    SESSION_EXPIRED = "session.expired"
    PASSWORD_CHANGED = "password.changed"
    VIEWED = "submission.viewed"
    REVIEWED, REOPENED = STATUS_CHANGE_ACTIONS
    NOTE_ADDED = "note.added"
    PERSON_UNLINKED = "submission.unlinked"  # "not the same person" (clinic/visits.py)
    # The Needs attention list (red-flag drafts, callback requests) and its callbacks.
    ATTENTION_VIEWED = "attention.viewed"
    CALLBACK_HANDLED = "callback.handled"
    EXPORTED = "export.csv"
    # A patient's photo or video opened (each file, once per view) or downloaded.
    MEDIA_VIEWED = "media.viewed"
    MEDIA_DOWNLOADED = "media.downloaded"
    ACCOUNT_CREATED = "account.created"
    ACCOUNT_DEACTIVATED = "account.deactivated"
    ACCOUNT_REACTIVATED = "account.reactivated"
    PASSWORD_RESET = "account.password_reset"
    # FHIR: a clinician's downloads, and the integrations' API calls (actor "api:<name>").
    FHIR_EXPORTED = "export.fhir"
    FHIR_BUNDLE_EXPORTED = "export.fhir_bundle"
    FHIR_READ = "fhir.read"
    FHIR_MEDIA_READ = "fhir.binary"
    FHIR_SEARCH = "fhir.search"
    FHIR_DENIED = "fhir.denied"
    FHIR_THROTTLED = "fhir.throttled"
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REVOKED = "api_token.revoked"
    # Data lifecycle, from the command line (counts only, never what was in the rows).
    PURGED = "data.purged"
    KEYS_ROTATED = "keys.rotated"
    BACKED_UP = "backup.created"
    RESTORED = "backup.restored"
    # Two-step sign-in: the password was right and a second factor comes next; a second
    # factor set up, accepted, refused; a recovery code spent; an admin's reset.
    LOGIN_PASSWORD = "login.password"
    SECOND_FACTOR_ENROLLED = "second_factor.enrolled"
    SECOND_FACTOR_OK = "second_factor.ok"
    SECOND_FACTOR_FAILED = "second_factor.failed"
    SECOND_FACTOR_THROTTLED = "second_factor.throttled"
    RECOVERY_CODE_USED = "recovery_code.used"
    SECOND_FACTOR_RESET = "account.second_factor_reset"

    ALL = (
        LOGIN, LOGIN_FAILED, LOGOUT, SESSION_EXPIRED, PASSWORD_CHANGED, VIEWED, REVIEWED,
        REOPENED, NOTE_ADDED, EXPORTED, ACCOUNT_CREATED, ACCOUNT_DEACTIVATED,
        ACCOUNT_REACTIVATED, PASSWORD_RESET, FHIR_EXPORTED, FHIR_BUNDLE_EXPORTED, FHIR_READ,
        FHIR_SEARCH, FHIR_DENIED, FHIR_THROTTLED, API_TOKEN_CREATED, API_TOKEN_REVOKED,
        PURGED, KEYS_ROTATED, BACKED_UP, RESTORED,
        LOGIN_PASSWORD, SECOND_FACTOR_ENROLLED, SECOND_FACTOR_OK, SECOND_FACTOR_FAILED,
        RECOVERY_CODE_USED, SECOND_FACTOR_RESET, ATTENTION_VIEWED, CALLBACK_HANDLED, PERSON_UNLINKED,
        MEDIA_VIEWED, MEDIA_DOWNLOADED, FHIR_MEDIA_READ, LOGIN_THROTTLED, SECOND_FACTOR_THROTTLED,
    )  # fmt: skip


def event(
    action: str,
    actor: Clinician | None,
    subject: Submission | None = None,
    detail: str = "",
    actor_label: str | None = None,
) -> AuditEvent:
    """One audit row, not yet in any session. `actor_label` names an actor without an
    account (e.g. "cli")."""
    if action not in Action.ALL:
        raise ValueError(f"unknown audit action {action!r}")
    return AuditEvent(
        at=utcnow(),
        actor_id=actor.id if actor else None,
        actor_label=(actor.username if actor else actor_label or "anonymous")[:64],
        action=action,
        submission_public_id=subject.public_id if subject else None,
        ip=request.remote_addr[:45] if has_request_context() and request.remote_addr else None,
        detail=detail[:200],
    )


def commit_after_reading(row: AuditEvent, *also: Executable) -> None:
    """Commit an audit row (and any `also` statements) in a write transaction of its own,
    after the request's reading.

    A view showing health data builds its page first and calls this before returning it:
    the write lock is held for the INSERT, not for a render, and if the row cannot be
    written this raises and the page is never sent. The session's read ends first, so on
    SQLite the write begins with BEGIN IMMEDIATE and queues for the lock.
    """
    finish_reading(db.session)
    for statement in also:
        db.session.execute(statement)
    db.session.add(row)
    db.session.commit()


def record(
    action: str,
    actor: Clinician | None,
    subject: Submission | None = None,
    detail: str = "",
    actor_label: str | None = None,
) -> AuditEvent:
    """Add one audit row to the session's transaction."""
    row = event(action, actor, subject, detail, actor_label)
    db.session.add(row)
    db.session.flush()
    return row


@dataclass(frozen=True)
class AuditQuery:
    action: str | None = None
    actor: str | None = None  # username
    submission_public_id: str | None = None


def browse(query: AuditQuery, before_id: int | None, size: int) -> tuple[list[AuditEvent], int | None]:
    """One page of events, newest first, and the id to continue from (None on the last page)."""
    statement = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(size + 1)
    if query.action:
        statement = statement.where(AuditEvent.action == query.action)
    if query.actor:
        statement = statement.where(AuditEvent.actor_label == query.actor.strip().casefold())
    if query.submission_public_id:
        statement = statement.where(AuditEvent.submission_public_id == query.submission_public_id)
    if before_id is not None:
        statement = statement.where(AuditEvent.id < before_id)
    events = list(db.session.scalars(statement))
    more = len(events) > size
    events = events[:size]
    return events, (events[-1].id if more else None)


class StatusChange(NamedTuple):
    action: str
    by: str  # the clinician's display name
    at: datetime


_EVENT = AuditEvent.__table__
# The actions are written into the SQL (the partial index's own predicate), not bound:
# PostgreSQL's cached (generic) plan of a prepared statement cannot see a bound value,
# and with the actions unseen it planned for every event of the submission, its views
# included, and scanned them all (0.6 ms after 2,000 views); seeing them, it reads the
# index of status changes alone (0.1 ms).
_CLINICIAN = Clinician.__table__
STATUS_HISTORY = (  # built once, in Core: the summary page reads it on every view
    # Named as the rest of the workspace names people (the display name); the label
    # the row was written with (the username then) only if the account is gone.
    select(_EVENT.c.action, func.coalesce(_CLINICIAN.c.display_name, _EVENT.c.actor_label), _EVENT.c.at)
    .select_from(_EVENT.outerjoin(_CLINICIAN, _CLINICIAN.c.id == _EVENT.c.actor_id))
    .where(_EVENT.c.submission_public_id == bindparam("public_id"), IS_STATUS_CHANGE)
    .order_by(_EVENT.c.at, _EVENT.c.id)
)


def status_history(subject: Submission) -> list[StatusChange]:
    """Every "reviewed" and "reopened" of one submission, oldest first."""
    rows = db.session.connection().execute(STATUS_HISTORY, {"public_id": subject.public_id})
    return [StatusChange._make(row) for row in rows]
