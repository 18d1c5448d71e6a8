"""Database tables. Health data lives only in `Submission.answers` (names, date of birth,
contact details and every answer) and in notes about it; both are encrypted at rest."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timezone

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    TypeDecorator,
    UniqueConstraint,
    bindparam,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.extensions import db
from intake.security.crypto import EncryptedJSON, EncryptedText


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python; naive UTC in the database (SQLite has no zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_public_id() -> str:
    return str(uuid.uuid4())


def canonical_public_id(public_id: str) -> str | None:
    """The id itself if it is a UUID written as the app writes them; None for anything else."""
    try:
        canonical = str(uuid.UUID(public_id))
    except ValueError:
        return None
    return canonical if canonical == public_id else None


# No 0/O, 1/I/L: a reference read out over the phone must not be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


class Status:
    DRAFT = "draft"
    NEW = "new"  # submitted, not yet reviewed
    REVIEWED = "reviewed"


class Submission(db.Model):
    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    status: Mapped[str] = mapped_column(String(16), default=Status.DRAFT)
    questionnaire_version: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8), default="en")
    answers: Mapped[dict] = mapped_column(EncryptedJSON, default=dict)
    current_step: Mapped[str] = mapped_column(String(32))
    # The highest tier the answers ever reached (never lowered: questionnaire/drafts.py).
    safety_tier: Mapped[str] = mapped_column(String(16), default="none")
    emergency_acknowledged: Mapped[bool] = mapped_column(default=False)
    # Every change of the safety flags, when and from which page (safety_record.py): it
    # names the signs, so it is sealed like the answers.
    safety_record: Mapped[dict | None] = mapped_column(EncryptedJSON, default=dict)
    reference: Mapped[str | None] = mapped_column(String(16), unique=True)
    resume_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"))
    # HMAC of the normalised last name: exact search without storing the name in clear.
    last_name_index: Mapped[str | None] = mapped_column(String(64))
    # What the workspace's list shows of a row, {"name", "synopsis"}, sealed as one token
    # when the form is sent: a page of the list opens 50 short labels, not 50 health
    # records. Deferred: nothing else reads it. None for drafts and rows sent before 0012.
    list_label: Mapped[dict | None] = mapped_column(EncryptedJSON, deferred=True)
    # The name alone, as versions from 0007 to 0012 sealed it: the list's fallback for
    # their rows. New rows leave it empty.
    patient_name: Mapped[str | None] = mapped_column(EncryptedText, deferred=True)
    # HMAC of the normalised full name and date of birth (clinic/visits.py): the same
    # person's earlier submissions, found through an index without opening any answers.
    person_index: Mapped[str | None] = mapped_column(String(64))
    # Bumped by every write: a step save checked without the write lock writes only onto
    # the version it merged onto (submissions.write_draft); the ORM bumps it too.
    row_version: Mapped[int] = mapped_column(default=1, server_default="1")

    reviewed_by: Mapped[Clinician | None] = relationship()

    __mapper_args__ = {"version_id_col": row_version}

    __table_args__ = (
        Index("ix_submission_status_submitted", "status", "submitted_at"),
        Index("ix_submission_tier_submitted", "safety_tier", "submitted_at"),
        Index("ix_submission_expires", "expires_at"),
        # The dashboard's default order (newest first, id breaking ties) for keyset pages.
        Index("ix_submission_submitted_id", "submitted_at", "id"),
        # Status and tier together (the dashboard's "waiting for review" counts read it alone).
        Index("ix_submission_status_tier_submitted", "status", "safety_tier", "submitted_at"),
        # Exact last-name search, newest first without a sort.
        Index("ix_submission_name_submitted", "last_name_index", "submitted_at"),
        # The same person's earlier submissions (clinic/visits.py), newest first.
        Index("ix_submission_person_submitted", "person_index", "submitted_at"),
    )

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT


# Built once: every patient page and every summary looks a submission up by its public id.
BY_PUBLIC_ID = select(Submission).where(Submission.public_id == bindparam("public_id"))


class Role:
    CLINICIAN = "clinician"
    ADMIN = "admin"
    ALL = (CLINICIAN, ADMIN)


class Clinician(UserMixin, db.Model):
    __tablename__ = "clinician"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16), default=Role.CLINICIAN)
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    # What the session cookie names instead of the row id; a new one on logout,
    # deactivation or password change makes every copy of an older cookie useless.
    session_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The second factor (TOTP, RFC 6238): the shared secret in base32, set when enrolment
    # starts and trusted only once a code from it was confirmed (totp_confirmed_at).
    # Encrypted like health data: with it, anyone reading the database could mint codes.
    # Deferred: loaded (and decrypted) only where a code is checked or enrolment shows it,
    # not by the lookup every signed-in request makes.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText, deferred=True)
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time step of the last code accepted: a code is never accepted twice.
    totp_last_counter: Mapped[int | None] = mapped_column()

    def get_id(self) -> str:
        return self.session_token

    @property
    def has_second_factor(self) -> bool:
        # Confirmed only once a code from the secret was accepted, and cleared with it
        # (mfa.confirm, mfa.reset). A row confirmed without a secret (altered) asks for
        # a code that cannot match: it fails closed.
        return self.totp_confirmed_at is not None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class RecoveryCode(db.Model):
    """One of a clinician's ten single-use recovery codes: its SHA-256 only (the codes are
    random, about 79 bits each, so no salt or stretching is needed)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("clinician_id", "code_hash"),)


class PersonUnlink(db.Model):
    """A clinician's "not the same person" between two submissions matched by name and
    date of birth (clinic/visits.py). Kept, never removed; audited."""

    __tablename__ = "person_unlink"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))
    other_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))
    clinician_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_person_unlink_submission", "submission_id"),
        Index("ix_person_unlink_other", "other_id"),
    )


