"""bench/step_page.py: the A/B of compiled step pages measures what it says, a step page
served (not a redirect or an error page), with the cache on and then off."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import step_page as bench  # noqa: E402

from intake.patient.step_page import step_page_cache  # noqa: E402


def test_it_brings_a_patient_to_the_step_it_measures(app):
    client = bench.patient_at(app, "history")
    page = client.get("/step/history")
    assert page.status_code == 200 and 'name="history.paralysis"' in page.get_data(as_text=True)


def test_it_times_the_page_with_the_cache_on_and_off(app):
    client = bench.patient_at(app, "history")
    with app.app_context():
        cache = step_page_cache()
    for enabled in (True, False):
        cache.enabled = enabled
        assert bench.per_request_ms(client, "/step/history", 3) > 0
    assert len(cache) >= 1, "the compiled page was kept while the cache was on"
