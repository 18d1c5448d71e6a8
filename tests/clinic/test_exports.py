"""Exports of the filtered list (CSV: one row per submission, item columns, scores, safe cells;
FHIR: a Bundle of QuestionnaireResponses) and of one submission (a QuestionnaireResponse)."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.operationoutcome import OperationOutcome
from fhir.resources.questionnaireresponse import QuestionnaireResponse as FhirResponse
from sqlalchemy import select

from intake import documents
from intake.clinic import csv_rows
from intake.extensions import db
from intake.models import AuditEvent, Submission
from intake.questionnaire.fhir import answers_from_response, bundle, published_at, questionnaire_resource
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests import fhir_cases
from tests.answers import MARIA
from tests.conftest import make_submission, seal_under_a_retired_key
from tests.fhir_cases import bundle_problems, empties, response_problems


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


@pytest.mark.parametrize(
    "cell, expected",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1 212 555 0100", "'+1 212 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        # A tab or CR starts a formula too, and is itself where a spreadsheet may split.
        ("\t=1", "'\t'=1"),
        ("\r=1", "'\r'=1"),
        # Anywhere a spreadsheet could split the cell (the hardening issue, point 4):
        ("Colon;=1+1", "Colon;'=1+1"),
        ("tab\t=1+1", "tab\t'=1+1"),
        ("pipe|@SUM(A1)", "pipe|'@SUM(A1)"),
        ("comma,+1", "comma,'+1"),
        ("line\n-1+1", "line\n'-1+1"),
        ("two;=A1;=B1", "two;'=A1;'=B1"),
        ("Lower eyelid; Cheek", "Lower eyelid; Cheek"),
        ("plain words", "plain words"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (12, 12),
    ],
)
def test_it_neutralises_cells_a_spreadsheet_would_run(cell, expected):
    """OWASP's CSV injection triggers, at the start of the cell or of any piece a
    spreadsheet could split it into (";", tab, "|", ",", a line break)."""
    assert csv_rows.neutralise(cell) == expected


def test_it_quotes_every_text_cell_and_leaves_numbers_bare(app, client, clinician):
    make_submission(app, {**MARIA, "visit.goals": "Colon;=1+1"})
    body = client.get("/clinic/export.csv").get_data(as_text=True)
    assert '"Colon;\'=1+1"' in body
    # Read back as the writer wrote it: quoted cells are text, bare ones numbers.
    header, row = csv.reader(io.StringIO(body.lstrip("\ufeff")), quoting=csv.QUOTE_NONNUMERIC)
    assert header[0] == "reference" and row[header.index("visit.goals")] == "Colon;'=1+1"
    assert isinstance(row[header.index("gad7_score")], float), "a score stays a number"


def test_it_names_one_column_per_item_then_the_scores():
    header = csv_rows.header(QUESTIONNAIRE)
    items = [item.link_id for item in QUESTIONNAIRE.items()]
    fixed = [*csv_rows.FIXED_COLUMNS, "synopsis"]
    assert header[: len(fixed)] == fixed
    assert header[len(fixed) : len(fixed) + len(items)] == items
    assert (
        header[-8:]
        == [
            "gad7_score",
            "gad7_band",
            "gad7_positive",
            "gad2_score",
            "gad2_positive",
            "phq2_score",
            "phq2_positive",
            "phq4_score",
            "phq4_band",
        ][-8:]
    )
    assert len(header) == len(set(header))


def test_it_exports_the_filtered_list_one_row_each_with_answers_and_scores(app, client, clinician):
    now = datetime.now(timezone.utc)
    make_submission(app, MARIA, reference="EXPA-2222", submitted_at=now - timedelta(hours=1))
    incomplete = {**MARIA, "safety.signs": ["speech"]}
    incomplete.pop("stress.gad7.3")
    make_submission(app, incomplete, reference="EXPB-2222", submitted_at=now - timedelta(hours=2))
    rows = _csv(client.get("/clinic/export.csv"))
    assert [r["reference"] for r in rows] == ["EXPA-2222", "EXPB-2222"]
    first = rows[0]
    assert first["about.last_name"] == "Lopez" and first["status"] == "new"
    assert first["twitch.where"] == "Lower eyelid; Cheek; Corner of the mouth"
    assert first["about.phone"] == "'+1 212 555 0100", "a phone number is not a formula"
    assert first["gad7_score"].isdigit() and first["gad7_band"]
    assert first["synopsis"].startswith("47 y · left · lower lid → cheek, mouth corner"), "issue 27, part 1"
    assert rows[1]["gad7_score"] == "incomplete" and rows[1]["gad7_band"] == ""
    assert rows[1]["safety_tier"] == "emergency"
    emergency_only = _csv(client.get("/clinic/export.csv?tier=emergency"))
    assert [r["reference"] for r in emergency_only] == ["EXPB-2222"]


def test_it_neutralises_formulas_in_patient_text(app, client, clinician):
    make_submission(app, {**MARIA, "about.first_name": "=cmd|' /C calc'!A0", "visit.goals": "@SUM(1+1)*cmd"})
    [row] = _csv(client.get("/clinic/export.csv"))
    assert row["about.first_name"] == "'=cmd|' /C calc'!A0"
    assert row["visit.goals"] == "'@SUM(1+1)*cmd"


def test_it_sends_a_named_attachment_as_a_stream(app, client, clinician):
    make_submission(app, MARIA)
    response = client.get("/clinic/export.csv")
    streamed = response.is_streamed
    response.get_data()
    assert streamed
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="submissions-')
    assert response.headers["Cache-Control"] == "no-store"


def test_it_records_one_audit_event_per_export_without_the_search_or_health_data(app, client, clinician):
    make_submission(app, MARIA, reference="AUDX-2222")
    search = clinician.post("/clinic/", {"q": "Lopez", "tier": "none"}, token_from="/clinic/")
    export_link = search.location.replace("/clinic/?", "/clinic/export.csv?")
    _csv(client.get(export_link))
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.csv"))
    assert event.actor_label == "dr.ana" and event.submission_public_id is None
    assert event.detail == "tier=none search"
    assert "Lopez" not in event.detail and "Maria" not in event.detail


def test_it_streams_a_large_export_in_chunks(app, client, clinician, monkeypatch):
    for n in range(30):
        make_submission(app, {**MARIA, "about.last_name": f"Row{n}"})
    monkeypatch.setattr(csv_rows, "BATCH", 7)
    response = client.get("/clinic/export.csv")
    chunks = list(response.response)
    response.close()
    assert len(chunks) >= 1
    body = "".join(c.decode() if isinstance(c, bytes) else c for c in chunks)
    assert body.count("\n") == 31


@pytest.mark.sqlite_only  # only SQLite has one writer at a time
def test_it_does_not_hold_patients_up_while_an_export_runs(app, client, clinician, patient):
    for n in range(5):
        make_submission(app, {**MARIA, "about.last_name": f"Row{n}"})
    response = client.get("/clinic/export.csv")
    stream = iter(response.response)
    next(stream)  # the export's read transaction is now open
    patient.client = app.test_client()
    started = time.perf_counter()
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(patient.start().status_code))
    worker.start()
    worker.join(10)
    assert result == [302] and time.perf_counter() - started < 3, "a patient's write waited on the export"
    list(stream)
    response.close()


# --- FHIR: one submission from its summary page, the filtered list as a Bundle ----------------

# The downloads name the questionnaire by its canonical URL, by default PUBLIC_URL + /fhir.
PUBLISHED = published_at(QUESTIONNAIRE, "http://localhost/fhir")
FHIR_QUESTIONNAIRE = questionnaire_resource(PUBLISHED)
SUBMITTED = datetime(2025, 3, 14, 13, 26, 53, tzinfo=timezone.utc)


def _fhir(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.content_type == "application/fhir+json"
    assert response.headers["Cache-Control"] == "no-store"
    body = json.loads(response.get_data(as_text=True))
    assert empties(body) == [], "FHIR JSON has no empty arrays, objects or strings"
    return body


def _valid_response(resource: dict) -> dict:
    FhirResponse.parse_obj(resource)
    assert response_problems(resource, FHIR_QUESTIONNAIRE) == []
    return resource


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_it_downloads_a_questionnaire_response_from_the_summary_page(app, client, clinician):
    public_id = make_submission(app, MARIA, reference="FHIR-2345", submitted_at=SUBMITTED)
    page = client.get(f"/clinic/submissions/{public_id}").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" download>Download FHIR QuestionnaireResponse</a>', page).group(1)
    assert link == f"/clinic/submissions/{public_id}/fhir.json"
    response = client.get(link)
    assert response.headers["Content-Disposition"] == 'attachment; filename="FHIR-2345.fhir.json"'
    resource = _valid_response(_fhir(response))
    assert (resource["id"], resource["status"]) == (public_id, "completed")
    assert resource["authored"] == "2025-03-14T13:26:53Z" == resource["meta"]["lastUpdated"]
    assert resource["questionnaire"] == "http://localhost/fhir/Questionnaire/facial-twitching-intake|1.0.0"
    assert resource["identifier"]["value"] == "FHIR-2345"
    assert resource["subject"] == {"display": "Maria Lopez"}
    assert answers_from_response(PUBLISHED, resource) == QUESTIONNAIRE.enabled_answers(MARIA) == MARIA


def test_it_audits_a_fhir_download_like_a_view_of_the_summary(app, client, clinician):
    public_id = make_submission(app, MARIA)
    _fhir(client.get(f"/clinic/submissions/{public_id}/fhir.json"))
    [event] = _events(app, "export.fhir")
    assert (event.actor_label, event.submission_public_id, event.detail) == ("dr.ana", public_id, "")
    assert _events(app, "submission.viewed") == [], "the download is its own audit row, not a view"


def test_it_answers_a_fhir_download_of_a_draft_or_unknown_id_with_404(app, client, clinician, patient):
    patient.client = app.test_client()
    patient.start()
    with app.app_context():
        draft_id = db.session.scalar(select(Submission.public_id))
    for public_id in (draft_id, str(uuid.uuid4())):
        assert client.get(f"/clinic/submissions/{public_id}/fhir.json").status_code == 404
    assert _events(app, "export.fhir") == []


def test_it_exports_the_filtered_list_as_a_fhir_bundle(app, client, clinician):
    ids = {
        "calm": make_submission(app, MARIA, submitted_at=SUBMITTED),
        "emergency": make_submission(
            app, {**MARIA, "safety.signs": ["speech"]}, submitted_at=SUBMITTED + timedelta(hours=2)
        ),
        "reviewed": make_submission(
            app, MARIA, status="reviewed", submitted_at=SUBMITTED + timedelta(days=3)
        ),
    }
    dashboard = client.get("/clinic/?tier=emergency").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" download>FHIR Bundle</a>', dashboard).group(1)
    assert link == "/clinic/export.fhir.json?tier=emergency"
    response = client.get(link)
    assert re.fullmatch(
        r'attachment; filename="submissions-\d{8}-\d{4}\.fhir\.json"', response.headers["Content-Disposition"]
    )
    emergency = _fhir(response)
    Bundle.parse_obj(emergency)
    assert emergency["type"] == "collection" and "total" not in emergency
    assert [e["resource"]["id"] for e in emergency["entry"]] == [ids["emergency"]]

    everything = _fhir(client.get("/clinic/export.fhir.json"))
    Bundle.parse_obj(everything)
    assert [e["resource"]["id"] for e in everything["entry"]] == [
        ids["reviewed"],
        ids["emergency"],
        ids["calm"],
    ]
    for entry in everything["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"
        _valid_response(entry["resource"])
        assert answers_from_response(PUBLISHED, entry["resource"])["about.last_name"] == "Lopez"
    dated = _fhir(client.get("/clinic/export.fhir.json?status=new&from=2025-03-14&to=2025-03-14"))
    assert {e["resource"]["id"] for e in dated["entry"]} == {ids["calm"], ids["emergency"]}


def test_it_exports_an_empty_fhir_bundle_without_an_entry_array(app, client, clinician):
    make_submission(app, MARIA)
    empty = _fhir(client.get("/clinic/export.fhir.json?tier=urgent"))
    Bundle.parse_obj(empty)
    assert "entry" not in empty and empty["type"] == "collection"


def test_it_records_one_audit_event_per_bundle_export_without_the_search(app, client, clinician):
    make_submission(app, MARIA, reference="AUDF-2222")
    search = clinician.post("/clinic/", {"q": "Lopez", "status": "new"}, token_from="/clinic/")
    _fhir(client.get(search.location.replace("/clinic/?", "/clinic/export.fhir.json?")))
    [event] = _events(app, "export.fhir_bundle")
    assert (event.actor_label, event.submission_public_id, event.detail) == (
        "dr.ana",
        None,
        "status=new search",
    )


def test_it_streams_a_large_fhir_bundle_in_pieces(app, client, clinician, monkeypatch):
    for n in range(30):
        make_submission(app, {**MARIA, "about.last_name": f"Row{n}"})
    monkeypatch.setattr(documents, "BATCH", 4)
    monkeypatch.setattr(documents, "ENTRIES_PER_CHUNK", 7)
    response = client.get("/clinic/export.fhir.json")
    assert response.is_streamed
    chunks = [c.decode() if isinstance(c, bytes) else c for c in response.response]
    response.close()
    assert len(chunks) == 5  # 7 + 7 + 7 + 7 entries, then the last 2 and the closing brackets
    body = json.loads("".join(chunks))
    Bundle.parse_obj(body)
    assert len(body["entry"]) == 30 and len({e["resource"]["id"] for e in body["entry"]}) == 30


@pytest.mark.parametrize("count, per_chunk", [(0, 3), (1, 3), (3, 3), (7, 3), (5, 50)])
def test_it_streams_the_same_json_that_bundle_builds(count, per_chunk):
    resources = [
        {
            "resourceType": "QuestionnaireResponse",
            "id": str(uuid.uuid4()),
            "status": "completed",
            "questionnaire": "https://x.example/Q|1",
        }
        for _ in range(count)
    ]
    bundle_id = str(uuid.uuid4())
    pieces = list(
        documents.bundle_chunks(resources, bundle_id=bundle_id, timestamp=SUBMITTED, per_chunk=per_chunk)
    )
    assert json.loads("".join(pieces)) == bundle(
        resources, type="collection", bundle_id=bundle_id, timestamp=SUBMITTED
    )
    assert len(pieces) == count // per_chunk + 1


# --- a stored submission no key opens --------------------------------------------------------


def _rows_with_one_sealed_under_a_retired_key(app, count: int = 5, unreadable: int = 2) -> list[str]:
    """Public ids, oldest first, of `count` submissions; the one at `unreadable` is sealed
    under a key the app does not have."""
    ids = [
        make_submission(
            app,
            {**MARIA, "about.last_name": f"Row{n}"},
            reference=f"ROWS-{n + 2}{n + 2}{n + 2}{n + 2}",
            submitted_at=SUBMITTED + timedelta(hours=n),
        )
        for n in range(count)
    ]
    seal_under_a_retired_key(app, ids[unreadable])
    return ids


def _unreadable_issue(resource: dict, public_id: str, reference: str) -> dict:
    OperationOutcome.parse_obj(resource)
    [issue] = resource["issue"]
    assert (issue["severity"], issue["code"]) == ("error", "processing")
    assert f"QuestionnaireResponse/{public_id}" in issue["diagnostics"] and reference in issue["diagnostics"]
    assert "Row" not in json.dumps(resource) and "Lopez" not in json.dumps(resource), "no health data"
    return issue


def test_it_names_an_unreadable_submission_in_the_bundle_and_exports_every_other(
    app, client, clinician, monkeypatch, caplog
):
    ids = _rows_with_one_sealed_under_a_retired_key(app)
    monkeypatch.setattr(documents, "BATCH", 2)  # the unreadable row sits inside a batch
    monkeypatch.setattr(documents, "ENTRIES_PER_CHUNK", 2)
    response = client.get("/clinic/export.fhir.json")
    chunks = [c.decode() if isinstance(c, bytes) else c for c in response.response]
    response.close()
    body = json.loads("".join(chunks))
    assert empties(body) == [] and bundle_problems(body) == []
    Bundle.parse_obj(body)
    kinds = [entry["resource"]["resourceType"] for entry in body["entry"]]
    assert kinds == ["QuestionnaireResponse"] * 2 + ["OperationOutcome"] + ["QuestionnaireResponse"] * 2, (
        "in place"
    )
    readable = [
        entry["resource"]
        for entry in body["entry"]
        if entry["resource"]["resourceType"] != "OperationOutcome"
    ]
    assert [resource["id"] for resource in readable] == [ids[4], ids[3], ids[1], ids[0]]
    for resource in readable:
        _valid_response(resource)
    unreadable = body["entry"][2]
    assert list(unreadable) == ["resource"], "no fullUrl: the outcome is not the submission itself"
    _unreadable_issue(unreadable["resource"], ids[2], "ROWS-4444")
    logged = [r for r in caplog.records if "failed its integrity check" in r.getMessage()]
    assert len(logged) == 1 and ids[2] in logged[0].getMessage()
    assert "Row2" not in caplog.text and "Lopez" not in caplog.text


def test_it_answers_a_download_of_an_unreadable_submission_with_an_operation_outcome(
    app, client, clinician, caplog
):
    ids = _rows_with_one_sealed_under_a_retired_key(app, count=1, unreadable=0)
    response = client.get(f"/clinic/submissions/{ids[0]}/fhir.json")
    assert response.status_code == 500 and response.content_type == "application/fhir+json"
    assert "Content-Disposition" not in response.headers, "nothing to save"
    body = json.loads(response.get_data(as_text=True))
    assert empties(body) == []
    _unreadable_issue(body, ids[0], "ROWS-2222")
    assert _events(app, "export.fhir") == [], "nothing was exported"
    assert ids[0] in caplog.text and "Lopez" not in caplog.text


def test_it_marks_an_unreadable_submission_in_the_csv_and_exports_every_other(
    app, client, clinician, monkeypatch, caplog
):
    ids = _rows_with_one_sealed_under_a_retired_key(app)
    monkeypatch.setattr(csv_rows, "BATCH", 2)  # the unreadable row sits inside a batch
    response = client.get("/clinic/export.csv")
    body = response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert [r[1] for r in rows[1:]] == [ids[4], ids[3], ids[2], ids[1], ids[0]], "every row, newest first"
    unreadable = rows[3]
    assert unreadable[0] == "ROWS-4444" and unreadable[-1] == csv_rows.UNREADABLE
    assert [r[rows[0].index("about.last_name")] for r in rows[1:] if r is not unreadable] == [
        "Row4",
        "Row3",
        "Row1",
        "Row0",
    ]
    assert "Row2" not in body, "nothing of the unreadable row's answers"
    logged = [r for r in caplog.records if "failed its integrity check" in r.getMessage()]
    assert len(logged) == 1 and ids[2] in logged[0].getMessage() and "Row2" not in caplog.text


def test_the_csv_and_fhir_read_submissions_of_both_versions(app, client, clinician):
    old = make_submission(app, MARIA, reference="OLDV-1000")  # answered on 1.0.0
    new = make_submission(app, fhir_cases.COMPLETE, reference="NEWV-2000", version="2.0.0")
    rows = {row["reference"]: row for row in _csv(client.get("/clinic/export.csv"))}
    assert rows["OLDV-1000"]["questionnaire_version"] == "1.0.0"
    assert rows["NEWV-2000"]["questionnaire_version"] == "2.0.0"
    brow_up = next(column for column in rows["NEWV-2000"] if column.startswith("pattern.brow_up"))
    assert rows["NEWV-2000"][brow_up] == "Yes, the eyebrow goes up" and rows["OLDV-1000"][brow_up] == ""
    for public_id, version in ((old, "1.0.0"), (new, "2.0.0")):
        response = json.loads(client.get(f"/clinic/submissions/{public_id}/fhir.json").get_data(as_text=True))
        FhirResponse.parse_obj(response)
        assert response["questionnaire"] == f"{PUBLISHED.url}|{version}"
        assert response_problems(response, FHIR_QUESTIONNAIRE) == []
