"""The app's own floor: what a page costs before it does any work of its own.

The same app as production (`create_app()` and every app-wide hook: the session cookie,
Babel, the request log line, the security headers), with routes added here only, never
in the app itself:

- `/floor/empty` returns the baseline's fixed page;
- `/floor/draft` first reads the browser's draft as a step GET does
  (`submissions.find_draft`: one ORM query by public id, its answers decrypted as they
  load, read as every patient GET reads: `start_reading(page_view=True)`);
- `POST /floor/draft-save` reads it so and writes it back the one way a save writes a
  draft (`submissions._write`, through `switch_language` to the same language: one
  UPDATE of what changed, onto the version read, one commit), then redirects: a save
  with no form to check. Like every POST it passes the CSRF check first.

bench/run.py measures them beside the baseline: the table then says how much of the
baseline's throughput is spent before a step page renders anything.
"""

import os
import sys
from pathlib import Path

from flask import Blueprint, Flask, redirect, session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake import create_app  # noqa: E402
from intake.extensions import db  # noqa: E402
from intake.models import utcnow  # noqa: E402
from intake.patient import submissions  # noqa: E402
from intake.storage.database import start_reading  # noqa: E402

PAGE = ("<!doctype html><title>floor</title>" + "x" * int(os.environ.get("BASELINE_BYTES", "8000"))).encode()
HTML = {"Content-Type": "text/html; charset=utf-8"}

floor = Blueprint("floor", __name__, url_prefix="/floor")


@floor.get("/empty")
def empty():
    return PAGE, 200, HTML


@floor.get("/draft")
def draft():
    start_reading(db.session, page_view=True)
    found = submissions.find_draft(session.get("draft"), utcnow())
    return (PAGE, 200, HTML) if found is not None else ("no draft", 404)


@floor.post("/draft-save")
def draft_save():
    start_reading(db.session)
    draft = submissions.find_draft(session.get("draft"), utcnow())
    if draft is None:
        return "no draft", 404
    # The one way a draft is written, with a change that changes nothing of its content.
    submissions.switch_language(draft, draft.language, utcnow(), 30)
    db.session.commit()
    return redirect("/floor/empty")


def with_floor(app: Flask) -> Flask:
    app.register_blueprint(floor)
    return app


def build() -> Flask:
    """What gunicorn serves: `gunicorn ... "floor_app:build()"`."""
    return with_floor(create_app())
