"""FHIR over HTTP: the public Questionnaire, and the read-only API integrations call with
their own tokens (401/404/400/429 as OperationOutcomes, every call audited)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from urllib.parse import quote, urlencode

import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.capabilitystatement import CapabilityStatement
from fhir.resources.operationoutcome import OperationOutcome
from fhir.resources.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse as FhirResponse
from sqlalchemy import select

from intake import documents
from intake.extensions import csrf, db
from intake.fhir import api, tokens
from intake.models import ApiToken, AuditEvent, Submission
from intake.questionnaire.fhir import answers_from_response, published_at, questionnaire_resource
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import MARIA
from tests.conftest import app_with_schema, make_app, make_submission, seal_under_a_retired_key
from tests.fhir_cases import bundle_problems, empties, questionnaire_problems, response_problems
from tests.test_audit import CANARY

# The tests' PUBLIC_URL is http://localhost, so by default the canonical base is its /fhir.
CANONICAL = "http://localhost/fhir/Questionnaire/facial-twitching-intake"
PUBLISHED = published_at(QUESTIONNAIRE, "http://localhost/fhir")
FHIR_QUESTIONNAIRE = questionnaire_resource(
    PUBLISHED, date="2026-12-07", publisher="New York Facial Paralysis"
)
CANARY_VALUES = ("Zebulon", "Quixote-Canary", "canary-goal-text", "canary-medicine")
QR = "/fhir/QuestionnaireResponse"


def make_token(app, name: str = "ehr") -> str:
    with app.app_context():
        _, token = tokens.create(name, "test", datetime.now(timezone.utc))
        db.session.commit()
        return token


@pytest.fixture
def token(app) -> str:
    return make_token(app)


def call(client, path: str, token: str | None = None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(path, headers={**headers, **kwargs.pop("headers", {})}, **kwargs)


def fhir(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.content_type == "application/fhir+json"
    body = json.loads(response.get_data(as_text=True))
    assert empties(body) == []
    return body


def outcome(response, status: int, code: str) -> dict:
    body = fhir(response, status)
    OperationOutcome.parse_obj(body)
    assert [issue["code"] for issue in body["issue"]] == [code]
    return body


def events(app, action: str | None = None) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        return list(db.session.scalars(query.where(AuditEvent.action == action) if action else query))


def assert_no_health_data(app) -> None:
    for event in events(app):
        text = " ".join(
            str(v) for v in (event.actor_label, event.action, event.detail, event.submission_public_id)
        )
        assert not any(value in text for value in CANARY_VALUES), text


# --- the public Questionnaire and capabilities ------------------------------------------------


def test_it_serves_the_fhir_questionnaire_to_anyone(app, client):
    make_submission(app, CANARY)
    response = client.get("/questionnaire.json")
    body = fhir(response)
    FhirQuestionnaire.parse_obj(body)
    assert questionnaire_problems(body) == []
    assert body == FHIR_QUESTIONNAIRE
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers
    text = response.get_data(as_text=True)
    assert not any(value in text for value in CANARY_VALUES + ("Lopez",)), "no health data"
    assert events(app) == []


def test_it_builds_the_questionnaire_once_at_start(app, client, monkeypatch):
    def fail(*_args, **_kwargs):
        raise AssertionError("built again for a request")

    monkeypatch.setattr(api, "questionnaire_resource", fail)
    assert fhir(client.get("/questionnaire.json")) == FHIR_QUESTIONNAIRE
    assert fhir(client.get("/questionnaire.json")) == FHIR_QUESTIONNAIRE


def test_it_states_its_capabilities_without_a_token(client):
    body = fhir(client.get("/fhir/metadata"))
    CapabilityStatement.parse_obj(body)
    questionnaire, response, binary = body["rest"][0]["resource"]
    assert binary["type"] == "Binary" and binary["interaction"] == [{"code": "read"}]
    assert response["type"] == "QuestionnaireResponse"
    assert [i["code"] for i in response["interaction"]] == ["read", "search-type"]
    assert [p["name"] for p in response["searchParam"]] == ["_lastUpdated"]


def test_its_capabilities_list_the_questionnaire_and_the_implementation(client):
    """https://hl7.org/fhir/R4/capabilitystatement-definitions.html#CapabilityStatement.implementation
    (url: the base of the server, https://hl7.org/fhir/R4/http.html#root)."""
    body = fhir(client.get("/fhir/metadata"))
    assert body["implementation"]["url"] == "http://localhost/fhir"
    assert "New York Facial Paralysis" in body["implementation"]["description"]
    [questionnaire] = [r for r in body["rest"][0]["resource"] if r["type"] == "Questionnaire"]
    assert [i["code"] for i in questionnaire["interaction"]] == ["read", "search-type"]
    params = {p["name"]: p["type"] for p in questionnaire["searchParam"]}
    assert params == {"url": "uri", "version": "token", "_id": "token"}
    for param in questionnaire["searchParam"]:
        assert param["definition"].startswith("http://hl7.org/fhir/SearchParameter/")


# --- the published Questionnaire: canonical URL, read and search -----------------------------


def test_the_questionnaire_is_published_under_the_configured_canonical_url(app, client):
    """Questionnaire.url is the canonical (https://hl7.org/fhir/R4/questionnaire-definitions.html#Questionnaire.url),
    by default PUBLIC_URL + /fhir + /Questionnaire/<id>: the address that reads it."""
    body = fhir(client.get("/questionnaire.json"))
    assert body["url"] == CANONICAL
    assert ".example" not in json.dumps(body)  # not the placeholder host of the definition
    read = fhir(client.get(CANONICAL.removeprefix("http://localhost")))
    assert read == body


@pytest.fixture
def registry_app(database_url):
    with app_with_schema(database_url, FHIR_CANONICAL_BASE="https://forms.clinic.org/fhir/") as app:
        yield app


def test_fhir_canonical_base_moves_the_questionnaire_and_what_names_it(registry_app):
    app, client = registry_app, registry_app.test_client()
    canonical = "https://forms.clinic.org/fhir/Questionnaire/facial-twitching-intake"
    body = fhir(client.get("/fhir/Questionnaire/facial-twitching-intake"))
    assert body["url"] == canonical
    systems = {
        option["valueCoding"]["system"]
        for step in body["item"]
        for item in step.get("item", [])
        for option in item.get("answerOption", [])
    }
    assert f"{canonical}/CodeSystem/twitch.side" in systems
    token = make_token(app)
    public_id = make_submission(app, MARIA)
    response = fhir(call(client, f"{QR}/{public_id}", token))
    assert response["questionnaire"] == f"{canonical}|1.0.0"  # the version the patient answered
    assert (
        answers_from_response(published_at(QUESTIONNAIRE, "https://forms.clinic.org/fhir"), response) == MARIA
    )
    searched = fhir(client.get("/fhir/Questionnaire", query_string={"url": canonical}))
    assert searched["total"] == 1


@pytest.mark.parametrize(
    "base", ["ftp://forms.clinic.org/fhir", "forms.clinic.org", "https://x.org/fhir?a=1"]
)
def test_a_bad_fhir_canonical_base_stops_the_app_at_start(database_url, base):
    with pytest.raises(RuntimeError, match="FHIR_CANONICAL_BASE"):
        make_app(database_url, FHIR_CANONICAL_BASE=base)


def test_the_questionnaire_names_its_publisher_date_and_copyright(client):
    """publisher, date (when this version was published) and copyright:
    https://hl7.org/fhir/R4/questionnaire-definitions.html#Questionnaire.publisher"""
    body = fhir(client.get("/fhir/Questionnaire/facial-twitching-intake"))
    FhirQuestionnaire.parse_obj(body)
    assert body["publisher"] == "New York Facial Paralysis"
    assert (body["version"], body["date"]) == ("2.3.0", "2026-12-07")
    assert body["copyright"] == QUESTIONNAIRE.copyright
    assert "Spitzer" in body["copyright"] and "No permission required" in body["copyright"]


def test_the_publisher_is_the_configured_clinic(database_url):
    app = make_app(database_url, CLINIC_NAME="Facial Nerve Centre")
    assert fhir(app.test_client().get("/questionnaire.json"))["publisher"] == "Facial Nerve Centre"


def test_it_reads_the_questionnaire_without_a_token(app, client):
    """Read: https://hl7.org/fhir/R4/http.html#read. Public by choice: a definition, no patient data."""
    response = client.get("/fhir/Questionnaire/facial-twitching-intake")
    body = fhir(response)
    assert body == FHIR_QUESTIONNAIRE
    assert "Set-Cookie" not in response.headers
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # a web form filler may fetch it
    assert client.get("/fhir/Questionnaire").headers["Access-Control-Allow-Origin"] == "*"
    assert events(app) == []


@pytest.mark.parametrize("resource_id", ["other", "facial-twitching-intake-2", "x" * 300, "%00"])
def test_it_answers_an_unknown_questionnaire_id_with_a_404_outcome(client, resource_id):
    outcome(client.get(f"/fhir/Questionnaire/{resource_id}"), 404, "not-found")


def questionnaires(client, headers=None, **params) -> dict:
    body = fhir(client.get("/fhir/Questionnaire", query_string=params, headers=headers or {}))
    Bundle.parse_obj(body)
    assert body["type"] == "searchset"
    return body


def test_it_finds_the_questionnaire_by_its_canonical_url(client):
    """Search by url (uri, exact): https://hl7.org/fhir/R4/search.html#uri; a searchset Bundle."""
    body = questionnaires(client, url=CANONICAL)
    assert body["total"] == 1
    [entry] = body["entry"]
    assert entry["fullUrl"] == CANONICAL  # the canonical resolves: it is the read URL
    assert entry["search"] == {"mode": "match"}
    assert entry["resource"] == FHIR_QUESTIONNAIRE
    assert body["link"] == [
        {
            "relation": "self",
            "url": "http://localhost/fhir/Questionnaire?" + urlencode({"url": CANONICAL, "_count": 100}),
        }
    ]
    assert questionnaires(client)["total"] == 1  # no parameter: every Questionnaire
    assert questionnaires(client, url=CANONICAL, version="2.3.0", _id="facial-twitching-intake")["total"] == 1
    assert questionnaires(client, version="1.0.0,2.3.0")["total"] == 1  # a comma is "or"


@pytest.mark.parametrize(
    "params",
    [
        {"url": CANONICAL + "x"},
        {"url": CANONICAL.upper()},
        {"url": "https://nyfacialparalysis.example/fhir/Questionnaire/facial-twitching-intake"},
        {"url": CANONICAL, "version": "1.0.0"},
        {"_id": "other"},
    ],
)
def test_it_answers_a_questionnaire_search_without_a_match_with_an_empty_bundle(client, params):
    """A search that matches nothing is a Bundle with total 0, not a 404
    (https://hl7.org/fhir/R4/http.html#search)."""
    body = questionnaires(client, **params)
    assert body["total"] == 0 and "entry" not in body


def test_it_counts_questionnaires_without_entries_for_count_zero(client):
    body = questionnaires(client, url=CANONICAL, _count="0")
    assert body["total"] == 1 and "entry" not in body


@pytest.mark.parametrize("query", ["url=", "_count=ten", "_count=1&_count=2", "version="])
def test_it_refuses_a_bad_questionnaire_search_with_a_400_outcome(client, query):
    outcome(client.get(f"/fhir/Questionnaire?{query}"), 400, "invalid")


# --- Instants --------------------------------------------------------------------------------------


def test_it_writes_instants_in_utc_with_z(app, client, token):
    """meta.lastUpdated is an instant (https://hl7.org/fhir/R4/datatypes.html#instant), written
    2026-12-05T10:00:00Z; authored, a dateTime in UTC, is written with Z too."""
    public_id = make_submission(app, MARIA, submitted_at=datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc))
    body = fhir(call(client, f"{QR}/{public_id}", token))
    assert body["meta"]["lastUpdated"] == "2026-12-05T10:00:00Z"
    assert body["authored"] == "2026-12-05T10:00:00Z"
    [entry] = fhir(call(client, QR, token))["entry"]
    assert entry["resource"]["meta"]["lastUpdated"] == "2026-12-05T10:00:00Z"
    assert "+00:00" not in json.dumps(entry)