class ReviewNote(db.Model):
    """A clinician's note on a submission. Notes are added, never edited or removed."""

    __tablename__ = "review_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("clinician.id"))
    body: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[Clinician] = relationship()

    __table_args__ = (Index("ix_review_note_submission_created", "submission_id", "created_at"),)


class CallbackRequest(db.Model):
    """A patient's "ask the clinic to call me today", left on the urgent or support page,
    on a draft or a sent form. The number and the good time are sealed like the answers."""

    __tablename__ = "callback_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))
    phone: Mapped[str] = mapped_column(EncryptedText)
    good_time: Mapped[str] = mapped_column(EncryptedText)
    tier: Mapped[str] = mapped_column(String(16))  # the tier of the page it was asked on
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"))

    submission: Mapped[Submission] = relationship()
    handled_by: Mapped[Clinician | None] = relationship()

    __table_args__ = (
        Index("ix_callback_request_handled_created", "handled_at", "created_at"),
        # A form's own requests, in order: its summary and its Needs attention page.
        Index("ix_callback_request_submission", "submission_id", "created_at"),
    )


# The actions that change a submission's review status (audit.Action names them), and
# the audit rows that hold one: the predicate of their partial index, which a query
# must state in these same words (audit.STATUS_HISTORY) for the index to serve it.
STATUS_CHANGE_ACTIONS = ("submission.reviewed", "submission.reopened")
IS_STATUS_CHANGE = text("action IN ({})".format(", ".join(f"'{action}'" for action in STATUS_CHANGE_ACTIONS)))


class AuditEvent(db.Model):
    """Who did what, when, from where, to which submission. Never health data.

    Rows are only ever inserted: the mapper events below refuse updates and deletes.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("clinician.id"))
    actor_label: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    # The public id, not a foreign key: the trail outlives anything it mentions.
    submission_public_id: Mapped[str | None] = mapped_column(String(36))
    ip: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (
        # The audit page's search by submission.
        Index("ix_audit_event_submission_action_at", "submission_public_id", "action", "at"),
        # A summary's status history (audit.STATUS_HISTORY): the status changes alone,
        # never the views, whatever the planner's statistics say (migration 0009).
        Index(
            "ix_audit_event_status_changes",
            "submission_public_id",
            "at",
            postgresql_where=IS_STATUS_CHANGE,
            sqlite_where=IS_STATUS_CHANGE,
        ),
        Index("ix_audit_event_action_at", "action", "at"),
    )


class ApiToken(db.Model):
    """One integration's key to the read-only FHIR API. Only the token's SHA-256 is kept.

    A name may be used again once its token is revoked (rotation), so it is not unique;
    the CLI refuses a second live token with the same name.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(48), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class MediaStatus:
    UPLOADING = "uploading"  # bytes still coming (a resumable upload)
    RECEIVED = "received"  # all bytes stored; waiting for the processing job
    READY = "ready"  # checked and re-encoded: the only state a clinician sees a file in
    REFUSED = "refused"  # not a photo or video we take (`problem` says why)
    FAILED = "failed"  # the job failed on our side; the patient is asked to try again


class MediaFile(db.Model):
    """A photo or video a patient sent with a draft (intake/media). Its bytes are in
    MediaChunk rows, sealed; this row holds what is not health data: sizes, state, slot."""

    __tablename__ = "media_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_public_id)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))
    slot: Mapped[str] = mapped_column(String(32))  # "photo.rest", ..., "episode"
    kind: Mapped[str] = mapped_column(String(8))  # "photo" or "video"
    status: Mapped[str] = mapped_column(String(16), default=MediaStatus.UPLOADING)
    declared_size: Mapped[int] = mapped_column(BigInteger)
    received_size: Mapped[int] = mapped_column(BigInteger, default=0)
    problem: Mapped[str | None] = mapped_column(String(32))  # a refusal or failure code
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    duration_ms: Mapped[int | None] = mapped_column()
    transcoded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An upload left half-sent is purged after this (storage/maintenance.py).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    renditions: Mapped[list[MediaRendition]] = relationship(
        back_populates="media", cascade="all, delete-orphan", order_by="MediaRendition.id"
    )

    __table_args__ = (
        Index("ix_media_file_submission_slot", "submission_id", "slot"),
        Index("ix_media_file_status_expires", "status", "expires_at"),
    )

    def rendition(self, name: str) -> MediaRendition | None:
        return next((r for r in self.renditions if r.name == name), None)


class MediaRendition(db.Model):
    """One stored form of a media file: the bytes as uploaded ("upload", until processed),
    the checked copy ("main"), its "thumb" or "poster"."""

    __tablename__ = "media_rendition"

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_file.id"))
    name: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    chunk_count: Mapped[int] = mapped_column(default=0)
    sha1: Mapped[str | None] = mapped_column(String(40))  # of the plain bytes, for FHIR's Attachment.hash

    media: Mapped[MediaFile] = relationship(back_populates="renditions")

    __table_args__ = (UniqueConstraint("media_id", "name"),)


class MediaChunk(db.Model):
    """A piece of a rendition: a Fernet token, under the answers' keys, over the chunk and
    its place (file, rendition, number, last or not), so a piece moved, dropped or altered
    is refused (media/store.py)."""

    __tablename__ = "media_chunk"

    id: Mapped[int] = mapped_column(primary_key=True)
    rendition_id: Mapped[int] = mapped_column(ForeignKey("media_rendition.id"))
    seq: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (UniqueConstraint("rendition_id", "seq"),)


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_changing_audit_rows(_mapper, _connection, target: AuditEvent) -> None:
    raise AppendOnlyError("audit events are never changed or deleted")
