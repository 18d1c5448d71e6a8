"""The step and welcome pages read the draft without the ORM session
(`submissions.read_draft`); they must find exactly the drafts `find_draft` finds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from intake.extensions import db
from intake.models import Status, utcnow
from intake.patient import submissions
from intake.questionnaire.twitching import QUESTIONNAIRE


def _draft(app, **changes) -> str:
    with app.app_context():
        draft = submissions.start_draft(QUESTIONNAIRE, "es", utcnow(), 30)
        draft.answers = {"consent.language": "es", "about.first_name": "Ana"}
        draft.current_step = "about"
        draft.safety_tier = "urgent"
        for name, value in changes.items():
            setattr(draft, name, value)
        db.session.commit()
        return draft.public_id


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"status": Status.NEW},
        {"expires_at": utcnow() - timedelta(seconds=1)},
        {"emergency_acknowledged": True},
    ],
)
def test_read_draft_finds_what_find_draft_finds(app, changes):
    public_id = _draft(app, **changes)
    now = utcnow()
    with app.app_context():
        found = submissions.find_draft(public_id, now)
        shown = submissions.read_draft(public_id, now)
        if found is None:
            assert shown is None
            return
        assert shown == submissions.DraftView(
            found.answers,
            found.current_step,
            found.safety_tier,
            found.emergency_acknowledged,
            found.language,
            found.id,
            found.row_version,
            found.expires_at,
        )
        assert shown.answers["about.first_name"] == "Ana"  # decrypted, as the ORM reads it


@pytest.mark.parametrize("public_id", [None, "", "no-such-draft"])
def test_read_draft_finds_nothing_for_no_or_an_unknown_id(app, public_id):
    with app.app_context():
        assert submissions.read_draft(public_id, utcnow()) is None


def test_the_draft_read_is_a_statement_of_its_own_outside_any_transaction(app):
    """No BEGIN before it, nothing to roll back after it: on SQLite no write lock is
    asked for, on PostgreSQL two round trips are saved."""
    public_id = _draft(app)
    seen = []

    def in_transaction(conn, _cursor, statement, *_args) -> None:
        if "FROM submission" in statement:
            dbapi = conn.connection.dbapi_connection
            if conn.dialect.name == "sqlite":
                seen.append(dbapi.in_transaction)
            else:
                import psycopg

                seen.append(dbapi.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)

    with app.app_context():
        event.listen(db.engine, "after_cursor_execute", in_transaction)
        try:
            assert submissions.read_draft(public_id, utcnow()) is not None
        finally:
            event.remove(db.engine, "after_cursor_execute", in_transaction)
    assert seen == [False]
