"""The patient's own copy of a sent form (the hardening issue, point 8): readable only in
the browser that sent it, and only for SENT_ANSWERS_MINUTES (default 60) after sending,
counted on the server; after that the page says the answers were sent and gives the
reference, not the answers. On a waiting-room browser the next person finds nothing."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from intake.models import utcnow
from tests.conftest import Patient, all_submissions


def _sent(patient: Patient) -> str:
    patient.complete_all_steps()
    assert patient.submit().location.endswith("/done")
    [sent] = all_submissions(patient.client.application)
    return sent.reference


def test_the_browser_that_sent_it_reads_its_copy_for_an_hour(app, patient):
    reference = _sent(patient)
    assert "Canary" in patient.client.get("/done/answers").get_data(as_text=True)
    with time_machine.travel(utcnow() + timedelta(minutes=59), tick=False):
        assert "Canary" in patient.client.get("/done/answers").get_data(as_text=True)
    with time_machine.travel(utcnow() + timedelta(minutes=61), tick=False):
        later = patient.client.get("/done/answers")
        page = later.get_data(as_text=True)
        assert later.status_code == 200 and reference in page and "Canary" not in page
        assert "no longer shows them" in page
        assert "/done/answers" not in patient.client.get("/done").get_data(as_text=True)


def test_the_time_is_configurable(app, patient):
    app.config["SENT_ANSWERS_MINUTES"] = 5
    _sent(patient)
    with time_machine.travel(utcnow() + timedelta(minutes=6), tick=False):
        assert "Canary" not in patient.client.get("/done/answers").get_data(as_text=True)


def test_another_browser_never_reads_it(app, patient):
    _sent(patient)
    other = app.test_client()
    assert other.get("/done/answers").status_code == 404


def test_the_copy_draws_the_places_ticked_as_in_a_mirror(app, patient):
    """Issue 27, part 2: the face map is on the patient's printable copy too, drawn the
    way they answered (their left on the left), in their language."""
    import re

    _sent(patient)  # COMPLETE_FORM: upper eyelid and cheek, left side
    page = patient.client.get("/done/answers").get_data(as_text=True)
    svg = re.search(r'<figure class="patient-face-map">.*?</figure>', page, re.S).group(0)
    assert sorted(re.findall(r'data-place="([a-z_]+)" data-side="([a-z]+)"', svg)) == [
        ("cheek", "left"),
        ("upper_eyelid", "left"),
    ]
    cx = [float(x) for x in re.findall(r'<ellipse cx="([0-9.]+)"[^>]*data-place', svg)]
    assert all(x < 100 for x in cx), "the patient's left is on the left of their drawing"
    assert "Your left" in svg and "as in a mirror" in svg
