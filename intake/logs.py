"""Structured logs: one JSON object per line on stderr, each with the request's id.

Never health data, passwords or tokens: requests are logged by method, route (secret
route arguments such as a resume token replaced by "<redacted>", no query string),
status and duration, never bodies or headers; errors by type and code location, never
their message, which can quote the data that caused them (see `describe`).

The stdlib's `logging` with a small formatter, not structlog: every library already logs
through `logging`, and one formatter is all the structure needed here.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-ID"
# A load balancer's id is kept when it looks like one; anything else is replaced.
INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Route arguments that are secrets in themselves.
SECRET_ARGS = frozenset({"token"})
ROUTE_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
# In a path that matched no route, any long segment may be a mistyped secret link.
LONG_SEGMENT = re.compile(r"[^/]{20,}")
REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "remote_addr")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = g.get("request_id")
        entry.update({name: getattr(record, name) for name in REQUEST_FIELDS if hasattr(record, name)})
        if hasattr(record, "error"):
            entry["error"] = record.error
        elif record.exc_info and record.exc_info[1] is not None:
            entry["error"] = describe(record.exc_info[1])  # another library's logger.exception
        return json.dumps(entry, ensure_ascii=False, default=str)


def describe(error: BaseException) -> dict:
    """An exception as the logs may hold it: its type and where it was raised, without
    its message. Log with `extra={"error": describe(error)}`, never `logger.exception`,
    so that no handler anywhere (a test's, a server's) can print the message."""
    frames = traceback.extract_tb(error.__traceback__)[-10:]
    return {
        "type": type(error).__name__,
        "at": [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames],
    }


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a server's or a test's capture)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def loggable_path() -> str:
    """The path with secret route arguments replaced; unmatched paths lose long segments."""
    rule = request.url_rule
    if rule is None:
        return LONG_SEGMENT.sub("<redacted>", request.path)[:200]
    args = request.view_args or {}

    def value(match: re.Match) -> str:
        name = match.group(1)
        return "<redacted>" if name in SECRET_ARGS else str(args.get(name, match.group(0)))

    return ROUTE_ARG.sub(value, rule.rule)


def _start() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started", time.perf_counter())
    logging.getLogger("intake.request").info(
        "request",
        extra={
            "method": request.method,
            "path": loggable_path(),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "remote_addr": request.remote_addr,
        },
    )
    return response


def init_app(app: Flask) -> None:
    logger = logging.getLogger(app.name)
    if not any(isinstance(handler, StderrHandler) for handler in logger.handlers):
        handler = StderrHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    logger.removeHandler(default_handler)
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    # Werkzeug's development server logs each request line, resume tokens and all;
    # the app logs requests itself (above), so only its warnings remain.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.before_request(_start)
    app.after_request(_finish)
