"""The processing job: a RECEIVED file checked and re-encoded (processing.py, in a sandbox
process), its checked copies stored sealed, the bytes as sent dropped. Until the job has
run, nothing of the file reaches a clinician (only READY files are shown).

Where it runs is MEDIA_JOBS: "thread" runs it in this process after the upload is stored
(the embedded default: nothing to set up), "rq" puts it on a queue in Redis (REDIS_URL)
for `flask media-worker` on any host, "sync" runs it inside the request (the tests).
A job that fails leaves the draft and its other files as they were: this file becomes
FAILED and the patient is asked to send it again.
"""

from __future__ import annotations

import logging
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from intake.extensions import db
from intake.media import store
from intake.media.processing import Limits, Processed, Refused, process
from intake.media.sniff import Kind
from intake.media.uploads import UPLOAD
from intake.models import MediaFile, MediaStatus, utcnow
from intake.questionnaire.media import MAX_EPISODE_SECONDS

EXECUTOR = "intake_media_executor"
# The sandbox's limits; a second past the page's 2 minutes for a phone's rounding.
LIMITS = Limits(max_video_seconds=MAX_EPISODE_SECONDS + 1)
# Pieces written per transaction while a checked copy is stored: short write locks.
PIECES_PER_COMMIT = 8
log = logging.getLogger(__name__)


def enqueue(app: Flask, media_ids: list[int]) -> None:
    mode = app.config["MEDIA_JOBS"]
    for media_id in media_ids:
        if mode == "rq":
            # The worker (`flask media-worker`) runs it inside the app's context.
            _queue(app).enqueue(process_media, media_id, job_timeout=900, result_ttl=0, failure_ttl=86400)
        elif mode == "sync":
            process_media(media_id)
        else:
            _executor(app).submit(_in_context, app, media_id)


def _queue(app: Flask):
    from redis import Redis
    from rq import Queue

    return Queue(app.config["MEDIA_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))


def _executor(app: Flask) -> ThreadPoolExecutor:
    # One at a time: processing is CPU-bound and runs in its own process already.
    if EXECUTOR not in app.extensions:
        app.extensions[EXECUTOR] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="media")
    return app.extensions[EXECUTOR]


def _in_context(app: Flask, media_id: int) -> None:
    with app.app_context():
        process_media(media_id)


def process_media(media_id: int) -> str | None:
    """Check one file; its new status (None if it is gone or was not waiting)."""
    media = db.session.get(MediaFile, media_id)
    if media is None or media.status != MediaStatus.RECEIVED:
        db.session.rollback()
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="intake-media-") as work:
            outcome = _check(media, Path(work))
            _keep(media, outcome) if isinstance(outcome, Processed) else _refuse(media, outcome.code)
    except (SQLAlchemyError, OSError) as error:
        db.session.rollback()
        log.error("media %s could not be processed: %s", media_id, type(error).__name__)
        return _mark_failed(media_id)
    return media.status


def _check(media: MediaFile, work: Path) -> Processed | Refused:
    source = work / "source"
    reader = store.open_rendition(media, UPLOAD)
    if reader is None:
        return Refused("damaged")
    with source.open("wb") as target:
        store.copy_to(reader, target)
    db.session.commit()  # ends the read: nothing is locked while the sandbox works
    try:
        return process(source, Kind(media.kind), work / "out", LIMITS)
    except Refused as refused:
        return refused


def _keep(media: MediaFile, processed: Processed) -> None:
    for output in processed.outputs:
        writer = store.RenditionWriter(media, output.role, output.content_type)
        with output.path.open("rb") as handle:
            _write_in_batches(writer, handle)
        writer.finish()
    media.width, media.height, media.transcoded = processed.width, processed.height, processed.transcoded
    if processed.duration_seconds is not None:
        media.duration_ms = round(processed.duration_seconds * 1000)
    store.drop_rendition(media, UPLOAD)
    media.status, media.updated_at = MediaStatus.READY, utcnow()
    db.session.commit()


def _write_in_batches(writer: store.RenditionWriter, handle) -> None:
    current, written = handle.read(store.CHUNK), 0
    while True:
        following = handle.read(store.CHUNK)
        writer.add(current, last=not following)
        written += 1
        if not following:
            return
        if written % PIECES_PER_COMMIT == 0:
            db.session.commit()  # the file stays RECEIVED, so no one sees it half-stored
        current = following


def _refuse(media: MediaFile, code: str) -> None:
    for name in [r.name for r in media.renditions]:  # the upload, and anything half-kept
        store.drop_rendition(media, name)
    media.status, media.problem, media.updated_at = MediaStatus.REFUSED, code, utcnow()
    db.session.commit()


def _mark_failed(media_id: int) -> str | None:
    try:
        media = db.session.get(MediaFile, media_id)
        if media is None:
            return None
        media.status, media.problem, media.updated_at = MediaStatus.FAILED, "job_failed", utcnow()
        db.session.commit()
        return media.status
    except SQLAlchemyError:
        db.session.rollback()
        return None


def work(app: Flask, burst: bool = False) -> None:
    """`flask media-worker`: take jobs from the queue until stopped (or, burst, until empty).
    SimpleWorker runs each job in this process, in the app's context: the parsing itself
    is already in a sandbox process, and a forked work horse would share database
    connections with its parent."""
    from rq import SimpleWorker

    queue = _queue(app)
    with app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=False)
