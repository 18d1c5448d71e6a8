"""Data lifecycle: expired drafts and (with a retention period) old submissions are
deleted and audited with counts only; encrypted backups restore to the same data."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from intake.extensions import db
from intake.models import AuditEvent, ReviewNote, Submission
from intake.storage import backup as backups
from tests.answers import MARIA
from tests.conftest import Clinic, Patient, make_app, make_clinician, make_submission
from tests.security.test_encryption import CANARIES, review_with_a_note, send_canary_submission

TABLES = ("submission", "clinician", "review_note", "audit_event")


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- purge -------------------------------------------------------------------------------


def test_purge_deletes_expired_drafts_only_and_audits_the_counts(app, client):
    Patient(client).start()
    Patient(app.test_client()).start()
    Patient(app.test_client()).start()  # this one stays fresh
    make_submission(app, MARIA)
    with app.app_context():
        drafts = list(db.session.scalars(select(Submission).where(Submission.status == "draft")))
        for draft in drafts[:2]:
            draft.expires_at = datetime.now(timezone.utc) - timedelta(minutes=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 expired drafts, 0 submissions and 0 notes." in result.output
    with app.app_context():
        assert sorted(db.session.scalars(select(Submission.status))) == ["draft", "new"]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "data.purged"))
        assert (event.actor_label, event.detail) == ("cli", "drafts=2 submissions=0 notes=0 uploads=0")


def test_purge_deletes_submissions_past_the_retention_period_with_their_notes(app_with):
    app = app_with(RETENTION_DAYS=365)
    now = datetime.now(timezone.utc)
    old = make_submission(app, MARIA, submitted_at=now - timedelta(days=400))
    kept = make_submission(app, MARIA, submitted_at=now - timedelta(days=300))
    author = make_clinician(app)
    with app.app_context():
        for public_id in (old, old, kept):
            found = db.session.scalar(select(Submission).where(Submission.public_id == public_id))
            db.session.add(ReviewNote(submission_id=found.id, author_id=author, body="note", created_at=now))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert "Deleted 0 expired drafts, 1 submissions and 2 notes." in result.output
    with app.app_context():
        assert list(db.session.scalars(select(Submission.public_id))) == [kept]
        assert db.session.scalar(select(func.count(ReviewNote.id))) == 1
        details = list(
            db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "data.purged"))
        )
    assert details == ["drafts=0 submissions=1 notes=2 uploads=0"]


def test_purge_keeps_every_submission_without_a_retention_period(app):
    make_submission(app, MARIA, submitted_at=datetime.now(timezone.utc) - timedelta(days=5000))
    app.test_cli_runner().invoke(args=["purge-expired"])
    assert _count(app, Submission) == 1


@pytest.fixture
def app_with(database_url):
    """An app with extra settings on the test database (tables made and dropped)."""
    made = []

    def build(**settings):
        made.append(make_app(database_url, **settings))
        with made[-1].app_context():
            db.drop_all()
            db.create_all()
        return made[-1]

    yield build
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


# --- backup and restore ------------------------------------------------------------------


def _row_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as connection:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}  # noqa: S608


def _answers(app) -> list[dict]:
    with app.app_context():
        found = [s.answers for s in db.session.scalars(select(Submission).order_by(Submission.id))]
        db.session.remove()
    return found


@pytest.mark.sqlite_only
def test_backup_then_restore_gives_back_the_same_data(app, database_url, patient, clinician, tmp_path):
    send_canary_submission(patient)
    review_with_a_note(app, clinician)
    Patient(app.test_client()).start()
    backup = tmp_path / "intake.storage.backup"
    source = Path(database_url.removeprefix("sqlite:///"))
    expected = _row_counts(source)
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    raw = backup.read_bytes()
    assert b"SQLite format 3" not in raw and not any(c.encode() in raw for c in CANARIES)
    assert backup.stat().st_mode & 0o777 == 0o600

    restored_path = tmp_path / "restored" / "intake.db"
    restored_path.parent.mkdir()
    restored = make_app(f"sqlite:///{restored_path}")
    result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(restored_path)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    counts = _row_counts(restored_path)
    assert counts == {**expected, "audit_event": expected["audit_event"] + 1}, "plus the restore's own event"
    assert _answers(restored) == _answers(app)
    assert Clinic(restored, restored.test_client()).login().status_code == 302
    with restored.app_context():
        db.engine.dispose()


@pytest.mark.sqlite_only
def test_restore_refuses_a_database_with_data_unless_forced(app, tmp_path):
    make_submission(app, MARIA)
    backup = tmp_path / "one.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    make_submission(app, MARIA)
    refused = app.test_cli_runner().invoke(args=["restore", str(backup)])
    assert refused.exit_code != 0 and "already holds data" in refused.output and "--force" in refused.output
    assert _count(app, Submission) == 2
    forced = app.test_cli_runner().invoke(args=["restore", str(backup), "--force"])
    assert forced.exit_code == 0, forced.output
    assert _count(app, Submission) == 1


@pytest.mark.sqlite_only
@pytest.mark.parametrize("damage", ["flip", "truncate", "reorder", "not a backup"])
def test_restore_refuses_a_damaged_backup_and_changes_nothing(app, tmp_path, damage):
    make_submission(app, MARIA)
    backup = tmp_path / "one.backup"
    backups.CHUNK, chunk = 4096, backups.CHUNK  # several parts, so order matters
    try:
        assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    finally:
        backups.CHUNK = chunk
    lines = backup.read_bytes().split(b"\n")
    assert len(lines) > 4
    if damage == "flip":
        lines[2] = lines[2][:40] + (b"A" if lines[2][40:41] != b"A" else b"B") + lines[2][41:]
    elif damage == "truncate":
        lines = lines[:-3] + [b""]
    elif damage == "reorder":
        lines[1], lines[2] = lines[2], lines[1]
    else:
        lines[0] = b"SQLite format 3"
    backup.write_bytes(b"\n".join(lines))
    target = tmp_path / "empty.db"
    empty = make_app(f"sqlite:///{target}")
    result = empty.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code != 0
    assert any(
        words in result.output
        for words in ("integrity check", "cut short", "out of order", "not an intake backup")
    )
    assert not target.exists() or target.stat().st_size == 0
    with empty.app_context():
        db.engine.dispose()


def test_backup_of_postgresql_points_to_pg_dump():
    for url in ("postgresql+psycopg://postgres@127.0.0.1/intake", "sqlite://"):
        with pytest.raises(backups.BackupError, match="pg_dump|in memory"):
            backups.sqlite_path(create_engine(url))
