"""The printed pre-visit summary, as Chromium makes a PDF of it: its whole clinical part on
page one, even for a full form with long free text (issue 27, part 6), every answer after it
as an appendix from page two; the reference and the patient's name at the top of every
page, no navigation."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.answers import MARIA
from tests.browser.conftest import ARTIFACTS, DESKTOP, sign_in
from tests.conftest import make_clinician, make_submission


def test_it_prints_the_clinical_part_on_page_one_and_every_answer_after_it(live_app, server, new_page):
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
    assert len(pages) == 2, len(pages)
    first = " ".join(pages[0].split())
    for block in (
        "Safety",
        "Timeline",
        "Key facts, yes and no",
        "Patient's left",
        "Twitching at a glance",
        "Who",
        "History",
        "Medicines and treatments",
        "GAD-7",
        "Sleep: 6 hours a night",
        "In the patient's own words",
        "I want to read again without my eye closing. " * 7 + "I want to read again without my eye closing.",
    ):
        assert block in first, block
    assert "Every answer" not in first and " ".join(pages[1].split()).count("Every answer") == 1
    # It restates ticked answers the sections show; paper holds each fact once.
    assert "Reported features to explore" not in "".join(pages)
    for text in pages:
        assert text.splitlines()[0].startswith("PRNT-2222 · Maria Lopez · Pre-visit summary")
    whole = "\n".join(pages)
    assert "Sign out" not in whole and "Mark as reviewed" not in whole and "Add a note" not in whole
    assert whole.index("Emergency") < whole.index("Who")
