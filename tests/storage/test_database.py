"""SQLite is set up for concurrent writers; PostgreSQL gets the same behaviour."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator

import pytest
from flask import before_render_template
from sqlalchemy import create_engine, event, func, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from intake.audit import Action, commit_after_reading
from intake.extensions import db
from intake.models import AuditEvent, Status
from intake.storage.database import READ_ONLY, start_reading
from tests.answers import COMPLETE_FORM, MARIA
from tests.conftest import (
    Clinic,
    Patient,
    all_submissions,
    app_with_schema,
    make_clinician,
    make_submission,
    statements_sent,
)


@pytest.fixture
def sqlite_path(tmp_path):
    return tmp_path / "concurrency.db"


@pytest.fixture
def sqlite_app(sqlite_path):
    """Always SQLite, whichever databases the rest of the suite runs on."""
    with app_with_schema(f"sqlite:///{sqlite_path}") as app:
        yield app


def test_it_turns_on_wal_busy_timeout_and_foreign_keys(sqlite_app):
    with sqlite_app.app_context():
        pragma = lambda name: db.session.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("busy_timeout") == 5000
        assert pragma("foreign_keys") == 1


def test_it_waits_for_another_writer_instead_of_failing(sqlite_app, sqlite_path):
    patient = Patient(sqlite_app.test_client())
    patient.complete_all_steps()
    path = str(sqlite_path)
    locked = threading.Event()

    def hold_the_write_lock():
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(1.5)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    locked.wait()
    started = time.monotonic()
    response = patient.submit()
    holder.join()

    assert response.status_code == 302 and response.location.endswith("/done")
    assert time.monotonic() - started >= 1.0, "the submit waited for the lock"
    assert all_submissions(sqlite_app)[0].status == Status.NEW


@pytest.mark.parametrize("path", ["/", "/step/safety"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_it_renders_patient_pages_while_another_connection_writes(sqlite_app, sqlite_path, method, path):
    """A page view only reads: it must not queue behind a writer for the write lock."""
    patient = Patient(sqlite_app.test_client())
    patient.start()
    writer = sqlite3.connect(str(sqlite_path), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        response = patient.client.open(path, method=method)
        waited = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 200 and waited < 1.0, f"the page waited {waited:.1f} s for the write lock"


def _write_lock_is_free(path) -> bool:
    other = sqlite3.connect(str(path), isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.mark.parametrize("action", ["next", "back", "later"])
def test_a_save_checks_the_form_without_holding_the_write_lock(sqlite_app, sqlite_path, monkeypatch, action):
    """Parsing and checking a page takes most of a save; writers must not queue behind it."""
    from intake.patient.forms import StepForm

    patient = Patient(sqlite_app.test_client())
    patient.start()
    seen = []
    for name in ("validate_step", "validate_partial"):
        original = getattr(StepForm, name)

        def checking(self, *args, _original=original, **kwargs):
            seen.append(_write_lock_is_free(sqlite_path))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(StepForm, name, checking)
    response = patient.answer("safety", action=action)
    assert response.status_code == 302
    assert seen == [True]


def test_it_refuses_a_write_inside_a_read_only_transaction(sqlite_app):
    """A read-only transaction that wrote would fail only under load (SQLite cannot move a
    read snapshot to a write once another connection wrote): it fails always instead."""
    with sqlite_app.app_context():
        db.session.connection(execution_options={READ_ONLY: True})
        with pytest.raises(OperationalError, match="readonly"):
            db.session.execute(text("CREATE TABLE written_while_reading (x)"))
        db.session.rollback()
        db.session.execute(text("CREATE TABLE written_in_a_write_transaction (x)"))
        db.session.commit()


@contextmanager
def write_lock_probes(app, path) -> Iterator[list[tuple[str, bool]]]:
    """At each SELECT the app runs and each template it renders: (what, whether another
    connection could have taken the write lock just then)."""
    seen: list[tuple[str, bool]] = []

    def on_statement(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((" ".join(statement.split()[:8]), _write_lock_is_free(path)))

    def on_render(_app, template, **_extra):
        seen.append((f"render {template.name}", _write_lock_is_free(path)))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_statement)
    before_render_template.connect(on_render, app)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        before_render_template.disconnect(on_render, app)


@pytest.fixture
def signed_in(sqlite_app):
    make_clinician(sqlite_app)
    clinic = Clinic(sqlite_app, sqlite_app.test_client())
    assert clinic.login().status_code == 302
    return clinic


@pytest.mark.parametrize(
    "page",
    [
        "/clinic/",
        "/clinic/submissions/{id}",
        "/clinic/submissions/{id}/fhir.json",
        "/clinic/export.csv",
        "/clinic/export.fhir.json",
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_it_reads_and_renders_clinician_pages_without_holding_the_write_lock(
    sqlite_app, sqlite_path, signed_in, page, method
):
    """Two workers then serve these pages side by side, and no patient's save waits on a
    render; only the audit row's INSERT, after the page is made, takes the lock."""
    public_id = make_submission(sqlite_app, MARIA)
    with write_lock_probes(sqlite_app, sqlite_path) as seen:
        response = signed_in.client.open(page.format(id=public_id), method=method)
        response.get_data()
    assert response.status_code == 200
    assert seen and [what for what, free in seen if not free] == [], "read or rendered under the write lock"


