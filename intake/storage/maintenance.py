"""Data lifecycle tasks run from the command line: re-encrypt under the newest data key,
write what older versions did not (list label, person index), and delete what is no longer kept. Both work in short batches (one transaction each), so
the app keeps serving while they run.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography.fernet import InvalidToken
from sqlalchemy import Column, Text, delete, literal, select, true, type_coerce, update

from intake.extensions import db
from intake.models import CallbackRequest, MediaChunk, MediaFile, MediaStatus, ReviewNote, Status, Submission
from intake.questionnaire.schema import Questionnaire
from intake.questionnaire.synopsis import list_label
from intake.security.blind_index import last_name_index, person_index
from intake.security.crypto import DecryptionError, EncryptedJSON, EncryptedText, data_keys
from intake.storage import media_rows

BATCH = 500


# --- what older versions did not write --------------------------------------------------


@dataclass
class Backfill:
    sealed: int = 0  # list labels sealed
    indexed: int = 0  # person indexes written
    unreadable: list[str] = field(default_factory=list)  # "submission id" no key opens


def backfill(questionnaire: Questionnaire, batch: int = BATCH) -> Backfill:
    """Write what the app now writes when a form is sent, for the submissions sent before
    it did: the sealed list label (0012) and the person index (0013). One batch per
    transaction; a row is read only if one of them is missing."""
    result, table, keys = Backfill(), Submission.__table__, data_keys()
    missing = (table.c.list_label.is_(None)) | (table.c.person_index.is_(None))
    columns = (table.c.submitted_at, table.c.list_label.is_(None))
    for found_id, token, submitted_at, without_label in _sent_in_batches(columns, missing, batch):
        _backfill_row(questionnaire, keys, found_id, token, submitted_at, without_label, result)
    return result


def _sent_in_batches(columns: tuple, where, batch: int):
    """(id, sealed answers, *columns) of each sent submission matching `where`, by id, read
    and committed a batch at a time (what the caller writes for a batch is committed with it)."""
    table, last_id = Submission.__table__, 0
    while True:
        rows = db.session.execute(
            select(table.c.id, type_coerce(table.c.answers, Text), *columns)
            .where(table.c.id > last_id, table.c.status != Status.DRAFT, where)
            .order_by(table.c.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        db.session.commit()
        last_id = rows[-1][0]


def _answers_or_none(keys, found_id: int, token: str, unreadable: list[str]) -> dict | None:
    """A sent form's answers, or None (and its id noted) when no configured key opens them."""
    try:
        return json.loads(keys.decrypt(token))
    except DecryptionError:
        unreadable.append(f"submission {found_id}")
        return None


def _backfill_row(
    questionnaire, keys, found_id, token, submitted_at, without_label, result: Backfill
) -> None:
    answers = _answers_or_none(keys, found_id, token, result.unreadable)
    if answers is None:
        return
    values = {"person_index": person_index(answers)}
    if without_label:
        values["list_label"] = list_label(questionnaire, answers, submitted_at.date())
        result.sealed += 1
    result.indexed += values["person_index"] is not None
    table = Submission.__table__
    db.session.execute(update(table).where(table.c.id == found_id).values(values))


@dataclass
class Reindex:
    changed: int = 0  # rows whose name or person index was written anew
    unreadable: list[str] = field(default_factory=list)


def reindex(batch: int = BATCH) -> Reindex:
    """Work out every sent form's last-name and person index again, from its answers: after
    the name's normal form changed (blind_index.normalise_name) or SEARCH_KEY did. One
    batch per transaction; a row is written only if an index changed."""
    result, table, keys = Reindex(), Submission.__table__, data_keys()
    columns = (table.c.last_name_index, table.c.person_index)
    for found_id, token, name_key, person_key in _sent_in_batches(columns, true(), batch):
        answers = _answers_or_none(keys, found_id, token, result.unreadable)
        if answers is None:
            continue
        values = {"last_name_index": last_name_index(answers), "person_index": person_index(answers)}
        if values != {"last_name_index": name_key, "person_index": person_key}:
            db.session.execute(update(table).where(table.c.id == found_id).values(values))
            result.changed += 1
    return result


# --- key rotation ------------------------------------------------------------------------


@dataclass
class Rotation:
    rotated: int = 0
    current: int = 0  # already under the newest key (or rewritten by the app meanwhile)
    unreadable: list[str] = field(default_factory=list)  # "table id" of values no key opens


def encrypted_columns() -> list[Column]:
    return [
        column
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, (EncryptedJSON, EncryptedText))
    ]