# --- Unknown search parameters: lenient by default, strict when asked ---------------------------
# https://hl7.org/fhir/R4/search.html#errors: "Servers SHOULD ignore unknown parameters"
# unless the client asks "Prefer: handling=strict", then they are errors.

STRICT = {"Prefer": "handling=strict"}


@pytest.mark.parametrize("unknown", ["patient=123", "_lastupdated=ge2025-01-01", "_sort=-_lastUpdated"])
def test_it_ignores_an_unknown_search_parameter_by_default(client, token, timeline, unknown):
    body = found(client, token, unknown)
    assert body["total"] == 4
    assert body["link"][0]["url"] == f"http://localhost{QR}?_count=20"  # what was used, not the rest
    for prefer in ("handling=lenient", "respond-async, handling=lenient"):
        body = fhir(call(client, f"{QR}?{unknown}", token, headers={"Prefer": prefer}))
        assert body["total"] == 4


@pytest.mark.parametrize("unknown", ["patient=123", "_lastupdated=ge2025-01-01"])
def test_it_refuses_an_unknown_search_parameter_when_strict(app, client, token, unknown):
    body = outcome(call(client, f"{QR}?{unknown}", token, headers=STRICT), 400, "not-supported")
    assert unknown.split("=")[0] in body["issue"][0]["diagnostics"]
    [event] = events(app, "fhir.search")
    assert event.detail.startswith("refused: ")
    for prefer in ("HANDLING = Strict", 'return=minimal, handling="strict"'):
        outcome(call(client, f"{QR}?{unknown}", token, headers={"Prefer": prefer}), 400, "not-supported")


