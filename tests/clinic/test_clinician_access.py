"""Deny by default: no clinician page answers a visitor who is not signed in, admin pages
answer only admins, and bad addresses or forms give 404 or 400, never a 500."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from intake.extensions import db
from intake.models import AuditEvent, ReviewNote, Submission
from tests.answers import MARIA
from tests.conftest import Clinic, make_clinician, make_submission

# Public on purpose: the patient's side, static files, health checks, the sign-in page, the
# FHIR Questionnaire (a form definition, no answers) and the FHIR API's CapabilityStatement.
PUBLIC_PREFIXES = ("patient.", "ops.", "fhir_public.")
PUBLIC_ENDPOINTS = {"static", "clinician.login", "fhir_api.metadata"}
# The FHIR API has a gate of its own (bearer tokens, 401 OperationOutcome instead of the
# sign-in page): tests/test_fhir_api.py walks its routes the same way.
OWN_GATE_PREFIXES = ("fhir_api.",)
ALLOWED_FOR_ANONYMOUS = {401, 403, 404, 405}


def _fill(rule, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule.rule)


def _protected_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.startswith(PUBLIC_PREFIXES + OWN_GATE_PREFIXES):
            continue
        yield rule


def test_it_denies_every_non_public_route_to_anonymous_visitors(app, client):
    admin_id = make_clinician(app, "boss", role="admin")
    public_id = make_submission(app, MARIA)
    values = {
        "public_id": public_id,
        "other_id": public_id,
        "clinician_id": str(admin_id),
        "media_id": public_id,
        "rendition": "main",
    }
    token = Clinic(app, client).token()
    rules = list(_protected_rules(app))
    assert len(rules) >= 14, "the walk must cover the workspace"
    redirected = 0
    for rule in rules:
        path = _fill(rule, values)
        for method in ("GET", "POST"):
            response = client.open(path, method=method, data={"csrf_token": token})
            status = response.status_code
            assert "<" not in path
            assert status in ALLOWED_FOR_ANONYMOUS or (
                status == 302 and response.location.startswith("/clinic/login")
            ), f"{method} {path} answered {status}"
            redirected += status == 302
    assert redirected >= len(rules), "each route answers at least one method with the sign-in page"
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))) == 0
        assert db.session.scalar(select(func.count(ReviewNote.id))) == 0
        assert db.session.scalar(select(Submission.status)) == "new"


def test_it_knows_every_route_the_app_has(app):
    """A new blueprint must be added above (public, or walked by a gate test) on purpose."""
    families = PUBLIC_PREFIXES + OWN_GATE_PREFIXES + ("clinician.",)
    unknown = [
        r.endpoint
        for r in app.url_map.iter_rules()
        if r.endpoint not in PUBLIC_ENDPOINTS and not r.endpoint.startswith(families)
    ]
    assert unknown == []


def test_it_never_lists_a_clinician_route_without_the_gate(app):
    from intake.clinic import blueprint

    assert blueprint.PUBLIC == frozenset({"clinician.login"})
    assert all(
        r.rule.startswith("/clinic/") for r in app.url_map.iter_rules() if r.endpoint.startswith("clinician.")
    )


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/clinic/admin/accounts"),
        ("POST", "/clinic/admin/accounts"),
        ("GET", "/clinic/admin/audit"),
        ("POST", "/clinic/admin/accounts/1/deactivate"),
        ("POST", "/clinic/admin/accounts/1/reactivate"),
        ("POST", "/clinic/admin/accounts/1/reset-password"),
    ],
)
def test_it_forbids_admin_pages_to_clinicians(app, client, clinician, method, path):
    token = clinician.token("/clinic/")
    response = client.open(
        path,
        method=method,
        data={"csrf_token": token, "username": "x.y", "display_name": "X", "role": "admin"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/clinic/submissions/not-a-uuid",
        "/clinic/submissions/00000000-0000-4000-8000-000000000000",
        "/clinic/submissions/%00%27%22",
        "/clinic/submissions/" + "9" * 5000,
        "/clinic/submissions/47D2EA2C-47B9-43BA-BA60-7EF1D6E96CF3",
        "/clinic/admin/accounts/999999/deactivate",
        "/clinic/no-such-page",
    ],
)
def test_it_answers_unknown_or_malformed_ids_with_404(app, client, admin, path):
    token = admin.token("/clinic/")
    method = "POST" if path.endswith("deactivate") else "GET"
    assert client.open(path, method=method, data={"csrf_token": token}).status_code == 404


def test_it_answers_a_draft_id_with_404(app, client, clinician, patient):
    patient.client = app.test_client()
    patient.start()
    with app.app_context():
        draft_id = db.session.scalar(select(Submission.public_id))
    assert client.get(f"/clinic/submissions/{draft_id}").status_code == 404


@pytest.mark.parametrize(
    "path, data",
    [
        ("/clinic/submissions/{id}/reviewed", {}),
        ("/clinic/submissions/{id}/notes", {"body": "a note"}),
        ("/clinic/logout", {}),
        ("/clinic/password", {"current": "x", "new": "y", "confirm": "y"}),
    ],
)
def test_it_refuses_a_post_without_its_csrf_token_and_changes_nothing(app, client, clinician, path, data):
    public_id = make_submission(app, MARIA)
    before = _audit_count(app)
    response = client.post(path.format(id=public_id), data={**data, "csrf_token": "tampered"})
    assert response.status_code == 400
    assert _audit_count(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(ReviewNote.id))) == 0
        assert db.session.scalar(select(Submission.status)) == "new"
    assert client.get("/clinic/").status_code == 200, "still signed in"


def test_it_answers_a_tampered_role_with_400(app, client, admin):
    response = admin.post(
        "/clinic/admin/accounts",
        {"username": "x.y", "display_name": "X", "role": "superuser"},
        token_from="/clinic/admin/accounts",
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "status=draft",
        "tier=severe",
        "from=2025-13-01",
        "to=yesterday",
        "ref=../etc",
        "name=zz",
        "before=abc",
        "after=1.2.3",
    ],
)
def test_it_answers_tampered_filters_with_400(app, client, clinician, query):
    assert client.get(f"/clinic/?{query}").status_code == 400
    if not query.startswith(("before", "after")):  # the exports have no pages
        assert client.get(f"/clinic/export.csv?{query}").status_code == 400
        assert client.get(f"/clinic/export.fhir.json?{query}").status_code == 400


def _audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEvent.id)))
