"""The signed CSRF token of a session, signed once per process instead of on every page.

Tokens here never expire by time (WTF_CSRF_TIME_LIMIT = None: a patient may take long
over a page), so the token Flask-WTF signs for a session's secret works whenever it was
signed. Signing it again on every page cost a twelfth of a step page. Flask-WTF keeps a
request's token in `g.csrf_token` and signs only when none is there; this puts the one
signed earlier for the same secret there first.
"""

from __future__ import annotations

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf

FIELD = "csrf_token"
# Bounded: a new secret per new browser session; when full, start again.
MOST_KEPT = 2_000


def csrf_token() -> str:
    signed: dict | None = current_app.extensions.get("signed_csrf_tokens")
    if signed is None:
        return generate_csrf()
    earlier = signed.get((current_app.secret_key, session.get(FIELD)))
    if earlier and FIELD not in g:
        setattr(g, FIELD, earlier)
    token = generate_csrf()
    raw = session.get(FIELD)  # none if the session was cleared after this request's token
    if raw:
        if len(signed) >= MOST_KEPT:
            signed.clear()
        signed[(current_app.secret_key, raw)] = token
    return token


def init_app(app: Flask) -> None:
    if app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return  # tokens that expire must be signed afresh: Flask-WTF's own function stays
    app.extensions["signed_csrf_tokens"] = {}
    app.jinja_env.globals["csrf_token"] = csrf_token