def test_strict_handling_still_accepts_known_parameters(client, token, timeline):
    query = f"{QR}?_lastUpdated=ge2025-03-15&_count=2&_format=json"
    body = fhir(call(client, query, token, headers=STRICT))
    assert body["total"] == fhir(call(client, query, token))["total"] == 3
    assert len(body["entry"]) == 2


def test_the_questionnaire_search_is_lenient_or_strict_too(client):
    assert questionnaires(client, url=CANONICAL, publisher="x")["total"] == 1
    body = questionnaires(
        client, headers=STRICT, url=CANONICAL, version="2.3.0", _id="facial-twitching-intake"
    )
    assert body["total"] == 1
    outcome(client.get("/fhir/Questionnaire?publisher=x", headers=STRICT), 400, "not-supported")


# --- JSON only: 406 for an Accept or _format that admits only XML -------------------------------
# https://hl7.org/fhir/R4/http.html#mime-type: _format overrides Accept; a server that cannot
# answer in a format asked for answers 406 Not Acceptable (RFC 9110 section 15.5.7).

XML_ONLY = [
    "application/fhir+xml",
    "application/xml",
    "text/xml",
    "application/fhir+xml;q=1.0, application/xml;q=0.9",
    "application/fhir+json;q=0, application/fhir+xml",
    "text/html",
]
JSON_OK = [
    "application/fhir+json",
    "application/json",
    "*/*",
    "application/*",
    "application/fhir+xml, */*;q=0.1",
    "application/fhir+json; fhirVersion=4.0",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",  # a browser's
    "",
]


