"""The printed pre-visit summary, as Chromium makes a PDF of it: what a clinician reads
first on page one, every answer after it as an appendix, three pages at most for a full
form with long free text; the reference and the patient's name at the top of every page,
no navigation."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.answers import MARIA
from tests.browser.conftest import ARTIFACTS, DESKTOP, sign_in
from tests.conftest import make_clinician, make_submission


def test_it_prints_a_full_summary_on_three_pages_with_a_running_header(live_app, server, new_page):
    make_clinician(live_app, "dr.ana", display_name="Dr. Ana Ruiz")
    answers = {
        **MARIA,
        "safety.signs": ["speech", "ear_rash"],
        "visit.goals": "I want to read again without my eye closing. " * 8,
    }
    public_id = make_submission(live_app, answers, reference="PRNT-2222")
    page = new_page(viewport=DESKTOP)
    sign_in(page, server.url, live_app)
    page.goto(f"{server.url}/clinic/submissions/{public_id}")
    assert page.is_visible("button[data-print]"), "the print button appears with JavaScript on"
    pdf = page.pdf(format="Letter")
    (ARTIFACTS / "print").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "print" / "summary.pdf").write_bytes(pdf)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert 1 < len(pages) <= 3, len(pages)
    first = " ".join(pages[0].split())
    for block in (
        "Safety",
        "Timeline",
        "Key facts, yes and no",
        "Patient's left",
        "Twitching at a glance",
        "GAD-7",
    ):
        assert block in first, block
    assert "Every answer" not in first
    for text in pages:
        assert text.splitlines()[0].startswith("PRNT-2222 · Maria Lopez · Pre-visit summary")
    whole = "\n".join(pages)
    assert "Sign out" not in whole and "Mark as reviewed" not in whole and "Add a note" not in whole
    assert whole.index("Emergency") < whole.index("Who")
