"""A stored rendition sent over HTTP: decrypted as it streams, with range requests (a
video player seeks; Werkzeug's own conditional-response handling answers 206 and 416),
never cached by the browser or a proxy (`no-store`: these are pictures of a face)."""

from __future__ import annotations

from flask import Response, current_app, request
from werkzeug.wsgi import FileWrapper

from intake.media import store
from intake.media.uploads import UPLOAD
from intake.models import MediaFile

EXTENSIONS = {"image/jpeg": "jpg", "video/mp4": "mp4", "video/webm": "webm"}


def rendition_response(media: MediaFile, name: str, download_name: str | None = None) -> Response | None:
    """The rendition's bytes; None if the file has no such rendition."""
    rendition = media.rendition(name)
    if rendition is None or rendition.name == UPLOAD:  # never the unchecked bytes
        return None
    reader = store.RenditionReader(media.public_id, rendition)
    response = current_app.response_class(
        FileWrapper(reader, store.CHUNK), mimetype=rendition.content_type, direct_passthrough=True
    )
    response.content_length = rendition.size
    if rendition.sha1:
        response.set_etag(f"{rendition.sha1}-{name}")
    response.headers["Cache-Control"] = "no-store"
    if download_name:
        extension = EXTENSIONS.get(rendition.content_type, "bin")
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name}.{extension}"'
    return response.make_conditional(request, accept_ranges=True, complete_length=rendition.size)


def starts_a_view() -> bool:
    """Whether this request begins a view (no Range, or one from byte 0), so that a player
    seeking through a video is audited once, not once per seek."""
    header = request.headers.get("Range", "")
    return not header or header.replace(" ", "").startswith("bytes=0-")
