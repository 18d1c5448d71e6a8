"""The app's one public origin: every absolute link it writes (the clinic's email, a
resume link, the FHIR API's links) starts with PUBLIC_URL, never with the Host header
of the request that happened to cause it, which whoever sends the request chooses. In
production only that host is served (Flask's TRUSTED_HOSTS: any other gets 400).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for


def configure(app: Flask) -> None:
    public = app.config["PUBLIC_URL"] = app.config["PUBLIC_URL"].rstrip("/")
    parts = urlsplit(public)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        raise RuntimeError(
            f"PUBLIC_URL must be the address patients open, like https://intake.example.org (not {public!r})."
        )
    if app.config.get("REQUIRED") and app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = [parts.hostname]


def public_url(path: str) -> str:
    """PUBLIC_URL followed by `path`, an absolute path of this app (as url_for gives it)."""
    return current_app.config["PUBLIC_URL"] + path


def external_url_for(endpoint: str, **values) -> str:
    """url_for(..., _external=True), on PUBLIC_URL rather than the request's host."""
    return public_url(url_for(endpoint, **values))


def request_path_url() -> str:
    """The current request's own address (path, no query) on PUBLIC_URL."""
    return public_url(request.script_root + request.path)
