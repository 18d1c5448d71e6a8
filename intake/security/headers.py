"""HTTP headers that every response carries, and the checks every request passes first:
no NUL character anywhere, no form post started by another site."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request

# Scripts and styles are files from this site only: no inline code, no third parties.
CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'; img-src 'self' data: blob:; media-src 'self' blob:"
)
HSTS = "max-age=31536000; includeSubDomains"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What browsers say in Sec-Fetch-Site about a request another site started.
FOREIGN = frozenset({"cross-site", "same-site"})


def register(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.before_request(refuse_cross_site_posts)
    app.after_request(set_security_headers)


def refuse_nul_characters() -> None:
    """No person types NUL, and PostgreSQL can neither store nor compare it: a request
    carrying one anywhere is refused before any view reads it (no page has such an
    address; no form or filter takes such a value)."""
    if "\x00" in request.path:
        abort(404)
    if _has_nul(request.args) or (request.method == "POST" and _has_nul(request.form)):
        abort(400)


def refuse_cross_site_posts() -> None:
    """Defence in depth behind the CSRF token: a browser tells us when another site
    (or a sibling subdomain) sent a form here. Clients that send no such header pass."""
    if request.method not in SAFE_METHODS and request.headers.get("Sec-Fetch-Site") in FOREIGN:
        abort(403)


def set_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if request.endpoint != "static":
        # Pages may show health data: never keep them in a shared or back-button cache.
        response.headers["Cache-Control"] = "no-store"
    if current_app.config.get("HSTS"):
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)
