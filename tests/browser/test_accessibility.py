"""Every patient page in Chromium: zero axe-core violations (WCAG 2.2 A/AA), nothing wider
than a phone, light pages, no external resources. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.answers import COMPLETE_FORM
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.driver import STEPS, click_and_wait, fill_with_mouse

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()
# Mistakes a person can make in the browser (the page's script already prevents some,
# such as ticking "None of these" with a sign; maxlength stops over-long one-line text).
MISTAKES = {
    "safety": {},
    "about": {"about.email": "x", "about.birth_date": "2999-01-01"},
    "twitching": {},
    "episodes": None,  # every question may be skipped, and only the offered answers can be clicked
    "media": None,  # optional; its error states are checked in test_media_browser.py
    "pattern": None,  # every question may be skipped, and only the offered answers can be clicked
    "course": {"course.other_movements": "yes", "course.other_movements_age": "young"},
    "history": {"history.paralysis": "yes", "history.paralysis_year": "soon"},
    "health": None,
    "treatments": {"history.treatments": ["botox"], "treatments.botox_times": "0"},
    "stress": None,
    "daily_life": {"stress.caffeine": "lots"},
    "visit": None,
}


def check_page(page, name: str, viewport: dict = PHONE) -> None:
    label = "phone" if viewport == PHONE else "desktop"
    screenshot(page, f"{label}-{name}")
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} overflows"


def submit_step(page, data: dict) -> None:
    fill_with_mouse(page, data)
    click_and_wait(page, "button[value=next]")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_it_has_no_accessibility_violations_on_any_patient_page(server, new_page, viewport):
    page = new_page(viewport=viewport)
    page.goto(server.url + "/")
    check_page(page, "01-welcome", viewport)
    click_and_wait(page, "button[value=next]")
    check_page(page, "01-welcome-errors", viewport)
    submit_step(page, COMPLETE_FORM["welcome"])
    for number, step in enumerate(STEPS, start=2):
        check_page(page, f"{number:02d}-{step}", viewport)
        if MISTAKES[step] is not None:
            submit_step(page, MISTAKES[step])
            assert page.is_visible("#error-summary"), step
            check_page(page, f"{number:02d}-{step}-errors", viewport)
            page.goto(f"{server.url}/step/{step}")
        submit_step(page, COMPLETE_FORM[step])
    check_page(page, "11-review", viewport)
    click_and_wait(page, "text=Send my answers")
    check_page(page, "11-review-errors", viewport)
    page.click('label[for="confirm"]')
    click_and_wait(page, "text=Send my answers")
    check_page(page, "12-done", viewport)
    click_and_wait(page, "text=See and print a copy of your answers")
    check_page(page, "13-printable", viewport)
    page.goto(server.url + "/no-such-page")
    check_page(page, "14-not-found", viewport)


def test_it_has_no_accessibility_violations_on_the_safety_pages(server, page):
    for sign, name in (("speech", "emergency"), ("ear_rash", "urgent")):
        page.context.clear_cookies()
        page.goto(server.url + "/")
        submit_step(page, COMPLETE_FORM["welcome"])
        submit_step(page, {"safety.signs": [sign]})
        assert page.url.endswith(f"/{name}?after=safety")
        check_page(page, name)
        click_and_wait(page, "text=Get a link to finish later")
        check_page(page, f"{name}-saved")


def test_it_keeps_patient_pages_light_and_self_contained(server, new_page):
    """A first visit (empty cache) to each page: at most 3 requests, under 60 KB before
    compression, all local. (50 KB until the history page took the safety questions of
    issue 25: 54 KB; 62 KB with the character counter and the copy button of issue 28,
    until the long pages were split: the history page, still the heaviest, is 48 KB.)"""
    page = new_page()
    page.goto(server.url + "/")
    for step in ("welcome",) + STEPS[: STEPS.index("treatments")]:
        submit_step(page, COMPLETE_FORM[step])
    cookies = page.context.cookies()
    # history is the heaviest; pattern carries the inline drawings
    for path in (
        "/",
        "/step/safety",
        "/step/twitching",
        "/step/episodes",
        "/step/pattern",
        "/step/history",
        "/step/health",
        "/step/treatments",
    ):
        fresh = new_page()
        fresh.context.add_cookies(cookies)
        fetched: list = []
        fresh.on("requestfinished", lambda request, fetched=fetched: fetched.append(request))
        fresh.goto(server.url + path, wait_until="networkidle")
        assert fresh.url == server.url + path
        assert len(fetched) <= 3, [r.url for r in fetched]
        assert all(r.url.startswith(server.url) for r in fetched), [r.url for r in fetched]
        assert sum(len(r.response().body()) for r in fetched) < 60_000, path
