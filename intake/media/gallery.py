"""What a clinician sees of a submission's photos and videos: the nine expressions in the
standard's order (an empty place where none was sent, so two visits line up side by
side), the videos, and how many files are still being checked or could not be used.
Only READY files are ever shown or served: nothing reaches a clinician unchecked."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, select

from intake.extensions import db
from intake.media import uploads
from intake.models import MediaFile, MediaStatus, Status, Submission, canonical_public_id
from intake.questionnaire.media import EPISODE_SLOT, EXPRESSIONS, Expression


@dataclass(frozen=True)
class Gallery:
    photos: tuple[tuple[Expression, MediaFile | None], ...]
    videos: tuple[MediaFile, ...]
    processing: int = 0  # received, not yet checked
    not_usable: tuple[MediaFile, ...] = field(default=())  # refused or failed

    @property
    def empty(self) -> bool:
        return not (self.videos or self.processing or self.not_usable or any(m for _, m in self.photos))

    @property
    def photo_count(self) -> int:
        return sum(1 for _, media in self.photos if media is not None)


def gallery_of(submission_id: int) -> Gallery:
    return galleries_of([submission_id])[submission_id]


def galleries_of(submission_ids: list[int]) -> dict[int, Gallery]:
    """Each submission's gallery, from one query for all their files."""
    files: dict[int, list[MediaFile]] = {submission_id: [] for submission_id in submission_ids}
    for media in uploads.files_of_all(submission_ids):
        if media.status != MediaStatus.UPLOADING:
            files[media.submission_id].append(media)
    return {submission_id: _gallery(found) for submission_id, found in files.items()}


def _gallery(files: list[MediaFile]) -> Gallery:
    ready = [m for m in files if m.status == MediaStatus.READY]
    by_slot = {m.slot: m for m in ready if m.slot != EPISODE_SLOT}
    return Gallery(
        photos=tuple((expression, by_slot.get(expression.slot)) for expression in EXPRESSIONS),
        videos=tuple(m for m in ready if m.slot == EPISODE_SLOT),
        processing=sum(m.status == MediaStatus.RECEIVED for m in files),
        not_usable=tuple(m for m in files if m.status in (MediaStatus.REFUSED, MediaStatus.FAILED)),
    )


# Built once: each thumbnail of a summary is a request of its own.
READY_FILE = select(MediaFile).where(
    MediaFile.submission_id == bindparam("submission_id"),
    MediaFile.public_id == bindparam("public_id"),
    MediaFile.status == MediaStatus.READY,
)
SUBMITTED_FILE = (
    select(Submission, MediaFile)
    .join(MediaFile, MediaFile.submission_id == Submission.id)
    .where(
        MediaFile.public_id == bindparam("public_id"),
        MediaFile.status == MediaStatus.READY,
        Submission.status != Status.DRAFT,
    )
)


def ready_file(submission_id: int, public_id: str) -> MediaFile | None:
    """One checked file of this submission; None for anything else (unchecked, another's)."""
    return db.session.scalar(READY_FILE, {"submission_id": submission_id, "public_id": public_id})


def submitted_file(public_id: str) -> tuple[Submission, MediaFile] | None:
    """A checked file of a submitted (never draft) form, by the file's public id."""
    canonical = canonical_public_id(public_id)
    if canonical is None:
        return None
    row = db.session.execute(SUBMITTED_FILE, {"public_id": canonical}).first()
    return None if row is None else (row[0], row[1])