def _api_paths(app) -> list[str]:
    public_id = make_submission(app, MARIA)
    return [
        "/fhir/metadata",
        "/fhir/Questionnaire/facial-twitching-intake",
        "/fhir/Questionnaire",
        QR,
        f"{QR}/{public_id}",
    ]


@pytest.mark.parametrize("accept", XML_ONLY)
def test_it_answers_an_xml_only_accept_with_406_in_json(app, client, token, accept):
    for path in _api_paths(app):
        response = call(client, path, token, headers={"Accept": accept})
        body = outcome(response, 406, "not-supported")
        assert "JSON" in body["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    "value", ["xml", "application/fhir+xml", "text/xml", "application/xml", "ttl", "html"]
)
def test_it_answers_format_xml_with_406_in_json(app, client, token, value):
    for path in _api_paths(app):
        response = call(
            client, path, token, query_string={"_format": value}, headers={"Accept": "application/fhir+json"}
        )
        outcome(response, 406, "not-supported")


@pytest.mark.parametrize("accept", JSON_OK)
def test_it_answers_any_accept_that_admits_json(app, client, token, accept):
    for path in _api_paths(app):
        fhir(call(client, path, token, headers={"Accept": accept}))


@pytest.mark.parametrize("value", ["json", "application/json", "application/fhir+json", "JSON"])
def test_format_json_overrides_an_xml_accept(app, client, token, value):
    """_format overrides the Accept header (https://hl7.org/fhir/R4/http.html#mime-type)."""
    for path in _api_paths(app):
        fhir(
            call(
                client,
                path,
                token,
                query_string={"_format": value},
                headers={"Accept": "application/fhir+xml"},
            )
        )


# --- the gate -----------------------------------------------------------------------------------


def _api_rules(app):
    return [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("fhir_api.") and r.endpoint not in api.PUBLIC
    ]


def test_it_denies_every_api_route_without_a_token_even_to_a_signed_in_clinician(app, client, clinician):
    public_id = make_submission(app, MARIA)
    rules = _api_rules(app)
    assert {r.endpoint for r in rules} == {"fhir_api.read", "fhir_api.search", "fhir_api.binary"}
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, "read-only: nothing to exempt from CSRF"
        path = re.sub(r"<[^>]+>", public_id, rule.rule)
        response = client.get(path)  # the clinician's session cookie goes along
        outcome(response, 401, "login")
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="intake-fhir"'
        assert "Set-Cookie" not in response.headers
        outcome(client.post(path), 405, "not-supported")
    assert csrf._exempt_views == set() and csrf._exempt_blueprints == set()
    assert [e.detail for e in events(app, "fhir.denied")] == ["no token"] * 3


def test_it_does_not_let_an_api_token_open_the_workspace(app, client, token):
    public_id = make_submission(app, MARIA)
    for path in (
        "/clinic/",
        f"/clinic/submissions/{public_id}",
        f"/clinic/submissions/{public_id}/fhir.json",
        "/clinic/export.fhir.json",
    ):
        response = call(client, path, token)
        assert response.status_code == 302 and response.location.startswith("/clinic/login"), path


@pytest.mark.parametrize(
    "header, reason",
    [
        (None, "no token"),
        ("Bearer", "no token"),
        ("Bearer ", "no token"),
        ("Basic ZWhyOnNlY3JldA==", "no token"),
        ("Bearer not-a-token", "unknown token"),
        ("Bearer " + "A" * 43, "unknown token"),
        ("Bearer {token}x", "unknown token"),
        ("Token {token}", "no token"),
    ],
)
def test_it_refuses_a_missing_or_bad_token_with_a_401_outcome(app, client, token, header, reason):
    public_id = make_submission(app, MARIA)
    headers = {"Authorization": header.format(token=token)} if header else {}
    response = client.get(f"{QR}/{public_id}", headers=headers)
    body = outcome(response, 401, "login")
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="intake-fhir"')
    assert "Lopez" not in json.dumps(body)
    [event] = events(app)
    assert (event.action, event.actor_label, event.detail, event.submission_public_id) == (
        "fhir.denied",
        "api:unknown",
        reason,
        None,
    )


