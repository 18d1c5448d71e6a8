"""A submission's photos and videos for the clinician: each checked file, streamed with
range requests for the player, `no-store`, and audited once per view and per download
(which file and which rendition; never anything of what it shows)."""

from __future__ import annotations

from flask import abort, request

from intake import audit
from intake.audit import Action
from intake.clinic.blueprint import bp, me
from intake.clinic.views import submission_or_404
from intake.media import gallery, serving

RENDITIONS = frozenset({"main", "thumb", "poster"})


@bp.get("/submissions/<public_id>/media/<media_id>/<rendition>")
def media_file(public_id: str, media_id: str, rendition: str):
    found = submission_or_404(public_id)
    media = gallery.ready_file(found.id, media_id) if rendition in RENDITIONS else None
    download = request.args.get("download") == "1" and rendition == "main"
    name = f"{found.reference}-{media.slot.replace('.', '-')}" if media and download else None
    response = serving.rendition_response(media, rendition, download_name=name) if media else None
    if response is None:
        abort(404)
    if download or serving.starts_a_view():
        action = Action.MEDIA_DOWNLOADED if download else Action.MEDIA_VIEWED
        audit.commit_after_reading(audit.event(action, me(), found, detail=f"{media.slot} {rendition}"))
    return response
