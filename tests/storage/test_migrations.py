"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, insert, inspect, select, text

from intake.extensions import db
from intake.models import ReviewNote, Submission
from intake.security.crypto import data_keys
from intake.storage import migrations
from tests.conftest import make_app


@pytest.fixture
def keep_logging():
    """Alembic's env.py runs logging.fileConfig, which disables loggers other tests use."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    disabled = {
        name: logger.disabled
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.handlers[:], root.level = handlers, level
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled.get(name, False)


@pytest.fixture
def empty_app(database_url, keep_logging):
    """An app on a database with no tables at all (not even alembic_version)."""
    app = make_app(database_url)
    migrations.bind(app)  # what `flask db` does before its commands run
    with app.app_context():
        _drop_everything()
    yield app
    with app.app_context():
        db.session.remove()
        _drop_everything()
        db.engine.dispose()


def _drop_everything() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_it_migrates_an_empty_database_to_exactly_the_models_schema(empty_app):
    with empty_app.app_context():
        upgrade()
        assert _differences() == []
        tables = set(inspect(db.engine).get_table_names())
    assert tables == {
        "alembic_version",
        "submission",
        "clinician",
        "review_note",
        "audit_event",
        "api_token",
        "recovery_code",
        "callback_request",
        "person_unlink",
        "media_file",
        "media_rendition",
        "media_chunk",
    }


def test_it_migrates_down_and_up_again(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="0002_clinician_workspace")
        assert "api_token" not in inspect(db.engine).get_table_names()
        assert "clinician" in inspect(db.engine).get_table_names()
        downgrade(revision="0001_submission")
        assert "clinician" not in inspect(db.engine).get_table_names()
        columns = {c["name"] for c in inspect(db.engine).get_columns("submission")}
        assert "reviewed_at" not in columns and "last_name_index" not in columns
        assert _differences() != [], "the comparison does see a schema that lags the models"
        upgrade()
        assert _differences() == []


CANARY_ANSWERS = {"about.last_name": "Migratovna", "visit.goals": "canary-symptom-before-encryption"}
CANARY_NOTE = "canary note written before encryption"


def _insert_plaintext_rows() -> None:
    """Rows as revision 0002 stored them: answers and notes in clear."""
    moment = datetime(2026, 1, 5, 9, 30)
    with db.engine.begin() as connection:
        tables = {
            name: Table(name, MetaData(), autoload_with=connection)
            for name in ("clinician", "submission", "review_note")
        }
        connection.execute(
            insert(tables["clinician"]).values(
                id=1,
                username="dr.old",
                display_name="Dr Old",
                role="clinician",
                password_hash="x",
                must_change_password=False,
                active=True,
                session_token="t" * 40,
                created_at=moment,
            )
        )
        connection.execute(
            insert(tables["submission"]).values(
                id=1,
                public_id=str(uuid.uuid4()),
                status="new",
                questionnaire_version="1.0.0",
                language="en",
                answers=CANARY_ANSWERS,
                current_step="review",
                safety_tier="none",
                emergency_acknowledged=False,
                reference="ABCD-EFGH",
                created_at=moment,
                updated_at=moment,
                submitted_at=moment,
            )
        )
        connection.execute(
            insert(tables["review_note"]).values(
                id=1, submission_id=1, author_id=1, body=CANARY_NOTE, created_at=moment
            )
        )


def _raw_values() -> tuple[str, str]:
    with db.engine.connect() as connection:
        answers = connection.execute(text("SELECT CAST(answers AS TEXT) FROM submission")).scalar_one()
        body = connection.execute(text("SELECT body FROM review_note")).scalar_one()
    return answers, body


def test_it_encrypts_the_rows_already_there_and_decrypts_them_going_down(empty_app):
    with empty_app.app_context():
        upgrade(revision="0002_clinician_workspace")
        _insert_plaintext_rows()
        upgrade()
        answers, body = _raw_values()
        assert "Migratovna" not in answers and "canary" not in answers and "canary" not in body
        assert answers.startswith("gAAAAA") and body.startswith("gAAAAA"), "Fernet tokens"
        db.session.remove()
        assert db.session.scalar(select(Submission.answers)) == CANARY_ANSWERS
        assert db.session.scalar(select(ReviewNote.body)) == CANARY_NOTE
        db.session.remove()
        downgrade(revision="0002_clinician_workspace")
        answers, body = _raw_values()
        assert json.loads(answers) == CANARY_ANSWERS and body == CANARY_NOTE


def test_flask_db_upgrade_creates_the_schema(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert _differences() == []


def test_the_web_app_never_loads_alembic(tmp_path):
    """Migrations run from the command line; a web worker would only carry them (9 MB)."""
    import subprocess
    import sys

    probe = (
        "import sys; from intake import create_app; app = create_app('development'); "
        "app.test_client().get('/healthz'); "
        "print(sorted(m for m in ('alembic', 'flask_migrate') if m in sys.modules))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "INTAKE_INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.db'}",
    }
    loaded = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def _insert_sent_and_draft_rows() -> None:
    """As revision 0006 stored them: answers sealed, no name of their own."""
    moment = datetime(2026, 2, 5, 9, 30)
    keys = data_keys()
    with db.engine.begin() as connection:
        submission = Table("submission", MetaData(), autoload_with=connection)
        for row_id, status, answers in (
            (1, "new", {"about.first_name": "Ottilie", "about.last_name": "Migratovna"}),
            (2, "reviewed", {"visit.goals": "no name given"}),
            (3, "draft", {"about.first_name": "Drafty"}),
        ):
            connection.execute(
                insert(submission).values(
                    id=row_id,
                    public_id=str(uuid.uuid4()),
                    status=status,
                    questionnaire_version="1.0.0",
                    language="en",
                    answers=keys.encrypt(json.dumps(answers).encode()),
                    current_step="review",
                    safety_tier="none",
                    emergency_acknowledged=False,
                    created_at=moment,
                    updated_at=moment,
                    submitted_at=None if status == "draft" else moment,
                    row_version=1,
                )
            )
        connection.execute(
            insert(submission).values(  # a row no key opens
                id=4,
                public_id=str(uuid.uuid4()),
                status="new",
                questionnaire_version="1.0.0",
                language="en",
                answers="gAAAAA-not-a-token",
                current_step="review",
                safety_tier="none",
                emergency_acknowledged=False,
                created_at=moment,
                updated_at=moment,
                submitted_at=moment,
                row_version=1,
            )
        )


def test_it_seals_the_names_of_the_rows_already_sent(empty_app):
    with empty_app.app_context():
        upgrade(revision="0006_row_version")
        _insert_sent_and_draft_rows()
        upgrade()
        with db.engine.connect() as connection:
            raw = dict(connection.execute(text("SELECT id, patient_name FROM submission")).all())
        assert "Migratovna" not in raw[1] and raw[1].startswith("gAAAAA"), "sealed, not in clear"
        names = {row_id: data_keys().decrypt(token).decode() for row_id, token in raw.items() if token}
        assert names == {1: "Ottilie Migratovna", 2: ""}, "no name for a draft, nor for a row no key opens"
        downgrade(revision="0006_row_version")
        with db.engine.connect() as connection:
            assert "patient_name" not in {c["name"] for c in inspect(connection).get_columns("submission")}