def test_it_refuses_a_revoked_token(app, client, token):
    public_id = make_submission(app, MARIA)
    fhir(call(client, f"{QR}/{public_id}", token))
    with app.app_context():
        tokens.revoke("ehr", datetime.now(timezone.utc))
        db.session.commit()
    response = call(client, f"{QR}/{public_id}", token)
    outcome(response, 401, "login")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert [(e.action, e.actor_label, e.detail) for e in events(app)] == [
        ("fhir.read", "api:ehr", ""),
        ("fhir.denied", "api:ehr", "revoked token"),
    ]


def test_it_limits_bad_tokens_per_address_without_holding_up_good_ones(database_url):
    app = make_app(database_url, FHIR_API_AUTH_FAILURE_LIMIT="3/minute")
    with app.app_context():
        db.drop_all()
        db.create_all()
    try:
        good, client = make_token(app), app.test_client()
        for _ in range(3):
            outcome(call(client, QR, "B" * 43), 401, "login")
        outcome(call(client, QR, "B" * 43), 429, "throttled")
        fhir(call(client, QR, good))
        assert len(events(app, "fhir.denied")) == 3, "refused guesses stop writing audit rows"
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


# --- read -----------------------------------------------------------------------------------------


def test_it_reads_a_submission_as_a_questionnaire_response(app, client, token):
    submitted = datetime(2025, 3, 14, 13, 26, 53, tzinfo=timezone.utc)
    public_id = make_submission(app, MARIA, reference="READ-2345", submitted_at=submitted)
    response = call(client, f"{QR}/{public_id}", token)
    body = fhir(response)
    FhirResponse.parse_obj(body)
    assert response_problems(body, FHIR_QUESTIONNAIRE) == []
    assert (body["id"], body["status"], body["authored"]) == (
        public_id,
        "completed",
        "2025-03-14T13:26:53Z",
    )
    assert body["identifier"]["value"] == "READ-2345"
    assert body["questionnaire"] == f"{CANONICAL}|1.0.0"  # the version the patient answered
    assert answers_from_response(PUBLISHED, body) == MARIA
    assert response.headers["Last-Modified"] == "Fri, 14 Mar 2025 13:26:53 GMT"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_it_audits_each_read_without_health_data(app, client, token):
    public_id = make_submission(app, CANARY)
    fhir(call(client, f"{QR}/{public_id}", token))
    fhir(call(client, f"{QR}/{public_id}", token))
    reads = events(app, "fhir.read")
    assert [(e.actor_label, e.submission_public_id, e.detail, e.actor_id) for e in reads] == [
        ("api:ehr", public_id, "", None)
    ] * 2
    assert reads[0].ip == "127.0.0.1"
    assert_no_health_data(app)


def test_it_refuses_a_nul_in_the_address_with_a_404_outcome(app, client, token):
    # Refused before any view runs (PostgreSQL cannot compare NUL), so no audit row.
    outcome(call(client, f"{QR}/%00%27", token), 404, "not-found")


@pytest.mark.parametrize(
    "resource_id",
    ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "1", "9" * 500, "{upper}"],
)
def test_it_answers_an_unknown_id_with_a_404_outcome(app, client, token, resource_id):
    public_id = make_submission(app, MARIA)
    response = call(client, f"{QR}/{resource_id.format(upper=public_id.upper())}", token)
    outcome(response, 404, "not-found")
    [event] = events(app)
    assert (event.action, event.detail, event.submission_public_id) == ("fhir.read", "not found", None)


