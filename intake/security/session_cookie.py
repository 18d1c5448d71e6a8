"""Flask's signed cookie session, with its signing serializer built once per set of keys.

Flask builds the serializer that signs and checks the session cookie on every request,
at about a tenth of an empty page's cost (bench/HISTORY.md), though it depends only on
the keys. Everything else (the signature and age checks) is Flask's and itsdangerous's own.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionCookie(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ())
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]
