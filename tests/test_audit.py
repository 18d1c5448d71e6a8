"""The audit trail: who did what to which submission, append-only, never health data."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, func, select

from intake import audit
from intake.audit import Action
from intake.extensions import db
from intake.models import AppendOnlyError, AuditEvent, Submission
from tests.answers import MARIA
from tests.conftest import make_submission, sqlite_steps

CANARY = {
    **MARIA,
    "about.first_name": "Zebulon",
    "about.last_name": "Quixote-Canary",
    "visit.goals": "canary-goal-text",
    "history.medicines": "canary-medicine",
}


def _all(app) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_it_records_who_what_when_where_and_which_submission(app):
    public_id = make_submission(app, MARIA)
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "192.0.2.9"}):
        subject = db.session.scalar(select(Submission))
        event = audit.record(Action.VIEWED, None, subject, actor_label="cli")
        db.session.commit()
        assert event.id is not None
    [stored] = _all(app)
    assert (stored.action, stored.actor_label, stored.submission_public_id, stored.ip) == (
        "submission.viewed",
        "cli",
        public_id,
        "192.0.2.9",
    )
    assert stored.at.tzinfo is not None


def test_it_refuses_an_unknown_action(app):
    with app.app_context(), pytest.raises(ValueError):
        audit.record("submission.deleted", None)


def test_it_never_changes_or_deletes_a_row(app):
    with app.app_context():
        audit.record(Action.LOGIN_FAILED, None, actor_label="someone")
        db.session.commit()
        event = db.session.scalar(select(AuditEvent))
        event.detail = "rewritten"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditEvent)))
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
    assert [e.detail for e in _all(app)] == [""]


def test_it_offers_no_route_that_changes_the_trail(app):
    routes = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert [(r.rule, sorted(r.methods - {"HEAD", "OPTIONS"})) for r in routes] == [
        ("/clinic/admin/audit", ["GET"])
    ]


def test_it_keeps_health_data_out_of_the_trail(app, client, clinician):
    public_id = make_submission(app, CANARY)
    page = f"/clinic/submissions/{public_id}"
    client.get(page)
    clinician.post(f"{page}/notes", {"body": "canary-note-text"}, token_from=page)
    clinician.post(f"{page}/reviewed", token_from=page)
    clinician.post("/clinic/", {"q": "Quixote-Canary"}, token_from="/clinic/")
    client.get("/clinic/export.csv?tier=none").get_data()
    clinician.logout()
    events = _all(app)
    assert {e.action for e in events} >= {
        "login",
        "submission.viewed",
        "note.added",
        "submission.reviewed",
        "export.csv",
        "logout",
    }
    for row in events:
        text = " ".join(str(v) for v in (row.actor_label, row.action, row.detail, row.submission_public_id))
        for secret in ("Zebulon", "Quixote", "canary", "Lopez", "1979", "maria@"):
            assert secret.lower() not in text.lower(), (row.action, text)


def test_it_lets_admins_browse_and_filter_the_trail(app, client, admin):
    public_id = make_submission(app, MARIA, reference="TRAK-2222")
    client.get(f"/clinic/submissions/{public_id}")
    page = client.get("/clinic/admin/audit").get_data(as_text=True)
    assert "submission.viewed" in page and "TRAK-2222" in page and "login" in page
    only_views = client.get("/clinic/admin/audit?action=submission.viewed").get_data(as_text=True)
    assert only_views.count("<td>submission.viewed</td>") == 1 and "<td>login</td>" not in only_views
    by_reference = client.get("/clinic/admin/audit?ref=trak2222").get_data(as_text=True)
    assert by_reference.count("<td>submission.viewed</td>") == 1
    unknown = client.get("/clinic/admin/audit?ref=NONE-2222").get_data(as_text=True)
    assert "Nothing recorded matches." in unknown
    assert client.get("/clinic/admin/audit?action=drop+table").status_code == 400


def test_it_pages_the_trail_newest_first(app, client, admin, monkeypatch):
    from intake.clinic import admin as admin_pages

    monkeypatch.setattr(admin_pages, "AUDIT_PAGE_SIZE", 2)
    with app.app_context():
        for n in range(3):
            audit.record(Action.LOGIN_FAILED, None, detail=f"attempt {n}", actor_label="x")
        db.session.commit()
    first = client.get("/clinic/admin/audit?action=login.failed").get_data(as_text=True)
    assert first.index("attempt 2") < first.index("attempt 1") and "attempt 0" not in first
    older = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert "attempt 0" in client.get(older).get_data(as_text=True)


class AuditStoreDown(Exception):
    pass


@pytest.mark.parametrize(
    "page",
    [
        "/clinic/submissions/{id}",
        "/clinic/submissions/{id}/fhir.json",
        "/clinic/export.csv",
        "/clinic/export.fhir.json",
    ],
)
def test_it_serves_no_health_data_when_the_audit_row_cannot_be_written(app, client, clinician, page):
    """The page is made before its audit row is committed: it must not go out without it."""
    public_id = make_submission(app, CANARY)

    def refuse_audit_rows(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"):
            raise AuditStoreDown()

    with app.app_context():
        engine = db.engine
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the error page a browser would get
    event.listen(engine, "before_cursor_execute", refuse_audit_rows)
    try:
        response = client.get(page.format(id=public_id))
        body = response.get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", refuse_audit_rows)
    assert response.status_code == 500
    for secret in ("Zebulon", "Quixote", "canary"):
        assert secret not in body
    assert [
        e.action for e in _all(app) if e.action not in ("login", "login.password", "second_factor.ok")
    ] == []


@pytest.mark.sqlite_only  # counts SQLite's own instructions
def test_a_status_history_costs_the_same_however_often_the_submission_was_viewed(app):
    """Every view writes an audit row; the summary's status history reads only the
    status changes, so its cost follows those, not how many times the page was opened."""
    make_submission(app, MARIA)
    with app.test_request_context("/"):
        subject = db.session.scalar(select(Submission))
        audit.record(Action.REVIEWED, None, subject, actor_label="cli")
        costs = []
        for views in (5, 500):
            while db.session.scalar(select(func.count()).select_from(AuditEvent)) < views:
                audit.record(Action.VIEWED, None, subject, actor_label="cli")
            db.session.commit()
            costs.append(sqlite_steps(lambda: audit.status_history(subject)))
            assert [e.action for e in audit.status_history(subject)] == [Action.REVIEWED]
    assert costs[1] < 1.2 * costs[0], costs


def _status_history_plans(public_id: str) -> list[str]:
    """How the database would find a status history: SQLite's plan; on PostgreSQL the
    plan for these values and the cached (generic) plan a prepared statement ends up
    with, which sees no bound value."""
    connection = db.session.connection()
    sql = str(audit.STATUS_HISTORY.compile(dialect=connection.dialect))
    if connection.dialect.name == "sqlite":
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", (public_id,)).all()
        return [" | ".join(row[-1] for row in plan)]
    connection.exec_driver_sql(f"PREPARE history(varchar) AS {sql.replace('%(public_id)s', '$1')}")
    plans = []
    for mode in ("force_custom_plan", "force_generic_plan"):
        connection.exec_driver_sql(f"SET plan_cache_mode = {mode}")
        # EXPLAIN EXECUTE takes no bound parameters; the id is a UUID, safe to write in.
        rows = connection.exec_driver_sql(f"EXPLAIN EXECUTE history('{uuid.UUID(public_id)}')").scalars()
        plans.append(" | ".join(rows))
    connection.exec_driver_sql("RESET plan_cache_mode")
    connection.exec_driver_sql("DEALLOCATE history")
    return plans


def test_a_status_history_reads_only_status_changes_before_any_statistics(app):
    """A new deployment's audit trail has never been analysed; PostgreSQL then scanned a
    submission's every event (views included) for its few status changes. The history
    reads a partial index that holds the status changes alone, with the actions written
    into the SQL so that even a cached generic plan can use it."""
    make_submission(app, MARIA)
    with app.test_request_context("/"):
        subject = db.session.scalar(select(Submission))
        audit.record(Action.REVIEWED, None, subject, actor_label="cli")
        for _ in range(200):
            audit.record(Action.VIEWED, None, subject, actor_label="cli")
        db.session.commit()
        plans = _status_history_plans(subject.public_id)
        assert [e.action for e in audit.status_history(subject)] == [Action.REVIEWED]
    assert plans and all("ix_audit_event_status_changes" in plan for plan in plans), plans
