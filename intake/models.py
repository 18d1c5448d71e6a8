"""Database tables. Health data lives only in `Submission.answers`."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, Index, String, TypeDecorator
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


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
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    current_step: Mapped[str] = mapped_column(String(32))
    safety_tier: Mapped[str] = mapped_column(String(16), default="none")
    emergency_acknowledged: Mapped[bool] = mapped_column(default=False)
    reference: Mapped[str | None] = mapped_column(String(16), unique=True)
    resume_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_submission_status_submitted", "status", "submitted_at"),
        Index("ix_submission_tier_submitted", "safety_tier", "submitted_at"),
        Index("ix_submission_expires", "expires_at"),
    )

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT
