"""How large a request body may be: MAX_CONTENT_LENGTH (256 KB) everywhere but where a
patient sends photos and video, so that nothing else can be made to read megabytes.

Decided from the matched route, before anything reads the body (CSRFProtect reads the
form in the app's first before_request, so a view setting a limit would be too late).
"""

from __future__ import annotations

from flask import Request, current_app

MB = 1024 * 1024
MEDIA_STEP = ("patient.save", "media")  # the photos page posted whole, without JavaScript
MEDIA_PIECE = "patient.media_piece"  # one piece of a resumable upload (1 MB)


class SizedRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        endpoint = self.url_rule.endpoint if self.url_rule is not None else None
        if endpoint == MEDIA_PIECE:
            return MB + 64 * 1024
        if (endpoint, (self.view_args or {}).get("step_id")) == MEDIA_STEP:
            return (current_app.config["MEDIA_MAX_DRAFT_MB"] + 1) * MB
        return current_app.config["MAX_CONTENT_LENGTH"]
