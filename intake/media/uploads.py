"""Use-cases of a patient's photos and videos: start an upload, take its pieces, finish,
remove. Whole files (a form posted without JavaScript) and resumable pieces (the tus
protocol's PATCH, one CHUNK each) end in the same state: every byte stored sealed, the
file RECEIVED and its processing job queued. The type is told from the first bytes
(sniff) before anything is kept; the full check is the job's (jobs.py).

Functions flush; the caller commits. Problems are codes (`Problem`): the patient package
words them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import BinaryIO

from sqlalchemy import bindparam, select

from intake.extensions import db
from intake.media import store
from intake.media.sniff import HEAD_BYTES, Kind, sniff
from intake.models import MediaFile, MediaStatus, Submission
from intake.questionnaire.media import EPISODE_SLOT, MAX_EPISODES, slot_kind

MB = 1024 * 1024
UPLOAD = "upload"  # the rendition that holds the bytes as sent, until the job has run


class Problem(StrEnum):
    UNKNOWN_SLOT = "unknown_slot"
    NO_CONSENT = "no_consent"
    EMPTY = "empty"
    PHOTO_TOO_BIG = "photo_too_big"
    VIDEO_TOO_BIG = "video_too_big"
    DRAFT_FULL = "draft_full"
    TOO_MANY_VIDEOS = "too_many_videos"
    NOT_A_PHOTO = "not_a_photo"
    NOT_A_VIDEO = "not_a_video"
    WRONG_OFFSET = "wrong_offset"
    WRONG_PIECE = "wrong_piece"


class UploadRefused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Limits:
    photo_bytes: int
    video_bytes: int
    draft_bytes: int
    upload_hours: int

    @classmethod
    def from_config(cls, config) -> Limits:
        return cls(
            config["MEDIA_MAX_PHOTO_MB"] * MB,
            config["MEDIA_MAX_VIDEO_MB"] * MB,
            config["MEDIA_MAX_DRAFT_MB"] * MB,
            config["MEDIA_UPLOAD_HOURS"],
        )


FILES_OF = (
    select(MediaFile)
    .where(MediaFile.submission_id.in_(bindparam("submission_ids", expanding=True)))
    .order_by(MediaFile.created_at, MediaFile.id)
)


def files_of(submission_id: int) -> list[MediaFile]:
    """A submission's files, oldest first."""
    return files_of_all([submission_id])


def files_of_all(submission_ids: list[int]) -> list[MediaFile]:
    """The files of several submissions in one query, oldest first."""
    return list(db.session.scalars(FILES_OF, {"submission_ids": submission_ids})) if submission_ids else []


def find_file(submission: Submission, public_id: str) -> MediaFile | None:
    return db.session.scalar(
        select(MediaFile).where(MediaFile.submission_id == submission.id, MediaFile.public_id == public_id)
    )


def start_upload(draft: Submission, slot: str, size: int, limits: Limits, now: datetime) -> MediaFile:
    """A new file in `slot` of `draft`, expecting `size` bytes; UploadRefused if it may not be."""
    kind = slot_kind(slot)
    if kind is None:
        raise UploadRefused(Problem.UNKNOWN_SLOT)
    if not (draft.answers or {}).get("media.consent"):
        raise UploadRefused(Problem.NO_CONSENT)
    if size <= 0:
        raise UploadRefused(Problem.EMPTY)
    _check_size(draft, slot, kind, size, limits)
    media = MediaFile(
        submission_id=draft.id,
        slot=slot,
        kind=kind,
        declared_size=size,
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(hours=limits.upload_hours),
    )
    db.session.add(media)
    db.session.flush()
    return media


def _check_size(draft: Submission, slot: str, kind: str, size: int, limits: Limits) -> None:
    if kind == Kind.PHOTO and size > limits.photo_bytes:
        raise UploadRefused(Problem.PHOTO_TOO_BIG)
    if kind == Kind.VIDEO and size > limits.video_bytes:
        raise UploadRefused(Problem.VIDEO_TOO_BIG)
    others = [m for m in files_of(draft.id) if not (kind == Kind.PHOTO and m.slot == slot)]
    if slot == EPISODE_SLOT and sum(m.slot == EPISODE_SLOT for m in others) >= MAX_EPISODES:
        raise UploadRefused(Problem.TOO_MANY_VIDEOS)
    # A photo taken again replaces the one before it, so that one does not count.
    if sum(m.declared_size for m in others) + size > limits.draft_bytes:
        raise UploadRefused(Problem.DRAFT_FULL)


def add_piece(media: MediaFile, offset: int, piece: bytes, now: datetime) -> int:
    """Store the next piece (exactly CHUNK bytes, or the rest of the file) at `offset`;
    the new offset. The first piece decides the type: the wrong one is refused at once."""
    if media.status != MediaStatus.UPLOADING or offset != media.received_size:
        raise UploadRefused(Problem.WRONG_OFFSET)
    remaining = media.declared_size - offset
    last = len(piece) == remaining
    if not piece or len(piece) > remaining or (not last and len(piece) != store.CHUNK):
        raise UploadRefused(Problem.WRONG_PIECE)
    if offset == 0:
        _check_type(media, piece[:HEAD_BYTES])
    writer = store.RenditionWriter(media, UPLOAD, "application/octet-stream")
    writer.add(piece, last=last)
    media.received_size += len(piece)
    media.updated_at = now
    if last:
        writer.finish()
        _received(media, now)
    return media.received_size


def _check_type(media: MediaFile, head: bytes) -> None:
    found = sniff(head)
    if found is None or found.kind != media.kind:
        raise UploadRefused(Problem.NOT_A_PHOTO if media.kind == Kind.PHOTO else Problem.NOT_A_VIDEO)


def store_whole(
    draft: Submission, slot: str, stream: BinaryIO, size: int, limits: Limits, now: datetime
) -> MediaFile:
    """A whole file from a plain form post, stored piece by piece as if it were resumed."""
    media = start_upload(draft, slot, size, limits, now)
    offset = 0
    while offset < size:
        offset = add_piece(media, offset, stream.read(min(store.CHUNK, size - offset)), now)
    return media


def _received(media: MediaFile, now: datetime) -> None:
    """All bytes are in: the file waits for its job, and a photo taken again replaces
    the one before it in the same slot."""
    media.status, media.expires_at = MediaStatus.RECEIVED, None
    if media.kind == Kind.PHOTO:
        earlier = [m.id for m in files_of(media.submission_id) if m.slot == media.slot and m.id != media.id]
        store.delete_media(earlier)


def remove(media: MediaFile) -> None:
    store.delete_media([media.id])
