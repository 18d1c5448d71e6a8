"""The "Photos and video" page's own part: what the patient has sent so far, files posted
with the page (no JavaScript needed), a file removed, and every problem in words.

With JavaScript the files go up one piece at a time as soon as they are chosen
(media_views.py); without it they come with the page's form, whole. Both end in
intake/media/uploads.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import FileStorage

from intake.extensions import db
from intake.media import jobs, uploads
from intake.media.uploads import Limits, Problem, UploadRefused
from intake.models import MediaFile, MediaStatus, Submission
from intake.questionnaire.media import EPISODE_SLOT, MAX_EPISODES, MEDIA, SLOTS

STEP_ID = MEDIA.id

# What each problem says to the patient: what happened and what to do.
PROBLEMS = {
    Problem.UNKNOWN_SLOT: _l("Choose the photo or video again."),
    Problem.NO_CONSENT: _l(
        "Tick the box to agree that the clinic keeps your photos and videos, then choose the files again."
    ),
    Problem.EMPTY: _l("The file is empty. Choose it again."),
    Problem.PHOTO_TOO_BIG: _l("This photo is larger than %(mb)s MB. Take it again, or choose a smaller one."),
    Problem.VIDEO_TOO_BIG: _l("This video is larger than %(mb)s MB. Record a shorter one (up to 2 minutes)."),
    Problem.DRAFT_FULL: _l(
        "Your photos and videos together would pass %(mb)s MB. Remove a video to send another."
    ),
    Problem.TOO_MANY_VIDEOS: _l("You can send up to 3 videos. Remove one to send another."),
    Problem.NOT_A_PHOTO: _l("This file is not a photo we can read. Send a JPEG, PNG or HEIC photo."),
    Problem.NOT_A_VIDEO: _l("This file is not a video we can read. Send an MP4, MOV or WebM video."),
    Problem.WRONG_OFFSET: _l("The upload was interrupted. It goes on from where it stopped."),
    Problem.WRONG_PIECE: _l("The upload was interrupted. Choose the file again."),
}
# What the checks found (media/processing.py refusal codes), and a job that failed.
CHECKS = {
    "not_a_photo": PROBLEMS[Problem.NOT_A_PHOTO],
    "not_a_video": PROBLEMS[Problem.NOT_A_VIDEO],
    "unknown_type": _l(
        "This file is not a photo or video we can read. Send a JPEG, PNG or HEIC photo, or an MP4, MOV or WebM video."
    ),
    "too_many_pixels": _l(
        "This photo is too large to use. Take it again with the phone's usual camera settings."
    ),
    "too_long": _l("This video is longer than 2 minutes. Record a shorter one."),
    "damaged": _l("This file seems damaged or cut short. Send it again."),
    "took_too_long": _l("We could not check this file in time. Send a shorter video."),
    "too_big_to_process": _l("We could not check this file. Send a smaller one."),
    "job_failed": _l(
        "Something went wrong on our side with this file. Send it again, or bring it to your visit."
    ),
}


NOT_STORED = _l(
    "We could not store this file just now. Your answers and other files are safe: try again in a minute."
)


def problem_message(problem: Problem) -> str:
    limits = Limits.from_config(current_app.config)
    mb = {
        Problem.PHOTO_TOO_BIG: limits.photo_bytes,
        Problem.VIDEO_TOO_BIG: limits.video_bytes,
        Problem.DRAFT_FULL: limits.draft_bytes,
    }.get(problem)
    return str(PROBLEMS[problem] % {"mb": mb // uploads.MB}) if mb else str(PROBLEMS[problem])


def check_message(media: MediaFile) -> str | None:
    if media.status in (MediaStatus.REFUSED, MediaStatus.FAILED):
        return str(CHECKS.get(media.problem or "", CHECKS["damaged"]))
    return None


@dataclass
class MediaPanel:
    """What the page shows of the patient's files, and the problems of this post."""

    photos: dict[str, MediaFile] = field(default_factory=dict)  # by slot, newest
    episodes: list[MediaFile] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # by slot

    @property
    def room_for_episodes(self) -> bool:
        return len(self.episodes) < MAX_EPISODES

    def message(self, media: MediaFile) -> str | None:
        return check_message(media)


def panel_for(draft: Submission, errors: dict[str, str] | None = None) -> MediaPanel:
    panel = MediaPanel(errors=dict(errors or {}))
    for media in uploads.files_of(draft.id):
        if media.status == MediaStatus.UPLOADING:
            continue  # a half-sent upload shows only where its script resumes it
        if media.slot == EPISODE_SLOT:
            panel.episodes.append(media)
        else:
            panel.photos[media.slot] = media
    return panel


def posted_files() -> list[tuple[str, FileStorage]]:
    """The files chosen on the page (browsers send an empty part for an unused input)."""
    return [
        (slot, posted)
        for slot in SLOTS
        for posted in request.files.getlist(slot)
        if posted and posted.filename
    ]


def take_posted_files(draft: Submission, now: datetime) -> tuple[list[int], dict[str, str]]:
    """Store each posted file; the ids to check, and a problem per slot. Each file is
    committed on its own, so a refused one costs the others nothing."""
    limits, stored, errors = Limits.from_config(current_app.config), [], {}
    for slot, posted in posted_files():
        try:
            media = uploads.store_whole(draft, slot, posted.stream, _size_of(posted), limits, now)
        except UploadRefused as refused:
            db.session.rollback()
            errors[slot] = problem_message(refused.problem)
            continue
        except SQLAlchemyError:  # a full disk: this file is not kept, the others are
            db.session.rollback()
            current_app.logger.error("a posted %s could not be stored", slot)
            errors[slot] = str(NOT_STORED)
            continue
        db.session.commit()
        stored.append(media.id)
    return stored, errors


def _size_of(posted: FileStorage) -> int:
    stream = posted.stream
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def remove_posted(draft: Submission) -> bool:
    """The file a "Remove" button named, removed; False if there was none."""
    public_id = request.form.get("remove")
    media = uploads.find_file(draft, public_id) if public_id else None
    if media is None:
        return False
    uploads.remove(media)
    return True


def withdraw_if_unticked(draft: Submission) -> bool:
    """Consent taken back: every photo and video removed (they were kept only with it)."""
    if (draft.answers or {}).get("media.consent"):
        return False
    files = uploads.files_of(draft.id)
    if not files:
        return False
    for media in files:
        uploads.remove(media)
    return True


def sent_counts(submission: Submission) -> tuple[int, int]:
    """(photos, videos) the patient sent that were not refused: what review lists."""
    kept = [
        m for m in uploads.files_of(submission.id) if m.status in (MediaStatus.RECEIVED, MediaStatus.READY)
    ]
    return sum(m.kind == "photo" for m in kept), sum(m.kind == "video" for m in kept)


def check_soon(media_ids: list[int]) -> None:
    jobs.enqueue(current_app._get_current_object(), media_ids)
