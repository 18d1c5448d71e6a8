"""Resumable uploads of photos and videos, in the tus protocol's words (tus.io, core 1.0.0
with the creation and termination extensions): POST makes an upload, HEAD says how much
of it the server has, PATCH sends the next piece, DELETE takes it back. A phone that
loses its connection asks HEAD and goes on from there (static/js/media.js). No server
library for tus fits Flask and a database store, so this follows the spec directly;
one rule is ours: pieces are exactly 1 MB (the last one shorter), the size of a stored
chunk, so every acknowledged piece is sealed and committed on its own.

All of it works on this browser's draft only, and says nothing about another's.
"""

from __future__ import annotations

import base64
import binascii

from flask import current_app, jsonify, make_response, request, url_for
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.wsgi import FileWrapper

from intake.extensions import db, limiter
from intake.media import store, uploads
from intake.media.uploads import Limits, Problem, UploadRefused
from intake.models import MediaFile, MediaStatus, utcnow
from intake.patient import media_pages, submissions
from intake.patient.views import bp, current_draft, require_draft
from intake.questionnaire.media import MEDIA
from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.storage.database import finish_reading

TUS_VERSION = "1.0.0"


def _tus(response):
    response.headers["Tus-Resumable"] = TUS_VERSION
    response.headers["Cache-Control"] = "no-store"
    return response


# How each refusal answers the script (tus: 409 for a wrong offset, 413 for too large,
# 415 for a type it does not take); anything else is a 400.
STATUS = {
    Problem.PHOTO_TOO_BIG: 413, Problem.VIDEO_TOO_BIG: 413, Problem.DRAFT_FULL: 413,
    Problem.WRONG_OFFSET: 409, Problem.NOT_A_PHOTO: 415, Problem.NOT_A_VIDEO: 415,
}  # fmt: skip


def _refused(message: str, status: int):
    return _tus(make_response(jsonify(message=message), status))


def _refusal(problem: Problem):
    return _refused(media_pages.problem_message(problem), STATUS.get(problem, 400))


def _metadata() -> dict[str, str]:
    """Upload-Metadata: "key base64value,key base64value" (tus creation extension)."""
    found = {}
    for pair in request.headers.get("Upload-Metadata", "").split(","):
        key, _, value = pair.strip().partition(" ")
        try:
            found[key] = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
        except (binascii.Error, UnicodeDecodeError):
            continue
    return found


def _header_int(name: str) -> int | None:
    value = request.headers.get(name, "")
    return int(value) if value.isdigit() and len(value) < 16 else None


@bp.post("/media/uploads")
@limiter.limit(lambda: current_app.config["MEDIA_UPLOAD_RATE_LIMIT"], key_func=get_remote_address)
def media_start():
    draft = require_draft()
    size, metadata = _header_int("Upload-Length"), _metadata()
    if size is None:
        return _refusal(Problem.EMPTY)
    now = utcnow()
    if metadata.get("consent") == "yes" and not (draft.answers or {}).get("media.consent"):
        draft = _give_consent(draft, now)
    finish_reading(db.session)
    try:
        media = uploads.start_upload(
            draft, metadata.get("slot", ""), size, Limits.from_config(current_app.config), now
        )
    except UploadRefused as refused:
        db.session.rollback()
        return _refusal(refused.problem)
    db.session.commit()
    response = make_response("", 201)
    response.headers["Location"] = url_for("patient.media_piece", public_id=media.public_id)
    return _tus(response)


def _give_consent(draft, now):
    """The box ticked before the script's first upload: saved as the page would save it."""
    answers = draft.answers or {}
    page = {
        **{i.link_id: answers[i.link_id] for i in MEDIA.items if i.link_id in answers},
        "media.consent": True,
    }
    saved = submissions.save_page(
        QUESTIONNAIRE, draft, MEDIA, page, now, current_app.config["DRAFT_EXPIRY_DAYS"], draft.current_step
    )
    return saved.draft if saved else draft


def _own_upload(public_id: str) -> MediaFile | None:
    draft = current_draft()
    return uploads.find_file(draft, public_id) if draft else None


@bp.get("/media/uploads/<public_id>")  # tus asks with HEAD, which Flask answers from GET
def media_offset(public_id: str):
    media = _own_upload(public_id)
    if media is None:
        return _tus(make_response("", 404))
    response = make_response("", 200)
    response.headers["Upload-Offset"] = str(media.received_size)
    response.headers["Upload-Length"] = str(media.declared_size)
    return _tus(response)


@bp.patch("/media/uploads/<public_id>")
@limiter.limit(lambda: current_app.config["MEDIA_PIECE_RATE_LIMIT"], key_func=get_remote_address)
def media_piece(public_id: str):
    media = _own_upload(public_id)
    if media is None:
        return _tus(make_response("", 404))
    if request.mimetype != "application/offset+octet-stream":
        return _tus(make_response("", 415))
    offset = _header_int("Upload-Offset")
    piece = request.get_data(cache=False)
    finish_reading(db.session)
    try:
        received = uploads.add_piece(media, -1 if offset is None else offset, piece, utcnow())
        db.session.commit()
    except UploadRefused as refused:
        db.session.rollback()
        if STATUS.get(refused.problem) == 415:  # not the kind of file its place takes: not kept
            uploads.remove(media)
            db.session.commit()
        return _refusal(refused.problem)
    except IntegrityError:  # two tabs sent the same piece at once: the other one landed
        db.session.rollback()
        return _refusal(Problem.WRONG_OFFSET)
    except SQLAlchemyError:  # a full disk, a database away: the piece is not kept, nothing else is lost
        db.session.rollback()
        current_app.logger.error("an upload piece could not be stored (media %s)", public_id)
        return _refused(str(media_pages.NOT_STORED), 503)
    if media.status == MediaStatus.RECEIVED:
        media_pages.check_soon([media.id])
    response = make_response("", 204)
    response.headers["Upload-Offset"] = str(received)
    return _tus(response)


@bp.delete("/media/uploads/<public_id>")
def media_delete(public_id: str):
    media = _own_upload(public_id)
    if media is None:
        return _tus(make_response("", 404))
    finish_reading(db.session)
    uploads.remove(media)
    db.session.commit()
    return _tus(make_response("", 204))


@bp.get("/media/files")
def media_files():
    """What the page shows of each file, for its script to follow the checks."""
    draft = require_draft()
    files = [
        {
            "id": media.public_id,
            "slot": media.slot,
            "status": media.status,
            "message": media_pages.check_message(media),
            "preview": url_for("patient.media_preview", public_id=media.public_id)
            if media.status == MediaStatus.READY
            else None,
        }
        for media in uploads.files_of(draft.id)
    ]
    return _tus(jsonify(files=files))


@bp.get("/media/<public_id>/preview")
def media_preview(public_id: str):
    """The checked thumbnail (or a video's poster) of the patient's own file."""
    media = _own_upload(public_id)
    name = "thumb" if media is not None and media.kind == "photo" else "poster"
    reader = (
        store.open_rendition(media, name) if media is not None and media.status == MediaStatus.READY else None
    )
    if reader is None:
        return _tus(make_response("", 404))
    response = current_app.response_class(FileWrapper(reader), mimetype="image/jpeg", direct_passthrough=True)
    response.content_length = reader.size
    return _tus(response)