def test_it_writes_the_summary_audit_row_after_waiting_for_another_writer(sqlite_app, sqlite_path, signed_in):
    """The row goes in a write transaction of its own, which queues for the lock: never
    in the read transaction, whose snapshot another writer's commit has made stale."""
    public_id = make_submission(sqlite_app, MARIA)
    locked = threading.Event()

    def write_for_a_second():
        writer = sqlite3.connect(str(sqlite_path), isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(1.0)
        writer.execute("UPDATE submission SET updated_at = updated_at")
        writer.execute("COMMIT")
        writer.close()

    holder = threading.Thread(target=write_for_a_second)
    holder.start()
    locked.wait()
    started = time.monotonic()
    response = signed_in.client.get(f"/clinic/submissions/{public_id}")
    waited = time.monotonic() - started
    holder.join()
    assert response.status_code == 200 and "Maria Lopez" in response.get_data(as_text=True)
    assert waited >= 0.9, "the audit row waited for the lock"
    with sqlite_app.app_context():
        views = db.session.scalars(
            select(AuditEvent.submission_public_id).where(AuditEvent.action == Action.VIEWED)
        )
        assert list(views) == [public_id]


def _in_a_transaction(connection) -> bool:
    """Whether the statement about to run (before_cursor_execute) is inside a transaction."""
    driver = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite":
        return driver.in_transaction
    return not driver.autocommit  # psycopg sends its BEGIN with the first statement


@pytest.mark.parametrize(
    "call", ["/fhir/QuestionnaireResponse/{id}", "/fhir/QuestionnaireResponse?_lastUpdated=ge2000-01-01"]
)
def test_the_fhir_api_reads_without_holding_the_write_lock(sqlite_app, sqlite_path, call):
    """An integration polling the API must not queue patients' saves behind it; only the
    audit row and the token's last use, written after the reading, take the lock."""
    from intake.fhir import tokens
    from intake.models import ApiToken

    public_id = make_submission(sqlite_app, MARIA)
    with sqlite_app.app_context():
        _, token = tokens.create("ehr", "test", datetime.now(timezone.utc))
        db.session.commit()
    client = sqlite_app.test_client()
    with write_lock_probes(sqlite_app, sqlite_path) as seen:
        response = client.get(call.format(id=public_id), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert seen and [what for what, free in seen if not free] == [], "read under the write lock"
    with sqlite_app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def _traced_statements(engine) -> list[str]:
    """Every SQL statement SQLite runs from now on, on new connections (from their first)."""
    statements: list[str] = []
    event.listen(engine, "connect", lambda dbapi, _record: dbapi.set_trace_callback(statements.append))
    engine.dispose()
    return statements


def test_each_database_gets_the_checkout_check_it_needs(app, client):
    """PostgreSQL: a pooled connection the server dropped is replaced before use, not
    handed to a page. SQLite: no server can drop one, so no ping statement is spent."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        statements = _traced_statements(engine)
        assert Patient(client).start().status_code == 302
        for _ in range(3):  # the first request opened the connection; these reuse it
            assert client.get("/step/safety").status_code == 200  # reads with Core
            assert client.get("/review").status_code == 302  # reads in the ORM session
        assert [sql for sql in statements if "FROM submission" in sql]  # the trace saw the reads
        assert not [sql for sql in statements if sql.strip().upper() == "SELECT 1"]
        return
    assert client.get("/readyz").status_code == 200  # leaves a used connection in the pool
    outsider = create_engine(engine.url)
    with outsider.connect() as connection:
        dropped = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    outsider.dispose()
    assert dropped >= 1
    assert client.get("/readyz").status_code == 200  # it queries: a dropped connection would fail


def test_a_step_save_writes_once_and_commits_once(app, client):
    """A POST reads in a read-only transaction, then writes in one transaction of its own:
    one UPDATE of the draft, committed once (on SQLite, after one BEGIN IMMEDIATE)."""
    form = _safety_form(client)
    with statements_sent(app) as (engine, sent):
        assert client.post("/step/safety", data=form).status_code == 302
    statements = [s.upper() for s in sent]
    writes = [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) == 1 and writes[0].startswith("UPDATE SUBMISSION"), writes
    if engine.dialect.name == "sqlite":
        assert statements.count("BEGIN IMMEDIATE") == 1 and statements.count("COMMIT") == 2, statements
    assert all_submissions(app)[0].answers["safety.signs"] == ["none"]


def _safety_form(client) -> dict:
    """A started draft's safety page, filled in, ready to post with its CSRF token."""
    patient = Patient(client)
    patient.start()
    return {**COMPLETE_FORM["safety"], "action": "next", "csrf_token": patient.token()}


def test_a_connection_that_served_a_read_can_write_again(sqlite_app):
    with sqlite_app.app_context():
        engine = db.engine
    engine.dispose()
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        connection.execute(text("SELECT 1"))
        connection.rollback()
    with engine.begin() as connection:  # the pool hands the same connection back
        connection.execute(text("CREATE TABLE written_after_a_read (x)"))
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE written_after_a_read"))


def test_what_a_page_view_writes_after_its_reads_is_all_or_nothing(app):
    """A GET's reads run without a transaction of their own on PostgreSQL (autocommit, see
    storage.database.start_reading); what it then writes (an audit row after the page was
    built) still lands in one transaction: a failing row takes the statements before it
    back with it."""
    with app.test_request_context("/clinic/"):
        start_reading(db.session, page_view=True)
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
        first = insert(AuditEvent).values(actor_label="first", action="viewed", detail="")
        with pytest.raises(IntegrityError):
            commit_after_reading(AuditEvent(actor_label=None, action="viewed"), first)
        db.session.rollback()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
