"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import logging

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from intake.extensions import db

from .conftest import make_app


@pytest.fixture
def keep_logging():
    """Alembic's env.py runs logging.fileConfig, which disables loggers other tests use."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    disabled = {name: logger.disabled for name, logger in logging.root.manager.loggerDict.items()
                if isinstance(logger, logging.Logger)}
    yield
    root.handlers[:], root.level = handlers, level
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.disabled = disabled.get(name, False)


@pytest.fixture
def empty_app(database_url, keep_logging):
    """An app on a database with no tables at all (not even alembic_version)."""
    app = make_app(database_url)
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
    assert tables == {"alembic_version", "submission", "clinician", "review_note", "audit_event", "recovery_code"}


def test_it_migrates_down_and_up_again(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="0001_submission")
        assert "clinician" not in inspect(db.engine).get_table_names()
        columns = {c["name"] for c in inspect(db.engine).get_columns("submission")}
        assert "reviewed_at" not in columns and "last_name_index" not in columns
        assert _differences() != [], "the comparison does see a schema that lags the models"
        upgrade()
        assert _differences() == []
