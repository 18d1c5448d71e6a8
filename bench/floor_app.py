"""The app's own floor: what a page costs before it does any work of its own.

The same app as production (`create_app()` and every app-wide hook: the session cookie,
Babel, the request log line, the security headers), with routes added here only, never
in the app itself:

- `/floor/empty` returns the baseline's fixed page;
- `/floor/draft` first reads the browser's draft as a Flask-SQLAlchemy view does: one
  ORM query by public id, its answers decrypted as they load, in the read-only
  transaction the patient pages' GETs use;
- `/floor/draft-core` reads the same row with SQLAlchemy Core on a connection of its
  own, without the ORM session.

bench/run.py measures them beside the baseline: the table then says how much of the
baseline's throughput is spent before a step page renders anything.
"""

import os
import sys
from pathlib import Path

from flask import Blueprint, Flask, session
from sqlalchemy import bindparam, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake import create_app  # noqa: E402
from intake.database import READ_ONLY, start_reading  # noqa: E402
from intake.extensions import db  # noqa: E402
from intake.models import Submission  # noqa: E402
from intake.submissions import BY_PUBLIC_ID  # noqa: E402

PAGE = ("<!doctype html><title>floor</title>" + "x" * int(os.environ.get("BASELINE_BYTES", "8000"))).encode()
HTML = {"Content-Type": "text/html; charset=utf-8"}
STATUS_AND_ANSWERS = select(Submission.status, Submission.answers).where(
    Submission.public_id == bindparam("public_id"))

floor = Blueprint("floor", __name__, url_prefix="/floor")


@floor.get("/empty")
def empty():
    return PAGE, 200, HTML


@floor.get("/draft")
def draft():
    start_reading(db.session)
    found = db.session.scalar(BY_PUBLIC_ID, {"public_id": session.get("draft")})
    return (PAGE, 200, HTML) if found is not None else ("no draft", 404)


@floor.get("/draft-core")
def draft_core():
    with db.engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        found = connection.execute(STATUS_AND_ANSWERS, {"public_id": session.get("draft")}).first()
    return (PAGE, 200, HTML) if found is not None else ("no draft", 404)


def with_floor(app: Flask) -> Flask:
    app.register_blueprint(floor)
    return app


def build() -> Flask:
    """What gunicorn serves: `gunicorn ... "floor_app:build()"`."""
    return with_floor(create_app())
