"""The signed CSRF token of a session, signed once per process and checked once per
process, instead of on every page and every post.

Tokens here never expire by time (WTF_CSRF_TIME_LIMIT = None: a patient may take long
over a page), so the token Flask-WTF signs for a session's secret works whenever it was
signed. Signing it again on every page cost a twelfth of a step page. Flask-WTF keeps a
request's token in `g.csrf_token` and signs only when none is there; this puts the one
signed earlier for the same secret there first.

Checking a posted token's signature cost about a twentieth of a step save. A posted token
equal to the one kept for this session's secret (signed here, or checked here before) is
valid without checking its signature again; any other goes through Flask-WTF's full check.
"""

from __future__ import annotations

import hmac

from flask import Flask, current_app, g, request, session
from flask_wtf import CSRFProtect
from flask_wtf.csrf import generate_csrf

FIELD = "csrf_token"
KEPT = "signed_csrf_tokens"
# Bounded: a new secret per new browser session; when full, start again.
MOST_KEPT = 2_000


def csrf_token() -> str:
    signed: dict | None = current_app.extensions.get(KEPT)
    if signed is None:
        return generate_csrf()
    earlier = signed.get((current_app.secret_key, session.get(FIELD)))
    if earlier and FIELD not in g:
        setattr(g, FIELD, earlier)
    token = generate_csrf()
    _keep(signed, session.get(FIELD), token)  # none if the session was cleared after this request's token
    return token


def _keep(signed: dict, raw: str | None, token: str) -> None:
    if raw:
        if len(signed) >= MOST_KEPT:
            signed.clear()
        signed[(current_app.secret_key, raw)] = token


class CSRFProtectCheckingOnce(CSRFProtect):
    """Flask-WTF's CSRFProtect, which skips the signature check of a posted token that
    equals the token kept for this session's secret, and keeps each token it checked."""

    def protect(self):
        signed: dict | None = current_app.extensions.get(KEPT)
        if signed is None or _referrer_checked():
            return super().protect()
        posted, raw = self._get_csrf_token(), session.get(FIELD)
        kept = signed.get((current_app.secret_key, raw)) if raw else None
        if kept and posted and hmac.compare_digest(kept, posted):
            g.csrf_valid = True
            return None
        super().protect()  # refuses the request unless the token is good
        _keep(signed, raw, posted)
        return None


def _referrer_checked() -> bool:
    """Flask-WTF also checks the Referer of HTTPS posts when WTF_CSRF_SSL_STRICT is on:
    those take its whole path."""
    return request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]


def init_app(app: Flask) -> None:
    if app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return  # tokens that expire must be signed and checked afresh: Flask-WTF's own path stays
    app.extensions[KEPT] = {}
    app.jinja_env.globals["csrf_token"] = csrf_token