def rotate_keys(batch: int = BATCH) -> Rotation:
    """Re-encrypt every encrypted value under the newest key, one batch per transaction.

    Old keys must stay in INTAKE_DATA_KEYS (after the new one) until this finishes; the
    running app meanwhile reads with any key and writes with the newest. Each update
    only applies if the value is still the one read, so a patient's concurrent save wins.
    """
    result = Rotation()
    for column in encrypted_columns():
        _rotate_column(column, batch, result)
    _rotate_media_chunks(result)
    return result


def _rotate_media_chunks(result: Rotation, batch: int = 32) -> None:
    """Photos and videos (media/store.py): each chunk is a Fernet token kept as raw bytes.
    Fernet's own rotate keeps what the token says (the chunk's place), under the newest key."""
    keys, last_id = data_keys(), 0
    while True:
        rows = db.session.execute(
            select(MediaChunk.id, MediaChunk.data)
            .where(MediaChunk.id > last_id)
            .order_by(MediaChunk.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        for chunk_id, stored in rows:
            token = base64.urlsafe_b64encode(stored)
            if keys.is_newest(token.decode("ascii")):
                result.current += 1
                continue
            try:
                fresh = base64.urlsafe_b64decode(keys.all.rotate(token))
            except InvalidToken:
                result.unreadable.append(f"media_chunk {chunk_id}")
                continue
            db.session.execute(update(MediaChunk).where(MediaChunk.id == chunk_id).values(data=fresh))
            result.rotated += 1
        db.session.commit()
        last_id = rows[-1][0]


def _rotate_column(column: Column, batch: int, result: Rotation) -> None:
    keys, table = data_keys(), column.table
    raw, row_id = type_coerce(column, Text), table.c.id
    last_id = 0
    while True:
        rows = db.session.execute(
            select(row_id, raw).where(row_id > last_id, column.is_not(None)).order_by(row_id).limit(batch)
        ).all()
        if not rows:
            return
        for found_id, token in rows:
            _rotate_value(table, column, found_id, token, result, keys)
        db.session.commit()
        last_id = rows[-1][0]


def _rotate_value(table, column: Column, found_id: int, token: str, result: Rotation, keys) -> None:
    if keys.is_newest(token):
        result.current += 1
        return
    try:
        fresh = keys.encrypt(keys.decrypt(token))
    except DecryptionError:
        result.unreadable.append(f"{table.name} {found_id}")
        return
    changed = db.session.execute(
        update(table)
        .where(table.c.id == found_id, type_coerce(column, Text) == token)
        .values({column.name: literal(fresh, Text)})
    )
    if changed.rowcount == 1:
        result.rotated += 1
    else:
        result.current += 1


# --- retention ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Purge:
    drafts: int
    submissions: int
    notes: int
    uploads: int = 0  # photos or videos left half-sent past MEDIA_UPLOAD_HOURS

    def describe(self) -> str:
        return (
            f"drafts={self.drafts} submissions={self.submissions} notes={self.notes} uploads={self.uploads}"
        )


def purge_expired(now: datetime, retention_days: int | None, batch: int = BATCH) -> Purge:
    """Delete expired drafts and, with a retention period, submissions sent before it
    began (with their notes). The audit trail keeps its rows: they hold no health data."""
    drafts = select(Submission.id).where(Submission.status == Status.DRAFT, Submission.expires_at <= now)
    draft_count, _ = _delete_in_batches(drafts, batch)
    submission_count = note_count = 0
    if retention_days:
        old = select(Submission.id).where(
            Submission.status != Status.DRAFT, Submission.submitted_at < now - timedelta(days=retention_days)
        )
        submission_count, note_count = _delete_in_batches(old, batch)
    half_sent = select(MediaFile.id).where(
        MediaFile.status == MediaStatus.UPLOADING, MediaFile.expires_at <= now
    )
    uploads = media_rows.delete_media_where(half_sent)
    db.session.commit()
    return Purge(draft_count, submission_count, note_count, uploads)


def _delete_in_batches(ids_query, batch: int) -> tuple[int, int]:
    submissions = notes = 0
    while True:
        ids = list(db.session.scalars(ids_query.order_by(Submission.id).limit(batch)))
        if not ids:
            return submissions, notes
        notes += db.session.execute(delete(ReviewNote).where(ReviewNote.submission_id.in_(ids))).rowcount
        db.session.execute(delete(CallbackRequest).where(CallbackRequest.submission_id.in_(ids)))
        media_rows.delete_media_where(media_rows.of_submissions(ids))
        submissions += db.session.execute(delete(Submission).where(Submission.id.in_(ids))).rowcount
        db.session.commit()