def test_it_never_returns_a_draft(app, client, token, patient):
    patient.client = app.test_client()
    patient.complete_all_steps()
    make_submission(app, MARIA, status="draft")
    with app.app_context():
        drafts = list(db.session.scalars(select(Submission.public_id).where(Submission.status == "draft")))
    assert len(drafts) == 2
    for draft_id in drafts:
        outcome(call(client, f"{QR}/{draft_id}", token), 404, "not-found")
    assert "entry" not in fhir(call(client, QR, token))


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/fhir/nothing"),
        ("GET", "/fhir"),
        ("GET", f"{QR}/a/b"),
        ("GET", "/fhir/Patient/1"),
        ("POST", QR),
        ("PUT", f"{QR}/x"),
        ("DELETE", f"{QR}/x"),
        ("POST", "/fhir/metadata"),
    ],
)
def test_it_never_answers_an_api_path_with_html(client, token, method, path):
    response = client.open(path, method=method, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (404, 405)
    code = "not-found" if response.status_code == 404 else "not-supported"
    outcome(response, response.status_code, code)
    if response.status_code == 405:
        assert "GET" in response.headers["Allow"]


def test_it_answers_an_unexpected_error_with_a_500_outcome(app, client, token, monkeypatch):
    public_id = make_submission(app, MARIA)

    def broken(*_args):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(documents, "submission_resource", broken)
    response = call(client, f"{QR}/{public_id}", token)
    body = outcome(response, 500, "exception")
    assert "secret internals" not in json.dumps(body)


# --- search ----------------------------------------------------------------------------------------

# 2025-03-15 in New York (EDT, UTC-4) runs from 04:00Z to 04:00Z the next day.
TIMES = {
    "a": datetime(2025, 3, 14, 13, 0, 0, tzinfo=timezone.utc),
    "b": datetime(2025, 3, 15, 4, 30, 0, tzinfo=timezone.utc),  # 00:30 on the 15th in New York
    "c": datetime(2025, 3, 16, 3, 59, 59, tzinfo=timezone.utc),  # 23:59:59 on the 15th
    "d": datetime(2025, 3, 16, 12, 0, 0, tzinfo=timezone.utc),
}


@pytest.fixture
def timeline(app) -> dict[str, str]:
    ids = {name: make_submission(app, MARIA, submitted_at=at) for name, at in TIMES.items()}
    make_submission(app, MARIA, status="draft", submitted_at=TIMES["b"])  # never listed
    return ids


def found(client, token, query: str) -> dict:
    body = fhir(call(client, f"{QR}?{query}", token))
    Bundle.parse_obj(body)
    assert body["type"] == "searchset"
    return body


@pytest.mark.parametrize(
    "query, expected",
    [
        ("_lastUpdated=ge2025-03-15", "dcb"),
        ("_lastUpdated=gt2025-03-15", "d"),
        ("_lastUpdated=lt2025-03-15", "a"),
        ("_lastUpdated=le2025-03-15", "cba"),
        ("_lastUpdated=eq2025-03-15", "cb"),
        ("_lastUpdated=2025-03-15", "cb"),
        ("_lastUpdated=ge2025-03-15T04:30:00Z", "dcb"),
        ("_lastUpdated=gt2025-03-15T04:30:00Z", "dc"),
        ("_lastUpdated=lt2025-03-15T04:30:00Z", "a"),
        ("_lastUpdated=le2025-03-15T04:30:00Z", "ba"),
        ("_lastUpdated=ge2025-03-15T00:30:00-04:00", "dcb"),
        ("_lastUpdated=gt2025-03-15T04:29Z", "dcb"),  # a minute is the whole minute
        ("_lastUpdated=gt2025-03-15T04:30Z", "dc"),
        ("_lastUpdated=ge2025-03-16T03:59:59.5Z", "d"),
        ("_lastUpdated=ge2025-03-14&_lastUpdated=lt2025-03-16", "cba"),
        ("_lastUpdated=2025-03", "dcba"),
        ("_lastUpdated=2024", ""),
        ("_lastUpdated=ge2026", ""),
        ("", "dcba"),
    ],
)
def test_it_filters_on_last_updated_with_fhir_prefixes(client, token, timeline, query, expected):
    body = found(client, token, query)
    assert [e["resource"]["id"] for e in body.get("entry", [])] == [timeline[name] for name in expected]
    assert body["total"] == len(expected)


def test_it_gives_last_updated_to_the_microsecond_so_gt_misses_nothing(app, client, token):
    first = make_submission(
        app, MARIA, submitted_at=datetime(2025, 3, 14, 10, 0, 0, 300000, tzinfo=timezone.utc)
    )
    [entry] = found(client, token, "")["entry"]
    last_updated = entry["resource"]["meta"]["lastUpdated"]
    assert (entry["resource"]["id"], last_updated) == (first, "2025-03-14T10:00:00.300000Z")
    later = make_submission(
        app, MARIA, submitted_at=datetime(2025, 3, 14, 10, 0, 0, 700000, tzinfo=timezone.utc)
    )
    newer = found(client, token, "_lastUpdated=" + quote(f"gt{last_updated}"))
    assert [e["resource"]["id"] for e in newer["entry"]] == [later]


def test_it_returns_a_searchset_with_full_urls_and_valid_responses(client, token, timeline):
    body = found(client, token, "_lastUpdated=ge2025-03-15")
    assert body["link"] == [
        {"relation": "self", "url": f"http://localhost{QR}?_lastUpdated=ge2025-03-15&_count=20"}
    ]
    for entry in body["entry"]:
        assert entry["fullUrl"] == f"http://localhost{QR}/{entry['resource']['id']}"
        assert entry["search"] == {"mode": "match"}
        FhirResponse.parse_obj(entry["resource"])
        assert response_problems(entry["resource"], FHIR_QUESTIONNAIRE) == []


def test_it_pages_with_count_and_next_links(client, token, timeline):
    body = found(client, token, "_count=3")
    assert body["total"] == 4 and len(body["entry"]) == 3
    [next_link] = [link["url"] for link in body["link"] if link["relation"] == "next"]
    assert next_link.startswith(f"http://localhost{QR}?_count=3&_cursor=")
    second = found(client, token, next_link.split("?", 1)[1])
    assert second["total"] == 4 and [link["relation"] for link in second["link"]] == ["self"]
    ids = [e["resource"]["id"] for e in body["entry"] + second["entry"]]
    assert ids == [timeline[name] for name in "dcba"]


def test_it_counts_without_entries_for_count_zero_and_caps_count(app, client, token, timeline):
    assert found(client, token, "_count=0") == {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 4,
        "link": [{"relation": "self", "url": f"http://localhost{QR}?_count=0"}],
    }
    app.config["FHIR_API_MAX_COUNT"] = 2
    capped = found(client, token, "_count=1000")
    assert len(capped["entry"]) == 2 and capped["total"] == 4
    assert "_count=2" in capped["link"][0]["url"]


@pytest.mark.parametrize(
    "query, code",
    [
        ("_lastUpdated=2025-13-01", "invalid"),
        ("_lastUpdated=ge2025-02-30", "invalid"),
        ("_lastUpdated=ge2025-03-14T25:00Z", "invalid"),
        ("_lastUpdated=ge2025-03-14T10:00", "invalid"),  # a time needs its zone
        ("_lastUpdated=ge2025-03-14T10:00+15:00", "invalid"),
        ("_lastUpdated=ge25-01-01", "invalid"),
        ("_lastUpdated=gte2025-01-01", "invalid"),
        ("_lastUpdated=xx2025-01-01", "invalid"),
        ("_lastUpdated=ne2025-01-01", "not-supported"),
        ("_lastUpdated=", "invalid"),
        ("_lastUpdated=yesterday", "invalid"),
        ("_count=-1", "invalid"),
        ("_count=ten", "invalid"),
        ("_count=1&_count=2", "invalid"),
        ("_cursor=abc", "invalid"),
    ],
)
def test_it_refuses_a_bad_search_with_a_400_outcome(app, client, token, query, code):
    outcome(call(client, f"{QR}?{query}", token), 400, code)
    [event] = events(app)
    assert event.action == "fhir.search" and event.detail.startswith("refused: ")


def test_it_audits_each_search_with_its_parameters_and_no_health_data(app, client, token):
    make_submission(app, CANARY, submitted_at=TIMES["b"])
    found(client, token, "_lastUpdated=ge2025-03-15&_count=5")
    [event] = events(app, "fhir.search")
    assert (event.actor_label, event.submission_public_id) == ("api:ehr", None)
    assert event.detail == "_lastUpdated=ge2025-03-15 _count=5 total=1"
    assert_no_health_data(app)


# --- a stored response no key opens ----------------------------------------------------------------


def _unreadable_diagnostics(resource: dict, public_id: str, reference: str) -> str:
    OperationOutcome.parse_obj(resource)
    [issue] = resource["issue"]
    assert (issue["severity"], issue["code"]) == ("error", "processing")
    assert f"QuestionnaireResponse/{public_id}" in issue["diagnostics"] and reference in issue["diagnostics"]
    assert not any(value in json.dumps(resource) for value in CANARY_VALUES)
    return issue["diagnostics"]


def test_it_answers_a_read_of_an_unreadable_response_with_a_clear_outcome(app, client, token, caplog):
    public_id = make_submission(app, CANARY, reference="SEAL-2345")
    seal_under_a_retired_key(app, public_id)
    response = call(client, f"{QR}/{public_id}", token)
    body = outcome(response, 500, "processing")
    diagnostics = _unreadable_diagnostics(body, public_id, "SEAL-2345")
    assert "integrity check" in diagnostics
    [event] = events(app, "fhir.read")
    assert (event.submission_public_id, event.detail) == (public_id, "unreadable")
    assert public_id in caplog.text and not any(value in caplog.text for value in CANARY_VALUES)
    assert_no_health_data(app)


def test_it_names_an_unreadable_response_in_a_search_and_returns_the_others(app, client, token, caplog):
    ids = {
        name: make_submission(
            app,
            {**CANARY, "about.last_name": f"Row-{name}"},
            submitted_at=at,
            reference=f"SRCH-{n + 2}{n + 2}{n + 2}{n + 2}",
        )
        for n, (name, at) in enumerate(TIMES.items())
    }
    seal_under_a_retired_key(app, ids["c"])
    body = found(client, token, "_lastUpdated=ge2025-03-14")
    assert empties(body) == [] and bundle_problems(body) == []
    assert body["total"] == 4, "the unreadable response still matches the search"
    assert [(e["search"]["mode"], e["resource"]["resourceType"]) for e in body["entry"]] == [
        ("match", "QuestionnaireResponse"),
        ("outcome", "OperationOutcome"),
        ("match", "QuestionnaireResponse"),
        ("match", "QuestionnaireResponse"),
    ]
    assert [e["resource"].get("id") for e in body["entry"]] == [ids["d"], None, ids["b"], ids["a"]]
    assert "fullUrl" not in body["entry"][1]
    _unreadable_diagnostics(body["entry"][1]["resource"], ids["c"], "SRCH-4444")
    for entry in (body["entry"][n] for n in (0, 2, 3)):
        FhirResponse.parse_obj(entry["resource"])
    [event] = events(app, "fhir.search")
    assert event.detail == "_lastUpdated=ge2025-03-14 _count=20 total=4"
    assert ids["c"] in caplog.text and not any(value in caplog.text for value in CANARY_VALUES)
    assert_no_health_data(app)


def test_it_pages_past_an_unreadable_response(app, client, token):
    ids = [make_submission(app, MARIA, submitted_at=at) for at in TIMES.values()]
    seal_under_a_retired_key(app, ids[2])
    seen, query = [], "_count=1"
    while query:
        body = found(client, token, query)
        assert len(body["entry"]) == 1 and body["total"] == 4
        seen.append(body["entry"][0]["resource"].get("id", "unreadable"))
        links = [link["url"] for link in body["link"] if link["relation"] == "next"]
        query = links[0].split("?", 1)[1] if links else None
    assert seen == [ids[3], "unreadable", ids[1], ids[0]]


# --- rate limit -------------------------------------------------------------------------------------


@pytest.fixture
def limited_app(database_url):
    with app_with_schema(database_url, FHIR_API_RATE_LIMIT="3/minute") as app:
        yield app


def test_it_limits_each_token_and_answers_429_with_an_outcome(limited_app):
    app, client = limited_app, limited_app.test_client()
    busy, other = make_token(app, "busy"), make_token(app, "other")
    public_id = make_submission(app, MARIA)
    for path in (QR, f"{QR}/{public_id}", QR):  # one budget across the API's routes
        fhir(call(client, path, busy))
    response = call(client, f"{QR}/{public_id}", busy)
    outcome(response, 429, "throttled")
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    fhir(call(client, QR, other))  # another integration keeps its own budget
    assert [(e.action, e.actor_label) for e in events(app)] == [
        ("fhir.search", "api:busy"),
        ("fhir.read", "api:busy"),
        ("fhir.search", "api:busy"),
        ("fhir.throttled", "api:busy"),
        ("fhir.search", "api:other"),
    ]


def test_it_writes_one_audit_row_per_call(app, client, token):
    public_id = make_submission(app, MARIA)
    calls = [f"{QR}/{public_id}", f"{QR}/00000000-0000-4000-8000-000000000000", QR, f"{QR}?_count=x"]
    for path in calls:
        call(client, path, token)
    call(client, QR)
    assert [e.action for e in events(app)] == [
        "fhir.read",
        "fhir.read",
        "fhir.search",
        "fhir.search",
        "fhir.denied",
    ]


@pytest.mark.parametrize(
    "headers, query",
    [
        ({"Accept": ";;;,,,q=abc"}, ""),
        ({"Accept": "application/fhir+json;q=nope"}, ""),
        ({"Accept": "\u00e9/\u00e9"}, ""),
        ({"Accept": "*" * 5000}, ""),
        ({"Prefer": "handling"}, "x=1"),
        ({"Prefer": "handling=;;;=,,"}, "x=1"),
        ({"Prefer": "handling=" + "s" * 5000}, "x=1"),
        ({}, "_format="),
        ({}, "_format=%00"),
        ({}, "url=%00&version=%ff&_id=" + "x" * 3000),
        ({}, "url=a&url=b&_count=99999999999"),
        ({"Prefer": "handling=strict"}, "%00=1"),
        ({"Prefer": "handling=strict"}, "=1"),
    ],
)
def test_bad_headers_and_parameters_never_give_a_500(app, client, token, headers, query):
    for path in ("/fhir/metadata", "/fhir/Questionnaire", QR, "/fhir/Questionnaire/facial-twitching-intake"):
        response = call(client, f"{path}?{query}", token, headers=headers)
        assert response.status_code < 500, (path, response.get_data(as_text=True)[:300])
        assert response.content_type == "application/fhir+json"


def test_fhir_canonical_base_is_read_from_the_environment(tmp_path):
    """config.py reads FHIR_CANONICAL_BASE from the environment; unset, it is None (and the
    app takes PUBLIC_URL + /fhir, test_the_questionnaire_is_published_under_...)."""
    import os
    import subprocess
    import sys

    code = "import config; print(config.Config.FHIR_CANONICAL_BASE)"
    env = {
        **os.environ,
        "FHIR_CANONICAL_BASE": "https://forms.clinic.org/fhir",
        "INTAKE_INSTANCE_DIR": str(tmp_path),
    }
    given = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert given.stdout.strip() == "https://forms.clinic.org/fhir"
    env.pop("FHIR_CANONICAL_BASE")
    unset = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert unset.stdout.strip() == "None"
