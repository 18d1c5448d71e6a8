"""Deleting photos and videos: their sealed chunks, renditions and rows, in that order
(the foreign keys point that way). Here, below intake/media, because retention and the
purge of drafts (maintenance.py) delete them too."""

from __future__ import annotations

from sqlalchemy import Select, delete, select

from intake.extensions import db
from intake.models import MediaChunk, MediaFile, MediaRendition


def delete_media_where(media_ids: Select) -> int:
    """Every file `media_ids` (a select of MediaFile.id) names, with all its bytes."""
    renditions = select(MediaRendition.id).where(MediaRendition.media_id.in_(media_ids))
    db.session.execute(delete(MediaChunk).where(MediaChunk.rendition_id.in_(renditions)))
    db.session.execute(delete(MediaRendition).where(MediaRendition.media_id.in_(media_ids)))
    return db.session.execute(delete(MediaFile).where(MediaFile.id.in_(media_ids))).rowcount


def of_submissions(submission_ids: list[int]) -> Select:
    return select(MediaFile.id).where(MediaFile.submission_id.in_(submission_ids))
