"""The same person's earlier submissions on the summary (issue 27, part 7): matched by a
keyed hash of the normalised name and date of birth, through an index; a wrong match can
be unlinked, and that is audited."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from intake.extensions import db
from intake.models import AuditEvent, Submission
from tests.answers import MARIA
from tests.conftest import Clinic, make_submission

NOW = datetime.now(timezone.utc)


def _page(clinician: Clinic, public_id: str) -> str:
    response = clinician.client.get(f"/clinic/submissions/{public_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _three_months_apart(app, again: dict | None = None) -> tuple[str, str]:
    before = make_submission(
        app, {**MARIA, "twitch.bother": 8}, reference="BFOR-2222", submitted_at=NOW - timedelta(days=90)
    )
    now = make_submission(app, {**MARIA, "twitch.bother": 4, **(again or {})}, reference="NOWW-2222")
    return before, now


def test_the_same_name_and_birth_date_lists_the_earlier_form_with_what_changed(app, clinician):
    # Case, spacing and an invisible character do not make another person.
    _before, now = _three_months_apart(app, {"about.first_name": "  maria", "about.last_name": "LOPEZ\u200b"})
    page = _page(clinician, now)
    assert 'id="earlier-title"' in page and ">BFOR-2222</a>" in page
    assert '<tr class="changed"><th scope="row">Bother</th><td>8/10</td><td>4/10</td></tr>' in page
    assert "Bother over time:" in page and "<polyline" in page
    assert ">NOWW-2222</a>" not in page, "not listed as its own earlier form"
    with app.app_context():
        viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "submission.viewed")).all()
    assert [e.detail for e in viewed] == ["with earlier: BFOR-2222"], "their answers were read too"


def test_a_later_form_is_not_an_earlier_one(app, clinician):
    before, _now = _three_months_apart(app)
    assert 'id="earlier-title"' not in _page(clinician, before)


@pytest.mark.parametrize(
    "other",
    [{"about.birth_date": "1979-06-16"}, {"about.last_name": "Lopes"}, {"about.first_name": "Mario"}],
)
def test_another_birth_date_or_name_is_another_person(app, clinician, other):
    _before, now = _three_months_apart(app, other)
    assert 'id="earlier-title"' not in _page(clinician, now)


def test_a_clinician_can_unlink_a_wrong_match_and_it_is_audited(app, clinician):
    before, now = _three_months_apart(app)
    page = _page(clinician, now)
    # The summary's button asks first: a mis-click split a person's history for good (review helper).
    asked = clinician.post(
        f"/clinic/submissions/{now}/unlink/{before}", token_from=f"/clinic/submissions/{now}"
    )
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Not the same person?" in question
    assert (
        'name="confirm" value="yes"' in question
        and f'href="/clinic/submissions/{now}">No, keep them together' in question
    )
    assert 'id="earlier-title"' in _page(clinician, now), "nothing changed yet"
    response = clinician.post(
        f"/clinic/submissions/{now}/unlink/{before}",
        {"confirm": "yes"},
        token_from=f"/clinic/submissions/{now}",
    )
    assert response.status_code == 302
    assert 'id="earlier-title"' not in _page(clinician, now)
    assert "BFOR-2222" in page
    with app.app_context():
        [event] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "submission.unlinked")
        ).all()
        assert "not the same person as BFOR-2222" in event.detail
    again = clinician.post(
        f"/clinic/submissions/{now}/unlink/{before}",
        {"confirm": "yes"},
        token_from=f"/clinic/submissions/{now}",
    )
    assert again.status_code == 302
    with app.app_context():
        count = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "submission.unlinked")).all()
        assert len(count) == 1, "a second click changes nothing"


def test_unlinking_needs_the_form_s_token(app, clinician):
    before, now = _three_months_apart(app)
    refused = clinician.client.post(f"/clinic/submissions/{now}/unlink/{before}")
    assert refused.status_code == 400
    assert 'id="earlier-title"' in _page(clinician, now)


def test_the_index_is_a_keyed_hash_not_the_name(app):
    _three_months_apart(app)
    with app.app_context():
        rows = db.session.scalars(select(Submission.person_index)).all()
    assert len(set(rows)) == 1 and len(rows[0]) == 64
    assert "maria" not in rows[0].lower() and "1979" not in rows[0]


@pytest.mark.sqlite_only  # PostgreSQL's planner chooses plans by table statistics
def test_the_lookup_reads_an_index(app):
    with app.app_context():
        plan = db.session.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT id FROM submission WHERE person_index = 'x' "
                "AND status != 'draft' AND submitted_at < '2026-01-01' ORDER BY submitted_at DESC LIMIT 10"
            )
        ).all()
    assert "ix_submission_person_submitted" in " ".join(str(row) for row in plan)
