"""A step save's UPDATE (`submissions.write_draft`) sets an indexed column only when its
value changes: the safety tier, the expiry, the resume token's hash. Each one set costs
its index entries rewritten (SQLite does it even for the same value) and, on PostgreSQL,
the update that writes no index (HOT)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from typing import Iterator

from intake.extensions import db
from intake.models import utcnow
from intake.patient import submissions
from intake.questionnaire.safety import Tier
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.conftest import all_submissions, listening

DAYS = 30
INDEXED = ("safety_tier", "expires_at", "resume_token_hash")


def _new_draft(app, now) -> str:
    with app.app_context():
        draft = submissions.start_draft(QUESTIONNAIRE, "en", now, DAYS)
        db.session.commit()
        return draft.public_id


def _save(app, public_id: str, page: str, answers: dict, now, **options) -> submissions.Written:
    with app.app_context():
        seen = submissions.read_draft(public_id, now)
        step = QUESTIONNAIRE.step(page)
        return submissions.save_page(
            QUESTIONNAIRE, public_id, seen, step, answers, now, DAYS, page, **options
        )


@contextmanager
def _set_columns(app) -> Iterator[list[set[str]]]:
    """The indexed columns in the SET list of each UPDATE of a submission."""
    seen: list[set[str]] = []

    def before_execute(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("UPDATE SUBMISSION SET"):
            set_list = statement.split(" WHERE ")[0]
            seen.append({column for column in INDEXED if f"{column}=" in set_list.replace(" ", "")})

    with listening(app, "before_cursor_execute", before_execute):
        yield seen


def test_a_save_that_changes_no_indexed_value_sets_no_indexed_column(app):
    start = utcnow()
    public_id = _new_draft(app, start)
    _save(
        app, public_id, "about", {"about.first_name": "Ana"}, start + timedelta(minutes=5)
    )  # moves the expiry
    with _set_columns(app) as updates:
        _save(app, public_id, "about", {"about.first_name": "Ana María"}, start + timedelta(minutes=20))
    assert updates == [set()]
    [draft] = all_submissions(app)
    assert draft.answers["about.first_name"] == "Ana María"
    assert draft.updated_at == start + timedelta(minutes=20)


def test_a_save_that_changes_the_safety_tier_sets_it_either_way(app):
    start = utcnow()
    public_id = _new_draft(app, start)
    with _set_columns(app) as updates:
        raised = _save(app, public_id, "safety", {"safety.signs": ["face_droop"]}, start)
    assert "safety_tier" in updates[0]
    assert raised.draft.safety_tier == all_submissions(app)[0].safety_tier == Tier.EMERGENCY.value
    with _set_columns(app) as updates:
        lowered = _save(app, public_id, "safety", {"safety.signs": ["none"]}, start)
    assert "safety_tier" in updates[0]
    assert lowered.draft.safety_tier == all_submissions(app)[0].safety_tier == Tier.NONE.value


def test_save_for_later_sets_the_new_resume_tokens_hash_and_nothing_else_does(app):
    start = utcnow()
    public_id = _new_draft(app, start)
    with _set_columns(app) as updates:
        saved = _save(app, public_id, "about", {"about.first_name": "Ana"}, start, resume_link=True)
        _save(app, public_id, "about", {"about.first_name": "Ana"}, start + timedelta(minutes=1))
    assert "resume_token_hash" in updates[0] and "resume_token_hash" not in updates[1]
    with app.app_context():
        assert submissions.find_by_resume_token(saved.resume_token, start).public_id == public_id


def test_the_expiry_moves_at_most_once_an_hour_and_never_before_the_promised_days(app):
    start = utcnow()
    public_id = _new_draft(app, start)
    promised = timedelta(days=DAYS)
    # Made at 0, kept until 0 + 30 days: at 10 minutes the promise passes it, so it moves
    # to 10 minutes + 30 days + the hour's slack, which covers saves until 70 minutes.
    moves = {0: False, 10: True, 59: False, 69: False, 71: True, 200: True}
    for minutes, expected in moves.items():
        now = start + timedelta(minutes=minutes)
        with _set_columns(app) as updates:
            _save(app, public_id, "about", {"about.first_name": f"Ana {minutes}"}, now)
        expires_at = all_submissions(app)[0].expires_at
        assert now + promised <= expires_at <= now + promised + submissions.EXPIRY_SLACK, minutes
        assert ("expires_at" in updates[0]) == expected, minutes


def test_a_save_brings_an_expiry_set_under_a_longer_setting_back_within_the_promise(app):
    """DRAFT_EXPIRY_DAYS lowered: a draft saved under the old setting is kept no longer
    than the new one allows once it is saved again."""
    start = utcnow()
    with app.app_context():
        draft = submissions.start_draft(QUESTIONNAIRE, "en", start, DAYS * 3)
        db.session.commit()
        public_id = draft.public_id
    _save(app, public_id, "about", {"about.first_name": "Ana"}, start + timedelta(minutes=1))
    expires_at = all_submissions(app)[0].expires_at
    saved_at = start + timedelta(minutes=1)
    assert (
        saved_at + timedelta(days=DAYS)
        <= expires_at
        <= saved_at + timedelta(days=DAYS) + submissions.EXPIRY_SLACK
    )
