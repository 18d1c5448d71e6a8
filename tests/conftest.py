"""Fixtures: an app per test on SQLite (a real file, WAL) and, when TEST_DATABASE_URL is
set, on PostgreSQL too; a `patient` who walks the real flow with real CSRF tokens."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select

from config import TestingConfig
from intake import create_app
from intake.extensions import db
from intake.models import Submission

from .answers import COMPLETE_FORM

IN_CI = os.environ.get("CI") == "true"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
if IN_CI and not POSTGRES_URL:
    raise RuntimeError("CI must run the suite on PostgreSQL too: set TEST_DATABASE_URL")

DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def make_app(database_url: str, **settings):
    config = type("TestConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": database_url, **settings})
    return create_app(config)


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return POSTGRES_URL


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Patient:
    """A patient in one browser: gets pages, posts forms with the page's CSRF token."""

    def __init__(self, client):
        self.client = client

    def token(self, path: str = "/") -> str:
        page = self.client.get(path)
        return CSRF_PATTERN.search(page.get_data(as_text=True)).group(1)

    def post(self, path: str, data: dict | None = None, token_from: str = "/", **kwargs):
        data = {"csrf_token": self.token(token_from), **(data or {})}
        return self.client.post(path, data=data, **kwargs)

    def start(self, **overrides):
        return self.post("/", {**COMPLETE_FORM["welcome"], **overrides})

    def answer(self, step_id: str, data: dict | None = None, action: str = "next", query: str = ""):
        form = COMPLETE_FORM[step_id] if data is None else data
        return self.post(f"/step/{step_id}{query}", {**form, "action": action}, token_from="/")

    def complete_all_steps(self, overrides: dict[str, dict] | None = None):
        self.start()
        for step_id in ("safety", "about", "twitching", "history", "stress", "visit"):
            response = self.answer(step_id, {**COMPLETE_FORM[step_id], **(overrides or {}).get(step_id, {})})
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def submit(self):
        return self.post("/submit", {"confirm": "y"})


@pytest.fixture
def patient(client):
    return Patient(client)


def all_submissions(app) -> list[Submission]:
    with app.app_context():
        return list(db.session.scalars(select(Submission)))


def checked_values(page: str, name: str) -> list[str]:
    """Values of the checked radios or checkboxes called `name` in an HTML page."""
    inputs = re.findall(r"<input[^>]*>", page)
    return [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in inputs
        if f'name="{name}"' in tag and re.search(r"\bchecked\b", tag)
    ]
