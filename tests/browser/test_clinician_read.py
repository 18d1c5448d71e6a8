"""The clinician's 30-second read in Chromium (issue 27): the synopsis line and the face
map at the top of a summary at 1440x900, and on paper."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.answers import MARIA
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import make_clinician, make_submission

WIDE = {"width": 1440, "height": 900}


def _open_summary(live_app, server, new_page, answers):
    make_clinician(live_app, "dr.ana", display_name="Dr. Ana Ruiz")
    public_id = make_submission(live_app, answers)
    page = new_page(viewport=WIDE)
    sign_in(page, server.url, live_app)
    page.goto(f"{server.url}/clinic/submissions/{public_id}")
    return page


def _in_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= WIDE["height"]


def test_the_synopsis_is_in_the_first_screen_and_the_face_map_is_drawn(live_app, server, new_page):
    page = _open_summary(live_app, server, new_page, MARIA)
    # Issue 27, part 6: what a clinician reads first needs no scrolling at 1440x900.
    for block in (
        "#synopsis",
        "#safety-title",
        ".face-map svg",
        "#timeline-title",
        ".timeline",
        "#key-title",
    ):
        assert _in_first_screen(page, block), block
    assert "left · lower lid → cheek, mouth corner" in page.inner_text("#synopsis")
    shaded = page.eval_on_selector_all(
        ".face-map-region.shaded", "els => els.map(e => e.dataset.place + '/' + e.dataset.side)"
    )
    assert sorted(shaded) == ["cheek/left", "lower_eyelid/left", "mouth_corner/left"]
    # The patient's left is drawn on the right of the picture, as the drawing says.
    cheek = page.locator('.face-map-region[data-place="cheek"][data-side="left"]').bounding_box()
    svg = page.locator(".face-map svg").bounding_box()
    assert cheek["x"] > svg["x"] + svg["width"] / 2
    assert page.locator(".face-map-spread").count() == 2, "spread from the lower lid to two places"
    screenshot(page, "clinician-summary-1440")


def test_the_face_map_prints(live_app, server, new_page):
    page = _open_summary(live_app, server, new_page, MARIA)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="Letter"))).pages]
    first = " ".join(pages[0].split())
    assert (
        "Patient's left" in first and "On the patient's left side: lower eyelid (where it started)" in first
    )


def test_every_answer_is_folded_on_screen_and_open_without_a_script(live_app, server, new_page):
    """Issue 27, part 6: folded on screen (it is the appendix); printed in full (above)."""
    page = _open_summary(live_app, server, new_page, MARIA)
    answers = page.locator(".every-answer .answer-list")
    assert not answers.is_visible()
    page.click(".every-answer summary")
    assert answers.is_visible()
    still = new_page(viewport=WIDE, javascript=False)
    still.context.add_cookies(page.context.cookies())  # the same signed-in clinician
    still.goto(page.url)
    assert still.locator(".every-answer .answer-list").is_visible(), "no script: served open"
