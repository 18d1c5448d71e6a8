"""The clinician's Safety box and the list, CSV and FHIR export keep the highest tier a
patient's answers ever reached, each flag's page and time, and every downgrade (#25)."""

from __future__ import annotations

import csv
import io
import json

from tests.answers import COMPLETE_FORM, STEPS
from tests.conftest import Patient, all_submissions


def _flag_then_clear(app) -> Patient:
    """Ticks a stroke sign, sees "Call 911 now", goes back and ticks "None of these"."""
    patient = Patient(app.test_client())
    patient.start()
    assert patient.answer("safety", {"safety.signs": ["speech"]}).location.startswith("/emergency")
    patient.answer("safety", {"safety.signs": ["none"]})
    for step in STEPS[STEPS.index("about") :]:
        patient.answer(step)
    assert patient.submit().status_code == 302
    return patient


def _safety_box(client, app) -> str:
    [sent] = all_submissions(app)
    page = client.get(f"/clinic/submissions/{sent.public_id}").get_data(as_text=True)
    return page[page.index('id="safety-title"') : page.index('id="who-title"')]


def test_a_cleared_emergency_stays_the_highest_tier_and_shows_as_withdrawn(app, client, clinician):
    _flag_then_clear(app)
    [sent] = all_submissions(app)
    assert sent.safety_tier == "emergency"
    box = _safety_box(client, app)
    assert "Highest tier reached:" in box and "tier-emergency" in box
    assert "Sudden slurred or jumbled speech" in box
    assert "From the “First, a quick safety check” page" in box
    assert "Withdrawn" in box and "the patient changed this answer" in box
    assert "Lowered from emergency to none" in box


def test_a_red_flag_from_the_health_page_names_that_page(app, client, clinician):
    patient = Patient(app.test_client())
    patient.start()
    for step in STEPS[: STEPS.index("health")]:
        patient.answer(step)
    health = {
        **COMPLETE_FORM["health"],
        "history.other_symptoms": ["numbness"],
        "history.sudden_symptoms": ["numbness"],
    }
    assert patient.answer("health", health).location == "/emergency?after=health"
    patient.post("/emergency/continue?after=health", token_from="/emergency")
    for step in STEPS[STEPS.index("health") + 1 :]:
        patient.answer(step)
    patient.submit()
    box = _safety_box(client, app)
    assert "From the “Other health conditions” page" in box
    assert "The patient said a doctor had already checked these signs" in box
    assert "Face numbness, double vision or dizziness that started suddenly" in box


def test_the_list_csv_and_fhir_carry_the_highest_tier(app, client, clinician):
    _flag_then_clear(app)
    [sent] = all_submissions(app)
    listing = client.get("/clinic/").get_data(as_text=True)
    assert 'class="row-emergency"' in listing
    body = client.get("/clinic/export.csv").get_data(as_text=True).lstrip("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(body)))
    assert row["safety_tier"] == "emergency"
    resource = json.loads(
        client.get(f"/clinic/submissions/{sent.public_id}/fhir.json").get_data(as_text=True)
    )
    [tier] = resource["extension"]
    assert tier["url"].endswith("/StructureDefinition/highest-safety-tier")
    assert tier["valueCoding"]["code"] == "emergency"


def test_the_soon_tier_is_a_filter_of_the_list(app, client, clinician):
    patient = Patient(app.test_client())
    patient.complete_all_steps({"history": {"history.lump": "yes"}})
    patient.submit()
    assert 'class="row-soon"' in client.get("/clinic/?tier=soon").get_data(as_text=True)
    assert "row-soon" not in client.get("/clinic/?tier=urgent").get_data(as_text=True)
