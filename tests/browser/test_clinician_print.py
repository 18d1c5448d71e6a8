"""The printed pre-visit summary, as Chromium makes a PDF of it: its whole clinical part on
page one, even for a full form with long free text (issue 27, part 6), every answer after it
as an appendix that follows on without a forced page break (a form answered in full runs a
little over page one, and a break then left page two almost blank); the reference and the
patient's name at the top of every page, no navigation."""

from __future__ import annotations

import io
import random
from datetime import date

from pypdf import PdfReader

from intake.demo import fake_answers
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import MARIA
from tests.browser.conftest import ARTIFACTS, DESKTOP, sign_in
from tests.conftest import make_clinician, make_submission


def printed(page, name: str) -> list[str]:
    pdf = page.pdf(format="Letter")
    (ARTIFACTS / "print").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "print" / name).write_bytes(pdf)
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


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
    pages = printed(page, "summary.pdf")
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
    whole_text = " ".join(" ".join(pages).split())
    assert whole_text.count("Every answer") == 1
    assert whole_text.index("Every answer") > whole_text.index("In the patient's own words")
    # It restates ticked answers the sections show; paper holds each fact once.
    assert "Reported features to explore" not in "".join(pages)
    for text in pages:
        assert text.splitlines()[0].startswith("PRNT-2222 · Maria Lopez · Pre-visit summary")
    whole = "\n".join(pages)
    assert "Sign out" not in whole and "Mark as reviewed" not in whole and "Add a note" not in whole
    assert whole.index("Emergency") < whole.index("Who")


def test_a_form_answered_in_full_leaves_no_page_almost_blank(live_app, server, new_page):
    """Every question answered (the demo's made-up forms): the clinical part runs onto page
    two, and the appendix goes on right after it rather than on a page of its own."""
    make_clinician(live_app, "dr.ana", display_name="Dr. Ana Ruiz")
    page = new_page(viewport=DESKTOP)
    sign_in(page, server.url, live_app)
    for seed in range(3):
        answers = fake_answers(QUESTIONNAIRE, random.Random(seed), date(2026, 12, 7))
        public_id = make_submission(live_app, answers, reference=f"FULL-{seed:04d}")
        page.goto(f"{server.url}/clinic/submissions/{public_id}")
        pages = printed(page, f"full-{seed}.pdf")
        fullest = max(len(text) for text in pages)
        assert len(pages) == 2, (seed, [len(text) for text in pages])
        assert len(pages[0]) > 0.5 * fullest, (seed, [len(text) for text in pages])
