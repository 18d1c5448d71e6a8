"""CSV export of the filtered list: one row per submission, item columns, scores, safe cells."""

from __future__ import annotations

import csv
import io
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from intake import exports
from intake.extensions import db
from intake.models import AuditEvent
from intake.questionnaire.twitching import QUESTIONNAIRE

from .conftest import make_submission
from .test_summary import MARIA


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
        ("+1 212 555 0100", "'+1 212 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain words", "plain words"),
        ("a=b", "a=b"),
        ("", ""),
        (-5, -5),
        (12, 12),
    ],
)
def test_it_neutralises_cells_a_spreadsheet_would_run(cell, expected):
    assert exports.neutralise(cell) == expected


def test_it_names_one_column_per_item_then_the_scores():
    header = exports.header(QUESTIONNAIRE)
    items = [item.link_id for item in QUESTIONNAIRE.items()]
    assert header[: len(exports.FIXED_COLUMNS)] == list(exports.FIXED_COLUMNS)
    assert header[len(exports.FIXED_COLUMNS): len(exports.FIXED_COLUMNS) + len(items)] == items
    assert header[-8:] == ["gad7_score", "gad7_band", "gad7_positive", "gad2_score", "gad2_positive",
                           "phq2_score", "phq2_positive", "phq4_score", "phq4_band"][-8:]
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
    monkeypatch.setattr(exports, "BATCH", 7)
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
