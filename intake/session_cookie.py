"""Flask's signed cookie session, its signing serializer built once per set of keys and
each cookie's signature checked once per process."""

from __future__ import annotations

import copy
import time

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

# Bounded: one entry per cookie value seen (a new value whenever a session changes).
MOST_KEPT = 2_000


class SessionCookie(SecureCookieSessionInterface):
    """Flask builds the serializer that signs and checks the session cookie on every
    request, at about a tenth of an empty page's cost; it depends only on the keys.

    Checking a cookie's signature and decoding it cost as much again, for a value the
    browser sends unchanged page after page. A cookie value that passed the check is
    kept with what it holds and when it was signed: the same value under the same keys
    opens to the same session, so only its age is checked again (as itsdangerous checks
    it). A value that fails the check is never kept.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}
        self._opened: dict[tuple[tuple, str], tuple[dict, int]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        return self._serializer(app, _keys(app))

    def _serializer(self, app: Flask, keys: tuple) -> URLSafeTimedSerializer | None:
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        keys = _keys(app)
        serializer = self._serializer(app, keys)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (keys, value)
        opened = self._opened.get(key)
        if opened is None:
            try:
                data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            if len(self._opened) >= MOST_KEPT:
                self._opened.clear()
            opened = self._opened[key] = (data, int(signed_at.timestamp()))
        data, signed_at = opened
        if not 0 <= int(time.time()) - signed_at <= max_age:
            return self.session_class()
        return self.session_class(copy.deepcopy(data))  # the request may change its copy


def _keys(app: Flask) -> tuple:
    return app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ())
