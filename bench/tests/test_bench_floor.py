"""bench/floor_app.py: the benchmark's floor routes answer as bench/run.py expects, so a
run measures what it says (a 404 would be measured as fast as a page)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import floor_app  # noqa: E402


@pytest.fixture
def floor_client(app):
    return floor_app.with_floor(app).test_client()


def test_the_empty_route_returns_the_fixed_page(floor_client):
    response = floor_client.get("/floor/empty")
    assert response.status_code == 200
    assert response.data == floor_app.PAGE


@pytest.mark.parametrize("path", ["/floor/draft"])
def test_the_read_routes_find_this_browsers_draft(floor_client, path):
    assert floor_client.get(path).status_code == 404  # no draft yet: measured as a failure
    from tests.conftest import Patient

    assert Patient(floor_client).start().status_code == 302
    response = floor_client.get(path)
    assert response.status_code == 200
    assert response.data == floor_app.PAGE


def test_the_save_route_writes_this_browsers_draft_back_unchanged(app, floor_client):
    from intake.questionnaire.twitching import QUESTIONNAIRE
    from tests.conftest import Patient, all_submissions

    patient = Patient(floor_client)
    assert patient.post("/floor/draft-save").status_code == 404  # no draft yet
    assert patient.start().status_code == 302
    [before] = all_submissions(app)
    response = patient.post("/floor/draft-save")
    assert response.status_code == 302
    [after] = all_submissions(app)
    assert after.row_version == before.row_version + 1  # it wrote
    assert (
        (after.answers, after.current_step)
        == (before.answers, before.current_step)
        != ({}, QUESTIONNAIRE.steps[0].id)
    )
    assert (
        floor_client.post("/floor/draft-save", data={}).status_code == 400
    )  # the CSRF check, as on every POST
